"""Events API retries: Slack resends an event (same event_id, X-Slack-Retry-Num set) when our ack was
late or lost. The unique event_id row makes the second delivery a no-op, across every web process."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.persistence.slack_tables import SlackEvent

# Slack retries for about an hour; a day of ids is plenty, and pruning now and then keeps it small.
KEEP = timedelta(days=1)
PRUNE_CHANCE = 0.01


async def first_delivery(
    sessions: async_sessionmaker[AsyncSession], event_id: str, team_id: str, now: datetime
) -> bool:
    """True the first time an event id is seen; False for any retry of it."""
    try:
        async with sessions.begin() as session:
            session.add(SlackEvent(event_id=event_id[:64], team_id=team_id[:32], received_at=now))
    except IntegrityError:
        return False
    if random.random() < PRUNE_CHANCE:
        await prune(sessions, now)
    return True


async def prune(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    async with sessions.begin() as session:
        result = await session.execute(delete(SlackEvent).where(SlackEvent.received_at < now - KEEP))
    return int(getattr(result, "rowcount", 0) or 0)
