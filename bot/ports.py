"""The ports every chat platform implements: the outbound chat (FakeChat, ConsoleChat, SlackChat,
DiscordChat) and the user directory."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.messages import Message


@dataclass(frozen=True)
class DirectMessage:
    user_id: str


@dataclass(frozen=True)
class ChannelPost:
    channel_id: str


@dataclass(frozen=True)
class ThreadReply:
    channel_id: str
    thread_id: str


Destination = DirectMessage | ChannelPost | ThreadReply


@dataclass(frozen=True)
class SentRef:
    """Where a message landed; `thread_id` is set when the send opened a thread under it."""

    channel_id: str
    message_id: str
    thread_id: str | None = None


class DeliveryError(Exception):
    """A send failed. `permanent` means retrying will not help (user left, DMs closed, channel gone)."""

    def __init__(self, reason: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


class EditableGateway(Protocol):
    """Optional: gateways that can change a message they sent (live counts on announcements)."""

    async def edit(self, workspace_id: str, channel_id: str, message_id: str, message: Message) -> None: ...


class DeliveryLookup(Protocol):
    """Optional: gateways that can tell whether a message with this idempotency key already landed.

    The dispatcher asks before re-sending a row it is not sure about (a second attempt: the first may
    have reached the platform before a crash, a timeout or a lost database connection), so that a
    re-send after a fault is a no-op rather than a duplicate."""

    async def find_sent(
        self,
        workspace_id: str,
        to: Destination,
        idempotency_key: str,
        *,
        start_thread: bool = False,
        thread_title: str = "",
    ) -> SentRef | None:
        """Where the message with this key landed in `to`'s recent history, or None when it is not there.

        With `start_thread` (as the send had) the found message's thread is made sure of and named in
        the ref, as `send` would. Raises DeliveryError when the platform cannot be asked (the
        dispatcher then retries later)."""
        ...


class ChatGateway(Protocol):
    platform: str

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
        """Deliver a message; with `start_thread` the reply carries the id of a new thread under it.

        `message.attachments` (files: an event's .ics, a data export) go with it: uploaded into the
        same place (Slack, Discord) or saved with their path printed (console)."""
        ...

    async def open_home(self, workspace_id: str, user_ids: list[str], title: str) -> str:
        """Open (or find) the shared place of these people and return its channel id."""
        ...


@dataclass(frozen=True)
class UserInfo:
    """What a platform tells about a user: their name, and their time zone when it knows it."""

    display_name: str
    tz: str | None = None
    is_admin: bool = False
    is_bot: bool = False


class UserDirectory(Protocol):
    async def lookup_user(self, workspace_id: str, user_id: str) -> UserInfo | None: ...


# Deletes what a platform's adapter keeps of its own about a workspace (given by its platform id), in
# the caller's transaction, when the core deletes the workspace after its retention period.
WorkspaceEraser = Callable[[AsyncSession, str], Awaitable[None]]
