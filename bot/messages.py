"""The platform-neutral outbound message model: the core says what to say once, adapters render it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

# ---- inline parts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Plain text; adapters always escape it so user text can never ping anyone."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Mention:
    """A user by platform id; `name` is the fallback display name."""

    user_id: str
    name: str


@dataclass(frozen=True)
class ChannelLink:
    channel_id: str
    name: str


class TimeStyle(Enum):
    FULL = "full"  # Tue 1 Dec, 10:00 CET
    RELATIVE = "relative"  # in 2 days
    DATE = "date"  # Tue 1 Dec 2026


@dataclass(frozen=True)
class Timestamp:
    """A moment that each reader sees in their own time zone."""

    at: datetime
    style: TimeStyle = TimeStyle.FULL


Inline = Text | Strong | Mention | ChannelLink | Timestamp
Line = tuple[Inline, ...]


def line(*parts: Inline | str) -> Line:
    """Build a line of inline parts; bare strings become Text."""
    return tuple(Text(p) if isinstance(p, str) else p for p in parts)


# ---- blocks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    parts: Line


@dataclass(frozen=True)
class Bullets:
    items: tuple[Line, ...]


@dataclass(frozen=True)
class Fields:
    """Key/value pairs shown side by side where the platform can."""

    pairs: tuple[tuple[str, Line], ...]


class ButtonStyle(Enum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    """`action_id` is stable across restarts, e.g. `actions:done:42`."""

    label: str
    action_id: str
    style: ButtonStyle = ButtonStyle.DEFAULT


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    multiline: bool = False
    required: bool = True
    placeholder: str = ""
    initial: str = ""
    max_length: int = 3000


@dataclass(frozen=True)
class Form:
    """A modal on Slack and Discord, prompts in the console; `form_id` routes the submission."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Submit"


Block = Heading | Paragraph | Bullets | Fields | Buttons


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: an .ics for one event, a data export. `content` is the raw bytes;
    `mime` the media type (e.g. "text/calendar"). Slack and Discord upload it, the console saves it and
    prints the path."""

    filename: str
    content: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Message:
    blocks: tuple[Block, ...]
    # A short plain-text summary for notifications and platforms' fallback text.
    summary: str = ""
    form: Form | None = None
    # Files that go with the message (gateways that cannot send files say so in text).
    attachments: tuple[Attachment, ...] = ()

    def plain_lines(self) -> list[Line]:
        """Every inline line in reading order (used by tests and simple renderers)."""
        out: list[Line] = []
        for block in self.blocks:
            if isinstance(block, Heading):
                out.append((Strong(block.text),))
            elif isinstance(block, Paragraph):
                out.append(block.parts)
            elif isinstance(block, Bullets):
                out.extend(block.items)
            elif isinstance(block, Fields):
                out.extend(((Strong(k + ": "), *v) for k, v in block.pairs))
        return out


@dataclass
class MessageBuilder:
    """Accumulates blocks; keeps wording code short."""

    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str) -> MessageBuilder:
        self.blocks.append(Heading(text))
        return self

    def para(self, *parts: Inline | str) -> MessageBuilder:
        self.blocks.append(Paragraph(line(*parts)))
        return self

    def bullets(self, items: list[Line]) -> MessageBuilder:
        if items:
            self.blocks.append(Bullets(tuple(items)))
        return self

    def fields(self, pairs: list[tuple[str, Line]]) -> MessageBuilder:
        if pairs:
            self.blocks.append(Fields(tuple(pairs)))
        return self

    def buttons(self, *buttons: Button) -> MessageBuilder:
        if buttons:
            self.blocks.append(Buttons(tuple(buttons)))
        return self

    def build(self, summary: str = "", form: Form | None = None) -> Message:
        return Message(tuple(self.blocks), summary=summary, form=form)


def simple(*parts: Inline | str, summary: str = "") -> Message:
    """A one-paragraph message."""
    return MessageBuilder().para(*parts).build(summary=summary)


@dataclass(frozen=True)
class Reply:
    """The answer to a command or button: private to the person unless `public`."""

    message: Message
    public: bool = False
    ok: bool = True


def reply(*parts: Inline | str, public: bool = False, ok: bool = True) -> Reply:
    return Reply(simple(*parts), public=public, ok=ok)
