"""Whose clock decides what is due and when a lease runs out.

Leases are compared across processes, so in production they must be written and read with one clock
that every dispatcher shares: the database's. A host whose clock runs ahead would otherwise take rows
another dispatcher still holds, and one stepped back an hour would hold back everything due meanwhile.
Tests and the console run on an injected simulated clock instead, so months pass in milliseconds and
stay deterministic."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock, SystemClock


class TimeSource(Protocol):
    async def now(self, session: AsyncSession) -> datetime:
        """The current time, aware, in UTC, as seen by every dispatcher sharing the database."""
        ...


class ClockTime:
    """The injected clock (a simulated one in tests and the console)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def now(self, session: AsyncSession) -> datetime:
        return self.clock.now()


class DatabaseTime:
    """The database server's clock, read in the caller's transaction: one round trip per call."""

    async def now(self, session: AsyncSession) -> datetime:
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            # clock_timestamp(), not now(): a long transaction must not see time stand still.
            value = await session.scalar(text("SELECT clock_timestamp()"))
        else:
            # SQLite runs in this process, so its clock is the host's; it still keeps one source of truth.
            raw = await session.scalar(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')"))
            value = datetime.fromisoformat(str(raw))
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def time_source_for(clock: Clock) -> TimeSource:
    """The database's clock behind the real clock (production); the injected clock otherwise."""
    return DatabaseTime() if isinstance(clock, SystemClock) else ClockTime(clock)
