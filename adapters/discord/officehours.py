"""`/officehours`: typed options in, the core's office-hours grammar out (see bot/interactions/).

No rules here: each sub-command builds the text a person could have typed and hands it to the router. The
only Discord-specific extras are autocomplete (series and open questions, read-only) and, after a
successful `create`, a private heads-up when the bot lacks a permission it needs in the chosen channel."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord import grammar
from adapters.discord.actors import host_of
from adapters.discord.guilds import question_choices, series_choices
from adapters.discord.modals import command_modal_id
from adapters.discord.views import CommandModal, answer, follow_up, text_input
from bot.messages import Reply, reply
from bot.officehours.usecases import QUESTION_MAX, RECAP_MAX, TOPIC_MAX
from bot.services.members import Actor

COMMAND = "officehours"
SERIES = "Which office hours, when there are several (autocompletes)"
QUESTION = "The question's number, e.g. 12 for Q12 (autocompletes)"
EditField = Literal["topic", "cadence", "hosts", "join", "announce", "remind"]

# What announcements need in the community channel, by discord.py's permission names.
NEEDED = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "create_public_threads": "Create Public Threads",
    "send_messages_in_threads": "Send Messages in Threads",
}


async def run(interaction: discord.Interaction[Any], text: str) -> None:
    router = host_of(interaction).app.router
    await answer(interaction, lambda actor: router.command(actor, COMMAND, text))


async def series_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    found = await series_choices(host_of(interaction).app.core, str(interaction.guild_id), current)
    return [app_commands.Choice(name=name, value=number) for name, number in found]


async def question_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    found = await question_choices(host_of(interaction).app.core, str(interaction.guild_id), current)
    return [app_commands.Choice(name=name, value=number) for name, number in found]


def missing_permissions(channel: discord.abc.GuildChannel) -> list[str]:
    """What the bot cannot do in the channel, as Discord names it (empty when all is well)."""
    perms = channel.permissions_for(channel.guild.me)
    return [label for name, label in NEEDED.items() if not getattr(perms, name)]


def _text_modal(
    interaction: discord.Interaction[Any],
    title: str,
    label: str,
    max_length: int,
    kind: str,
    series: int | None,
) -> CommandModal:
    inputs = [text_input("text", label, multiline=True, max_length=max_length)]
    return CommandModal(title, inputs, command_modal_id(kind, series, nonce=interaction.id))


async def _modal(interaction: discord.Interaction[Any], modal: CommandModal) -> None:
    await interaction.response.send_modal(modal)
    host_of(interaction).handled["interaction"] += 1


# ---- OfficeHoursGroup (its sub-commands; names and descriptions come from the registry) ----


@app_commands.describe(
    channel="Where sessions are announced (each announcement opens a thread)",
    cadence="e.g. monthly on the first Thursday at 17:00 for 60 min",
    topic="What the sessions are about, e.g. Career Q&A",
    host="A host (default: you)",
    host2="Another host",
    host3="Another host",
)
async def oh_create(
    interaction: discord.Interaction[Any],
    channel: discord.TextChannel,
    cadence: app_commands.Range[str, 1, 300],
    topic: app_commands.Range[str, 1, TOPIC_MAX] | None = None,
    host: discord.Member | None = None,
    host2: discord.Member | None = None,
    host3: discord.Member | None = None,
) -> None:
    hosts = [h.id for h in (host, host2, host3) if h is not None]
    text = grammar.oh_create_text(channel.id, channel.name, cadence, topic, hosts)
    router = host_of(interaction).app.router

    async def create_and_check(actor: Actor) -> Reply:
        result = await router.command(actor, COMMAND, text)
        missing = missing_permissions(channel) if result.ok else []
        if missing:
            # The core's confirmation first; then what would make the announcements fail.
            await follow_up(interaction, result, actor.workspace_id)
            return reply(
                f"Heads-up: in #{channel.name} I'm missing {', '.join(missing)}. Without them the "
                "announcements (and their threads) can't be posted — a server admin can grant them.",
                ok=False,
            )
        return result

    await answer(interaction, create_and_check)


async def oh_list(interaction: discord.Interaction[Any]) -> None:
    await run(interaction, "list")


@app_commands.describe(series=SERIES)
@app_commands.autocomplete(series=series_autocomplete)
async def oh_next(interaction: discord.Interaction[Any], series: int | None = None) -> None:
    await run(interaction, grammar.oh_text("next", series))


@app_commands.describe(series=SERIES, going="yes (default), or no to take your RSVP back")
@app_commands.autocomplete(series=series_autocomplete)
async def oh_rsvp(
    interaction: discord.Interaction[Any], series: int | None = None, going: Literal["yes", "no"] = "yes"
) -> None:
    await run(interaction, grammar.join(grammar.oh_text("rsvp", series), "" if going == "yes" else "no"))


@app_commands.describe(question="Leave empty for a form", series=SERIES)
@app_commands.autocomplete(series=series_autocomplete)
async def oh_ask(
    interaction: discord.Interaction[Any],
    question: app_commands.Range[str, 1, QUESTION_MAX] | None = None,
    series: int | None = None,
) -> None:
    if question is None:
        await _modal(
            interaction,
            _text_modal(
                interaction,
                "Ask a question",
                "Your question",
                QUESTION_MAX,
                "oh-ask",
                series,
            ),
        )
        return
    await run(interaction, grammar.oh_text("ask", series, question))


@app_commands.describe(series=SERIES)
@app_commands.autocomplete(series=series_autocomplete)
async def oh_questions(interaction: discord.Interaction[Any], series: int | None = None) -> None:
    await run(interaction, grammar.oh_text("questions", series))


@app_commands.describe(question=QUESTION)
@app_commands.autocomplete(question=question_autocomplete)
async def oh_upvote(interaction: discord.Interaction[Any], question: app_commands.Range[int, 1]) -> None:
    await run(interaction, grammar.oh_text("upvote", question))


@app_commands.describe(question=QUESTION)
@app_commands.autocomplete(question=question_autocomplete)
async def oh_withdraw(interaction: discord.Interaction[Any], question: app_commands.Range[int, 1]) -> None:
    await run(interaction, grammar.oh_text("withdraw", question))


@app_commands.describe(question=QUESTION)
@app_commands.autocomplete(question=question_autocomplete)
async def oh_answered(interaction: discord.Interaction[Any], question: app_commands.Range[int, 1]) -> None:
    await run(interaction, grammar.oh_text("answered", question))


@app_commands.describe(text="What was covered, links shared (leave empty for a form)", series=SERIES)
@app_commands.autocomplete(series=series_autocomplete)
async def oh_recap(
    interaction: discord.Interaction[Any],
    text: app_commands.Range[str, 1, RECAP_MAX] | None = None,
    series: int | None = None,
) -> None:
    if text is None:
        await _modal(
            interaction,
            _text_modal(
                interaction,
                "Office hours recap",
                "What was covered, links shared",
                RECAP_MAX,
                "oh-recap",
                series,
            ),
        )
        return
    await run(interaction, grammar.oh_text("recap", series, text))


@app_commands.describe(
    field="What to change",
    value="The new value (for hosts: pick members instead)",
    series=SERIES,
    host="hosts: a host",
    host2="hosts: another host",
    host3="hosts: another host",
)
@app_commands.autocomplete(series=series_autocomplete)
async def oh_edit(
    interaction: discord.Interaction[Any],
    field: EditField,
    value: app_commands.Range[str, 1, 1000] | None = None,
    series: int | None = None,
    host: discord.Member | None = None,
    host2: discord.Member | None = None,
    host3: discord.Member | None = None,
) -> None:
    hosts = [h.id for h in (host, host2, host3) if h is not None]
    await run(interaction, grammar.oh_edit_text(series, field, value, hosts))


@app_commands.describe(series=SERIES)
@app_commands.autocomplete(series=series_autocomplete)
async def oh_skip(interaction: discord.Interaction[Any], series: int | None = None) -> None:
    await run(interaction, grammar.oh_text("skip", series))


@app_commands.describe(series=SERIES)
@app_commands.autocomplete(series=series_autocomplete)
async def oh_cancel(interaction: discord.Interaction[Any], series: int | None = None) -> None:
    await run(interaction, grammar.oh_text("cancel", series))


@app_commands.describe(series=SERIES)
@app_commands.autocomplete(series=series_autocomplete)
async def oh_stats(interaction: discord.Interaction[Any], series: int | None = None) -> None:
    await run(interaction, grammar.oh_text("stats", series))


@app_commands.describe(
    action="list: who may create office hours; allow or remove: admins change it", member="Who"
)
async def oh_hosts(
    interaction: discord.Interaction[Any],
    action: Literal["list", "allow", "remove"] = "list",
    member: discord.Member | None = None,
) -> None:
    who = grammar.mention(member.id) if member else ""
    await run(interaction, grammar.join("hosts", "" if action == "list" else action, who))


CALLBACKS: dict[tuple[str, str], Callable[..., Coroutine[Any, Any, None]]] = {
    (COMMAND, name): callback
    for name, callback in (
        ("create", oh_create),
        ("hosts", oh_hosts),
        ("list", oh_list),
        ("next", oh_next),
        ("rsvp", oh_rsvp),
        ("ask", oh_ask),
        ("questions", oh_questions),
        ("upvote", oh_upvote),
        ("withdraw", oh_withdraw),
        ("answered", oh_answered),
        ("recap", oh_recap),
        ("edit", oh_edit),
        ("skip", oh_skip),
        ("cancel", oh_cancel),
        ("stats", oh_stats),
    )
}
