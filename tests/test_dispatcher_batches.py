"""The dispatcher's batches: a constant number of statements per batch, renders that mean what the
handlers mean one row at a time, a rate-limited channel that waits without holding up the others, and a
bad row that does not hold up its batch."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, select

from bench.db import seed_mentorships
from bot import outbox
from bot.clock import SimulatedClock
from bot.domain.states import OutboxStatus
from bot.messages import simple
from bot.persistence.db import create_engine, session_factory
from bot.persistence.migrate import prepare
from bot.persistence.tables import OutboxRow, Workspace
from bot.ports import ChannelPost, DeliveryError, Destination, SentRef
from bot.scheduling.dispatcher import DeliveryContext, Dispatcher, Send
from bot.services import schedules
from bot.services.deliveries import handlers
from tests.fakes import FakeChat
from tests.harness import START


async def test_a_batch_costs_the_same_statements_whatever_its_size_and_says_what_one_row_would(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await prepare(engine)
        await seed_mentorships(database_url, 90, due_at=START)
        clock = SimulatedClock(START)
        chat = FakeChat(clock)
        schedules.install()
        sessions = session_factory(engine)
        dispatcher = Dispatcher(
            sessions,
            {"console": chat},
            handlers(),
            clock,
            batch=30,
            before_commit=schedules.reconcile_touched,
        )
        statements: list[str] = []
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        assert await dispatcher.run_due() == 90
        # Three batches and the empty claim that ends the run: claim, preload (five queries), settle and
        # renew, mark — the same for 30 rows as it would be for 3.
        assert len(statements) <= 4 * 13, statements
        assert len(chat.sent) == 90 and not chat.duplicate_keys()
        # What a row says, rendered alone in a transaction of its own, is what the batch sent.
        async with sessions() as s:
            row = (await s.scalars(select(OutboxRow).where(OutboxRow.key == "checkin:7:remind:60:14"))).one()
        async with sessions.begin() as s:
            ctx = DeliveryContext(s, clock.now(), timedelta(0), "console", chat, "W1")
            alone = await handlers()["checkin.remind"].render(ctx, row)
        [batched] = [d for d in chat.sent if d.key == row.key]
        assert isinstance(alone, Send) and alone.message == batched.message and alone.to == batched.to
    finally:
        await engine.dispose()


class ChannelPostHandler:
    def __init__(self, broken: set[int] | None = None) -> None:
        self.broken = broken or set()

    async def render(self, ctx: Any, row: OutboxRow) -> Send:
        if row.payload["i"] in self.broken:
            raise RuntimeError("a bug in one handler")
        return Send(ChannelPost(row.payload["channel"]), simple(f"post {row.payload['i']}"))

    async def after_sent(self, ctx: Any, row: OutboxRow, ref: SentRef) -> None:
        return None

    async def after_failed(self, ctx: Any, row: OutboxRow, reason: str) -> None:
        return None


class OneChannelThrottled(FakeChat):
    """Answers 429 (Retry-After 30 s) to the second message in channel A."""

    def __init__(self, clock: SimulatedClock) -> None:
        super().__init__(clock)
        self.tries: list[str] = []

    async def send(self, workspace_id: str, to: Destination, message: Any, **kw: Any) -> SentRef:
        assert isinstance(to, ChannelPost)
        self.tries.append(to.channel_id)
        if to.channel_id == "A" and self.tries.count("A") == 2:
            raise DeliveryError("HTTP 429 ratelimited", retry_after=30)
        return await super().send(workspace_id, to, message, **kw)


async def _posts(database_url: str, clock: SimulatedClock, channels: list[str]) -> Any:
    engine = create_engine(database_url)
    await prepare(engine)
    sessions = session_factory(engine)
    async with sessions.begin() as s:
        ws = Workspace(platform="console", external_id="W1", name="W1", settings={}, created_at=clock.now())
        s.add(ws)
        await s.flush()
        for i, channel in enumerate(channels):
            planned = outbox.Planned("test.post", f"post:{i}", "t", clock.now(), {"i": i, "channel": channel})
            await outbox.enqueue(s, ws.id, "console", planned, clock.now())
    return engine, sessions


async def test_a_rate_limited_channel_waits_without_holding_up_the_rest_of_the_batch(
    database_url: str,
) -> None:
    clock = SimulatedClock(START)
    engine, sessions = await _posts(database_url, clock, ["A", "B"] * 5)
    chat = OneChannelThrottled(clock)
    try:
        dispatcher = Dispatcher(sessions, {"console": chat}, {"test.post": ChannelPostHandler()}, clock)
        await dispatcher.run_due()
        # B went out whole; A sent one, was refused once, and its other three were not even tried.
        assert [d.to.channel_id for d in chat.sent].count("B") == 5  # type: ignore[union-attr]
        assert chat.tries.count("A") == 2
        async with sessions() as s:
            waiting = list(await s.scalars(select(OutboxRow).where(OutboxRow.status == "pending")))
        assert len(waiting) == 4
        # Waiting out a rate limit uses up no attempt, and every A row waits for the time Slack gave.
        assert all(r.attempts == 0 and r.available_at == START + timedelta(seconds=30) for r in waiting)
        clock.advance(timedelta(seconds=30))
        await dispatcher.run_due()
        assert len(chat.sent) == 10 and not chat.duplicate_keys()
        posts_in_a = [d.text for d in chat.sent if d.to.channel_id == "A"]  # type: ignore[union-attr]
        assert posts_in_a == [f"post {i}" for i in (0, 2, 4, 6, 8)]  # still in order within the channel
    finally:
        await engine.dispose()


async def test_a_row_whose_rendering_fails_does_not_hold_up_its_batch(database_url: str) -> None:
    clock = SimulatedClock(START)
    engine, sessions = await _posts(database_url, clock, ["A"] * 6)
    chat = FakeChat(clock)
    try:
        handler = ChannelPostHandler(broken={3})
        dispatcher = Dispatcher(sessions, {"console": chat}, {"test.post": handler}, clock)
        await dispatcher.run_due()
        assert [d.text for d in chat.sent] == [f"post {i}" for i in (0, 1, 2, 4, 5)]
        async with sessions() as s:
            row = (await s.scalars(select(OutboxRow).where(OutboxRow.key == "post:3"))).one()
        assert row.status == OutboxStatus.PENDING.value and "a bug in one handler" in (row.last_error or "")
    finally:
        await engine.dispose()


async def test_a_claim_takes_lapsed_leases_and_due_rows_in_due_order_up_to_its_limit(
    database_url: str,
) -> None:
    clock = SimulatedClock(START)
    engine, sessions = await _posts(database_url, clock, ["A"] * 6)
    try:
        async with sessions.begin() as s:
            ws_id = (await s.scalars(select(Workspace.id))).one()
            later = outbox.Planned("test.post", "post:later", "t", START + timedelta(hours=1), {"i": 9})
            await outbox.enqueue(s, ws_id, "console", later, START)
        async with sessions.begin() as s:
            crashed = await outbox.claim(s, "dead", START, ("console",), lease=timedelta(minutes=1), limit=2)
        clock.advance(timedelta(minutes=2))
        async with sessions.begin() as s:
            taken = await outbox.claim(s, "b", clock.now(), ("console",), lease=timedelta(minutes=1), limit=5)
        assert len(taken) == 5 and {r.id for r in crashed} <= {r.id for r in taken}
        assert "post:later" not in {r.key for r in taken}
        assert [(r.available_at, r.id) for r in taken] == sorted((r.available_at, r.id) for r in taken)
        assert all(r.claimed_by == "b" for r in taken)
    finally:
        await engine.dispose()
