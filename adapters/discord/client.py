"""The Discord client: builds the core in setup_hook, registers commands and persistent buttons, and keeps
every gateway event handler from ever raising into discord.py's loop."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from adapters.discord import commands, events, lifecycle, modals
from adapters.discord.actors import PLATFORM, host_of
from adapters.discord.chat import DiscordChat
from adapters.discord.guilds import CHANNEL_KEY
from adapters.discord.views import ACTION_TEMPLATE, ActionButton
from bot import wording
from bot.app import Application, build_app
from bot.clock import Clock, SimulatedClock
from bot.persistence.db import create_engine, session_factory
from bot.queries import homes, workspaces
from bot.scheduling.pump import RealTimePump, SimulatedPump

log = logging.getLogger(__name__)


async def _answer_stale(interaction: discord.Interaction[Any]) -> None:
    try:
        await interaction.response.send_message(wording.STALE_BUTTON, ephemeral=True)
    finally:
        host_of(interaction).handled["interaction"] += 1


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.members = True  # privileged: names and Manage Server for people the bot has not seen talk
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = True  # privileged: replies in check-in threads are status updates
    return wanted


class MentorBot(discord.Client):
    def __init__(
        self,
        database_url: str,
        clock: Clock,
        *,
        dev_guild_id: str | None = None,
        sync_commands: bool = True,
        public_url: str | None = None,
        retention_days: int = 30,
        **options: Any,
    ) -> None:
        # No client-wide allowed_mentions: every send passes its own, which names only intended users.
        super().__init__(intents=intents(), chunk_guilds_at_startup=False, **options)
        self.database_url = database_url
        self.clock = clock
        self.dev_guild_id = dev_guild_id
        self.sync_commands = sync_commands
        self.public_url = public_url
        self.retention_days = retention_days
        self.tree: app_commands.CommandTree[MentorBot] = app_commands.CommandTree(self)
        self.tree.on_error = self._on_command_error  # type: ignore[method-assign]
        self.handled: Counter[str] = Counter()
        self._app: Application | None = None
        self.chat: DiscordChat | None = None
        self.pump: RealTimePump | SimulatedPump | None = None

    @property
    def app(self) -> Application:
        assert self._app is not None, "the app is built in setup_hook"
        return self._app

    async def setup_hook(self) -> None:
        # The engine comes first, so the gateway's look-ups need nothing built after it.
        engine = create_engine(self.database_url)
        sessions = session_factory(engine)

        async def channel_setting(guild_id: str) -> str | None:
            return await workspaces.setting(sessions, PLATFORM, guild_id, CHANNEL_KEY)

        async def home(guild_id: str, user_id: str) -> str | None:
            return await homes.recent_home(sessions, PLATFORM, guild_id, user_id)

        async def home_gone(guild_id: str, channel_id: str) -> int:
            return await lifecycle.home_gone(self, guild_id, channel_id, "unknown (10003)")

        self.chat = DiscordChat(self, channel_setting, home, on_channel_gone=home_gone)
        self._app = await build_app(
            self.database_url,
            {"discord": self.chat},
            self.clock,
            directory=self.chat,
            engine=engine,
            public_url=self.public_url,
            retention_days=self.retention_days,
        )
        commands.register(self.tree, self._app.router.registry)
        self.add_dynamic_items(ActionButton)
        if isinstance(self.clock, SimulatedClock):
            self.pump = SimulatedPump(self.app.dispatcher, self.clock)
        else:
            self.pump = RealTimePump(self.app.dispatcher)
            self.app.core.wakers.append(self.pump.poke)
            await self.pump.start()
        if self.sync_commands:
            await self._sync()

    async def _sync(self) -> None:
        if self.dev_guild_id:
            guild = discord.Object(id=int(self.dev_guild_id))
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), self.dev_guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands (they can take up to an hour to appear)", len(synced))

    async def close(self) -> None:
        if isinstance(self.pump, RealTimePump):
            await self.pump.stop()
        await super().close()
        if self._app is not None:
            await self._app.close()

    # ---- gateway events: never let one raise into the gateway loop --------------------------------

    async def _guarded(self, kind: str, work: Callable[[], Awaitable[object]]) -> None:
        try:
            await work()
        except Exception:
            log.exception("handling a Discord %s event failed", kind)
        finally:
            self.handled[kind] += 1

    async def on_message(self, message: discord.Message) -> None:
        await self._guarded("message", lambda: events.on_message(self, self, message))

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        await self._guarded("edit", lambda: events.on_raw_message_edit(self, payload))

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._guarded("delete", lambda: events.on_raw_message_delete(self, payload))

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.type == discord.InteractionType.modal_submit:
            await self._guarded("modal", lambda: modals.on_modal_submit(interaction))
        elif interaction.type == discord.InteractionType.component:
            # Every button of ours matches ActionButton's template; anything else (an older version's
            # button) would otherwise get no answer at all.
            data: dict[str, Any] = dict(interaction.data or {})
            custom_id = str(data.get("custom_id") or "")
            if not re.fullmatch(ACTION_TEMPLATE, custom_id):
                await self._guarded("stale_button", lambda: _answer_stale(interaction))

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        async def work() -> None:
            if payload.guild_id is None:
                return
            for message_id in sorted(payload.message_ids):
                await self.app.router.thread_delete("discord", str(payload.guild_id), str(message_id))

        await self._guarded("bulk_delete", work)

    # ---- lifecycle: members leave, homes disappear, the bot is removed -----------------------------

    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        await self._guarded(
            "thread_delete",
            lambda: lifecycle.home_gone(self, str(payload.guild_id), str(payload.thread_id), "deleted"),
        )

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self._guarded("channel_delete", lambda: lifecycle.channel_deleted(self, channel))

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await self._guarded(
            "member_remove", lambda: lifecycle.member_left(self, str(payload.guild_id), str(payload.user.id))
        )

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        # Only when the bot was removed (kicked, banned, the server deleted); an outage is
        # on_guild_unavailable, which changes nothing.
        await self._guarded("guild_remove", lambda: lifecycle.guild_removed(self, str(guild.id)))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._guarded("guild_join", lambda: lifecycle.guild_joined(self, str(guild.id)))

    async def on_guild_available(self, guild: discord.Guild) -> None:
        # At connect: a server that invited the bot back while it was offline resumes too.
        await self._guarded("guild_available", lambda: lifecycle.guild_joined(self, str(guild.id)))

    async def on_guild_unavailable(self, guild: discord.Guild) -> None:
        log.warning("Discord server %s is unavailable (an outage); nothing changes", guild.id)

    async def _on_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        log.error("app command failed", exc_info=error)
        try:
            text = "Something went wrong on my side and nothing was changed. Please try again."
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the user about the failed command")
