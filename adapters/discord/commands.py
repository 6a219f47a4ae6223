"""The app commands: typed options in, the core's text grammar out (see adapters/discord/grammar.py).

No rules here: each command builds the text a person could have typed and hands it to the router."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord import grammar
from adapters.discord.actors import host_of
from adapters.discord.guilds import mentorship_choices, request_choices, set_mentorship_channel
from adapters.discord.officehours import OfficeHoursGroup
from adapters.discord.views import CommandModal, answer, answer_or_form, text_input

WITH = "Which mentorship, when you have several"
DATE_HINT = "A date, e.g. June, 2027-06-30, next friday, in 3 weeks"
CheckinKind = Literal["update", "notes", "missed", "overview"]
REQUEST_NUMBER = "The request's number, e.g. 3 for #3 (autocompletes)"
# `/mentor requests action:…`: one sub-command with a choice keeps `/mentor` under Discord's 25.
# The values are the core's words; "channel off" is one.
DIGEST_EVERY = [
    app_commands.Choice(name="weekly (Mondays 09:00 your time)", value="weekly"),
    app_commands.Choice(name="monthly (first Monday)", value="monthly"),
    app_commands.Choice(name="off", value="off"),
]
REQUEST_ACTIONS = [
    app_commands.Choice(name="list: yours, to you, and open ones", value="list"),
    app_commands.Choice(name="all: everyone's (admins)", value="all"),
    app_commands.Choice(name="accept number", value="accept"),
    app_commands.Choice(name="decline number [note]", value="decline"),
    app_commands.Choice(name="suggest number member [note]: someone else would fit", value="suggest"),
    app_commands.Choice(name="withdraw number: take your request back", value="withdraw"),
    app_commands.Choice(name="claim number: an open request", value="claim"),
    app_commands.Choice(name="assign number member (admins)", value="assign"),
    app_commands.Choice(name="channel: where open requests go (admins)", value="channel"),
    app_commands.Choice(name="channel off: no open requests (admins)", value="channel off"),
    app_commands.Choice(name="wait days: how long mentors have to answer (admins)", value="wait"),
]


async def run(interaction: discord.Interaction[Any], command: str, text: str) -> None:
    router = host_of(interaction).app.router
    await answer(interaction, lambda actor: router.command(actor, command, text))


async def run_or_form(interaction: discord.Interaction[Any], command: str, text: str) -> None:
    """A command the core may answer with a form: it opens as a modal (see views.answer_or_form)."""
    router = host_of(interaction).app.router
    await answer_or_form(interaction, lambda actor: router.command(actor, command, text))


async def request_number_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    everyone = bool(interaction.permissions.manage_guild)
    found = await request_choices(
        host_of(interaction).app.core, str(interaction.guild_id), str(interaction.user.id), everyone, current
    )
    return [app_commands.Choice(name=name, value=number) for name, number in found]


async def with_choices(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    core = host_of(interaction).app.core
    found = await mentorship_choices(core, str(interaction.guild_id), str(interaction.user.id), current)
    return [app_commands.Choice(name=c.name, value=c.other_user_id) for c in found]


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


async def zone_choices(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    needle = current.strip().lower().replace(" ", "_")
    found = (
        [z for z in _zones() if needle in z.lower()]
        if needle
        else ["UTC", "Europe/London", "America/New_York"]
    )
    return [app_commands.Choice(name=z, value=z) for z in found[:25]]


def _modal(
    title: str, command: str, custom_id: str, inputs: list[discord.ui.TextInput[Any]], build: Any
) -> CommandModal:
    return CommandModal(title, command, build, inputs, custom_id)


@app_commands.guild_only()
class Mentor(
    app_commands.Group, name="mentor", description="Mentorships: find a mentor, pair, cadence, pause, end"
):
    @app_commands.command(description="Admins: the channel where mentorship threads are opened")
    @app_commands.default_permissions(manage_guild=True)
    async def setup(self, interaction: discord.Interaction[Any], channel: discord.TextChannel) -> None:
        core = host_of(interaction).app.core
        await answer(
            interaction, lambda actor: set_mentorship_channel(core, actor, str(channel.id), channel.name)
        )

    @app_commands.command(description="Propose a mentorship (admins: pick the mentor too)")
    @app_commands.describe(
        member="The mentee",
        goal="What the mentorship is for (leave empty for a form)",
        by=DATE_HINT,
        focus="One or two words, e.g. career",
        mentor="Admins: the mentor",
    )
    async def pair(
        self,
        interaction: discord.Interaction[Any],
        member: discord.Member,
        goal: str | None = None,
        by: str | None = None,
        focus: str | None = None,
        mentor: discord.Member | None = None,
    ) -> None:
        mentor_id = mentor.id if mentor else None
        if goal is None:
            inputs = [
                text_input("goal", "Goal", multiline=True, max_length=500),
                text_input("by", "Target date (optional)", required=False, placeholder=DATE_HINT),
                text_input("focus", "Focus (optional)", required=False, placeholder="career"),
            ]
            await interaction.response.send_modal(
                _modal(
                    "Propose a mentorship",
                    "mentor",
                    f"mbc:pair:{interaction.id}",
                    inputs,
                    lambda v: grammar.pair_text(
                        member.id, v.get("goal", ""), v.get("by"), v.get("focus"), mentor_id
                    ),
                )
            )
            host_of(interaction).handled["interaction"] += 1
            return
        await run(interaction, "mentor", grammar.pair_text(member.id, goal, by, focus, mentor_id))

    @app_commands.command(description="Accept a proposed mentorship")
    @app_commands.rename(with_="with")
    @app_commands.describe(with_=WITH)
    @app_commands.autocomplete(with_=with_choices)
    async def accept(self, interaction: discord.Interaction[Any], with_: str | None = None) -> None:
        await run(interaction, "mentor", grammar.mentor_text("accept", None, with_))

    @app_commands.command(description="Decline a proposed mentorship")
    @app_commands.rename(with_="with")
    @app_commands.autocomplete(with_=with_choices)
    async def decline(
        self, interaction: discord.Interaction[Any], reason: str | None = None, with_: str | None = None
    ) -> None:
        await run(interaction, "mentor", grammar.mentor_text("decline", reason, with_))

    @app_commands.command(name="list", description="Your mentorships (admins: everyone's)")
    async def list_(self, interaction: discord.Interaction[Any], everyone: bool = False) -> None:
        await run(interaction, "mentor", "list all" if everyone else "list")

    @app_commands.command(description="Set the rhythm, e.g. every 2 weeks on Tuesday at 16:00")
    @app_commands.rename(with_="with")
    @app_commands.describe(rule="e.g. every 2 weeks on Tuesday at 16:00 (leave empty for a form)", with_=WITH)
    @app_commands.autocomplete(with_=with_choices)
    async def cadence(
        self, interaction: discord.Interaction[Any], rule: str | None = None, with_: str | None = None
    ) -> None:
        if rule is None:
            inputs = [
                text_input("rule", "Cadence", placeholder="every 2 weeks on Tuesday at 16:00", max_length=300)
            ]
            await interaction.response.send_modal(
                _modal(
                    "Set the cadence",
                    "mentor",
                    f"mbc:cadence:{interaction.id}",
                    inputs,
                    lambda v: grammar.mentor_text("cadence", v.get("rule"), with_),
                )
            )
            host_of(interaction).handled["interaction"] += 1
            return
        await run(interaction, "mentor", grammar.mentor_text("cadence", rule, with_))

    @app_commands.command(description="When the next check-in is")
    @app_commands.rename(with_="with")
    @app_commands.autocomplete(with_=with_choices)
    async def next(self, interaction: discord.Interaction[Any], with_: str | None = None) -> None:
        await run(interaction, "mentor", grammar.mentor_text("next", None, with_))

    @app_commands.command(description="Pause check-ins, optionally until a date")
    @app_commands.rename(with_="with")
    @app_commands.describe(until=DATE_HINT)
    @app_commands.autocomplete(with_=with_choices)
    async def pause(
        self, interaction: discord.Interaction[Any], until: str | None = None, with_: str | None = None
    ) -> None:
        await run(
            interaction, "mentor", grammar.mentor_text("pause", f"until {until}" if until else None, with_)
        )

    @app_commands.command(description="Resume a paused mentorship")
    @app_commands.rename(with_="with")
    @app_commands.autocomplete(with_=with_choices)
    async def resume(self, interaction: discord.Interaction[Any], with_: str | None = None) -> None:
        await run(interaction, "mentor", grammar.mentor_text("resume", None, with_))

    @app_commands.command(description="Skip the next check-in")
    @app_commands.rename(with_="with")
    @app_commands.autocomplete(with_=with_choices)
    async def skip(self, interaction: discord.Interaction[Any], with_: str | None = None) -> None:
        await run(interaction, "mentor", grammar.mentor_text("skip", None, with_))

    @app_commands.command(description="Move the next check-in, e.g. thursday 15:00")
    @app_commands.rename(with_="with")
    @app_commands.autocomplete(with_=with_choices)
    async def reschedule(
        self, interaction: discord.Interaction[Any], when: str, with_: str | None = None
    ) -> None:
        await run(interaction, "mentor", grammar.mentor_text("reschedule", when, with_))

    @app_commands.command(description="End the mentorship, with a short reflection")
    @app_commands.rename(with_="with")
    @app_commands.autocomplete(with_=with_choices)
    async def end(
        self, interaction: discord.Interaction[Any], reflection: str | None = None, with_: str | None = None
    ) -> None:
        await run(interaction, "mentor", grammar.mentor_text("end", reflection, with_))

    @app_commands.command(description="Add your reflection on an ended mentorship")
    @app_commands.rename(with_="with")
    @app_commands.autocomplete(with_=with_choices)
    async def reflect(
        self, interaction: discord.Interaction[Any], text: str, with_: str | None = None
    ) -> None:
        await run(interaction, "mentor", grammar.mentor_text("reflect", text, with_))

    @app_commands.command(name="keep-in-touch", description="After the end: an occasional nudge to catch up")
    @app_commands.rename(with_="with")
    @app_commands.autocomplete(with_=with_choices)
    async def keep_in_touch(self, interaction: discord.Interaction[Any], with_: str | None = None) -> None:
        await run(interaction, "mentor", grammar.mentor_text("keep-in-touch", None, with_))

    @app_commands.command(description="Set the stage, e.g. exploring, working, wrapping-up")
    @app_commands.rename(with_="with")
    @app_commands.autocomplete(with_=with_choices)
    async def stage(
        self, interaction: discord.Interaction[Any], stage: str, with_: str | None = None
    ) -> None:
        await run(interaction, "mentor", grammar.mentor_text("stage", stage, with_))

    @app_commands.command(description="Reminder lead times, e.g. 1d 1h (or off)")
    @app_commands.rename(with_="with")
    @app_commands.autocomplete(with_=with_choices)
    async def reminders(
        self, interaction: discord.Interaction[Any], leads: str, with_: str | None = None
    ) -> None:
        await run(interaction, "mentor", grammar.mentor_text("reminders", leads, with_))

    # ---- finding a mentor (bot/interactions/matching_commands.py) ---------------------------------

    @app_commands.command(description="Mentors: fill in your profile (or see someone's)")
    @app_commands.describe(member="Whose profile to see", show="See your own instead of editing it")
    async def profile(
        self, interaction: discord.Interaction[Any], member: discord.Member | None = None, show: bool = False
    ) -> None:
        text = grammar.profile_text(member.id if member else None, show)
        if text:
            await run(interaction, "mentor", grammar.join("profile", text))
        else:
            await run_or_form(interaction, "mentor", "profile")

    @app_commands.command(description="Mentors: take requests, or pause them")
    async def available(self, interaction: discord.Interaction[Any], state: Literal["on", "off"]) -> None:
        await run(interaction, "mentor", grammar.join("available", state))

    @app_commands.command(description="Mentors with room, best match first")
    @app_commands.describe(topic="What you want help with, e.g. rust, career growth")
    async def find(
        self, interaction: discord.Interaction[Any], topic: app_commands.Range[str, 1, 200] | None = None
    ) -> None:
        await run(interaction, "mentor", grammar.join("find", topic))

    @app_commands.command(description="Ask a mentor (or anyone, in the requests channel) to mentor you")
    @app_commands.describe(
        mentor="Who to ask (leave empty to post in the requests channel)",
        goal="What you want to achieve (leave empty for the full form)",
        by=DATE_HINT,
    )
    async def request(
        self,
        interaction: discord.Interaction[Any],
        mentor: discord.Member | None = None,
        goal: app_commands.Range[str, 1, 500] | None = None,
        by: str | None = None,
    ) -> None:
        text = grammar.request_text(mentor.id if mentor else None, goal, by)
        if goal:
            await run(interaction, "mentor", grammar.join("request", text))
        else:
            await run_or_form(interaction, "mentor", grammar.join("request", text))

    @app_commands.command(description="Mentor requests: list, accept, decline, suggest, withdraw, claim, …")
    @app_commands.describe(
        action="What to do (default: list)",
        number=REQUEST_NUMBER,
        member="suggest: who would fit better; assign: the mentor",
        note="decline, suggest: a short note for the mentee",
        channel="channel: where open requests are posted",
        days="wait: days a mentor has to answer",
    )
    @app_commands.choices(action=REQUEST_ACTIONS)
    @app_commands.autocomplete(number=request_number_choices)
    async def requests(
        self,
        interaction: discord.Interaction[Any],
        action: app_commands.Choice[str] | None = None,
        number: app_commands.Range[int, 1] | None = None,
        member: discord.Member | None = None,
        note: app_commands.Range[str, 1, 1000] | None = None,
        channel: discord.TextChannel | None = None,
        days: app_commands.Range[int, 1] | None = None,
    ) -> None:
        text = grammar.requests_text(
            action.value if action else "list",
            number,
            member.id if member else None,
            note,
            (channel.id, channel.name) if channel else None,
            days,
        )
        await run(interaction, "mentor", grammar.join("requests", text))

    @app_commands.command(description="Admins: the program digest in a channel, weekly or monthly, or off")
    @app_commands.describe(every="How often (off: stop it)", channel="Where to post it")
    @app_commands.choices(every=DIGEST_EVERY)
    async def digest(
        self,
        interaction: discord.Interaction[Any],
        every: app_commands.Choice[str],
        channel: discord.TextChannel | None = None,
    ) -> None:
        text = grammar.digest_text(every.value, (channel.id, channel.name) if channel else None)
        await run(interaction, "mentor", text)

    @app_commands.command(description="Mentors: take an open request from the requests channel")
    @app_commands.describe(number=REQUEST_NUMBER)
    @app_commands.autocomplete(number=request_number_choices)
    async def claim(self, interaction: discord.Interaction[Any], number: app_commands.Range[int, 1]) -> None:
        await run(interaction, "mentor", f"claim {number}")


@app_commands.command(name="checkin", description="Post an update, record notes, or see the next check-in")
@app_commands.guild_only()
@app_commands.rename(with_="with")
@app_commands.describe(
    kind="What to do (an update when you give text)", text="Leave empty for a form", with_=WITH
)
@app_commands.autocomplete(with_=with_choices)
async def checkin(
    interaction: discord.Interaction[Any],
    kind: CheckinKind | None = None,
    text: str | None = None,
    with_: str | None = None,
) -> None:
    chosen: str = kind or ("update" if text else "overview")
    if chosen in ("update", "notes") and not text:
        title = "Post an update" if chosen == "update" else "Check-in notes"
        label = "What's new? Blockers?" if chosen == "update" else "What did you discuss and decide?"
        await interaction.response.send_modal(
            _modal(
                title,
                "checkin",
                f"mbc:checkin:{interaction.id}",
                [text_input("text", label, multiline=True, max_length=3000)],
                lambda v: grammar.checkin_text(chosen, v.get("text"), with_),
            )
        )
        host_of(interaction).handled["interaction"] += 1
        return
    await run(interaction, "checkin", grammar.checkin_text(chosen, text, with_))


@app_commands.command(name="agenda", description="Add a question for the next check-in, or see the agenda")
@app_commands.guild_only()
@app_commands.rename(with_="with")
@app_commands.autocomplete(with_=with_choices)
async def agenda(
    interaction: discord.Interaction[Any], question: str | None = None, with_: str | None = None
) -> None:
    await run(interaction, "agenda", grammar.agenda_text(question, with_))


@app_commands.guild_only()
class Actions(app_commands.Group, name="actions", description="Action items: list, add, done, drop, snooze"):
    @app_commands.command(name="list", description="Open action items")
    async def list_(
        self, interaction: discord.Interaction[Any], member: discord.Member | None = None
    ) -> None:
        await run(interaction, "actions", grammar.join("list", grammar.mention(member.id) if member else ""))

    @app_commands.command(description="Add an action item")
    @app_commands.rename(with_="with")
    @app_commands.describe(owner="Who does it (default: you)", due=DATE_HINT, with_=WITH)
    @app_commands.autocomplete(with_=with_choices)
    async def add(
        self,
        interaction: discord.Interaction[Any],
        text: str,
        owner: discord.Member | None = None,
        due: str | None = None,
        with_: str | None = None,
    ) -> None:
        owner_id = owner.id if owner else None
        await run(interaction, "actions", grammar.action_add_text(text, owner_id, due, with_))

    @app_commands.command(description="Mark an action item done")
    async def done(self, interaction: discord.Interaction[Any], number: app_commands.Range[int, 1]) -> None:
        await run(interaction, "actions", f"done {number}")

    @app_commands.command(description="Drop an action item")
    async def drop(self, interaction: discord.Interaction[Any], number: app_commands.Range[int, 1]) -> None:
        await run(interaction, "actions", f"drop {number}")

    @app_commands.command(description="Snooze an action item's follow-up by a day")
    async def snooze(self, interaction: discord.Interaction[Any], number: app_commands.Range[int, 1]) -> None:
        await run(interaction, "actions", f"snooze {number}")


@app_commands.command(name="timezone", description="Show or set your time zone and working hours")
@app_commands.describe(zone="e.g. Europe/Berlin", hours="Working hours, e.g. 9-17")
@app_commands.autocomplete(zone=zone_choices)
@app_commands.guild_only()
async def timezone(
    interaction: discord.Interaction[Any], zone: str | None = None, hours: str | None = None
) -> None:
    await run(interaction, "timezone", grammar.timezone_text(zone, hours))


def register(tree: app_commands.CommandTree[Any]) -> None:
    items: list[app_commands.Command[Any, ..., None] | app_commands.Group] = [
        Mentor(),
        checkin,
        agenda,
        Actions(),
        timezone,
        OfficeHoursGroup(),
    ]
    for item in items:
        tree.add_command(item)
