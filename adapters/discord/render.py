"""Neutral `Message` → Discord content, embeds, buttons and allowed mentions.

User text is always escaped, and `allowed_mentions` only ever permits the users the core mentioned on
purpose, so nothing a person typed can ping @everyone, @here or a role."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.textsplit import split_text
from bot.messages import (
    Bullets,
    Button,
    Buttons,
    ButtonStyle,
    ChannelLink,
    Fields,
    Heading,
    Inline,
    Line,
    Mention,
    Message,
    Paragraph,
    Strong,
    Text,
    Timestamp,
    TimeStyle,
)

log = logging.getLogger(__name__)

# Discord's documented limits (https://discord.com/developers/docs/resources/message).
CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
EMBED_TOTAL_MAX = 6000
ROWS_MAX = 5
BUTTONS_PER_ROW = 5
LABEL_MAX = 80
CUSTOM_ID_MAX = 100
COLOUR = 0x5865F2

STYLES = {
    ButtonStyle.DEFAULT: discord.ButtonStyle.secondary,
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}
TIME_CODES = {TimeStyle.FULL: "F", TimeStyle.RELATIVE: "R", TimeStyle.DATE: "D"}


class SnowflakeMentions(discord.AllowedMentions):
    """discord.py sends user ids as integers; the API spec types snowflakes as strings, so send those."""

    def to_dict(self) -> Any:
        data = super().to_dict()
        if "users" in data:
            data["users"] = [str(u) for u in data["users"]]
        if "roles" in data:
            data["roles"] = [str(r) for r in data["roles"]]
        return data


class SnowflakeReference(discord.MessageReference):
    """A reply reference whose ids are strings, as the API spec types them."""

    def to_message_reference_dict(self) -> Any:
        data = super().to_message_reference_dict()
        for key in ("message_id", "channel_id", "guild_id"):
            if data.get(key) is not None:
                data[key] = str(data[key])
        return data


def only_users(user_ids: list[str]) -> SnowflakeMentions:
    ids = [int(u) for u in dict.fromkeys(user_ids) if u.isdigit()]
    return SnowflakeMentions(
        everyone=False, roles=False, replied_user=False, users=[discord.Object(id=i) for i in ids]
    )


# Discord markdown that works anywhere in a line: emphasis, strike, spoilers, code and masked links
# `[text](url)` (escaping the brackets is enough to make a link literal text) ...
_MARKDOWN = re.compile(r"[\\*_~|`\[\]]")
# ... and what works only at the start of a line: headings, subtext, block quotes, lists.
_LINE_START = re.compile(r"(?m)^(\s*)(#|>|-|\+)")
# A code span shows its text as is and cannot link or ping, so the core's `commands` keep their look.
_CODE_SPAN = re.compile(r"`[^`\n]+`")


def escape(text: str) -> str:
    """User text as literal Discord markdown: every markup character escaped, on every line and however
    often it occurs (discord.utils.escape_markdown escapes only the first masked link of a line), and
    mass mentions broken. Complete code spans stay as they are; a lone backtick is escaped."""
    out: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        out.append(_escape_plain(text[last : span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    text = _MARKDOWN.sub(r"\\\g<0>", discord.utils.escape_mentions(text))
    return _LINE_START.sub(r"\g<1>\\\g<2>", text)


def bold(text: str) -> str:
    """Discord only bolds `**x**` without inner edge spaces, so keep those outside the markers."""
    core = text.strip()
    if not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}**{escape(core)}**{trail}"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Rendered:
    content: str | None
    embeds: list[discord.Embed]
    buttons: list[Button]
    mentioned: list[str] = field(default_factory=list)
    # What did not fit in one message, as follow-up messages' content (each within CONTENT_MAX), so
    # long text is shown whole rather than clipped.
    more: list[str] = field(default_factory=list)

    @property
    def allowed_mentions(self) -> SnowflakeMentions:
        return only_users(self.mentioned)


@dataclass
class _Inline:
    mentioned: list[str] = field(default_factory=list)

    def part(self, p: Inline) -> str:
        if isinstance(p, Text):
            return escape(p.text)
        if isinstance(p, Strong):
            return bold(p.text)
        if isinstance(p, Mention):
            if p.user_id.isdigit():
                self.mentioned.append(p.user_id)
                return f"<@{p.user_id}>"
            return escape("@" + p.name)
        if isinstance(p, ChannelLink):
            return f"<#{p.channel_id}>" if p.channel_id.isdigit() else escape("#" + p.name)
        assert isinstance(p, Timestamp)
        return f"<t:{int(p.at.timestamp())}:{TIME_CODES[p.style]}>"

    def line(self, parts: Line) -> str:
        return "".join(self.part(p) for p in parts)


def render(message: Message, *, ping: bool = True) -> Rendered:
    """A message with structure (headings, lists, fields) becomes embeds; a plain one stays content.

    Nothing is clipped: text beyond one content (2,000), one description (4,096) or the embeds' total
    (6,000) continues in further embeds and then in follow-up messages (`Rendered.more`). Mentions
    inside embeds never notify, so with `ping` the mentioned people are named in the content."""
    inline = _Inline()
    buttons = [b for block in message.blocks if isinstance(block, Buttons) for b in block.buttons]
    structured = any(isinstance(b, Heading | Bullets | Fields) for b in message.blocks)
    if not structured:
        text = "\n\n".join(inline.line(b.parts) for b in message.blocks if isinstance(b, Paragraph))
        pieces = split_text(text or escape(message.summary) or "\u200b", CONTENT_MAX)
        return Rendered(pieces[0], [], buttons, inline.mentioned, pieces[1:])
    embed = discord.Embed(colour=COLOUR)
    lines: list[str] = []
    used = 0
    for block in message.blocks:
        if isinstance(block, Heading):
            title = escape(block.text)
            if embed.title is None and not lines and len(title) <= EMBED_TITLE_MAX:
                embed.title = title
                used += len(title)
            else:
                lines.append(bold(block.text))
        elif isinstance(block, Paragraph):
            lines.append(inline.line(block.parts))
        elif isinstance(block, Bullets):
            lines.extend("• " + inline.line(item) for item in block.items)
        elif isinstance(block, Fields):
            for name, value in block.pairs:
                shown_name, shown_value = escape(name), inline.line(value) or "—"
                fits = (
                    len(embed.fields) < EMBED_FIELDS_MAX
                    and len(shown_name) <= FIELD_NAME_MAX
                    and len(shown_value) <= FIELD_VALUE_MAX
                    and used + len(shown_name) + len(shown_value) <= EMBED_TOTAL_MAX // 2
                )
                if fits:
                    embed.add_field(name=shown_name, value=shown_value, inline=True)
                    used += len(shown_name) + len(shown_value)
                else:  # too big for a field: shown whole as a line instead
                    lines.append(f"{bold(name)}\n{shown_value}")
    embeds = [embed]
    overflow: list[str] = []
    for piece in split_text("\n".join(lines), EMBED_DESCRIPTION_MAX) if lines else []:
        if overflow or used + len(piece) > EMBED_TOTAL_MAX:
            overflow.append(piece)
        elif embeds[-1].description is None:
            embeds[-1].description = piece
            used += len(piece)
        elif len(embeds) < EMBEDS_MAX:
            embeds.append(discord.Embed(colour=COLOUR, description=piece))
            used += len(piece)
        else:
            overflow.append(piece)
    more = split_text("".join(overflow), CONTENT_MAX) if overflow else []
    content = (
        " ".join(f"<@{u}>" for u in dict.fromkeys(inline.mentioned)) if ping and inline.mentioned else None
    )
    return Rendered(content, embeds, buttons, inline.mentioned if ping else [], more)


def plain_text(message: Message) -> str:
    """Every line as escaped markdown; used where only content is possible (the DM fallback note)."""
    inline = _Inline()
    return "\n".join(inline.line(line) for line in message.plain_lines())
