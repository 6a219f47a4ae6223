"""Events API retries: Slack resends an event (same event_id, X-Slack-Retry-Num set) when our ack was
late or lost (or, for message events, when we asked for it with a 503 while the database was down).
The unique event_id row, written once the event's work is stored, makes a later delivery a no-op
across every web process; deliveries that overlap are made harmless by the core (each platform
message is stored once, by its id)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.slack.tables import SlackEvent

# Slack retries for about an hour; a day of ids is plenty, and pruning now and then keeps it small.
KEEP = timedelta(days=1)
PRUNE_CHANCE = 0.01


async def already_handled(sessions: async_sessionmaker[AsyncSession], event_id: str) -> bool:
    """True when an event with this id was handled in full before (so a retry of it is a no-op)."""
    async with sessions() as session:
        found = await session.scalar(select(SlackEvent.id).where(SlackEvent.event_id == event_id[:64]))
        return found is not None


async def remember(
    sessions: async_sessionmaker[AsyncSession], event_id: str, team_id: str, now: datetime
) -> None:
    """Record an event as handled — only once its work is stored, so an outage in between is retried."""
    try:
        async with sessions.begin() as session:
            session.add(SlackEvent(event_id=event_id[:64], team_id=team_id[:32], received_at=now))
    except IntegrityError:
        return  # a concurrent delivery of the same event got there first
    if random.random() < PRUNE_CHANCE:
        await prune(sessions, now)


async def prune(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    async with sessions.begin() as session:
        result = await session.execute(delete(SlackEvent).where(SlackEvent.received_at < now - KEEP))
    return int(getattr(result, "rowcount", 0) or 0)
