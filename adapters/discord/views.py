"""Buttons that survive restarts (dynamic items over the core's action ids), modals, and replies.

Every interaction is answered within Discord's 3 seconds: commands defer at once and follow up; a button
first gives the core a moment (it may answer with a form, and a modal cannot follow a deferral), then
defers."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from adapters.discord.actors import actor_of, host_of
from adapters.discord.render import (
    BUTTONS_PER_ROW,
    CUSTOM_ID_MAX,
    LABEL_MAX,
    ROWS_MAX,
    STYLES,
    clip,
    only_users,
    render,
)
from bot.messages import Button, Form, Reply, reply
from bot.services.members import Actor

log = logging.getLogger(__name__)

# How long a button waits for the core before deferring; well inside Discord's 3 s.
FAST_ANSWER_S = 2.0
MODAL_INPUTS_MAX = 5
# An interaction token lives 15 minutes; an open modal is kept in memory no longer than that.
MODAL_TIMEOUT_S = 900
MODAL_TITLE_MAX = 45
INPUT_LABEL_MAX = 45
INPUT_VALUE_MAX = 4000
PLACEHOLDER_MAX = 100
OUTSIDE_SERVER = "Use me inside the server where your mentorship lives."

ACTION_TEMPLATE = r"mb:(?P<guild>[0-9]+):(?P<action>[a-z_\-]+:[a-z_\-]+:[0-9]+)"
FORM_PREFIX = "mbf"


def action_custom_id(guild_id: str, action_id: str) -> str:
    """The guild travels in the id because a button pressed in a DM carries no guild."""
    return f"mb:{guild_id}:{action_id}"


class ActionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ACTION_TEMPLATE):
    """One class handles every core button; registered in setup_hook, so old messages keep working."""

    def __init__(
        self,
        guild_id: str,
        action_id: str,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, LABEL_MAX), style=style, custom_id=action_custom_id(guild_id, action_id)
            )
        )
        self.guild_id = guild_id
        self.action_id = action_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ActionButton:
        return cls(match["guild"], match["action"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        router = host_of(interaction).app.router
        await answer_or_form(interaction, lambda actor: router.action(actor, self.action_id), self.guild_id)


def build_view(buttons: list[Button], guild_id: str) -> discord.ui.View | None:
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    limit = ROWS_MAX * BUTTONS_PER_ROW
    if len(buttons) > limit:
        log.warning("message has %d buttons; Discord shows %d", len(buttons), limit)
    for i, b in enumerate(buttons[:limit]):
        custom_id = action_custom_id(guild_id, b.action_id)
        if len(custom_id) > CUSTOM_ID_MAX:
            log.warning("button id %r is too long for Discord; left out", b.action_id)
            continue
        item = ActionButton(guild_id, b.action_id, b.label, STYLES[b.style])
        item.row = i // BUTTONS_PER_ROW
        view.add_item(item)
    return view


def reply_kwargs(result: Reply, guild_id: str | None) -> dict[str, Any]:
    rendered = render(result.message, ping=False)
    kwargs: dict[str, Any] = {"allowed_mentions": rendered.allowed_mentions}
    if rendered.content:
        kwargs["content"] = rendered.content
    if rendered.embeds:
        kwargs["embeds"] = rendered.embeds
    view = build_view(rendered.buttons, guild_id) if guild_id else None
    if view is not None:
        kwargs["view"] = view
    return kwargs


async def follow_up(interaction: discord.Interaction[Any], result: Reply, guild_id: str | None) -> None:
    await interaction.followup.send(ephemeral=True, **reply_kwargs(result, guild_id))
    # A reply too long for one message continues, whole, in further private follow-ups.
    for extra in render(result.message, ping=False).more:
        await interaction.followup.send(ephemeral=True, content=extra, allowed_mentions=only_users([]))


async def answer(
    interaction: discord.Interaction[Any],
    call: Callable[[Actor], Awaitable[Reply]],
    workspace_id: str | None = None,
) -> None:
    """Defer at once, run the use-case, follow up with its reply (private: the core has no public ones)."""
    host = host_of(interaction)
    try:
        actor = actor_of(interaction, workspace_id)
        if actor is None:
            await interaction.response.send_message(OUTSIDE_SERVER, ephemeral=True)
            return
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        result = await call(actor)
        await follow_up(interaction, result, actor.workspace_id)
    finally:
        host.handled["interaction"] += 1


async def answer_or_form(
    interaction: discord.Interaction[Any],
    call: Callable[[Actor], Awaitable[Reply]],
    workspace_id: str | None = None,
) -> None:
    """For what the core may answer with a form (a button, `/mentor profile`): a modal cannot follow a
    deferral, so give the core FAST_ANSWER_S to answer directly (a modal or a reply), then defer."""
    host = host_of(interaction)
    try:
        actor = actor_of(interaction, workspace_id)
        if actor is None:
            await interaction.response.send_message(OUTSIDE_SERVER, ephemeral=True)
            return
        guild_id = actor.workspace_id
        task = asyncio.ensure_future(call(actor))
        done, _ = await asyncio.wait({task}, timeout=FAST_ANSWER_S)
        if task in done:
            result = task.result()
            if result.message.form is not None:
                modal = FormModal(result.message.form, guild_id, actor.user_id)
                await interaction.response.send_modal(modal)
                return
            await interaction.response.send_message(
                ephemeral=not result.public, **reply_kwargs(result, guild_id)
            )
            for extra in render(result.message, ping=False).more:
                await interaction.followup.send(
                    ephemeral=not result.public, content=extra, allowed_mentions=only_users([])
                )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await task
        if result.message.form is not None:
            result = reply("That took me too long to open the form — please try again.", ok=False)
        await follow_up(interaction, result, guild_id)
    finally:
        host.handled["interaction"] += 1


def text_input(
    name: str,
    label: str,
    *,
    multiline: bool = False,
    required: bool = True,
    placeholder: str = "",
    initial: str = "",
    max_length: int = INPUT_VALUE_MAX,
) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        label=clip(label, INPUT_LABEL_MAX),
        custom_id=name,
        style=discord.TextStyle.paragraph if multiline else discord.TextStyle.short,
        required=required,
        placeholder=clip(placeholder, PLACEHOLDER_MAX) or None,
        default=initial[:INPUT_VALUE_MAX] or None,
        max_length=min(max_length, INPUT_VALUE_MAX),
    )


class FormModal(discord.ui.Modal):
    """A core `Form` as a modal; the submission goes to `router.form` under the same form id. discord.py
    keeps open modals by custom id alone, so the id names who opened it: two people filling the same
    form (two mentors' profiles, `match:profile:0`) each get their own."""

    def __init__(self, form: Form, guild_id: str, user_id: str) -> None:
        super().__init__(
            title=clip(form.title, MODAL_TITLE_MAX),
            custom_id=f"{FORM_PREFIX}:{guild_id}:{user_id}:{form.form_id}"[:100],
            timeout=MODAL_TIMEOUT_S,
        )
        self.form = form
        self.guild_id = guild_id
        for f in form.fields[:MODAL_INPUTS_MAX]:
            self.add_item(
                text_input(
                    f.name,
                    f.label,
                    multiline=f.multiline,
                    required=f.required,
                    placeholder=f.placeholder,
                    initial=f.initial,
                    max_length=f.max_length,
                )
            )

    # No on_submit: every submission is answered from its custom id (adapters/discord/modals.py), so
    # one that reaches a process which never opened the modal is answered the same way.


class CommandModal(discord.ui.Modal):
    """An adapter-side form for a command with long options (pairing, cadence, check-in text). Its
    custom id carries the command's options (adapters/discord/modals.py builds the text from it and the
    submitted values), so no state is kept here."""

    def __init__(self, title: str, inputs: list[discord.ui.TextInput[Any]], custom_id: str) -> None:
        super().__init__(
            title=clip(title, MODAL_TITLE_MAX), custom_id=custom_id[:100], timeout=MODAL_TIMEOUT_S
        )
        for item in inputs[:MODAL_INPUTS_MAX]:
            self.add_item(item)
