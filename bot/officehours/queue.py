"""A question as an office-hours queue shows it: the row, its author, and how many voted for it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.officehours.tables import OfficeHoursQuestion
from bot.persistence.tables import Member


@dataclass(frozen=True)
class QueuedQuestion:
    question: OfficeHoursQuestion
    author: Member
    votes: int
