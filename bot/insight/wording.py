"""What program insight says: the nudge, the digest, its command's replies, and the dashboard's labels."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.messages import Message, MessageBuilder, line, simple
from bot.wording.common import relative, who

if TYPE_CHECKING:
    from bot.insight.health import AtRisk, Health
    from bot.persistence.tables import Member

RISK_LABELS = {
    "missed-twice": "missed two check-ins in a row",
    "silent": "silent 4+ weeks",
    "overdue": "overdue action items",
}
STATE_LABELS = {
    "proposed": "proposed",
    "active": "active",
    "paused": "paused",
    "concluded": "concluded",
    "declined": "declined",
}
TIMELINE_LABELS = {"proposed": "open proposals", "running": "active or paused", "ended": "ended"}
CHECKIN_LABELS = {"held": "held", "missed": "missed", "skipped": "skipped"}
PRIVACY_NOTE = (
    "Privacy: this page shows dates, states and counts only. Status updates, takeaways, reflections and "
    "goals stay between the two people of a mentorship."
)
DIGEST_EVERY = ("weekly", "monthly")


def risk_text(r: AtRisk) -> str:
    parts = []
    for reason in r.reasons:
        if reason == "silent":
            parts.append(f"silent {r.silent_days} days")
        elif reason == "overdue":
            parts.append(f"{r.overdue_items} overdue action item{'s' if r.overdue_items != 1 else ''}")
        else:
            parts.append(RISK_LABELS[reason])
    return ", ".join(parts)


def nudge(viewer: Member, other: Member, last_activity: datetime) -> Message:
    """The DM each person of a quiet pair gets when a community manager presses "nudge both"."""
    b = MessageBuilder().heading("A nudge from your mentoring program")
    b.para(
        "Hi ",
        who(viewer),
        " — your program's organisers noticed things have gone quiet with ",
        who(other),
        " (last activity ",
        relative(last_activity),
        "). Is it still working for you both?",
    )
    b.bullets(
        [
            line("meet again: `/mentor cadence every 2 weeks on tue 10am` or `/mentor next`"),
            line("catch up on action items: `/actions`"),
            line("take a break or close well: `/mentor pause until <date>` · `/mentor end`"),
        ]
    )
    return b.build(summary="A nudge from your mentoring program")


def nudge_planned(mentor: str, mentee: str, again: bool) -> str:
    if again:
        return f"{mentor} and {mentee} were already nudged today; one nudge a day is enough."
    return f"Nudged {mentor} and {mentee}: each gets a direct message in a moment."


def nudge_not_active(state: str) -> str:
    return f"This mentorship is {state}; only active pairs can be nudged."


def mentorship_not_here() -> str:
    return "There is no such mentorship in this workspace."


# ---- the digest ---------------------------------------------------------------------------------------


def digest(h: Health, every: str, dashboard_url: str | None = None) -> Message:
    """The key numbers and the at-risk list, posted to the channel an admin chose."""
    period = "week" if every == "weekly" else "month"
    last = h.checkins[-2] if len(h.checkins) >= 2 else h.checkins[-1]
    held, missed, skipped = (last.counts.get(k, 0) for k in ("held", "missed", "skipped"))
    m = h.matching
    a = h.actions
    b = MessageBuilder().heading(f"Mentoring program — {every} digest")
    b.fields(
        [
            (
                "Mentorships",
                line(
                    f"{h.by_state['active']} active, {h.by_state['paused']} paused, {h.by_state['proposed']} proposed"
                ),
            ),
            (f"Check-ins last {period}", line(f"{held} held, {missed} missed, {skipped} skipped")),
            (
                "Action items",
                line(
                    f"{a.open_now} open, {a.overdue} overdue"
                    + (
                        f", median {a.median_days_to_close:g} days to close"
                        if a.median_days_to_close is not None
                        else ""
                    )
                ),
            ),
            (
                "Mentors",
                line(
                    f"{m.capacity_used} of {m.capacity} slots used, {m.requests_waiting} request{'s' if m.requests_waiting != 1 else ''} waiting"
                ),
            ),
        ]
    )
    if h.at_risk:
        b.para(f"Pairs that may need a hand ({len(h.at_risk)}):")
        b.bullets([line(f"{r.mentor_name} & {r.mentee_name}: {risk_text(r)}") for r in h.at_risk[:10]])
        if len(h.at_risk) > 10:
            b.para(f"…and {len(h.at_risk) - 10} more on the dashboard.")
    else:
        b.para("No pair looks at risk. Nice.")
    if dashboard_url:
        b.para(f"Dashboard: {dashboard_url}")
    return b.build(summary=f"Mentoring program {every} digest")


def digest_usage(got: str) -> str:
    return (
        f"I didn't understand `{got or '(nothing)'}`. Try `/mentor digest #channel weekly`, "
        "`/mentor digest #channel monthly` or `/mentor digest off`."
    )


def digest_set(
    channel_name: str, every: str, first: datetime, replaced: Mapping[str, Any] | None = None
) -> Message:
    instead = (
        f" This replaces the {replaced.get('every')} digest in #{replaced.get('channel_name') or replaced.get('channel')}."
        if replaced
        else ""
    )
    return simple(
        f"The {every} program digest will be posted in #{channel_name}, first ",
        relative(first),
        " (Mondays at 09:00 in your time zone"
        + (", the first Monday of each month" if every == "monthly" else "")
        + ")."
        + instead,
    )


def digest_status(setting: Mapping[str, Any] | None) -> Message:
    if not setting:
        return simple(
            "The program digest is off. `/mentor digest #channel weekly` (or `monthly`) turns it on."
        )
    where = setting.get("channel_name") or setting.get("channel")
    return simple(
        f"The {setting.get('every')} program digest goes to #{where} on Mondays at 09:00 "
        f"({setting.get('tz') or 'UTC'}). `/mentor digest off` stops it."
    )


def digest_how_often(channel_name: str) -> str:
    return f"How often? `/mentor digest #{channel_name} weekly` or `/mentor digest #{channel_name} monthly`."


def digest_off(was_on: bool) -> Message:
    return simple("The program digest is off." if was_on else "The program digest was already off.")


# ---- dashboard access ---------------------------------------------------------------------------------


def dashboard_usage(got: str) -> str:
    return (
        f"I didn't understand `{got or '(nothing)'}`. Admins can `/mentor dashboard grant @sam` or "
        "`/mentor dashboard revoke @sam`; the dashboard itself is on the web (sign in with your chat account)."
    )


def dashboard_granted(member: Member, granted: bool, changed: bool) -> Message:
    if granted:
        verb = "can now see" if changed else "could already see"
    else:
        verb = "can no longer see" if changed else "could not see"
    return simple(who(member), f" {verb} the program dashboard.")


def dashboard_link(url: str | None) -> Message:
    if url is None:
        return simple(
            "The dashboard is served by the web process (`mentorbot serve slack`, or `mentorbot serve dashboard`"
            " next to a Discord bot) at `/dashboard`; set MENTORBOT_PUBLIC_URL and this answer gives its address."
        )
    return simple(f"The program dashboard: {url} (sign in with your chat account).")


def export_day(day: date) -> str:
    return day.isoformat()


# ---- the dashboard's words ------------------------------------------------------------------------------

PAGE = {
    "title": "Mentoring program",
    "signin_title": "Sign in to the program dashboard",
    "signin_intro": "Workspace admins, and people an admin grants (`/mentor dashboard grant @name`), see how the program is doing.",
    "signin_slack": "Sign in with Slack",
    "signin_discord": "Sign in with Discord",
    "signin_console": "Console deployments: run `mentorbot dashboard` for a one-time sign-in link.",
    "signin_none": "No sign-in is configured: set SLACK_CLIENT_ID/SLACK_CLIENT_SECRET or DISCORD_CLIENT_ID/DISCORD_CLIENT_SECRET, or use `mentorbot dashboard`.",
    "denied": "You signed in, but you cannot see this program: ask a workspace admin to run `/mentor dashboard grant @you`, or sign in to a workspace where mentorbot runs.",
    "token_bad": "That sign-in link is used up or expired. Run `mentorbot dashboard` for a fresh one.",
    "state_bad": "The sign-in took too long or came from elsewhere; please start again.",
    "signout": "Sign out",
    "weekly": "By week",
    "monthly": "By month",
    "mentorships": "Mentorships",
    "mentorships_time": "Mentorships over time",
    "by_state": "By state now",
    "by_stage": "Running pairs by stage",
    "checkins": "Check-ins",
    "at_risk": "Pairs at risk",
    "at_risk_kpi": "pairs at risk",
    "at_risk_none": "No pair is at risk right now.",
    "nudge": "Nudge both",
    "actions": "Action items",
    "opened": "opened",
    "closed": "closed",
    "open_now": "open now",
    "overdue": "overdue",
    "median_close": "median days to close",
    "matching": "Mentors and requests",
    "capacity": "Mentor capacity used",
    "mentors": "mentors offering slots",
    "waiting": "requests waiting",
    "median_match": "median hours to a match",
    "expired": "requests expired (in this view's window)",
    "office_hours": "Office hours",
    "office_hours_none": "No office-hours sessions yet.",
    "rsvps": "RSVPs",
    "asked": "questions asked",
    "answered": "answered",
    "export": "Download CSV",
    "pair": "Mentorship",
    "nudges": "Nudges sent from this dashboard",
    "nudges_none": "None yet.",
    "back": "Back to the program",
    "not_found": "Not found.",
    "period": "period",
    "total": "total",
    "none": "—",
}
EXPORT_LABELS = {
    "mentorships": "mentorships",
    "checkins": "check-ins",
    "action_items": "action items",
    "office_hours_sessions": "office-hours sessions",
}
