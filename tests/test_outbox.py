"""The outbox's promises: nothing lost across a restart, no row sent twice, failures retried then reported."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import outbox
from bot.clock import SimulatedClock
from bot.domain.states import OutboxStatus
from bot.persistence.db import create_engine, session_factory
from bot.persistence.tables import OutboxRow, Workspace
from bot.ports import DeliveryError
from bot.scheduling.dispatcher import Dispatcher, RetryPolicy
from bot.services.deliveries import handlers
from tests.conftest import on_postgres
from tests.fakes import FakeChat
from tests.harness import START, Harness


async def statuses(h: Harness, kind: str) -> list[str]:
    async with h.app.core.sessions() as s:
        return list(
            await s.scalars(select(OutboxRow.status).where(OutboxRow.kind == kind).order_by(OutboxRow.id))
        )


async def test_rows_due_while_down_are_sent_late_saying_so_or_marked_missed(database_url: str) -> None:
    h = await Harness.create(database_url)
    try:
        await h.pair()
        await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    finally:
        await h.close()  # the bot goes down on Monday 08:00 with reminders pending
    # It comes back on Tuesday at 09:30: the 24 h reminders are late, the 1 h ones later still,
    # and the session starts at 10:00 — so the reminders are still useful and go out, saying so.
    back = await Harness.create(database_url, start=START + timedelta(hours=25, minutes=30))
    try:
        await back.pump.flush()
        bo = back.chat.dms("bo")
        assert len(bo) == 2 and all("Sent late" in d.text for d in bo)
    finally:
        await back.close()
    # Down again until Wednesday: the next week's reminders come in time, but a session that has
    # already started gets no reminder — it is marked missed instead.
    h2 = await Harness.create(database_url, start=START + timedelta(hours=25, minutes=40))
    try:
        await h2.say("ann", "/mentor reminders 30m")
        await h2.say("ann", "/mentor skip")  # next is Tue 8 Dec
    finally:
        await h2.close()
    late = await Harness.create(database_url, start=START + timedelta(days=8, hours=2, minutes=5))
    try:
        await late.pump.flush()
        assert "missed" in await statuses(late, "checkin.remind")
        assert not [d for d in late.chat.dms("bo") if "Check-in coming up" in d.text]
    finally:
        await late.close()


async def test_a_failed_send_is_retried_with_backoff_then_reported(h: Harness) -> None:
    await h.pair()
    h.chat.failures = [DeliveryError("rate limited", retry_after=5) for _ in range(2)]
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    # Two failed attempts: the announcement waits, then goes out on the third try.
    assert not h.chat.with_text("Next check-in")
    await h.advance("2m")
    assert len(h.chat.with_text("Next check-in")) == 1
    # A permanent failure (DMs closed) is not retried and is reported in the pair's home.
    h.chat.failures = [DeliveryError("cannot DM this user", permanent=True)]
    await h.advance("26h")
    report = h.chat.with_text("couldn't deliver")
    assert len(report) == 1 and report[0].where.startswith("channel:") and "@bo" in report[0].text
    assert "failed" in await statuses(h, "checkin.remind")


async def test_transient_failures_give_up_after_max_attempts_and_report(database_url: str) -> None:
    h = await Harness.create(database_url, retry=RetryPolicy(max_attempts=3, base=timedelta(seconds=10)))
    try:
        await h.pair()
        # Both rows this command plans (the announcement and the notice) fail three times each.
        h.chat.failures = [DeliveryError("HTTP 500") for _ in range(6)]
        await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
        await h.advance("5m")
        assert await statuses(h, "checkin.announce") == ["failed"]
        assert h.chat.with_text("couldn't deliver a message to your shared space")
    finally:
        await h.close()


async def test_a_crashed_claimers_rows_are_picked_up_after_its_lease(h: Harness) -> None:
    async with h.app.core.unit() as uow:
        from bot.services.members import ensure_workspace

        ws = await ensure_workspace(uow, "console", "W1")
        await uow.plan(
            ws, outbox.Planned("mentorship.silence", "k1", "m:0", h.clock.now(), {"mentorship_id": 0})
        )
    async with h.app.core.sessions.begin() as s:
        taken = await outbox.claim(
            s, "crashed-worker", h.clock.now(), ("console",), lease=timedelta(minutes=2), limit=10
        )
    assert [r.key for r in taken] == ["k1"]
    assert await h.pump.flush() == 0  # still leased to the crashed worker
    await h.advance("3m")
    assert await statuses(h, "mentorship.silence") == ["withdrawn"]  # picked up and handled


async def _plan_many(sessions, n: int, now) -> None:
    async with sessions.begin() as s:
        ws = Workspace(platform="console", external_id="W1", name="W1", settings={}, created_at=now)
        s.add(ws)
        await s.flush()
        for i in range(n):
            await outbox.enqueue(
                s, ws.id, "console", outbox.Planned("test.ping", f"ping:{i}", "t", now, {"i": i}), now
            )


class PingHandler:
    def __init__(self, delay: float) -> None:
        self.delay = delay

    async def render(self, ctx, row):
        from bot.messages import simple
        from bot.ports import DirectMessage
        from bot.scheduling.dispatcher import Send

        await asyncio.sleep(self.delay)  # lets the other dispatcher interleave
        return Send(DirectMessage("u"), simple(f"ping {row.payload['i']}"))

    async def after_sent(self, ctx, row, ref) -> None:
        return None

    async def after_failed(self, ctx, row, reason) -> None:
        return None


async def test_two_dispatchers_never_send_the_same_row(h: Harness, database_url: str) -> None:
    """Two dispatchers with their own connection pools share one database and one platform."""
    if not on_postgres():
        pytest.skip("SQLite is single-writer; the concurrent case is the PostgreSQL one")
    clock = SimulatedClock(START)
    await _plan_many(h.app.core.sessions, 300, clock.now())
    chat = FakeChat(clock)
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        dispatchers = [
            Dispatcher(
                session_factory(e),
                {"console": chat},
                {"test.ping": PingHandler(0.001)},
                clock,
                worker=f"w{i}",
                batch=7,
            )
            for i, e in enumerate(engines)
        ]
        counts = await asyncio.gather(*(d.run_due() for d in dispatchers))
    finally:
        for e in engines:
            await e.dispose()
    assert sum(counts) == 300 and all(c > 0 for c in counts), counts
    assert len(chat.sent) == 300 and not chat.duplicate_keys()


async def test_sqlite_claims_are_disjoint_too(h: Harness) -> None:
    clock = h.clock
    await _plan_many(h.app.core.sessions, 50, clock.now())
    async with h.app.core.sessions.begin() as s:
        a = await outbox.claim(s, "a", clock.now(), ("console",), lease=timedelta(minutes=1), limit=30)
    async with h.app.core.sessions.begin() as s:
        b = await outbox.claim(s, "b", clock.now(), ("console",), lease=timedelta(minutes=1), limit=30)
    assert len(a) == 30 and len(b) == 20 and not {r.id for r in a} & {r.id for r in b}


async def test_enqueue_is_idempotent_by_key(h: Harness) -> None:
    now = h.clock.now()
    await _plan_many(h.app.core.sessions, 1, now)
    async with h.app.core.sessions.begin() as s:
        ws_id = (await s.scalars(select(Workspace.id))).one()
        again = await outbox.enqueue(
            s, ws_id, "console", outbox.Planned("test.ping", "ping:0", "t", now, {}), now
        )
    assert again is False
    async with h.app.core.sessions() as s:
        assert len((await s.scalars(select(OutboxRow))).all()) == 1


def test_backoff_grows_and_honours_retry_after() -> None:
    policy = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(minutes=10))
    assert [policy.delay(n, None).total_seconds() for n in (1, 2, 3, 10)] == [30, 60, 120, 600]
    assert policy.delay(1, 90).total_seconds() == 90


async def test_unknown_kinds_fail_loudly_instead_of_vanishing(h: Harness) -> None:
    await _plan_many(h.app.core.sessions, 1, h.clock.now())
    await h.pump.flush()
    async with h.app.core.sessions() as s:
        row = (await s.scalars(select(OutboxRow))).one()
    assert row.status == OutboxStatus.FAILED.value and "no handler" in (row.last_error or "")


async def test_all_handlers_are_registered() -> None:
    assert set(handlers()) >= {
        "checkin.announce",
        "checkin.remind",
        "checkin.wrapup",
        "checkin.followup",
        "checkin.summary",
        "action.followup",
        "mentorship.notice",
    }


async def test_a_permanent_failure_while_rendering_is_not_retried(h: Harness) -> None:
    class NoHome(FakeChat):
        async def open_home(self, workspace_id: str, user_ids: list[str], title: str) -> str:
            raise DeliveryError("no mentorship channel is set up", permanent=True)

    h.app.dispatcher.gateways["console"] = NoHome(h.clock)
    await h.pair()
    assert await statuses(h, "mentorship.welcome") == ["failed"]


async def test_a_retried_send_still_says_what_the_first_attempt_decided(h: Harness) -> None:
    """The follow-up marks the check-in missed before sending; a failed send must not lose the message."""
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    await h.advance("50h")  # Wed 2 Dec 10:00, before the follow-up at 10:30
    h.chat.failures = [DeliveryError("HTTP 502")]
    await h.advance("1h")
    assert len(h.chat.with_text("marked it as missed")) == 1
    assert await statuses(h, "checkin.followup") == ["sent", "pending"]


async def test_a_retried_office_hours_wrapup_still_asks_for_the_recap(h: Harness) -> None:
    h.admins.add("hana")
    await h.say("hana", "/officehours create #help monthly on the first thursday at 17:00 hosts @hana")
    await h.advance("81h")  # Thu 3 Dec 17:00, the session has started
    h.chat.failures = [DeliveryError("HTTP 502")]
    await h.advance("2h")
    assert len(h.chat.with_text("thanks for hosting")) == 1
