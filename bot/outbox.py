"""The outbox: every message the bot will send later is a row with a UTC due time and a unique key.

Rows are claimed atomically with a lease, so two dispatchers never send the same row and a crashed
dispatcher's rows are picked up again when its lease runs out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.states import OutboxStatus
from bot.persistence.tables import OutboxRow

ACTIVE = (OutboxStatus.PENDING.value, OutboxStatus.CLAIMED.value)


@dataclass(frozen=True)
class Planned:
    """A message to send later: `key` makes planning it twice harmless."""

    kind: str
    key: str
    topic: str
    due_at: datetime
    payload: dict[str, Any]


async def enqueue(
    session: AsyncSession, workspace_id: int, platform: str, planned: Planned, now: datetime
) -> bool:
    """Insert the row unless its key exists already; returns whether it was new."""
    values = {
        "workspace_id": workspace_id,
        "platform": platform,
        "kind": planned.kind,
        "key": planned.key,
        "topic": planned.topic,
        "payload": planned.payload,
        "due_at": planned.due_at,
        "available_at": planned.due_at,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "created_at": now,
    }
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(OutboxRow).values(**values).on_conflict_do_nothing(index_elements=["key"])
    result = await session.execute(stmt.returning(OutboxRow.id))
    return result.first() is not None


async def withdraw(
    session: AsyncSession, topic: str, *, kinds: tuple[str, ...] = (), reason: str = "no longer applies"
) -> int:
    """Withdraw the pending rows of a topic (optionally only some kinds); returns how many."""
    conds = [OutboxRow.topic == topic, OutboxRow.status == OutboxStatus.PENDING.value]
    if kinds:
        conds.append(OutboxRow.kind.in_(kinds))
    result = await session.execute(
        update(OutboxRow)
        .where(*conds)
        .values(status=OutboxStatus.WITHDRAWN.value, last_error=reason)
        .returning(OutboxRow.id)
    )
    return len(result.all())


async def withdraw_prefix(session: AsyncSession, prefix: str, *, kinds: tuple[str, ...] = ()) -> int:
    """Withdraw the pending rows of a topic and all topics below it ("m:7" takes "m:7/c:42" too)."""
    conds = [
        or_(OutboxRow.topic == prefix, OutboxRow.topic.startswith(prefix + "/", autoescape=True)),
        OutboxRow.status == OutboxStatus.PENDING.value,
    ]
    if kinds:
        conds.append(OutboxRow.kind.in_(kinds))
    result = await session.execute(
        update(OutboxRow)
        .where(*conds)
        .values(status=OutboxStatus.WITHDRAWN.value, last_error="no longer applies")
        .returning(OutboxRow.id)
    )
    return len(result.all())


def _claimable(now: datetime, platforms: tuple[str, ...]) -> Any:
    return and_(
        OutboxRow.platform.in_(platforms),
        or_(
            and_(OutboxRow.status == OutboxStatus.PENDING.value, OutboxRow.available_at <= now),
            # A claimer that crashed or hung: its lease ran out, so the row is up for grabs again.
            and_(OutboxRow.status == OutboxStatus.CLAIMED.value, OutboxRow.claimed_until <= now),
        ),
    )


async def claim(
    session: AsyncSession,
    worker: str,
    now: datetime,
    platforms: tuple[str, ...],
    *,
    lease: timedelta,
    limit: int,
) -> list[OutboxRow]:
    """Atomically take up to `limit` due rows for this worker (SKIP LOCKED on PostgreSQL)."""
    # A materialized CTE runs the LIMIT-ed, locking SELECT exactly once; as a plain IN (subquery)
    # PostgreSQL may evaluate it again per row and claim more than `limit`.
    due = (
        select(OutboxRow.id)
        .where(_claimable(now, platforms))
        .order_by(OutboxRow.available_at, OutboxRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
        .prefix_with("MATERIALIZED")
    )
    stmt = (
        update(OutboxRow)
        .where(OutboxRow.id.in_(select(due.c.id)), _claimable(now, platforms))
        .values(
            status=OutboxStatus.CLAIMED.value,
            claimed_by=worker,
            claimed_until=now + lease,
            attempts=OutboxRow.attempts + 1,
        )
        .returning(OutboxRow)
        .execution_options(synchronize_session=False)
    )
    rows = list((await session.execute(stmt)).scalars().all())
    rows.sort(key=lambda r: (r.available_at, r.id))
    return rows


async def mark_sent(session: AsyncSession, row_id: int, worker: str, now: datetime, ref: str) -> bool:
    """Record the send; False when the lease was lost to another worker meanwhile."""
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.claimed_by == worker)
        .values(
            status=OutboxStatus.SENT.value, sent_at=now, sent_ref=ref, claimed_until=None, last_error=None
        )
        .returning(OutboxRow.id)
    )
    return result.first() is not None


async def settle(session: AsyncSession, row_id: int, worker: str, status: OutboxStatus, reason: str) -> None:
    """Close a claimed row without sending: missed, withdrawn or failed, with the reason kept."""
    await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.claimed_by == worker)
        .values(status=status.value, last_error=reason[:2000], claimed_until=None)
    )


async def retry_later(
    session: AsyncSession,
    row_id: int,
    worker: str,
    when: datetime,
    reason: str,
    *,
    refund_attempt: bool = False,
) -> None:
    """Release the row until `when`; a refunded attempt (rate limited) does not count towards giving up."""
    await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.claimed_by == worker)
        .values(
            attempts=OutboxRow.attempts - (1 if refund_attempt else 0),
            status=OutboxStatus.PENDING.value,
            available_at=when,
            claimed_by=None,
            claimed_until=None,
            last_error=reason[:2000],
        )
    )


async def next_due_at(session: AsyncSession, platforms: tuple[str, ...]) -> datetime | None:
    """When the dispatcher next has something to do (pending rows, or leases that will run out)."""
    pending = await session.scalar(
        select(func.min(OutboxRow.available_at)).where(
            OutboxRow.status == OutboxStatus.PENDING.value, OutboxRow.platform.in_(platforms)
        )
    )
    leased = await session.scalar(
        select(func.min(OutboxRow.claimed_until)).where(
            OutboxRow.status == OutboxStatus.CLAIMED.value, OutboxRow.platform.in_(platforms)
        )
    )
    times = [t for t in (pending, leased) if t is not None]
    if not times:
        return None
    # MIN() bypasses the column type on some backends, so normalise to aware UTC here.
    return min(t if t.tzinfo else t.replace(tzinfo=UTC) for t in times)
