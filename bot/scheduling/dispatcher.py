"""The dispatcher: claims due outbox rows, renders them from current data, sends, and records the result."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox, wording
from bot.clock import Clock
from bot.domain.states import OutboxStatus
from bot.messages import Message
from bot.payloads import BadPayload
from bot.persistence.tables import OutboxRow, Workspace
from bot.ports import ChatGateway, DeliveryError, Destination, SentRef

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Send:
    to: Destination
    message: Message
    start_thread: bool = False
    thread_title: str = ""


@dataclass(frozen=True)
class Edit:
    """Replace a message the bot sent earlier (where the platform allows it)."""

    channel_id: str
    message_id: str
    message: Message


@dataclass(frozen=True)
class Drop:
    """Do not send: the row is settled with this status (missed, withdrawn) and reason."""

    status: OutboxStatus
    reason: str


@dataclass
class DeliveryContext(outbox.OutboxWriter):
    """What a handler works in: one transaction (a `Tx`), the gateway, and how late the row is."""

    session: AsyncSession
    now: datetime
    # How late the row is being sent compared with its due time (zero when on time or within grace).
    late_by: timedelta
    platform: str
    gateway: ChatGateway
    workspace_external_id: str


# Runs in a delivery's transaction just before it commits (the schedule reconcile, installed by the app).
BeforeCommit = Callable[[DeliveryContext], Awaitable[None]]
# Repairs every schedule; returns how many needed it (run on start and then every `sweep_every`).
Sweep = Callable[[], Awaitable[int]]


class Handler(Protocol):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop: ...

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None: ...

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)

    def delay(self, attempt: int, retry_after: float | None) -> timedelta:
        # A platform that says when to come back knows best; waiting longer only slows the fan-out.
        if retry_after is not None:
            return timedelta(seconds=retry_after)
        return min(self.cap, self.base * (2 ** max(0, attempt - 1)))


@dataclass
class DispatchStats:
    sent: int = 0
    dropped: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.dropped + self.retried + self.failed


class Dispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gateways: Mapping[str, ChatGateway],
        handlers: Mapping[str, Handler],
        clock: Clock,
        *,
        worker: str | None = None,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 50,
        late_grace: timedelta = timedelta(minutes=10),
        retry: RetryPolicy | None = None,
        before_commit: BeforeCommit | None = None,
        sweep: Sweep | None = None,
        sweep_every: timedelta | None = timedelta(hours=1),
    ) -> None:
        self.sessions = sessions
        self.gateways = dict(gateways)
        self.handlers = dict(handlers)
        self.clock = clock
        self.worker = worker or f"dispatcher-{uuid.uuid4().hex[:12]}"
        self.lease = lease
        self.batch = batch
        self.late_grace = late_grace
        self.retry = retry or RetryPolicy()
        self.platforms = tuple(sorted(self.gateways))
        self.stats = DispatchStats()
        self._workspaces: dict[int, str] = {}
        self.before_commit = before_commit
        self.sweep = sweep
        self.sweep_every = sweep_every
        self.last_sweep: datetime | None = None
        self.repaired = 0

    async def maybe_sweep(self) -> None:
        """Reconcile every schedule on the first run and then every `sweep_every` (self-healing)."""
        if self.sweep is None:
            return
        now = self.clock.now()
        if self.last_sweep is not None and (
            self.sweep_every is None or now - self.last_sweep < self.sweep_every
        ):
            return
        self.last_sweep = now
        try:
            repaired = await self.sweep()
        except Exception:  # a failed sweep must not stop delivery; the next one tries again
            log.exception("reconciling schedules failed")
            return
        self.repaired += repaired
        if repaired:
            log.warning("reconciled %s schedule(s) that had drifted from their desired state", repaired)

    async def run_due(self, max_rounds: int = 1000) -> int:
        """Send everything due now, then sweep when one is due; returns how many rows were handled."""
        handled = 0
        for _ in range(max_rounds):
            now = self.clock.now()
            async with self.sessions.begin() as session:
                rows = await outbox.claim(
                    session, self.worker, now, self.platforms, lease=self.lease, limit=self.batch
                )
            if not rows:
                break
            for row in rows:
                await self._process(row)
                handled += 1
        # After the due rows: what time alone changes (a session that just ended) has been handled by its
        # own row, so whatever the sweep still finds had really drifted.
        await self.maybe_sweep()
        return handled

    async def next_due_at(self) -> datetime | None:
        async with self.sessions() as session:
            return await outbox.next_due_at(session, self.platforms)

    async def _process(self, row: OutboxRow) -> None:
        handler = self.handlers.get(row.kind)
        now = self.clock.now()
        if handler is None:
            await self._settle(row, OutboxStatus.FAILED, f"no handler for kind {row.kind!r}")
            log.error("outbox row %s has unknown kind %s", row.id, row.kind)
            self.stats.failed += 1
            return
        late_by = max(timedelta(0), now - row.due_at)
        try:
            async with self.sessions.begin() as session:
                ctx = await self._context(
                    session, row, now, late_by if late_by > self.late_grace else timedelta(0)
                )
                outcome = await handler.render(ctx, row)
                await self._before_commit(ctx)
        except DeliveryError as exc:  # e.g. opening the pair's home failed: as permanent as the platform says
            await self._failed_attempt(row, handler, exc.reason, exc.retry_after, permanent=exc.permanent)
            return
        except BadPayload as exc:  # a row no handler can read will not read better on a retry
            log.error("outbox row %s (%s) has a bad payload: %s", row.id, row.kind, exc)
            await self._settle(row, OutboxStatus.FAILED, f"bad payload: {exc}")
            self.stats.failed += 1
            return
        except Exception as exc:  # a bug or an outage while rendering must not lose the row
            log.exception("rendering outbox row %s (%s) failed", row.id, row.kind)
            await self._failed_attempt(row, handler, f"render: {exc!r}", None, permanent=False)
            return
        if isinstance(outcome, Drop):
            await self._settle(row, outcome.status, outcome.reason)
            self.stats.dropped += 1
            return
        gateway = self.gateways[row.platform]
        if isinstance(outcome, Edit):
            await self._edit(row, gateway, ctx.workspace_external_id, outcome)
            return
        if ctx.late_by:
            outcome = replace(outcome, message=wording.sent_late(outcome.message, row.due_at))
        try:
            ref = await gateway.send(
                ctx.workspace_external_id,
                outcome.to,
                outcome.message,
                idempotency_key=row.key,
                start_thread=outcome.start_thread,
                thread_title=outcome.thread_title,
            )
        except DeliveryError as exc:
            await self._failed_attempt(row, handler, exc.reason, exc.retry_after, permanent=exc.permanent)
            return
        except Exception as exc:  # an adapter bug or network fault counts as a failed attempt
            log.exception("sending outbox row %s (%s) failed", row.id, row.kind)
            await self._failed_attempt(row, handler, repr(exc), None, permanent=False)
            return
        async with self.sessions.begin() as session:
            ctx = await self._context(session, row, self.clock.now(), late_by)
            recorded = await outbox.mark_sent(session, row.id, self.worker, ctx.now, _ref_text(ref))
            if recorded:
                await handler.after_sent(ctx, row, ref)
                await self._before_commit(ctx)
            else:
                log.warning("lease on outbox row %s was lost before it was marked sent", row.id)
        self.stats.sent += 1

    async def _edit(self, row: OutboxRow, gateway: ChatGateway, workspace: str, outcome: Edit) -> None:
        edit = getattr(gateway, "edit", None)
        if edit is None:
            await self._settle(row, OutboxStatus.WITHDRAWN, f"{row.platform} cannot edit messages")
            self.stats.dropped += 1
            return
        try:
            await edit(workspace, outcome.channel_id, outcome.message_id, outcome.message)
        except DeliveryError as exc:
            # An edit only refreshes what is already visible: never worth reporting to people.
            await self._settle(row, OutboxStatus.FAILED, exc.reason)
            self.stats.failed += 1
            return
        async with self.sessions.begin() as session:
            await outbox.mark_sent(
                session, row.id, self.worker, self.clock.now(), f"edit:{outcome.message_id}"
            )
        self.stats.sent += 1

    async def _failed_attempt(
        self, row: OutboxRow, handler: Handler, reason: str, retry_after: float | None, *, permanent: bool
    ) -> None:
        now = self.clock.now()
        if permanent or (retry_after is None and row.attempts >= self.retry.max_attempts):
            log.error(
                "giving up on outbox row %s (%s) after %s attempts: %s",
                row.id,
                row.kind,
                row.attempts,
                reason,
            )
            async with self.sessions.begin() as session:
                await outbox.settle(session, row.id, self.worker, OutboxStatus.FAILED, reason)
                ctx = await self._context(session, row, now, timedelta(0))
                await handler.after_failed(ctx, row, reason)
                await self._before_commit(ctx)
            self.stats.failed += 1
            return
        # "Come back later" (a 429 with Retry-After) is not a failed attempt: it must not use up the
        # attempts that stand between a message and being given up on.
        rate_limited = retry_after is not None
        when = now + self.retry.delay(row.attempts, retry_after)
        log.warning(
            "outbox row %s (%s) attempt %s failed, retrying at %s: %s",
            row.id,
            row.kind,
            row.attempts,
            when.isoformat(),
            reason,
        )
        async with self.sessions.begin() as session:
            await outbox.retry_later(session, row.id, self.worker, when, reason, refund_attempt=rate_limited)
        self.stats.retried += 1

    async def _context(
        self, session: AsyncSession, row: OutboxRow, now: datetime, late_by: timedelta
    ) -> DeliveryContext:
        external = self._workspaces.get(row.workspace_id)
        if external is None:
            ws = await session.get(Workspace, row.workspace_id)
            external = ws.external_id if ws is not None else ""
            self._workspaces[row.workspace_id] = external
        return DeliveryContext(session, now, late_by, row.platform, self.gateways[row.platform], external)

    async def _before_commit(self, ctx: DeliveryContext) -> None:
        if self.before_commit is not None:
            await self.before_commit(ctx)

    async def _settle(self, row: OutboxRow, status: OutboxStatus, reason: str) -> None:
        async with self.sessions.begin() as session:
            await outbox.settle(session, row.id, self.worker, status, reason)


def _ref_text(ref: SentRef) -> str:
    return f"{ref.channel_id}/{ref.message_id}" + (f"/{ref.thread_id}" if ref.thread_id else "")
