"""The dispatcher: claims due outbox rows, renders them from current data, sends, and records the result."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox, wording
from bot.clock import Clock
from bot.domain.states import OutboxStatus
from bot.messages import Message
from bot.payloads import BadPayload
from bot.persistence.tables import OutboxRow, Workspace
from bot.ports import ChatGateway, DeliveryError, Destination, SentRef
from bot.scheduling.limits import SendGate, SendLimits, channel_of
from bot.scheduling.timesource import TimeSource, time_source_for

log = logging.getLogger(__name__)

# A database that went away mid-send: asyncpg raises a bare OSError when it cannot connect at all.
DATABASE_UNREACHABLE = (OperationalError, DBAPIError, OSError)


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
class Preloaded:
    """What a batch's handlers read, loaded once for the whole batch with a few IN queries.

    Records (mentorships, members, check-ins) go to the session's identity map, where `session.get`
    finds them without a query; collections (a check-in's agenda, a mentorship's open actions) go here,
    keyed by what they are and the id they belong to. A handler that finds nothing here loads it itself,
    so a missing preload costs queries, never correctness."""

    lists: dict[tuple[str, int], list[Any]] = field(default_factory=dict)
    # Strong references to the preloaded records: the identity map holds them only weakly.
    records: list[Any] = field(default_factory=list)

    def keep(self, records: Sequence[Any]) -> None:
        self.records.extend(records)

    def get(self, what: str, ident: int) -> list[Any] | None:
        return self.lists.get((what, ident))

    def put(self, what: str, ident: int, items: list[Any]) -> None:
        self.lists[(what, ident)] = items


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
    # What the batch's handlers preloaded (see `Preloaded`); empty outside a batch.
    preloaded: Preloaded = field(default_factory=Preloaded)


# Runs in a delivery's transaction just before it commits (the schedule reconcile, installed by the app).
BeforeCommit = Callable[[DeliveryContext], Awaitable[None]]
# Repairs every schedule; returns how many needed it (run on start and then every `sweep_every`).
Sweep = Callable[[], Awaitable[int]]


class Handler(Protocol):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop: ...

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None: ...

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None: ...


class Preloading(Protocol):
    """Optional for a handler: load what `render` will read for all of a batch's rows of its kind at
    once, into `ctx.session` (records) and `ctx.preloaded` (collections). Renders must mean the same
    with or without it."""

    async def preload(self, ctx: DeliveryContext, rows: Sequence[OutboxRow]) -> None: ...


# How long after its due time each kind of message is still worth retrying through an outage; a
# reminder also stops being useful when its check-in starts (its handler drops it then).
USEFUL_FOR: dict[str, timedelta] = {
    "checkin.remind": timedelta(days=1),
    "checkin.summary": timedelta(days=4),
    "delivery.failed": timedelta(days=7),
}


@dataclass(frozen=True)
class RetryPolicy:
    """When a failed send is tried again, and when it is given up on.

    A transient failure is retried with exponential backoff (`base`, doubling, at most `cap` apart, so a
    platform that answers again is noticed within `cap`) for as long as the message is still useful:
    `useful_for[kind]` (else `default_useful`) after its due time. `max_attempts`, when set, gives up
    sooner, after that many failed attempts. A rate limit's Retry-After is waited exactly and never
    counts as a failed attempt."""

    max_attempts: int | None = None
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=10)
    default_useful: timedelta = timedelta(days=2)
    useful_for: Mapping[str, timedelta] = field(default_factory=lambda: dict(USEFUL_FOR))

    def delay(self, attempt: int, retry_after: float | None) -> timedelta:
        # A platform that says when to come back knows best; waiting longer only slows the fan-out.
        if retry_after is not None:
            return timedelta(seconds=retry_after)
        return min(self.cap, self.base * (2 ** min(30, max(0, attempt - 1))))

    def useful_until(self, row: OutboxRow) -> datetime:
        """The time (UTC) after which sending this row no longer helps anyone."""
        return row.due_at + self.useful_for.get(row.kind, self.default_useful)

    def gives_up(self, row: OutboxRow, now: datetime) -> bool:
        if self.max_attempts is not None and row.attempts >= self.max_attempts:
            return True
        return now >= self.useful_until(row)


@dataclass
class DispatchStats:
    sent: int = 0
    dropped: int = 0
    retried: int = 0
    failed: int = 0
    # Rows another worker took over before this one could send them (not sent here, not lost).
    yielded: int = 0
    # Re-sends that found the message already on the platform (a no-op instead of a duplicate).
    found: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.dropped + self.retried + self.failed + self.yielded


class Dispatcher:
    """Claims due rows, renders them, sends them and records the outcome — a batch at a time.

    A batch of up to `batch` rows costs a constant number of statements whatever its size: one claim;
    one transaction that preloads what the rows' handlers read (see `Preloading`), renders them all,
    settles the ones not to send, reconciles the schedules they touched and renews the leases of the
    rest; concurrent sends (in claim order within a channel, within the platform's `SendLimits`, a 429
    pausing only its own channel); and one transaction that marks the results, one statement per
    outcome. Rows about one mentorship go in one batch only when they are of one kind (a check-in's
    announcement may give its wrap-up a thread to post in), so a claim is cut into runs in due order
    (`_segments`); a run whose rendering failed, and rows of unknown kinds, are handled one by one, each
    in transactions of its own, as before.

    A row is only ever sent by the holder of a live lease: the lease is renewed (with the shared
    clock, see `bot.scheduling.timesource`) right before the sends, and every send is cut off at
    `send_timeout` after that, which is shorter than the lease, so no other worker can take the row over
    while a send is in flight. A send whose outcome is unknown (cut off, or recorded nowhere because the
    database went away) is retried later, and before any second attempt the platform is asked whether
    the message already landed (`bot.ports.DeliveryLookup`)."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gateways: Mapping[str, ChatGateway],
        handlers: Mapping[str, Handler],
        clock: Clock,
        *,
        worker: str | None = None,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 200,
        concurrency: int = 16,
        late_grace: timedelta = timedelta(minutes=10),
        retry: RetryPolicy | None = None,
        before_commit: BeforeCommit | None = None,
        sweep: Sweep | None = None,
        sweep_every: timedelta | None = timedelta(hours=1),
        time_source: TimeSource | None = None,
        send_timeout: timedelta | None = None,
        record_patience: timedelta = timedelta(seconds=60),
    ) -> None:
        self.sessions = sessions
        self.gateways = dict(gateways)
        self.handlers = dict(handlers)
        self.clock = clock
        self.time = time_source or time_source_for(clock)
        self.worker = worker or f"dispatcher-{uuid.uuid4().hex[:12]}"
        self.lease = lease
        self.send_timeout = send_timeout if send_timeout is not None else lease / 2
        if self.send_timeout >= lease:
            raise ValueError("send_timeout must be shorter than the lease, or a slow send could be doubled")
        self.record_patience = record_patience
        self.batch = batch
        # In-flight sends per platform unless its gateway says otherwise (`gateway.limits`).
        self.concurrency = concurrency
        self._gates: dict[str, SendGate] = {}
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
            async with self.sessions.begin() as session:
                now = await self.time.now(session)
                rows = await outbox.claim(
                    session, self.worker, now, self.platforms, lease=self.lease, limit=self.batch
                )
            if not rows:
                break
            await self._dispatch(rows)
            handled += len(rows)
        # After the due rows: what time alone changes (a session that just ended) has been handled by its
        # own row, so whatever the sweep still finds had really drifted.
        await self.maybe_sweep()
        return handled

    async def _dispatch(self, rows: list[OutboxRow]) -> None:
        for segment in self._segments(rows):
            if len(segment) == 1 and segment[0].kind not in self.handlers:
                await self._process(segment[0])
                continue
            try:
                items, deadline = await self._render_batch(segment)
            except Exception as exc:  # one bad row must not hold up the rest: take them one by one
                if not isinstance(exc, DATABASE_UNREACHABLE):
                    log.info(
                        "rendering a batch of %s failed (%r); handling its rows one by one", len(segment), exc
                    )
                for row in segment:
                    await self._process(row)
                continue
            if items:
                results = await self._send_batch(items, deadline)
                await self._record_batch(items, results)

    def _segments(self, rows: list[OutboxRow]) -> list[list[OutboxRow]]:
        """The claimed rows (in due order) cut into runs that may be rendered together.

        Within a batch every row is rendered before any is sent, so a row whose rendering depends on what
        sending an earlier one changes (a check-in's thread, made by its announcement) must start a new
        run: per mentorship ("m:7" of topic "m:7/c:42"), a run holds one kind. A row of unknown kind is a
        run of its own. A fan-out (one kind) is one run; what is due together otherwise keeps its order."""
        runs: list[list[OutboxRow]] = []
        current: list[OutboxRow] = []
        kinds: dict[str, str] = {}
        for row in rows:
            owner = row.topic.split("/", 1)[0]
            if row.kind not in self.handlers or kinds.get(owner, row.kind) != row.kind:
                if current:
                    runs.append(current)
                current, kinds = [], {}
                if row.kind not in self.handlers:
                    runs.append([row])
                    continue
            kinds[owner] = row.kind
            current.append(row)
        if current:
            runs.append(current)
        return runs

    async def _render_batch(self, rows: list[OutboxRow]) -> tuple[list[_Item], float]:
        """Render a batch in one transaction; settle what is not to be sent, renew the rest's leases.
        Returns what to send and the event-loop time by which every send must have ended."""
        items: list[_Item] = []
        dropped: dict[OutboxStatus, dict[int, str]] = {}
        given_up: list[tuple[OutboxRow, Handler, str]] = []
        taken: list[_Item] = []
        async with self.sessions.begin() as session:
            now = await self.time.now(session)
            deadline = asyncio.get_running_loop().time() + self.send_timeout.total_seconds()
            preloaded = Preloaded()
            groups: dict[str, list[OutboxRow]] = {}
            for row in rows:
                groups.setdefault(row.kind, []).append(row)
            for kind, group in groups.items():
                preload = getattr(self.handlers[kind], "preload", None)
                if preload is not None:
                    await preload(await self._context(session, group[0], now, timedelta(0), preloaded), group)
            ctx: DeliveryContext | None = None
            for row in rows:
                handler = self.handlers[row.kind]
                late_by = max(timedelta(0), now - row.due_at)
                ctx = await self._context(
                    session, row, now, late_by if late_by > self.late_grace else timedelta(0), preloaded
                )
                outcome = await handler.render(ctx, row)
                if isinstance(outcome, Drop):
                    if outcome.status == OutboxStatus.MISSED and row.last_error:
                        # The platform kept failing until the message was too late: people are told.
                        given_up.append((row, handler, f"{outcome.reason}; last failure: {row.last_error}"))
                    else:
                        dropped.setdefault(outcome.status, {})[row.id] = outcome.reason
                    continue
                if isinstance(outcome, Send) and ctx.late_by:
                    outcome = replace(outcome, message=wording.sent_late(outcome.message, row.due_at))
                items.append(_Item(row, handler, late_by, outcome, ctx.workspace_external_id))
            for status, reasons in dropped.items():
                await outbox.settle_many(session, self.worker, status, reasons)
            await self._give_up_many(session, now, given_up)
            if ctx is not None:
                await self._before_commit(ctx)
            if items:
                # The leases of what is about to be sent, from the time this transaction began: the sends
                # are cut off `send_timeout` after that instant (see `_send_batch`), inside the lease.
                ours = await outbox.renew_many(
                    session, [i.row.id for i in items], self.worker, now, self.lease
                )
                taken = [i for i in items if i.row.id not in ours]
                for item in taken:
                    log.warning("outbox row %s was taken over by another worker; not sending it", item.row.id)
                items = [i for i in items if i.row.id in ours]
        self.stats.dropped += sum(len(r) for r in dropped.values())
        self.stats.failed += len(given_up)
        self.stats.yielded += len(taken)
        return items, deadline

    async def _give_up_many(
        self, session: AsyncSession, now: datetime, rows: list[tuple[OutboxRow, Handler, str]]
    ) -> None:
        if not rows:
            return
        for row, _, reason in rows:
            log.error(
                "giving up on outbox row %s (%s) after %s attempts: %s",
                row.id,
                row.kind,
                row.attempts,
                reason,
            )
        await outbox.settle_many(session, self.worker, OutboxStatus.FAILED, {r.id: why for r, _, why in rows})
        for row, handler, reason in rows:
            await handler.after_failed(await self._context(session, row, now, timedelta(0)), row, reason)

    def _gate(self, platform: str) -> SendGate:
        gate = self._gates.get(platform)
        if gate is None:
            limits = getattr(self.gateways[platform], "limits", None)
            if not isinstance(limits, SendLimits):
                limits = SendLimits(concurrency=self.concurrency)
            gate = self._gates[platform] = SendGate(limits)
        return gate

    async def _send_batch(self, items: list[_Item], deadline: float) -> list[_Result]:
        """Send a rendered batch concurrently; every send ends (or is cut off) by `deadline` (loop time)."""
        results = await asyncio.gather(*(self._deliver(item, deadline) for item in items))
        now = self.clock.now()
        for gate in self._gates.values():
            gate.forget_idle(now)
        return list(results)

    async def _deliver(self, item: _Item, deadline: float) -> _Result:
        """One row's send, waiting its turn in its channel; never raises (the outcome says what happened)."""
        row, out = item.row, item.outcome
        gateway = self.gateways[row.platform]
        gate = self._gate(row.platform)
        channel = out.channel_id if isinstance(out, Edit) else channel_of(out.to)
        loop = asyncio.get_running_loop()
        async with gate.lock(channel):
            paused = gate.paused(channel, self.clock.now())
            if paused is not None:
                return _Result(later=paused, reason="the platform asked to wait (rate limited)")
            wait, booked = gate.reserve(channel)
            if wait > (deadline - loop.time()) / 2:
                for bucket in booked:
                    bucket.cancel()
                return _Result(
                    later=self.clock.now() + timedelta(seconds=wait), reason="waiting for the rate limit"
                )
            if wait:
                await asyncio.sleep(wait)
            async with gate.in_flight:
                try:
                    async with asyncio.timeout_at(deadline):
                        if isinstance(out, Edit):
                            return await self._deliver_edit(gateway, item.workspace, row, out)
                        if row.attempts > 1:
                            # An earlier attempt may have landed before a crash, a cut-off send or a lost
                            # database connection: ask the platform before sending again.
                            found = await self._find_sent(gateway, item.workspace, out, row.key)
                            if found is not None:
                                log.info(
                                    "outbox row %s was already on the platform (%s)", row.id, _ref_text(found)
                                )
                                return _Result(ref=found, found=True)
                        ref = await gateway.send(
                            item.workspace,
                            out.to,
                            out.message,
                            idempotency_key=row.key,
                            start_thread=out.start_thread,
                            thread_title=out.thread_title,
                        )
                except DeliveryError as exc:
                    if exc.retry_after is not None:
                        # Only this channel waits; the rest of the batch goes on.
                        gate.pause(channel, self.clock.now() + timedelta(seconds=exc.retry_after))
                    return _Result(reason=exc.reason, retry_after=exc.retry_after, permanent=exc.permanent)
                except TimeoutError:
                    # It may have landed: the next attempt asks the platform first.
                    log.warning(
                        "sending outbox row %s took longer than %s; trying again later",
                        row.id,
                        self.send_timeout,
                    )
                    return _Result(reason=f"no answer within {self.send_timeout}")
                except Exception as exc:  # an adapter bug or a network fault counts as a failed attempt
                    log.exception("sending outbox row %s (%s) failed", row.id, row.kind)
                    return _Result(reason=repr(exc))
        return _Result(ref=ref)

    async def _deliver_edit(self, gateway: ChatGateway, workspace: str, row: OutboxRow, out: Edit) -> _Result:
        edit = getattr(gateway, "edit", None)
        if edit is None:
            return _Result(settle=OutboxStatus.WITHDRAWN, reason=f"{row.platform} cannot edit messages")
        try:
            await edit(workspace, out.channel_id, out.message_id, out.message)
        except DeliveryError as exc:
            # An edit only refreshes what is already visible: never worth reporting to people.
            return _Result(settle=OutboxStatus.FAILED, reason=exc.reason)
        return _Result(edited=f"edit:{out.message_id}")

    async def _record_batch(self, items: list[_Item], results: list[_Result]) -> None:
        """Mark a sent batch in one transaction, one statement per outcome, retrying on fresh connections
        while the database is away: a send that is not recorded would be repeated after the lease (the
        platform lookup is the last line of defence)."""
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + self.record_patience.total_seconds()
        pause = 0.05
        while True:
            try:
                counts = await self._record(items, results)
                break
            except DATABASE_UNREACHABLE as exc:
                if loop.time() >= give_up_at:
                    log.error(
                        "a batch of %s sends could not be recorded: %r; their next attempts will look for "
                        "them on the platform first",
                        len(items),
                        exc,
                    )
                    return
                log.warning("recording a batch of sends failed (%r); retrying", exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)
        self.stats.sent += counts.sent
        self.stats.found += counts.found
        self.stats.retried += counts.retried
        self.stats.failed += counts.failed
        self.stats.dropped += counts.dropped

    async def _record(self, items: list[_Item], results: list[_Result]) -> DispatchStats:
        counts = DispatchStats()
        async with self.sessions.begin() as session:
            now = await self.time.now(session)
            refs: dict[int, str] = {}
            later: dict[int, outbox.Later] = {}
            settled: dict[OutboxStatus, dict[int, str]] = {}
            given_up: list[tuple[OutboxRow, Handler, str]] = []
            for item, res in zip(items, results, strict=True):
                row = item.row
                if res.ref is not None or res.edited is not None:
                    refs[row.id] = res.edited or _ref_text(res.ref)  # type: ignore[arg-type]
                    counts.sent += 1
                    counts.found += res.found
                elif res.later is not None:
                    later[row.id] = outbox.Later(res.later, res.reason, refund=True)
                    counts.retried += 1
                elif res.settle is not None:
                    settled.setdefault(res.settle, {})[row.id] = res.reason
                    if res.settle == OutboxStatus.FAILED:
                        counts.failed += 1
                    else:
                        counts.dropped += 1
                elif res.permanent or (res.retry_after is None and self.retry.gives_up(row, now)):
                    given_up.append((row, item.handler, res.reason))
                else:
                    # "Come back later" (a 429 with Retry-After) is not a failed attempt: it must not use
                    # up the attempts that stand between a message and being given up on.
                    when = now + self.retry.delay(row.attempts, res.retry_after)
                    log.warning(
                        "outbox row %s (%s) attempt %s failed, retrying at %s: %s",
                        row.id,
                        row.kind,
                        row.attempts,
                        when.isoformat(),
                        res.reason,
                    )
                    later[row.id] = outbox.Later(when, res.reason, refund=res.retry_after is not None)
                    counts.retried += 1
            recorded = await outbox.mark_sent_many(session, refs, self.worker, now)
            await outbox.retry_later_many(session, self.worker, later)
            for status, reasons in settled.items():
                await outbox.settle_many(session, self.worker, status, reasons)
            await self._give_up_many(session, now, given_up)
            counts.failed += len(given_up)
            ctx: DeliveryContext | None = None
            for item, res in zip(items, results, strict=True):
                if res.ref is None or item.row.id not in refs:
                    continue
                if item.row.id not in recorded:
                    log.warning(
                        "outbox row %s was settled by another worker before it was marked sent", item.row.id
                    )
                    continue
                ctx = await self._context(session, item.row, now, item.late_by)
                await item.handler.after_sent(ctx, item.row, res.ref)
            if ctx is None and items:
                ctx = await self._context(session, items[0].row, now, timedelta(0))
            if ctx is not None:
                await self._before_commit(ctx)
        return counts

    async def next_due_at(self) -> datetime | None:
        async with self.sessions() as session:
            return await outbox.next_due_at(session, self.platforms)

    async def next_due_in(self) -> timedelta | None:
        """How long until something falls due, by the shared clock (negative: already due)."""
        async with self.sessions() as session:
            nxt = await outbox.next_due_at(session, self.platforms)
            if nxt is None:
                return None
            return nxt - await self.time.now(session)

    async def _process(self, row: OutboxRow) -> None:
        handler = self.handlers.get(row.kind)
        if handler is None:
            await self._settle(row, OutboxStatus.FAILED, f"no handler for kind {row.kind!r}")
            log.error("outbox row %s has unknown kind %s", row.id, row.kind)
            self.stats.failed += 1
            return
        try:
            async with self.sessions.begin() as session:
                now = await self.time.now(session)
                late_by = max(timedelta(0), now - row.due_at)
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
            if outcome.status == OutboxStatus.MISSED and row.last_error:
                # Not "the bot was down": the platform kept failing until the message was too late.
                # People are told (the report waits for the platform like any other message).
                await self._give_up(row, handler, f"{outcome.reason}; last failure: {row.last_error}")
                return
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
            if row.attempts > 1:
                # An earlier attempt may have landed before a crash, a cut-off send or a lost database
                # connection: ask the platform before sending again.
                found = await self._find_sent(gateway, ctx.workspace_external_id, outcome, row.key)
                if found is not None:
                    log.info("outbox row %s was already on the platform (%s)", row.id, _ref_text(found))
                    self.stats.found += 1
                    await self._record_sent(row, handler, found, late_by)
                    return
            if not await self._renew(row):
                log.warning("outbox row %s was taken over by another worker; not sending it", row.id)
                self.stats.yielded += 1
                return
            async with asyncio.timeout(self.send_timeout.total_seconds()):
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
        except TimeoutError:
            # It may have landed: the next attempt asks the platform first.
            log.warning(
                "sending outbox row %s took longer than %s; trying again later", row.id, self.send_timeout
            )
            await self._failed_attempt(
                row, handler, f"no answer within {self.send_timeout}", None, permanent=False
            )
            return
        # An adapter bug, a network fault or a lost database counts as a failed attempt.
        except Exception as exc:
            log.exception("sending outbox row %s (%s) failed", row.id, row.kind)
            await self._failed_attempt(row, handler, repr(exc), None, permanent=False)
            return
        await self._record_sent(row, handler, ref, late_by)

    async def _find_sent(self, gateway: ChatGateway, workspace: str, send: Send, key: str) -> SentRef | None:
        lookup = getattr(gateway, "find_sent", None)
        if lookup is None:
            return None
        async with asyncio.timeout(self.send_timeout.total_seconds()):
            found: SentRef | None = await lookup(
                workspace, send.to, key, start_thread=send.start_thread, thread_title=send.thread_title
            )
        return found

    async def _renew(self, row: OutboxRow) -> bool:
        async with self.sessions.begin() as session:
            now = await self.time.now(session)
            return await outbox.renew(session, row.id, self.worker, now, self.lease)

    async def _record_sent(self, row: OutboxRow, handler: Handler, ref: SentRef, late_by: timedelta) -> None:
        """Mark the row sent, retrying on fresh connections while the database is away: a send that is
        not recorded would be repeated after the lease (the platform lookup is the last line of defence)."""
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + self.record_patience.total_seconds()
        pause = 0.05
        while True:
            try:
                async with self.sessions.begin() as session:
                    now = await self.time.now(session)
                    ctx = await self._context(session, row, now, late_by)
                    recorded = await outbox.mark_sent(session, row.id, self.worker, now, _ref_text(ref))
                    if recorded:
                        await handler.after_sent(ctx, row, ref)
                        await self._before_commit(ctx)
                    else:
                        log.warning(
                            "outbox row %s was settled by another worker before it was marked sent", row.id
                        )
                break
            except DATABASE_UNREACHABLE as exc:
                if loop.time() >= give_up_at:
                    log.error(
                        "outbox row %s was sent (%s) but could not be recorded: %r; its next attempt will "
                        "find it on the platform",
                        row.id,
                        _ref_text(ref),
                        exc,
                    )
                    return
                log.warning("recording outbox row %s as sent failed (%r); retrying", row.id, exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)
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
            now = await self.time.now(session)
            await outbox.mark_sent(session, row.id, self.worker, now, f"edit:{outcome.message_id}")
        self.stats.sent += 1

    async def _failed_attempt(
        self, row: OutboxRow, handler: Handler, reason: str, retry_after: float | None, *, permanent: bool
    ) -> None:
        async with self.sessions.begin() as session:
            now = await self.time.now(session)
        if permanent or (retry_after is None and self.retry.gives_up(row, now)):
            await self._give_up(row, handler, reason)
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

    async def _give_up(self, row: OutboxRow, handler: Handler, reason: str) -> None:
        log.error(
            "giving up on outbox row %s (%s) after %s attempts: %s", row.id, row.kind, row.attempts, reason
        )
        async with self.sessions.begin() as session:
            now = await self.time.now(session)
            await outbox.settle(session, row.id, self.worker, OutboxStatus.FAILED, reason)
            ctx = await self._context(session, row, now, timedelta(0))
            await handler.after_failed(ctx, row, reason)
            await self._before_commit(ctx)
        self.stats.failed += 1

    async def _context(
        self,
        session: AsyncSession,
        row: OutboxRow,
        now: datetime,
        late_by: timedelta,
        preloaded: Preloaded | None = None,
    ) -> DeliveryContext:
        external = self._workspaces.get(row.workspace_id)
        if external is None:
            ws = await session.get(Workspace, row.workspace_id)
            external = ws.external_id if ws is not None else ""
            self._workspaces[row.workspace_id] = external
        return DeliveryContext(
            session,
            now,
            late_by,
            row.platform,
            self.gateways[row.platform],
            external,
            preloaded or Preloaded(),
        )

    async def _before_commit(self, ctx: DeliveryContext) -> None:
        if self.before_commit is not None:
            await self.before_commit(ctx)

    async def _settle(self, row: OutboxRow, status: OutboxStatus, reason: str) -> None:
        async with self.sessions.begin() as session:
            await outbox.settle(session, row.id, self.worker, status, reason)


@dataclass
class _Item:
    """A rendered row of a batch, waiting to be sent."""

    row: OutboxRow
    handler: Handler
    # How late the row is against its due time (the raw figure; the late note has its own grace).
    late_by: timedelta
    outcome: Send | Edit
    workspace: str


@dataclass(frozen=True)
class _Result:
    """How one send of a batch ended: sent (`ref`, or `edited`), to retry at `later` (rate limits,
    without using an attempt), settled without sending (`settle`), or failed (`reason`, `retry_after`,
    `permanent`, as the platform said)."""

    ref: SentRef | None = None
    found: bool = False
    edited: str | None = None
    later: datetime | None = None
    settle: OutboxStatus | None = None
    reason: str = ""
    retry_after: float | None = None
    permanent: bool = False


def _ref_text(ref: SentRef) -> str:
    return f"{ref.channel_id}/{ref.message_id}" + (f"/{ref.thread_id}" if ref.thread_id else "")
