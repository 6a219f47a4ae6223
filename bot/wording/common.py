"""Pieces every wording module uses: people, moments, lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.messages import Mention, Text, Timestamp, TimeStyle

if TYPE_CHECKING:
    from bot.persistence.tables import Member


# A forgotten person's member row keeps only this in place of their platform id (see bot.privacy.forget).
FORGOTTEN_PREFIX = "forgotten:"


def who(member: Member) -> Mention | Text:
    """A person as a mention; someone who asked to be forgotten is plain text ("a former member")."""
    if member.external_id.startswith(FORGOTTEN_PREFIX):
        return Text(member.display_name)
    return Mention(member.external_id, member.display_name)


def when(at: datetime) -> Timestamp:
    return Timestamp(at)


def relative(at: datetime) -> Timestamp:
    return Timestamp(at, TimeStyle.RELATIVE)


def duration_text(n: int) -> str:
    """Minutes as "2 days", "1 hour" or "45 minutes"."""
    if n % 1440 == 0:
        days = n // 1440
        return f"{days} day{'s' if days != 1 else ''}"
    if n % 60 == 0:
        hours = n // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{n} minutes"


def joined(parts: Sequence[Any], sep: str = ", ") -> list[Any]:
    """Interleave inline parts with a separator."""
    out: list[Any] = []
    for i, part in enumerate(parts):
        if i:
            out.append(sep)
        out.append(part)
    return out


def counted(n: int, one: str, many: str | None = None) -> str:
    """ "1 session", "3 sessions" (`many` for irregular plurals: counted(2, "person", "people"))."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
