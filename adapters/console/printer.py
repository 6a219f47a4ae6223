"""Renders the core's messages as terminal text, each moment in the reader's own time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.timefmt import format_date, format_local, humanize_delta
from bot.messages import (
    Bullets,
    Buttons,
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


class TextRenderer:
    """`zones` are the readers' zones: one for a DM, each member's for a shared place."""

    def __init__(self, zones: Sequence[ZoneInfo], now: datetime) -> None:
        self.zones = list(dict.fromkeys(zones)) or [ZoneInfo("UTC")]
        self.now = now

    def inline(self, part: Inline) -> str:
        if isinstance(part, Text):
            return part.text
        if isinstance(part, Strong):
            return part.text
        if isinstance(part, Mention):
            return f"@{part.name}"
        if isinstance(part, ChannelLink):
            return f"#{part.name}"
        return self.timestamp(part)

    def timestamp(self, ts: Timestamp) -> str:
        if ts.style is TimeStyle.RELATIVE:
            return humanize_delta(ts.at - self.now)
        if ts.style is TimeStyle.DATE:
            return format_date(ts.at.astimezone(self.zones[0]).date())
        first = format_local(ts.at, self.zones[0])
        first_day = ts.at.astimezone(self.zones[0]).date()
        others: list[str] = []
        for zone in self.zones[1:]:
            # Each reader sees their own date when it differs ("Mon 8 Mar, 09:00 +14 / Sun 7 Mar, 08:00 SST").
            full = format_local(ts.at, zone)
            same_day = ts.at.astimezone(zone).date() == first_day
            shown = full.split(", ", 1)[1] if same_day else full
            if full != first and shown not in others:
                others.append(shown)
        return first + "".join(f" / {o}" for o in others)

    def line(self, parts: Line) -> str:
        return "".join(self.inline(p) for p in parts)

    def render(self, message: Message) -> list[str]:
        out: list[str] = []
        for block in message.blocks:
            if isinstance(block, Heading):
                out.append(f"== {block.text} ==")
            elif isinstance(block, Paragraph):
                out.extend(self.line(block.parts).splitlines() or [""])
            elif isinstance(block, Bullets):
                out.extend(f"  • {self.line(item)}" for item in block.items)
            elif isinstance(block, Fields):
                out.extend(f"  {key}: {self.line(value)}" for key, value in block.pairs)
            elif isinstance(block, Buttons):
                out.append("  " + "  ".join(f"[{b.label} → :press {b.action_id}]" for b in block.buttons))
        if message.form is not None:
            fields = ", ".join(f.name + ("" if f.required else "?") for f in message.form.fields)
            out.append(
                f"  (form “{message.form.title}”: `:form {message.form.form_id} {fields.split(',')[0]}=…`"
                f" — fields: {fields})"
            )
        return out
