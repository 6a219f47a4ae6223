"""`mentorbot run discord`: own the event loop, build everything inside, return an exit code."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import discord

from adapters.discord.client import MentorBot
from bot.clock import SystemClock
from bot.settings import Settings

log = logging.getLogger(__name__)


async def run_gateway(settings: Settings) -> int:
    if not settings.discord_token:
        log.error("DISCORD_TOKEN is not set")
        return 2
    bot = MentorBot(
        settings.database_url,
        SystemClock(),
        dev_guild_id=settings.discord_dev_guild_id,
        public_url=settings.public_url,
        retention_days=settings.retention_days,
    )
    # SIGTERM (a platform stopping the worker) and Ctrl-C close the gateway and the pump cleanly.
    loop = asyncio.get_running_loop()
    closing: list[asyncio.Task[None]] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, lambda: closing.append(asyncio.ensure_future(bot.close())))
    try:
        async with bot:
            await bot.start(settings.discord_token)
    except discord.LoginFailure:
        log.error("Discord rejected DISCORD_TOKEN; copy the bot token from the Developer Portal again")
        return 2
    except discord.PrivilegedIntentsRequired:
        log.error("enable the Server Members and Message Content intents for the bot in the Developer Portal")
        return 2
    return 0
