"""The app commands: typed options in, the core's text grammar out (see adapters/discord/grammar.py).

No rules here: each command builds the text a person could have typed and hands it to the router."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord import grammar, officehours
from adapters.discord.actors import host_of
from adapters.discord.guilds import mentorship_choices, request_choices, set_mentorship_channel
from adapters.discord.modals import command_modal_id
from adapters.discord.views import CommandModal, answer, answer_or_form, text_input
from bot.interactions.registry import DISCORD_MAX_OPTIONS, CommandRegistry, Sub
from bot.services import zonenames

WITH = "Which mentorship, when you have several"
DATE_HINT = "A date, e.g. June, 2027-06-30, next friday, in 3 weeks"
CheckinKind = Literal["update", "notes", "missed", "overview"]
REQUEST_NUMBER = "The request's number, e.g. 3 for #3 (autocompletes)"
# `/mentor requests action:…`: one sub-command with a choice keeps `/mentor` under Discord's 25.
# The values are the core's words; "channel off" is one.
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

DIGEST_EVERY = [
    app_commands.Choice(name="weekly (Mondays 09:00 your time)", value="weekly"),
    app_commands.Choice(name="monthly (first Monday)", value="monthly"),
    app_commands.Choice(name="off", value="off"),
]

DATA_ACTIONS = [
    app_commands.Choice(name="calendar: your private feed link", value="calendar"),
    app_commands.Choice(name="calendar reset: revoke the link, get a new one", value="calendar reset"),
    app_commands.Choice(name="export: everything I hold about you, by DM", value="export"),
    app_commands.Choice(name="forget me: delete your data (asks to confirm)", value="forget me"),
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


async def zone_choices(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    """Zone names and big cities matching what was typed (the core's one list: bot/services/zonenames)."""
    return [
        app_commands.Choice(name=label[:100], value=zone) for label, zone in zonenames.suggestions(current)
    ]


def _modal(title: str, custom_id: str, inputs: list[discord.ui.TextInput[Any]]) -> CommandModal:
    return CommandModal(title, inputs, custom_id)


# ---- /mentor sub-commands (names and descriptions come from the registry) ----


@app_commands.default_permissions(manage_guild=True)
async def mentor_setup(interaction: discord.Interaction[Any], channel: discord.TextChannel) -> None:
    core = host_of(interaction).app.core
    await answer(
        interaction, lambda actor: set_mentorship_channel(core, actor, str(channel.id), channel.name)
    )


@app_commands.describe(
    member="The mentee",
    goal="What the mentorship is for (leave empty for a form)",
    by=DATE_HINT,
    focus="One or two words, e.g. career",
    mentor="Admins: the mentor",
)
async def mentor_pair(
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
                command_modal_id("pair", member.id, mentor_id, nonce=interaction.id),
                inputs,
            )
        )
        host_of(interaction).handled["interaction"] += 1
        return
    await run(interaction, "mentor", grammar.pair_text(member.id, goal, by, focus, mentor_id))


@app_commands.rename(with_="with")
@app_commands.describe(with_=WITH)
@app_commands.autocomplete(with_=with_choices)
async def mentor_accept(interaction: discord.Interaction[Any], with_: str | None = None) -> None:
    await run(interaction, "mentor", grammar.mentor_text("accept", None, with_))


@app_commands.rename(with_="with")
@app_commands.autocomplete(with_=with_choices)
async def mentor_decline(
    interaction: discord.Interaction[Any], reason: str | None = None, with_: str | None = None
) -> None:
    await run(interaction, "mentor", grammar.mentor_text("decline", reason, with_))


async def mentor_list(interaction: discord.Interaction[Any], everyone: bool = False) -> None:
    await run(interaction, "mentor", "list all" if everyone else "list")


@app_commands.rename(with_="with")
@app_commands.describe(rule="e.g. every 2 weeks on Tuesday at 16:00 (leave empty for a form)", with_=WITH)
@app_commands.autocomplete(with_=with_choices)
async def mentor_cadence(
    interaction: discord.Interaction[Any], rule: str | None = None, with_: str | None = None
) -> None:
    if rule is None:
        inputs = [
            text_input("rule", "Cadence", placeholder="every 2 weeks on Tuesday at 16:00", max_length=300)
        ]
        await interaction.response.send_modal(
            _modal("Set the cadence", command_modal_id("cadence", with_, nonce=interaction.id), inputs)
        )
        host_of(interaction).handled["interaction"] += 1
        return
    await run(interaction, "mentor", grammar.mentor_text("cadence", rule, with_))


@app_commands.rename(with_="with")
@app_commands.autocomplete(with_=with_choices)
async def mentor_next(interaction: discord.Interaction[Any], with_: str | None = None) -> None:
    await run(interaction, "mentor", grammar.mentor_text("next", None, with_))


@app_commands.rename(with_="with", for_="for")
@app_commands.describe(until=DATE_HINT, for_="How long, e.g. 2 weeks, a month", with_=WITH)
@app_commands.autocomplete(with_=with_choices)
async def mentor_pause(
    interaction: discord.Interaction[Any],
    until: str | None = None,
    for_: str | None = None,
    with_: str | None = None,
) -> None:
    await run(interaction, "mentor", grammar.mentor_text("pause", grammar.pause_text(until, for_), with_))


@app_commands.rename(with_="with")
@app_commands.autocomplete(with_=with_choices)
async def mentor_resume(interaction: discord.Interaction[Any], with_: str | None = None) -> None:
    await run(interaction, "mentor", grammar.mentor_text("resume", None, with_))


@app_commands.rename(with_="with")
@app_commands.autocomplete(with_=with_choices)
async def mentor_skip(interaction: discord.Interaction[Any], with_: str | None = None) -> None:
    await run(interaction, "mentor", grammar.mentor_text("skip", None, with_))


@app_commands.rename(with_="with")
@app_commands.autocomplete(with_=with_choices)
async def mentor_reschedule(
    interaction: discord.Interaction[Any], when: str, with_: str | None = None
) -> None:
    await run(interaction, "mentor", grammar.mentor_text("reschedule", when, with_))


@app_commands.rename(with_="with")
@app_commands.autocomplete(with_=with_choices)
async def mentor_end(
    interaction: discord.Interaction[Any], reflection: str | None = None, with_: str | None = None
) -> None:
    await run(interaction, "mentor", grammar.mentor_text("end", reflection, with_))


@app_commands.rename(with_="with")
@app_commands.autocomplete(with_=with_choices)
async def mentor_reflect(interaction: discord.Interaction[Any], text: str, with_: str | None = None) -> None:
    await run(interaction, "mentor", grammar.mentor_text("reflect", text, with_))


@app_commands.rename(with_="with")
@app_commands.autocomplete(with_=with_choices)
async def mentor_keep_in_touch(interaction: discord.Interaction[Any], with_: str | None = None) -> None:
    await run(interaction, "mentor", grammar.mentor_text("keep-in-touch", None, with_))


@app_commands.rename(with_="with")
@app_commands.describe(stage="Where the mentorship is", with_=WITH)
@app_commands.autocomplete(with_=with_choices)
async def mentor_stage(
    interaction: discord.Interaction[Any],
    stage: Literal["getting started", "coaching", "close-in", "succession"],
    with_: str | None = None,
) -> None:
    await run(interaction, "mentor", grammar.mentor_text("stage", stage, with_))


@app_commands.rename(with_="with")
@app_commands.autocomplete(with_=with_choices)
async def mentor_reminders(
    interaction: discord.Interaction[Any], leads: str, with_: str | None = None
) -> None:
    await run(interaction, "mentor", grammar.mentor_text("reminders", leads, with_))


# ---- finding a mentor (bot/matching/commands.py) ---------------------------------


@app_commands.describe(member="Whose profile to see", show="See your own instead of editing it")
async def mentor_profile(
    interaction: discord.Interaction[Any], member: discord.Member | None = None, show: bool = False
) -> None:
    text = grammar.profile_text(member.id if member else None, show)
    if text:
        await run(interaction, "mentor", grammar.join("profile", text))
    else:
        await run_or_form(interaction, "mentor", "profile")


async def mentor_available(interaction: discord.Interaction[Any], state: Literal["on", "off"]) -> None:
    await run(interaction, "mentor", grammar.join("available", state))


@app_commands.describe(topic="What you want help with, e.g. rust, career growth")
async def mentor_find(
    interaction: discord.Interaction[Any], topic: app_commands.Range[str, 1, 200] | None = None
) -> None:
    await run(interaction, "mentor", grammar.join("find", topic))


@app_commands.describe(
    mentor="Who to ask (leave empty to post in the requests channel)",
    goal="What you want to achieve (leave empty for the full form)",
    by=DATE_HINT,
)
async def mentor_request(
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
async def mentor_requests(
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


@app_commands.describe(number=REQUEST_NUMBER)
@app_commands.autocomplete(number=request_number_choices)
async def mentor_claim(interaction: discord.Interaction[Any], number: app_commands.Range[int, 1]) -> None:
    await run(interaction, "mentor", f"claim {number}")


# ---- your calendar and your data (bot/calendar, bot/privacy) ----------------------------------
# One sub-command with a choice: `/mentor` is at Discord's limit of 25.


@app_commands.describe(action="What you want")
@app_commands.choices(action=DATA_ACTIONS)
async def mentor_data(interaction: discord.Interaction[Any], action: app_commands.Choice[str]) -> None:
    await run(interaction, "mentor", action.value)


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
                command_modal_id("checkin", chosen, with_, nonce=interaction.id),
                [text_input("text", label, multiline=True, max_length=3000)],
            )
        )
        host_of(interaction).handled["interaction"] += 1
        return
    await run(interaction, "checkin", grammar.checkin_text(chosen, text, with_))


@app_commands.guild_only()
@app_commands.rename(with_="with")
@app_commands.describe(
    question="A question for the next check-in (leave empty to see the agenda)", with_=WITH
)
@app_commands.autocomplete(with_=with_choices)
async def agenda(
    interaction: discord.Interaction[Any], question: str | None = None, with_: str | None = None
) -> None:
    await run(interaction, "agenda", grammar.agenda_text(question, with_))


# ---- /actions sub-commands (names and descriptions come from the registry) ----


async def actions_list(interaction: discord.Interaction[Any], member: discord.Member | None = None) -> None:
    await run(interaction, "actions", grammar.join("list", grammar.mention(member.id) if member else ""))


@app_commands.rename(with_="with")
@app_commands.describe(owner="Who does it (default: you)", due=DATE_HINT, with_=WITH)
@app_commands.autocomplete(with_=with_choices)
async def actions_add(
    interaction: discord.Interaction[Any],
    text: str,
    owner: discord.Member | None = None,
    due: str | None = None,
    with_: str | None = None,
) -> None:
    owner_id = owner.id if owner else None
    await run(interaction, "actions", grammar.action_add_text(text, owner_id, due, with_))


async def actions_done(interaction: discord.Interaction[Any], number: app_commands.Range[int, 1]) -> None:
    await run(interaction, "actions", f"done {number}")


async def actions_drop(interaction: discord.Interaction[Any], number: app_commands.Range[int, 1]) -> None:
    await run(interaction, "actions", f"drop {number}")


@app_commands.describe(number="The item's number", until="A date or an amount, e.g. monday, a week")
async def actions_snooze(
    interaction: discord.Interaction[Any], number: app_commands.Range[int, 1], until: str | None = None
) -> None:
    await run(interaction, "actions", grammar.join(f"snooze {number}", f"until {until}" if until else ""))


async def actions_reopen(interaction: discord.Interaction[Any], number: app_commands.Range[int, 1]) -> None:
    await run(interaction, "actions", f"reopen {number}")


@app_commands.describe(zone="e.g. Europe/Berlin", hours="Working hours, e.g. 9-17")
@app_commands.autocomplete(zone=zone_choices)
@app_commands.guild_only()
async def timezone(
    interaction: discord.Interaction[Any], zone: str | None = None, hours: str | None = None
) -> None:
    await run(interaction, "timezone", grammar.timezone_text(zone, hours))


# ---- /program sub-commands (bot/insight): a group only people who may manage the server see ----------


@app_commands.describe(every="How often (off: stop it)", channel="Where to post it")
@app_commands.choices(every=DIGEST_EVERY)
async def program_digest(
    interaction: discord.Interaction[Any],
    every: app_commands.Choice[str],
    channel: discord.TextChannel | None = None,
) -> None:
    text = grammar.digest_text(every.value, (channel.id, channel.name) if channel else None)
    await run(interaction, "mentor", text)


async def program_dashboard(interaction: discord.Interaction[Any]) -> None:
    await run(interaction, "mentor", "dashboard")


@app_commands.describe(member="Who", allow="Allow (true) or stop allowing (false)")
async def program_viewer(
    interaction: discord.Interaction[Any], member: discord.Member, allow: bool = True
) -> None:
    await run(interaction, "mentor", grammar.dashboard_grant_text(member.id, allow))


# What each sub-command of the registry is on Discord: (group, sub-command) → the callback turning its
# typed options into the text a person could have typed. A registry sub-command without one here fails
# `build` (and tests/discord/test_tree.py), so a new command cannot silently miss Discord.
Callback = Callable[..., Coroutine[Any, Any, None]]
CALLBACKS: dict[tuple[str, str], Callback] = {
    ("mentor", "pair"): mentor_pair,
    ("mentor", "accept"): mentor_accept,
    ("mentor", "decline"): mentor_decline,
    ("mentor", "list"): mentor_list,
    ("mentor", "cadence"): mentor_cadence,
    ("mentor", "next"): mentor_next,
    ("mentor", "pause"): mentor_pause,
    ("mentor", "resume"): mentor_resume,
    ("mentor", "skip"): mentor_skip,
    ("mentor", "reschedule"): mentor_reschedule,
    ("mentor", "end"): mentor_end,
    ("mentor", "reflect"): mentor_reflect,
    ("mentor", "keep-in-touch"): mentor_keep_in_touch,
    ("mentor", "stage"): mentor_stage,
    ("mentor", "reminders"): mentor_reminders,
    ("mentor", "profile"): mentor_profile,
    ("mentor", "available"): mentor_available,
    ("mentor", "find"): mentor_find,
    ("mentor", "request"): mentor_request,
    ("mentor", "requests"): mentor_requests,
    ("mentor", "claim"): mentor_claim,
    ("mentor", "data"): mentor_data,
    ("program", "digest"): program_digest,
    ("program", "dashboard"): program_dashboard,
    ("actions", "list"): actions_list,
    ("actions", "add"): actions_add,
    ("actions", "done"): actions_done,
    ("actions", "drop"): actions_drop,
    ("actions", "snooze"): actions_snooze,
    ("actions", "reopen"): actions_reopen,
    **officehours.CALLBACKS,
}
# Commands typed without sub-commands on Discord too.
TOP_LEVEL: dict[str, Callback] = {"checkin": checkin, "agenda": agenda, "timezone": timezone}
# Sub-commands only Discord has (no text form): a channel picker for the server's mentorship channel.
DISCORD_ONLY: dict[tuple[str, str], tuple[str, Callback]] = {
    ("mentor", "setup"): ("Admins: the channel where mentorship threads are opened", mentor_setup),
    # A typed option form of `/mentor dashboard grant|revoke @who` (text keeps them inside `dashboard`).
    ("program", "viewer"): (
        "Let someone who is not an admin see the dashboard, or stop that",
        program_viewer,
    ),
}
# Groups only people with these permissions see by default (the core checks admin rights again):
# `/program` holds the program's admin commands because `/mentor` is at Discord's 25.
GROUP_PERMISSIONS: dict[str, discord.Permissions] = {"program": discord.Permissions(manage_guild=True)}
# One Discord sub-command carrying several of the registry's, with a choice: their description.
FOLDED: dict[tuple[str, str], str] = {
    ("mentor", "data"): "Your calendar feed, a copy of your data, or being forgotten",
}
# The choices of folded sub-commands, whose values are the core's words (checked against the registry).
FOLDED_CHOICES: dict[tuple[str, str], list[app_commands.Choice[str]]] = {("mentor", "data"): DATA_ACTIONS}


AppCommand = app_commands.Command[Any, ..., None] | app_commands.Group


def _sub_command(group: str, name: str, carried: list[Sub]) -> app_commands.Command[Any, ..., None]:
    callback = CALLBACKS.get((group, name))
    if callback is None:
        raise LookupError(f"/{group} {name} has no Discord callback (adapters/discord)")
    description = FOLDED.get((group, name)) or carried[0].summary
    return app_commands.Command(name=name, description=description, callback=callback)


def build(registry: CommandRegistry) -> list[AppCommand]:
    """The app-command tree of `registry`: a group per command with sub-commands (or per Discord-only
    group a sub-command names), a top-level command per command without. Raises LookupError when a
    sub-command has no Discord callback, ValueError when a group passes Discord's 25 options."""
    placed = registry.discord_groups()
    for name, subs in placed.items():
        count = len(subs) + sum(1 for group_name, _ in DISCORD_ONLY if group_name == name)
        if count > DISCORD_MAX_OPTIONS:
            raise ValueError(f"/{name} has {count} sub-commands; Discord allows {DISCORD_MAX_OPTIONS}")
    items: list[AppCommand] = []
    for command in registry:
        if command.name in TOP_LEVEL and command.name not in placed:
            callback = TOP_LEVEL[command.name]
            items.append(
                app_commands.Command(name=command.name, description=command.description, callback=callback)
            )
        elif command.name not in placed:
            raise LookupError(f"/{command.name} has no Discord form (adapters/discord/commands.py)")
    for name, subs in placed.items():
        declared = registry.commands.get(name)
        described = declared.description if declared else registry.discord_groups_described[name]
        group = app_commands.Group(
            name=name, description=described, guild_only=True, default_permissions=GROUP_PERMISSIONS.get(name)
        )
        for (group_name, sub_name), (description, only) in DISCORD_ONLY.items():
            if group_name == name:
                group.add_command(app_commands.Command(name=sub_name, description=description, callback=only))
        for sub_name, carried in subs.items():
            group.add_command(_sub_command(name, sub_name, carried))
        items.append(group)
    return items


def register(tree: app_commands.CommandTree[Any], registry: CommandRegistry) -> None:
    for item in build(registry):
        tree.add_command(item)
