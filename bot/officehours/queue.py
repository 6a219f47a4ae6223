"""A question as an office-hours queue shows it: the row, its author, and how many voted for it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.persistence.tables import Member, OfficeHoursQuestion


@dataclass(frozen=True)
class QueuedQuestion:
    question: OfficeHoursQuestion
    author: Member
    votes: int
