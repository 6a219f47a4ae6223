"""DiscordChat: the core's ChatGateway on Discord.

Where things live: a mentorship's home is a private thread in the server's mentorship channel. Threads
cannot nest, so a check-in's "thread" is its announcement message inside the home thread: the
announcement's message id is the check-in's `thread_id`, and posts to it are replies (message
references) to that message. People reply to it the same way (see adapters/discord/events.py).

In an ordinary text channel (office hours' community channel) `start_thread` opens a real public thread
from the announcement. Discord gives such a thread the message's id, so `thread_id` is both; posts to
it go into the thread. Which of the two a destination is follows from its channel: a text channel has
real threads, a thread (a home) has reply chains."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import aiohttp
import discord

from adapters.discord.render import SnowflakeReference, only_users, render
from adapters.discord.views import build_view
from bot.messages import Mention, Message, Paragraph, Text
from bot.ports import DeliveryError, Destination, DirectMessage, SentRef, ThreadReply, UserInfo

log = logging.getLogger(__name__)

NONCE_MAX = 25
THREAD_NAME_MAX = 100
ARCHIVE_AFTER_MIN: Literal[10080] = 10080  # a week: homes stay listed between fortnightly check-ins

# Discord JSON error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
CANNOT_DM = 50007
THREAD_EXISTS = 160004  # a thread was already started from that message (a retried announcement)
REASONS = {
    10003: "the channel or thread no longer exists (deleted?)",
    10004: "the bot is no longer in that server",
    10007: "the member left the server",
    10008: "the message it replies to no longer exists",
    10013: "the Discord user no longer exists",
    50001: "the bot cannot see that channel (missing access)",
    50007: "the member does not accept direct messages from the bot",
    50013: "the bot lacks a permission there (send messages, threads, embed links)",
    50083: "the thread is archived and the bot cannot unarchive it",
    160005: "the thread is locked",
}

HomeLookup = Callable[[str, str], Awaitable[str | None]]
ChannelSetting = Callable[[str], Awaitable[str | None]]
# Told (guild id, channel id) when Discord says a channel or thread we posted to no longer exists;
# returns how many pairs lost their home there.
ChannelGone = Callable[[str, str], Awaitable[int]]
UNKNOWN_CHANNEL = 10003
# After a lost home is forgotten, the row is tried again this soon: it renders into a new home.
REHOME_RETRY_S = 1.0


# How many recent messages a re-send looks through for its own earlier attempt.
HISTORY_LOOKBACK = 50


def nonce_for(key: str) -> str:
    """Discord dedupes sends by nonce (max 25 chars); outbox keys are longer, so hash them."""
    return hashlib.sha256(key.encode()).hexdigest()[:NONCE_MAX]


def delivery_error(exc: Exception, where: str) -> DeliveryError:
    if isinstance(exc, discord.RateLimited):
        return DeliveryError(f"rate limited at {where}", retry_after=exc.retry_after)
    if isinstance(exc, discord.HTTPException):
        if exc.status >= 500 or exc.status == 429:
            return DeliveryError(f"Discord error {exc.status} at {where}: {exc.text}")
        reason = REASONS.get(exc.code, exc.text or f"HTTP {exc.status}")
        return DeliveryError(f"{reason} ({where}, Discord code {exc.code})", permanent=True)
    return DeliveryError(f"network error at {where}: {exc!r}")


class DiscordChat:
    platform = "discord"

    def __init__(
        self,
        client: discord.Client,
        channel_setting: ChannelSetting,
        home_of: HomeLookup,
        *,
        on_channel_gone: ChannelGone | None = None,
    ) -> None:
        self.client = client
        self.channel_setting = channel_setting
        self.home_of = home_of
        self.on_channel_gone = on_channel_gone
        self._dms: dict[str, int] = {}

    # ---- the port -------------------------------------------------------------------------------

    async def send(
        self,
        workspace_id: str,
        to: Destination,
        message: Message,
        *,
        idempotency_key: str,
        start_thread: bool = False,
        thread_title: str = "",
    ) -> SentRef:
        if isinstance(to, DirectMessage):
            return await self._send_dm(workspace_id, to.user_id, message, idempotency_key)
        try:
            return await self._send_in_channel(
                workspace_id, to, message, idempotency_key, start_thread, thread_title
            )
        except DeliveryError as exc:
            cause = exc.__cause__
            if not (isinstance(cause, discord.HTTPException) and cause.code == UNKNOWN_CHANNEL):
                raise
            if self.on_channel_gone is None or not await self.on_channel_gone(workspace_id, to.channel_id):
                raise
            # A pair's home was deleted: it is forgotten now, so the row renders into a new one.
            raise DeliveryError(f"{exc.reason}; opening a new home", retry_after=REHOME_RETRY_S) from exc

    async def _send_in_channel(
        self,
        workspace_id: str,
        to: Destination,
        message: Message,
        idempotency_key: str,
        start_thread: bool,
        thread_title: str,
    ) -> SentRef:
        assert not isinstance(to, DirectMessage)
        if isinstance(to, ThreadReply) and await self._has_threads(to.channel_id):
            # A real thread under a text channel's message: post into it.
            sent = await self._post(workspace_id, to.thread_id, message, idempotency_key, None, ping=True)
            return SentRef(to.channel_id, str(sent.id))
        reference = to.thread_id if isinstance(to, ThreadReply) else None
        sent = await self._post(workspace_id, to.channel_id, message, idempotency_key, reference, ping=True)
        if not start_thread or reference is not None:
            return SentRef(to.channel_id, str(sent.id))
        if await self._has_threads(to.channel_id):
            thread_id = await self._start_thread(to.channel_id, str(sent.id), thread_title)
            return SentRef(to.channel_id, str(sent.id), thread_id)
        # Inside a home thread the announcement itself stands for the check-in's thread.
        return SentRef(to.channel_id, str(sent.id), str(sent.id))

    async def find_sent(
        self,
        workspace_id: str,
        to: Destination,
        idempotency_key: str,
        *,
        start_thread: bool = False,
        thread_title: str = "",
    ) -> SentRef | None:
        """The optional DeliveryLookup port: the bot's message carrying this key's nonce among the
        destination's last `HISTORY_LOOKBACK` messages, or None. (Within Discord's nonce window a
        re-send is a no-op anyway, through `enforce_nonce`; this covers re-sends after it.)"""
        nonce = nonce_for(idempotency_key)
        try:
            if isinstance(to, DirectMessage):
                channel_id = str((await self._dm_channel(to.user_id)).id)
            elif isinstance(to, ThreadReply) and await self._has_threads(to.channel_id):
                channel_id = to.thread_id
            else:
                channel_id = to.channel_id
            recent = await self.client.http.logs_from(channel_id, HISTORY_LOOKBACK)
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            raise delivery_error(exc, f"reading the history of {to}") from exc
        me = str(self.client.user.id) if self.client.user else None
        found = next(
            (m for m in recent if m.get("nonce") == nonce and str(m.get("author", {}).get("id")) == me), None
        )
        if found is None:
            return None
        message_id = str(found["id"])
        if isinstance(to, DirectMessage):
            return SentRef(channel_id, message_id)
        if not start_thread or isinstance(to, ThreadReply):
            return SentRef(to.channel_id, message_id)
        if await self._has_threads(to.channel_id):
            # The first attempt may have stopped between the post and its thread: finish the job.
            return SentRef(
                to.channel_id, message_id, await self._start_thread(to.channel_id, message_id, thread_title)
            )
        return SentRef(to.channel_id, message_id, message_id)

    async def edit(self, workspace_id: str, channel_id: str, message_id: str, message: Message) -> None:
        """Change a message the bot sent (the optional EditableGateway port: live counts)."""
        rendered = render(message, ping=False)
        view = build_view(rendered.buttons, workspace_id)
        channel = self.client.get_partial_messageable(int(channel_id), guild_id=int(workspace_id))
        try:
            await channel.get_partial_message(int(message_id)).edit(
                content=rendered.content,
                embeds=rendered.embeds,
                view=view,
                allowed_mentions=rendered.allowed_mentions,
            )
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            raise delivery_error(exc, f"editing message {message_id} in {channel_id}") from exc

    async def open_home(self, workspace_id: str, user_ids: list[str], title: str) -> str:
        parent_id = await self.channel_setting(workspace_id)
        if parent_id is None:
            raise DeliveryError(
                "no mentorship channel is set up for this server: an admin runs `/mentor setup #channel`",
                permanent=True,
            )
        try:
            parent = self.client.get_channel(int(parent_id)) or await self.client.fetch_channel(
                int(parent_id)
            )
            if not isinstance(parent, discord.TextChannel):
                raise DeliveryError(
                    f"the mentorship channel {parent_id} is not a text channel", permanent=True
                )
            thread = await parent.create_thread(
                name=title[:THREAD_NAME_MAX] or "mentorship",
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=ARCHIVE_AFTER_MIN,
            )
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            raise delivery_error(exc, f"creating a thread in channel {parent_id}") from exc
        missing = []
        for user_id in user_ids:
            try:
                await thread.add_user(discord.Object(id=int(user_id)))
            except discord.HTTPException as exc:
                log.warning("could not add %s to home thread %s: %s", user_id, thread.id, exc)
                missing.append(user_id)
        if missing:
            # Say so where the other person will read it, rather than failing the whole mentorship.
            parts: list[Any] = [Text("I couldn't add ")]
            parts += [Mention(u, u) for u in missing]
            parts.append(Text(" to this thread — they may have left the server. An admin can add them back."))
            await self._post(
                workspace_id,
                str(thread.id),
                Message((Paragraph(tuple(parts)),)),
                f"home-missing:{thread.id}",
                None,
                ping=False,
            )
        return str(thread.id)

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserInfo | None:
        if not (workspace_id.isdigit() and user_id.isdigit()):
            return None
        guild = self.client.get_guild(int(workspace_id))
        try:
            if guild is not None:
                member = guild.get_member(int(user_id)) or await guild.fetch_member(int(user_id))
                return UserInfo(member.display_name, None, member.guild_permissions.manage_guild, member.bot)
            data = await self.client.http.get_member(int(workspace_id), int(user_id))
        except discord.NotFound:
            return None
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError):
            log.warning("could not look up Discord member %s in %s", user_id, workspace_id, exc_info=True)
            return None
        user = data["user"]
        name = data.get("nick") or user.get("global_name") or user["username"]
        return UserInfo(name, None, False, bool(user.get("bot")))

    # ---- threads --------------------------------------------------------------------------------

    async def _has_threads(self, channel_id: str) -> bool:
        """True for a text (or announcement) channel, where threads are real; False inside a thread.

        Guild channels are always cached; a thread may not be (archived), so only then ask Discord."""
        channel = self.client.get_channel(int(channel_id))
        if channel is None:
            try:
                channel = await self.client.fetch_channel(int(channel_id))
            except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
                raise delivery_error(exc, f"looking up channel {channel_id}") from exc
        return isinstance(channel, discord.TextChannel)

    async def _start_thread(self, channel_id: str, message_id: str, title: str) -> str | None:
        """A public thread from the message; its id is the message's. None when Discord refuses for
        good (missing Create Public Threads): the post stands without a thread, replies go to the channel."""
        try:
            data = await self.client.http.start_thread_with_message(
                channel_id,
                message_id,
                name=title[:THREAD_NAME_MAX] or "thread",
                auto_archive_duration=ARCHIVE_AFTER_MIN,
            )
        except discord.HTTPException as exc:
            if exc.code == THREAD_EXISTS:
                return message_id
            error = delivery_error(exc, f"starting a thread in channel {channel_id}")
            if not error.permanent:
                # Retried: the announcement's nonce returns the same message, and the thread follows.
                raise error from exc
            log.warning("posted %s without a thread: %s", message_id, error.reason)
            return None
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise delivery_error(exc, f"starting a thread in channel {channel_id}") from exc
        return str(data["id"])

    # ---- sending --------------------------------------------------------------------------------

    async def _post(
        self,
        workspace_id: str,
        channel_id: str,
        message: Message,
        key: str,
        reply_to: str | None,
        *,
        ping: bool,
    ) -> discord.Message:
        channel = self.client.get_partial_messageable(int(channel_id), guild_id=int(workspace_id))
        return await self._send_to(
            channel, workspace_id, message, key, reply_to, ping=ping, where=f"channel {channel_id}"
        )

    async def _send_to(
        self,
        channel: discord.abc.Messageable,
        workspace_id: str,
        message: Message,
        key: str,
        reply_to: str | None,
        *,
        ping: bool,
        where: str,
    ) -> discord.Message:
        rendered = render(message, ping=ping)
        kwargs: dict[str, Any] = {"embeds": rendered.embeds, "allowed_mentions": rendered.allowed_mentions}
        if rendered.content:
            kwargs["content"] = rendered.content
        view = build_view(rendered.buttons, workspace_id)
        if view is not None:
            kwargs["view"] = view
        if message.attachments:
            # Built per attempt: a discord.File is spent once sent.
            kwargs["files"] = [
                discord.File(io.BytesIO(a.content), filename=a.filename) for a in message.attachments
            ]
        if reply_to is not None:
            kwargs["reference"] = SnowflakeReference(
                message_id=int(reply_to), channel_id=int(channel_id_of(channel)), fail_if_not_exists=False
            )
            kwargs["mention_author"] = False
        try:
            first = await channel.send(nonce=nonce_for(key), **kwargs)
            # Text too long for one message continues in follow-ups (each with its own nonce), whole.
            for n, extra in enumerate(rendered.more, start=2):
                await channel.send(
                    content=extra, nonce=nonce_for(f"{key}:part{n}"), allowed_mentions=only_users([])
                )
            return first
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            raise delivery_error(exc, where) from exc

    async def _send_dm(self, workspace_id: str, user_id: str, message: Message, key: str) -> SentRef:
        try:
            dm = await self._dm_channel(user_id)
            sent = await self._send_to(
                dm, workspace_id, message, key, None, ping=False, where=f"DM to {user_id}"
            )
            return SentRef(str(dm.id), str(sent.id))
        except DeliveryError as exc:
            cause = exc.__cause__
            if not (isinstance(cause, discord.HTTPException) and cause.code == CANNOT_DM):
                raise
            return await self._dm_fallback(workspace_id, user_id, message, key, exc)
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            raise delivery_error(exc, f"opening a DM with {user_id}") from exc

    async def _dm_channel(self, user_id: str) -> discord.PartialMessageable:
        channel_id = self._dms.get(user_id)
        if channel_id is None:
            # The id as a string, as the API spec types snowflakes (discord.py's create_dm sends an int).
            data = await self.client.http.start_private_message(user_id)
            channel_id = self._dms[user_id] = int(data["id"])
        return self.client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def _dm_fallback(
        self, workspace_id: str, user_id: str, message: Message, key: str, failure: DeliveryError
    ) -> SentRef:
        """DMs closed: post in the person's mentorship thread instead, mentioning them, and log it."""
        home = await self.home_of(workspace_id, user_id)
        log.warning(
            "DM to %s in %s failed (%s); %s",
            user_id,
            workspace_id,
            failure.reason,
            f"posting in home thread {home}" if home else "no home thread to fall back to",
        )
        if home is None:
            raise failure
        note = Paragraph(
            (
                Mention(user_id, user_id),
                Text(" — I couldn't DM you (your DMs are closed for this server), so here it is:"),
            )
        )
        sent = await self._post(
            workspace_id,
            home,
            Message((note, *message.blocks), message.summary),
            f"{key}:home",
            None,
            ping=True,
        )
        return SentRef(home, str(sent.id))


def channel_id_of(channel: discord.abc.Messageable) -> int:
    return int(channel.id)  # type: ignore[attr-defined]
