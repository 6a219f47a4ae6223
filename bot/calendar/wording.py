"""Every sentence of the calendar area: replies to `/mentor calendar` and the text of events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.messages import Message, MessageBuilder, Timestamp, TimeStyle

if TYPE_CHECKING:
    from bot.officehours.tables import OfficeHours
    from bot.persistence.tables import Member, Mentorship, Workspace

PLATFORM_NAMES = {"slack": "Slack", "discord": "Discord", "console": "the console"}
FEED_NAME = "mentorbot"


def checkin_summary(mentor: Member, mentee: Member) -> str:
    return f"Mentoring check-in: {mentor.display_name} & {mentee.display_name}"


def checkin_description(m: Mentorship) -> str:
    goal = f"Goal: {m.goals}\n" if m.goals else ""
    return (
        f"{goal}Come with specific questions: `/agenda add <question>`. "
        "Status updates go in the check-in's thread."
    )


def home_location(ws: Workspace, mentor: Member, mentee: Member, focus: str) -> str:
    where = PLATFORM_NAMES.get(ws.platform, ws.platform)
    place = f"mentorship-{mentor.display_name}-{mentee.display_name}" + (f"-{focus}" if focus else "")
    return f"{place} ({where})"


def session_summary(oh: OfficeHours) -> str:
    return f"Office hours: {oh.topic}" if oh.topic else "Office hours"


def session_description(oh: OfficeHours) -> str:
    join = f"Join: {oh.join_details}\n" if oh.join_details else ""
    return f"{join}Queue a question: `/officehours ask <question>`."


def session_location(ws: Workspace, oh: OfficeHours) -> str:
    where = PLATFORM_NAMES.get(ws.platform, ws.platform)
    return f"#{oh.channel_name or oh.channel_id} ({where})"


def checkin_filename() -> str:
    return "checkin.ics"


def session_filename() -> str:
    return "office-hours.ics"


def feed_not_configured() -> str:
    return (
        "Calendar feeds aren't set up on this deployment yet: an admin sets `MENTORBOT_PUBLIC_URL` to the "
        "bot's web address (see the README, “Calendar”). Meanwhile each check-in post carries an .ics file "
        "you can add to your calendar."
    )


def feed_created(https_url: str, webcal_url: str) -> Message:
    b = MessageBuilder().heading("Your private calendar feed")
    b.para(
        "Subscribe to this address in your calendar app (Google Calendar: “From URL”; Outlook: “Subscribe "
        "from web”; Apple Calendar: open the webcal link). It lists your check-ins — with your pair's home "
        "as the place — and the office hours you RSVP'd to, each in its own time zone, so your calendar "
        "shows them in your local time."
    )
    b.para(webcal_url)
    b.para(https_url)
    b.para(
        "Keep it to yourself: anyone with the link sees your schedule. I keep only a fingerprint of it, "
        "so I can't show it again — `/mentor calendar reset` revokes it and gives you a new one."
    )
    return b.build(summary="Your calendar feed")


def feed_exists(since: datetime) -> Message:
    b = MessageBuilder().heading("You already have a calendar feed")
    b.para(
        "You set it up on ",
        Timestamp(since, TimeStyle.DATE),
        ". For your privacy I keep only a fingerprint "
        "of its link, so I can't show it again. Lost it? `/mentor calendar reset` revokes it and gives you "
        "a new one (re-subscribe with the new link).",
    )
    return b.build(summary="Calendar feed")


def feed_reset(https_url: str, webcal_url: str) -> Message:
    b = MessageBuilder().heading("Calendar feed reset")
    b.para("Your old feed link is revoked: calendars subscribed to it stop updating. Your new one:")
    b.para(webcal_url)
    b.para(https_url)
    return b.build(summary="Calendar feed reset")


def calendar_usage(sub: str) -> str:
    return f"`/mentor calendar` shows your private feed link; `/mentor calendar reset` replaces it. (“{sub}” isn't one of those.)"


def add_to_calendar_note() -> str:
    return "Add it to your calendar: open the attached .ics file."
