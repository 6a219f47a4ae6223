"""The outbox: every message the bot will send later is a row with a UTC due time and a unique key.

Rows are claimed atomically with a lease, so two dispatchers never send the same row and a crashed
dispatcher's rows are picked up again when its lease runs out. The lease is renewed right before each
send (`renew`), and times passed in are the database's clock in production (see
`bot.scheduling.timesource`), so hosts with different clocks agree on who holds what.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import case, func, literal, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.states import OutboxStatus
from bot.persistence.tables import OutboxRow, Workspace

ACTIVE = (OutboxStatus.PENDING.value, OutboxStatus.CLAIMED.value)


@dataclass(frozen=True)
class Planned:
    """A message to send later: `key` makes planning it twice harmless.

    `stale_if_late`: the message is worthless once its due time has passed before it was planned (a
    reminder ahead of a time already gone), so `sync` creates or revives it only while it is ahead."""

    kind: str
    key: str
    topic: str
    due_at: datetime
    payload: dict[str, Any]
    stale_if_late: bool = False
    # A reminder ahead of something: when its new time has already passed, it keeps the time it still can
    # make (rather than going out at once, "late", with the wrong lead).
    keep_time_if_late: bool = False


@dataclass(frozen=True)
class SyncResult:
    """What `sync` changed: rows created, revived (withdrawn earlier, wanted again), moved, withdrawn."""

    created: int = 0
    revived: int = 0
    moved: int = 0
    withdrawn: int = 0
    # The earliest due time among rows created, revived or moved: when the dispatcher must wake.
    earliest: datetime | None = None

    @property
    def changed(self) -> int:
        return self.created + self.revived + self.moved + self.withdrawn

    def __add__(self, other: SyncResult) -> SyncResult:
        times = [t for t in (self.earliest, other.earliest) if t is not None]
        return SyncResult(
            self.created + other.created,
            self.revived + other.revived,
            self.moved + other.moved,
            self.withdrawn + other.withdrawn,
            min(times) if times else None,
        )


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
    # Imported here: a process loads only the dialect it runs on (the engine has loaded it already).
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql as chosen
    else:
        from sqlalchemy.dialects import sqlite as chosen  # type: ignore[no-redef]
    insert = chosen.insert
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


async def sync(
    session: AsyncSession,
    workspace_id: int,
    platform: str,
    prefix: str,
    kinds: tuple[str, ...],
    desired: list[Planned],
    now: datetime,
    *,
    keep_topics: frozenset[str] = frozenset(),
) -> SyncResult:
    """Make the pending rows of `kinds` under topic `prefix` be exactly `desired` (the reconcile step).

    - a desired key with no row is inserted; one whose row was withdrawn earlier is revived (pending again,
      with the new due time and payload), so a withdrawn key never blocks planning the same message again;
    - a desired row still pending gets the desired due time and payload;
    - a row that was claimed, sent, failed or missed is left alone: nothing is ever sent twice;
    - every other pending row of those kinds under the prefix is withdrawn, except under `keep_topics`
      (rows of things that are over but still finishing, such as a session's recap).
    Idempotent: a second call with the same arguments changes nothing."""
    wanted = {p.key: p for p in desired}
    existing: dict[str, OutboxRow] = {}
    if wanted:
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.key.in_(list(wanted))))
        existing = {row.key: row for row in rows}
    created = revived = moved = 0
    earliest: datetime | None = None

    def woke(at: datetime) -> None:
        nonlocal earliest
        earliest = at if earliest is None or at < earliest else earliest

    for p in desired:
        row = existing.get(p.key)
        ahead = p.due_at >= now or not p.stale_if_late
        if row is None:
            if ahead and await enqueue(session, workspace_id, platform, p, now):
                created += 1
                woke(p.due_at)
        elif row.status == OutboxStatus.WITHDRAWN.value:
            if ahead:
                row.status = OutboxStatus.PENDING.value
                row.topic, row.payload = p.topic, p.payload
                row.due_at = row.available_at = p.due_at
                row.attempts, row.claimed_by, row.claimed_until, row.last_error = 0, None, None, None
                revived += 1
                woke(p.due_at)
        elif row.status == OutboxStatus.PENDING.value:
            if row.payload != p.payload:
                row.payload = p.payload
            # Two due times both already passed mean the same thing (send now): no churn for them. A
            # reminder whose new lead time has already passed keeps the time it still can make.
            late_move = p.keep_time_if_late and p.due_at < now <= row.due_at
            if row.due_at != p.due_at and not (row.due_at <= now and p.due_at <= now) and not late_move:
                row.due_at = p.due_at
                # A row waiting out a retry back-off keeps waiting; a fresh one moves with its due time.
                row.available_at = max(p.due_at, row.available_at) if row.attempts else p.due_at
                moved += 1
                woke(row.available_at)
    conds = [
        or_(OutboxRow.topic == prefix, OutboxRow.topic.startswith(prefix + "/", autoescape=True)),
        OutboxRow.status == OutboxStatus.PENDING.value,
        OutboxRow.kind.in_(kinds),
    ]
    if wanted:
        conds.append(OutboxRow.key.not_in(list(wanted)))
    if keep_topics:
        conds.append(OutboxRow.topic.not_in(sorted(keep_topics)))
    await session.flush()
    result = await session.execute(
        update(OutboxRow)
        .where(*conds)
        .values(status=OutboxStatus.WITHDRAWN.value, last_error="no longer applies")
        .returning(OutboxRow.id)
        .execution_options(synchronize_session=False)
    )
    withdrawn = len(result.all())
    return SyncResult(created, revived, moved, withdrawn, earliest)


def _due_ids(now: datetime, platforms: tuple[str, ...], limit: int) -> Any:
    """The ids of up to `limit` claimable rows, earliest first, read through `ix_outbox_due` only.

    One ORDER BY over both kinds of claimable row (pending and due, or leased and run out) cannot use
    the index, so every claim would sort all due rows. Instead each platform's pending rows are read in
    index order (status and platform fixed, available_at ascending) and stop after `limit`; rows whose
    lease ran out are few (at most what dispatchers held when they died) and read apart. Only those
    (platforms + 1) × `limit` candidates are merged, by (available_at, id)."""
    parts = [
        select(OutboxRow.id, OutboxRow.available_at)
        .where(
            OutboxRow.status == OutboxStatus.PENDING.value,
            OutboxRow.platform == platform,
            OutboxRow.available_at <= now,
        )
        .order_by(OutboxRow.available_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte(f"due_{i}")
        .prefix_with("MATERIALIZED")
        for i, platform in enumerate(platforms)
    ]
    parts.append(
        select(OutboxRow.id, OutboxRow.available_at)
        .where(
            OutboxRow.status == OutboxStatus.CLAIMED.value,
            OutboxRow.platform.in_(platforms),
            OutboxRow.claimed_until <= now,
        )
        .order_by(OutboxRow.claimed_until)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("lapsed")
        .prefix_with("MATERIALIZED")
    )
    candidates = union_all(*(select(c.c.id, c.c.available_at) for c in parts)).subquery("candidates")
    return select(candidates.c.id).order_by(candidates.c.available_at, candidates.c.id).limit(limit)


async def claim(
    session: AsyncSession,
    worker: str,
    now: datetime,
    platforms: tuple[str, ...],
    *,
    lease: timedelta,
    limit: int,
) -> list[OutboxRow]:
    """Atomically take up to `limit` due rows for this worker (SKIP LOCKED on PostgreSQL), ordered by
    (available_at, id). It reads only the rows it takes (see `_due_ids`): no sort of every due row."""
    if not platforms or limit <= 0:
        return []
    # Materialized CTEs run each LIMIT-ed, locking SELECT exactly once; as a plain IN (subquery)
    # PostgreSQL may evaluate it again per row and claim more than `limit`.
    # The outer UPDATE names rows by id alone: each was checked and locked by its CTE (PostgreSQL
    # re-checks a locked row's conditions; SQLite runs the statement as the only writer), and a second
    # copy of the conditions here would let the planner read every due row to evaluate them.
    stmt = (
        update(OutboxRow)
        .where(OutboxRow.id.in_(_due_ids(now, platforms, limit)))
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


async def renew_many(
    session: AsyncSession, row_ids: list[int], worker: str, now: datetime, lease: timedelta
) -> set[int]:
    """`renew` for a whole batch in one statement; returns the ids that are still this worker's."""
    if not row_ids:
        return set()
    result = await session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id.in_(row_ids),
            OutboxRow.claimed_by == worker,
            OutboxRow.status == OutboxStatus.CLAIMED.value,
        )
        .values(claimed_until=now + lease)
        .returning(OutboxRow.id)
        .execution_options(synchronize_session=False)
    )
    return set(result.scalars().all())


async def mark_sent_many(
    session: AsyncSession, refs: Mapping[int, str], worker: str, now: datetime
) -> set[int]:
    """`mark_sent` for a batch in one statement (each row its own platform reference); returns the ids
    recorded (a row already settled elsewhere is left alone and missing from the answer)."""
    if not refs:
        return set()
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id.in_(list(refs)), OutboxRow.status.in_(ACTIVE))
        .values(
            status=OutboxStatus.SENT.value,
            sent_at=now,
            sent_ref=case(dict(refs), value=OutboxRow.id),
            claimed_by=worker,
            claimed_until=None,
            last_error=None,
        )
        .returning(OutboxRow.id)
        .execution_options(synchronize_session=False)
    )
    return set(result.scalars().all())


async def settle_many(
    session: AsyncSession, worker: str, status: OutboxStatus, reasons: Mapping[int, str]
) -> None:
    """`settle` for a batch with one outcome (each row its own reason), in one statement."""
    if not reasons:
        return
    await session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id.in_(list(reasons)),
            OutboxRow.claimed_by == worker,
            OutboxRow.status == OutboxStatus.CLAIMED.value,
        )
        .values(
            status=status.value,
            last_error=case({k: v[:2000] for k, v in reasons.items()}, value=OutboxRow.id),
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class Later:
    """A row to release until `when` (UTC) with `reason`; `refund`: a rate limit, not a failed attempt."""

    when: datetime
    reason: str
    refund: bool = False


async def retry_later_many(session: AsyncSession, worker: str, rows: Mapping[int, Later]) -> None:
    """`retry_later` for a batch, each row with its own time and reason, in one statement."""
    if not rows:
        return
    ids = list(rows)
    refunds = {k: 1 for k, v in rows.items() if v.refund}
    await session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id.in_(ids),
            OutboxRow.claimed_by == worker,
            OutboxRow.status == OutboxStatus.CLAIMED.value,
        )
        .values(
            attempts=OutboxRow.attempts - case(refunds, value=OutboxRow.id, else_=0)
            if refunds
            else OutboxRow.attempts,
            status=OutboxStatus.PENDING.value,
            available_at=case(
                {k: literal(v.when, OutboxRow.available_at.type) for k, v in rows.items()}, value=OutboxRow.id
            ),
            claimed_by=None,
            claimed_until=None,
            last_error=case({k: v.reason[:2000] for k, v in rows.items()}, value=OutboxRow.id),
        )
        .execution_options(synchronize_session=False)
    )


async def renew(session: AsyncSession, row_id: int, worker: str, now: datetime, lease: timedelta) -> bool:
    """Extend this worker's lease to `now + lease` right before a send; False when the row is no longer
    ours (another worker re-claimed it, or it was settled). A lease that ran out but that nobody took
    over is still ours: the row lock makes renewing and re-claiming exclusive."""
    result = await session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id == row_id,
            OutboxRow.claimed_by == worker,
            OutboxRow.status == OutboxStatus.CLAIMED.value,
        )
        .values(claimed_until=now + lease)
        .returning(OutboxRow.id)
    )
    return result.first() is not None


async def mark_sent(session: AsyncSession, row_id: int, worker: str, now: datetime, ref: str) -> bool:
    """Record that the message reached the platform; False when the row was already settled.

    The send happened, so it is recorded whoever holds the lease now: a worker that re-claimed the row
    meanwhile then finds it no longer claimed when it renews before sending, and does not send again."""
    result = await session.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row_id, OutboxRow.status.in_(ACTIVE))
        .values(
            status=OutboxStatus.SENT.value,
            sent_at=now,
            sent_ref=ref,
            claimed_by=worker,
            claimed_until=None,
            last_error=None,
        )
        .returning(OutboxRow.id)
    )
    return result.first() is not None


async def settle(session: AsyncSession, row_id: int, worker: str, status: OutboxStatus, reason: str) -> None:
    """Close a claimed row without sending: missed, withdrawn or failed, with the reason kept."""
    await session.execute(
        update(OutboxRow)
        .where(
            OutboxRow.id == row_id,
            OutboxRow.claimed_by == worker,
            OutboxRow.status == OutboxStatus.CLAIMED.value,
        )
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
        .where(
            OutboxRow.id == row_id,
            OutboxRow.claimed_by == worker,
            OutboxRow.status == OutboxStatus.CLAIMED.value,
        )
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


class _InTransaction(Protocol):
    @property
    def session(self) -> AsyncSession: ...

    @property
    def now(self) -> datetime: ...

    def woke(self, at: datetime) -> None: ...


# Workspace.settings key: when set (an ISO time), the bot was removed from the workspace (uninstalled,
# kicked out) and plans nothing there until it is back (bot/services/lifecycle.py).
REMOVED_AT = "removed_at"


def planning_stopped(workspace: Workspace) -> bool:
    """True for a workspace the bot was removed from: its data is kept, nothing new is planned there."""
    return bool((workspace.settings or {}).get(REMOVED_AT))


class OutboxWriter:
    """Planning, withdrawing and syncing rows inside one transaction: what a use-case's unit of work and a
    delivery handler's context share. Subclasses provide `session` and `now`, and may override `woke`."""

    def woke(self, at: datetime) -> None:
        """Something new falls due at `at` (the unit of work wakes the dispatcher after commit)."""

    async def plan(self: _InTransaction, workspace: Workspace, planned: Planned) -> None:
        """Add an outbox row in this transaction (a no-op when its key exists, or when the bot was
        removed from the workspace)."""
        if planning_stopped(workspace):
            return
        await enqueue(self.session, workspace.id, workspace.platform, planned, self.now)
        self.woke(planned.due_at)

    async def withdraw(
        self: _InTransaction, topic: str, *, kinds: tuple[str, ...] = (), prefix: bool = False
    ) -> int:
        if prefix:
            return await withdraw_prefix(self.session, topic, kinds=kinds)
        return await withdraw(self.session, topic, kinds=kinds)

    async def sync_rows(
        self: _InTransaction,
        workspace: Workspace,
        prefix: str,
        kinds: tuple[str, ...],
        desired: list[Planned],
        keep_topics: frozenset[str] = frozenset(),
    ) -> SyncResult:
        """The reconcile step for one schedule owner's rows (see `sync`); in a workspace the bot was
        removed from, nothing is desired (its rows are withdrawn, and revived when it is back)."""
        if planning_stopped(workspace):
            desired = []
        result = await sync(
            self.session,
            workspace.id,
            workspace.platform,
            prefix,
            kinds,
            desired,
            self.now,
            keep_topics=keep_topics,
        )
        if result.earliest is not None:
            self.woke(result.earliest)
        return result
