"""Who did something on Discord, as the core's `Actor`; and the bot as the views and commands see it."""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

import discord

from bot.app import Application
from bot.services.members import Actor

PLATFORM = "discord"


class Host(Protocol):
    """What commands, views and events need from the running bot (kept small for tests)."""

    @property
    def app(self) -> Application: ...

    handled: Counter[str]


def host_of(interaction: discord.Interaction[Any]) -> Host:
    return interaction.client  # type: ignore[no-any-return,unused-ignore]


def actor_of(
    interaction: discord.Interaction[Any],
    workspace_id: str | None = None,
) -> Actor | None:
    """The guild comes from the interaction, or for a button pressed in a DM from its custom id."""
    guild_id = str(interaction.guild_id) if interaction.guild_id else workspace_id
    if not guild_id:
        return None
    user = interaction.user
    in_guild = interaction.guild_id is not None
    channel = interaction.channel
    # Office hours pick "the series of this channel"; inside one of its threads that is the parent.
    here = channel.parent_id if isinstance(channel, discord.Thread) else interaction.channel_id
    return Actor(
        platform=PLATFORM,
        workspace_id=guild_id,
        user_id=str(user.id),
        display_name=user.display_name,
        workspace_name=interaction.guild.name if interaction.guild else "",
        # Manage Server is what Discord calls a server admin; unknown (None) outside the server.
        is_admin=interaction.permissions.manage_guild if in_guild else None,
        channel_id=str(here) if in_guild and here else None,
    )


def message_actor(
    message: discord.Message, *, channel_id: str | None = None, thread_id: str | None = None
) -> Actor | None:
    if message.guild is None:
        return None
    author = message.author
    admin = author.guild_permissions.manage_guild if isinstance(author, discord.Member) else None
    return Actor(
        platform=PLATFORM,
        workspace_id=str(message.guild.id),
        user_id=str(author.id),
        display_name=author.display_name,
        workspace_name=message.guild.name,
        is_admin=admin,
        channel_id=channel_id or str(message.channel.id),
        thread_id=thread_id,
    )
