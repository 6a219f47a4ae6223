"""ConsoleChat: the ChatGateway of the terminal. Channels and threads live in memory; output is text."""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.console.printer import TextRenderer
from bot.clock import Clock
from bot.messages import Attachment, Message
from bot.ports import ChannelPost, Destination, DirectMessage, SentRef, ThreadReply, UserInfo

ZoneLookup = Callable[[list[str]], Awaitable[dict[str, ZoneInfo]]]


@dataclass
class Channel:
    id: str
    name: str
    members: list[str]
    threads: dict[str, str] = field(default_factory=dict)  # thread id → its parent's first line


class ConsoleChat:
    platform = "console"

    def __init__(
        self,
        clock: Clock,
        zones: ZoneLookup,
        emit: Callable[[str], None] = print,
        files_dir: Path | None = None,
    ) -> None:
        # Attachments (an .ics, an export) are saved here and their path printed.
        self.files_dir = files_dir or Path(tempfile.gettempdir()) / "mentorbot-files"
        self.clock = clock
        self.zones = zones
        self.emit = emit
        self.channels: dict[str, Channel] = {}
        self.thread_channel: dict[str, str] = {}
        self._sent: dict[str, SentRef] = {}
        self._next_message = 0
        self._next_thread = 0

    def restore(self, channel_id: str, name: str, members: list[str], thread_ids: list[str]) -> None:
        """Re-learn a home and its threads after a restart, so numbering continues where it stopped."""
        channel = self.channels.setdefault(channel_id, Channel(id=channel_id, name=name, members=members))
        for thread_id in thread_ids:
            channel.threads.setdefault(thread_id, "")
            self.thread_channel[thread_id] = channel_id
            if thread_id.isdigit():
                self._next_thread = max(self._next_thread, int(thread_id))

    def continue_numbering(self, last_message: int) -> None:
        """After a restart: the next message number follows the highest one the database has seen."""
        self._next_message = max(self._next_message, last_message)

    def new_message_id(self) -> str:
        self._next_message += 1
        return str(self._next_message)

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserInfo | None:
        return UserInfo(display_name=user_id)

    async def open_home(self, workspace_id: str, user_ids: list[str], title: str) -> str:
        """Channel ids are their names, so they mean the same thing after a restart."""
        for channel in self.channels.values():
            if sorted(channel.members) == sorted(user_ids) and channel.name == title:
                return channel.id
        channel_id = title if title not in self.channels else f"{title}-{len(self.channels) + 1}"
        channel = Channel(id=channel_id, name=title, members=list(user_ids))
        self.channels[channel.id] = channel
        self.emit(f"[#{title}] (created for {', '.join('@' + u for u in user_ids)})")
        return channel.id

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
        # The same key twice is a retried delivery: show it once, as a platform with dedupe would.
        if idempotency_key in self._sent:
            return self._sent[idempotency_key]
        message_id = self.new_message_id()
        readers, label, channel_id = self._where(to)
        zones = await self.zones(readers)
        lines = TextRenderer([zones[r] for r in readers if r in zones], self.clock.now()).render(message)
        thread_id = None
        if start_thread:
            self._next_thread += 1
            thread_id = str(self._next_thread)
            self.thread_channel[thread_id] = channel_id
            self.channels[channel_id].threads[thread_id] = lines[0] if lines else ""
            label += f" (thread {thread_id}: reply with `@you >{thread_id} text`)"
        self.emit(label + " " + (lines[0] if lines else ""))
        for extra in lines[1:]:
            self.emit("    " + extra)
        for attachment in message.attachments:
            self.emit(f"    [file: {self._save(message_id, attachment)}]")
        ref = SentRef(channel_id, message_id, thread_id)
        self._sent[idempotency_key] = ref
        return ref

    async def edit(self, workspace_id: str, channel_id: str, message_id: str, message: Message) -> None:
        channel = self.channels.get(channel_id)
        zones = await self.zones(channel.members) if channel else {}
        lines = TextRenderer(list(zones.values()), self.clock.now()).render(message)
        buttons = [line for line in lines if "→ :press" in line]
        label = f"#{channel.name}" if channel else channel_id
        # Only the part that changes (buttons with live counts) is worth a line in a terminal.
        self.emit(f"[{label}] (message {message_id} updated) {(buttons or lines or [''])[-1].strip()}")

    def _save(self, message_id: str, attachment: Attachment) -> Path:
        """Write a file under `files_dir`, named by message so a later one never overwrites it."""
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / f"{message_id}-{Path(attachment.filename).name}"
        path.write_bytes(attachment.content)
        return path

    def _channel(self, channel_id: str) -> Channel:
        """A community channel (office hours) exists as soon as someone names it; its readers are everyone."""
        return self.channels.setdefault(channel_id, Channel(id=channel_id, name=channel_id, members=[]))

    def _where(self, to: Destination) -> tuple[list[str], str, str]:
        if isinstance(to, DirectMessage):
            return [to.user_id], f"[dm → @{to.user_id}]", f"D-{to.user_id}"
        if isinstance(to, ChannelPost):
            channel = self._channel(to.channel_id)
            return channel.members, f"[#{channel.name}]", channel.id
        assert isinstance(to, ThreadReply)
        channel = self._channel(to.channel_id)
        return channel.members, f"[#{channel.name} › thread {to.thread_id}]", channel.id
