"""Modal submissions, handled statelessly from the modal's custom id (like the buttons).

A MODAL_SUBMIT may reach a process that never opened that modal (after a restart, or on another
process), so nothing about a modal is kept in memory: its custom id says which form or command it is
and carries the command's options; the submitted values come with the interaction.

    mbf:<guild>:<user>:<core form id>           a core Form (router.form)
    mbc:<kind>:<option>…:<interaction id>       a command with long options (router.command)

The interaction id at the end keeps two people's simultaneous modals apart in discord.py."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import discord

from adapters.discord import grammar
from adapters.discord.actors import host_of
from adapters.discord.views import FORM_PREFIX, answer
from bot import wording
from bot.messages import reply

log = logging.getLogger(__name__)

COMMAND_PREFIX = "mbc"

Build = Callable[[list[str], Mapping[str, str]], str]


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


# kind → (the core command, its text from the id's options and the submitted values)
COMMANDS: dict[str, tuple[str, Build]] = {
    "pair": (
        "mentor",
        lambda o, v: grammar.pair_text(
            int(o[0]), v.get("goal", ""), v.get("by"), v.get("focus"), _number(o[1]) if len(o) > 1 else None
        ),
    ),
    "cadence": ("mentor", lambda o, v: grammar.mentor_text("cadence", v.get("rule"), o[0] or None)),
    "checkin": ("checkin", lambda o, v: grammar.checkin_text(o[0], v.get("text"), o[1] or None)),
    "oh-ask": ("officehours", lambda o, v: grammar.oh_text("ask", _number(o[0]), v.get("text"))),
    "oh-recap": ("officehours", lambda o, v: grammar.oh_text("recap", _number(o[0]), v.get("text"))),
}
# How many options each kind carries between its kind and the trailing interaction id.
ARITY = {"pair": 2, "cadence": 1, "checkin": 2, "oh-ask": 1, "oh-recap": 1}


def command_modal_id(kind: str, *options: object, nonce: int | str) -> str:
    """The custom id of a command modal; options are ids, numbers or short words (no colons)."""
    assert kind in COMMANDS and len(options) == ARITY[kind]
    parts = ["" if o is None else str(o).replace(":", "") for o in options]
    return ":".join([COMMAND_PREFIX, kind, *parts, str(nonce)])[:100]


def submitted_values(data: Mapping[str, Any]) -> dict[str, str]:
    """The text inputs of a MODAL_SUBMIT: action rows of inputs, or (newer) labels wrapping one."""
    values: dict[str, str] = {}

    def visit(component: Any) -> None:
        if not isinstance(component, dict):
            return
        if isinstance(component.get("custom_id"), str) and isinstance(component.get("value"), str):
            values[component["custom_id"]] = component["value"]
        for child in component.get("components") or []:
            visit(child)
        visit(component.get("component"))

    for row in data.get("components") or []:
        visit(row)
    return values


def parse(custom_id: str) -> tuple[str, list[str]] | None:
    """(kind, options) of a command modal id, or None when it is not one we can read."""
    parts = custom_id.split(":")
    if len(parts) < 3 or parts[0] != COMMAND_PREFIX or parts[1] not in COMMANDS:
        return None
    options = parts[2:-1]
    if len(options) != ARITY[parts[1]]:
        return None
    if parts[1] == "pair" and not options[0].isdigit():
        return None
    return parts[1], options


async def on_modal_submit(interaction: discord.Interaction[Any]) -> None:
    """Answer any modal submission from its custom id and values."""
    data: Mapping[str, Any] = interaction.data or {}
    custom_id = str(data.get("custom_id") or "")
    values = submitted_values(data)
    router = host_of(interaction).app.router
    if custom_id.startswith(FORM_PREFIX + ":"):
        _prefix, guild_id, _user, form_id = ([*custom_id.split(":", 3), "", "", ""])[:4]
        await answer(interaction, lambda actor: router.form(actor, form_id, values), guild_id or None)
        return
    parsed = parse(custom_id)
    if parsed is None:
        log.warning("a modal submission with an id I cannot read: %r", custom_id)

        async def stale(actor: object) -> Any:
            return reply(wording.STALE_FORM, ok=False)

        await answer(interaction, stale)
        return
    kind, options = parsed
    command, build = COMMANDS[kind]
    text = build(options, values)
    await answer(interaction, lambda actor: router.command(actor, command, text))
