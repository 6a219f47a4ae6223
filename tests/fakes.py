"""FakeChat: the ChatGateway for tests. Records a transcript; can be told to fail."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from adapters.console.printer import TextRenderer
from bot.clock import Clock
from bot.messages import Message
from bot.ports import ChannelPost, DeliveryError, Destination, DirectMessage, SentRef, ThreadReply, UserInfo


@dataclass
class Delivered:
    to: Destination
    message: Message
    key: str
    text: str
    thread_id: str | None = None

    @property
    def where(self) -> str:
        if isinstance(self.to, DirectMessage):
            return f"dm:{self.to.user_id}"
        if isinstance(self.to, ChannelPost):
            return f"channel:{self.to.channel_id}"
        assert isinstance(self.to, ThreadReply)
        return f"thread:{self.to.thread_id}"


@dataclass
class FakeChat:
    clock: Clock
    platform: str = "console"
    sent: list[Delivered] = field(default_factory=list)
    homes: dict[str, list[str]] = field(default_factory=dict)
    users: dict[str, UserInfo] = field(default_factory=dict)
    # Failures to inject: each send pops the first entry, if any.
    failures: list[DeliveryError] = field(default_factory=list)
    # When False, the same idempotency key is delivered again (a platform without dedupe).
    dedupe: bool = False
    edits: list[tuple[str, str, str]] = field(default_factory=list)
    attempts: int = 0
    # The keys the dispatcher asked about before a re-send (the optional DeliveryLookup port).
    lookups: list[str] = field(default_factory=list)
    _threads: int = 0

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserInfo | None:
        return self.users.get(user_id)

    async def open_home(self, workspace_id: str, user_ids: list[str], title: str) -> str:
        channel = f"home-{'-'.join(sorted(user_ids))}"
        self.homes[channel] = list(user_ids)
        return channel

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
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        if self.dedupe:
            for d in self.sent:
                if d.key == idempotency_key:
                    return SentRef("x", "dup", d.thread_id)
        thread_id = None
        if start_thread:
            self._threads += 1
            thread_id = f"T{self._threads}"
        text = "\n".join(TextRenderer([ZoneInfo("UTC")], self.clock.now()).render(message))
        self.sent.append(Delivered(to, message, idempotency_key, text, thread_id))
        channel = to.channel_id if isinstance(to, ChannelPost | ThreadReply) else f"D-{to.user_id}"
        return SentRef(channel, str(len(self.sent)), thread_id)

    async def find_sent(
        self,
        workspace_id: str,
        to: Destination,
        idempotency_key: str,
        *,
        start_thread: bool = False,
        thread_title: str = "",
    ) -> SentRef | None:
        self.lookups.append(idempotency_key)
        for i, d in enumerate(self.sent):
            if d.key == idempotency_key and d.to == to:
                channel = to.channel_id if isinstance(to, ChannelPost | ThreadReply) else f"D-{to.user_id}"
                return SentRef(channel, str(i + 1), d.thread_id)
        return None

    async def edit(self, workspace_id: str, channel_id: str, message_id: str, message: Message) -> None:
        text = "\n".join(TextRenderer([ZoneInfo("UTC")], self.clock.now()).render(message))
        self.edits.append((channel_id, message_id, text))

    # ---- queries for assertions -----------------------------------------------------------------

    def to(self, where: str) -> list[Delivered]:
        return [d for d in self.sent if d.where == where]

    def dms(self, user: str) -> list[Delivered]:
        return self.to(f"dm:{user}")

    def with_text(self, fragment: str) -> list[Delivered]:
        return [d for d in self.sent if fragment in d.text]

    def duplicate_keys(self) -> list[str]:
        return [k for k, n in Counter(d.key for d in self.sent).items() if n > 1]

    def clear(self) -> None:
        self.sent.clear()
