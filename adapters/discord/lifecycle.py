"""Gateway lifecycle events → the core: a member leaves the server, a home thread (or the mentorship
channel) is deleted, the bot is removed from a server or added back."""

from __future__ import annotations

import logging

import discord

from adapters.discord.actors import PLATFORM, Host
from adapters.discord.guilds import CHANNEL_KEY, forget_mentorship_channel

log = logging.getLogger(__name__)


async def home_gone(host: Host, guild_id: str, channel_id: str, why: str) -> int:
    """A thread or channel is gone: if it was a pair's home, the next post opens a new one and says so.
    Returns how many mentorships lost their home."""
    moved = await host.app.router.home_lost(PLATFORM, guild_id, channel_id)
    if moved:
        log.info(
            "Discord home %s in %s %s: %d mentorship(s) get a new home", channel_id, guild_id, why, moved
        )
    return moved


async def channel_deleted(host: Host, channel: discord.abc.GuildChannel) -> None:
    """A channel was deleted. If it was the mentorship channel, its private threads (the homes) went
    with it: forget the setting and every home (an admin sets a new channel with `/mentor setup`)."""
    guild_id, channel_id = str(channel.guild.id), str(channel.id)
    homes = await forget_mentorship_channel(host.app.core, guild_id, channel_id)
    if homes is None:
        await home_gone(host, guild_id, channel_id, "deleted")
        return
    log.warning(
        "the mentorship channel %s of Discord server %s was deleted (setting %s cleared): an admin runs"
        " /mentor setup #channel to choose a new one",
        channel_id,
        guild_id,
        CHANNEL_KEY,
    )
    for home in homes:
        await home_gone(host, guild_id, home, "deleted with its channel")


async def member_left(host: Host, guild_id: str, user_id: str) -> None:
    paused = await host.app.router.member_left(PLATFORM, guild_id, user_id)
    if paused:
        log.info("Discord member %s left %s: %d mentorship(s) paused", user_id, guild_id, paused)


async def guild_removed(host: Host, guild_id: str) -> None:
    if await host.app.router.workspace_removed(PLATFORM, guild_id):
        log.warning("removed from Discord server %s: planning stopped there, the data is kept", guild_id)


async def guild_joined(host: Host, guild_id: str) -> None:
    if await host.app.router.workspace_returned(PLATFORM, guild_id):
        log.info("back in Discord server %s: paused mentorships resume", guild_id)
