"""Nothing sent twice, nothing lost: the database lost right after a send, a send recorded nowhere,
and an hour-long platform outage. On SQLite and PostgreSQL, on the simulated clock."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot import outbox
from bot.app import build_app
from bot.clock import SimulatedClock
from bot.domain.states import OutboxStatus
from bot.messages import Message
from bot.persistence.db import create_engine
from bot.persistence.tables import CheckIn, OutboxRow
from bot.ports import DeliveryError, Destination, SentRef
from bot.scheduling.dispatcher import Dispatcher
from tests.fakes import FakeChat
from tests.harness import START, Harness
from tests.test_faults import Proxy, proxied_url  # noqa: F401  (proxied_url is a fixture)

CHECKIN = START.replace(day=1, month=12, hour=10)  # Tue 1 Dec 10:00 UTC: the first check-in below


async def rows_of(h: Harness, kind: str) -> list[OutboxRow]:
    async with h.app.core.sessions() as s:
        return list((await s.scalars(select(OutboxRow).where(OutboxRow.kind == kind))).all())


# ---- the database goes away between the send and recording it --------------------------------------


class CuttingChat(FakeChat):
    """Delivers the announcement, then takes the database away for a moment (a restart mid-send)."""

    def __init__(self, clock: SimulatedClock, cut: Any) -> None:
        super().__init__(clock)
        self.cut = cut
        self.cuts = 0

    async def send(self, workspace_id: str, to: Destination, message: Message, **kw: Any) -> SentRef:
        ref = await super().send(workspace_id, to, message, **kw)
        if kw["idempotency_key"].endswith(":announce") and not self.cuts:
            self.cuts += 1
            await self.cut()
        return ref


async def test_a_dropped_connection_right_after_a_send_still_records_it_once(
    proxied_url: tuple[str, Proxy, str],  # noqa: F811  (the fixture imported above)
) -> None:
    """PostgreSQL: the proxy drops this test's connections and refuses new ones for half a second,
    as a restarting server does, right after the announcement reached the platform."""
    url, proxy, _ = proxied_url

    async def cut() -> None:
        proxy.down()
        asyncio.get_running_loop().call_later(0.5, proxy.up)

    await record_through_a_cut(url, cut)


async def test_a_failed_first_attempt_to_record_a_send_is_retried(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both databases: the first attempt to mark the row sent dies with the connection."""
    real_mark, real_many = outbox.mark_sent, outbox.mark_sent_many
    failures = iter([OperationalError("UPDATE outbox", {}, ConnectionResetError("server closed"))])

    async def failing_mark(*args: Any, **kw: Any) -> bool:
        if (exc := next(failures, None)) is not None:
            raise exc
        return await real_mark(*args, **kw)

    async def failing_many(*args: Any, **kw: Any) -> set[int]:
        if (exc := next(failures, None)) is not None:
            raise exc
        return await real_many(*args, **kw)

    async def cut() -> None:
        # One row is marked alone, a batch in one statement: whichever records this send fails once.
        monkeypatch.setattr(outbox, "mark_sent", failing_mark)
        monkeypatch.setattr(outbox, "mark_sent_many", failing_many)

    await record_through_a_cut(database_url, cut)


async def record_through_a_cut(url: str, cut: Any) -> None:
    clock = SimulatedClock(START)
    chat = CuttingChat(clock, cut)
    app = await build_app(url, {"console": chat}, clock, directory=chat, engine=create_engine(url))
    h = Harness(app, chat, clock)
    try:
        await h.pair()
        assert (await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")).ok
        await h.advance("1d")
        announce = await rows_of(h, "checkin.announce")
        async with h.app.core.sessions() as s:
            checkin = (await s.scalars(select(CheckIn))).first()
    finally:
        await h.close()
    assert chat.cuts == 1
    assert [r.status for r in announce] == [OutboxStatus.SENT.value]
    assert not chat.duplicate_keys() and len(chat.with_text("Next check-in")) == 1
    # The outcome was recorded in full: the check-in knows its thread, and reminders went out.
    assert checkin is not None and checkin.thread_id
    assert [d for d in chat.dms("bo") if "coming up" in d.text]


async def test_a_send_recorded_nowhere_is_found_on_the_platform_instead_of_sent_again(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database stays away longer than the dispatcher waits to record the send: after the lease,
    the row is claimed again, and the platform is asked before the second attempt."""
    real_mark, real_many = outbox.mark_sent, outbox.mark_sent_many
    down = {"on": False}

    async def mark(*args: Any, **kw: Any) -> bool:
        if down["on"]:
            raise OperationalError("UPDATE outbox", {}, ConnectionRefusedError("database restarting"))
        return await real_mark(*args, **kw)

    async def mark_many(*args: Any, **kw: Any) -> set[int]:
        if down["on"]:
            raise OperationalError("UPDATE outbox", {}, ConnectionRefusedError("database restarting"))
        return await real_many(*args, **kw)

    class Chat(FakeChat):
        async def send(self, *args: Any, **kw: Any) -> SentRef:
            ref = await super().send(*args, **kw)
            down["on"] = kw["idempotency_key"].endswith(":announce")
            return ref

    chat = Chat(h.clock)
    h.app.dispatcher.gateways["console"] = chat
    h.chat = chat
    h.app.dispatcher.record_patience = timedelta(0)
    monkeypatch.setattr(outbox, "mark_sent", mark)
    monkeypatch.setattr(outbox, "mark_sent_many", mark_many)
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    down["on"] = False  # the database is back
    await h.advance("10m")  # the lease (2 min) runs out; the row is claimed again
    [announce] = await rows_of(h, "checkin.announce")
    assert announce.status == OutboxStatus.SENT.value and announce.attempts == 2
    assert announce.key in chat.lookups
    assert len(chat.with_text("Next check-in")) == 1 and not chat.duplicate_keys()
    assert h.app.dispatcher.stats.found == 1


# ---- an hour-long platform outage ----------------------------------------------------------------


class OutageChat(FakeChat):
    """Answers HTTP 503 to every send (and lookup) inside the outage windows."""

    def __init__(self, clock: SimulatedClock, windows: list[tuple[datetime, datetime]]) -> None:
        super().__init__(clock)
        self.windows = windows
        self.refused: Counter[str] = Counter()

    def _down(self) -> bool:
        return any(a <= self.clock.now() < b for a, b in self.windows)

    async def send(self, workspace_id: str, to: Destination, message: Message, **kw: Any) -> SentRef:
        if self._down():
            self.refused[kw["idempotency_key"]] += 1
            raise DeliveryError("HTTP 503 service_unavailable")
        return await super().send(workspace_id, to, message, **kw)

    async def find_sent(
        self, workspace_id: str, to: Destination, idempotency_key: str, **kw: Any
    ) -> SentRef | None:
        if self._down():
            self.refused[idempotency_key] += 1
            raise DeliveryError("HTTP 503 service_unavailable")
        return await super().find_sent(workspace_id, to, idempotency_key, **kw)


async def outage_run(
    database_url: str, windows: list[tuple[datetime, datetime]]
) -> tuple[Harness, OutageChat]:
    h = await Harness.create(database_url)  # the production RetryPolicy
    chat = OutageChat(h.clock, windows)
    h.app.dispatcher.gateways["console"] = chat
    h.chat = chat
    await h.pair()
    assert (await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")).ok
    return h, chat


async def test_an_hour_long_outage_delays_reminders_but_loses_none(database_url: str) -> None:
    # One hour down around the 24 h reminders (Mon 10:00) and one around the 1 h reminders (Tue 9:00).
    day_before = CHECKIN - timedelta(hours=24)
    hour_before = CHECKIN - timedelta(hours=1)
    windows = [
        (day_before - timedelta(minutes=5), day_before + timedelta(minutes=55)),
        (hour_before - timedelta(minutes=5), hour_before + timedelta(minutes=55)),
    ]
    h, chat = await outage_run(database_url, windows)
    try:
        await h.advance_to(CHECKIN - timedelta(minutes=1))
        reminders = await rows_of(h, "checkin.remind")
    finally:
        await h.close()
    assert chat.refused and all(n >= 6 for k, n in chat.refused.items() if ":remind:" in k)
    assert {r.status for r in reminders} == {OutboxStatus.SENT.value} and len(reminders) == 4
    for who in ("ann", "bo"):
        coming_up = [d for d in chat.dms(who) if "coming up" in d.text]
        assert len(coming_up) == 2, who
    assert not chat.duplicate_keys() and not chat.with_text("couldn't deliver")


async def test_reminders_the_outage_made_useless_are_reported_once_the_platform_answers(
    database_url: str,
) -> None:
    # Down from before the 1 h reminders until well after the check-in began.
    back = CHECKIN + timedelta(minutes=40)
    h, chat = await outage_run(database_url, [(CHECKIN - timedelta(hours=1, minutes=5), back)])
    try:
        await h.advance_to(CHECKIN + timedelta(hours=2))
        reminders = [r for r in await rows_of(h, "checkin.remind") if "20261201T1000Z:remind:60:" in r.key]
        reports = await rows_of(h, "delivery.failed")
    finally:
        await h.close()
    # Retried until the check-in began (never sent late into a session already under way) …
    assert [r.status for r in reminders] == [OutboxStatus.FAILED.value] * 2
    assert all("already started" in (r.last_error or "") for r in reminders)
    # … then reported, and the reports wait for the platform like any other message.
    assert len(reports) == 2 and {r.status for r in reports} == {OutboxStatus.SENT.value}
    assert all(r.sent_at is not None and r.sent_at >= back for r in reports)
    assert len(chat.with_text("couldn't deliver")) == 2 and not chat.duplicate_keys()


# ---- a send that hangs ---------------------------------------------------------------------------


async def test_a_send_is_cut_off_before_its_lease_could_run_out(h: Harness) -> None:
    """A platform that does not answer holds a send for at most `send_timeout`, which is shorter than
    the lease: the row is never in flight here while another dispatcher could claim it."""
    hung: list[str] = []

    class Hanging(FakeChat):
        async def send(self, workspace_id: str, to: Destination, message: Message, **kw: Any) -> SentRef:
            if not hung:
                hung.append(kw["idempotency_key"])
                await asyncio.sleep(30)  # far past the cut-off below; the test never waits for it
            return await super().send(workspace_id, to, message, **kw)

    chat = Hanging(h.clock)
    dispatcher = Dispatcher(
        h.app.core.sessions,
        {"console": chat},
        h.app.dispatcher.handlers,
        h.clock,
        lease=timedelta(seconds=0.5),  # send_timeout: 0.25 s
    )
    h.pump.dispatcher = dispatcher
    async with asyncio.timeout(10):
        assert (await h.say("ann", "/mentor pair @bo")).ok  # the proposal's DM hangs
        async with h.app.core.sessions() as s:
            row = (await s.scalars(select(OutboxRow).where(OutboxRow.key == hung[0]))).one()
        assert row.status == OutboxStatus.PENDING.value and "no answer within" in (row.last_error or "")
        h.clock.advance(timedelta(minutes=1))
        await dispatcher.run_due()
    assert hung[0] in chat.lookups  # the retry asked first: the hung attempt might have landed
    assert [d.key for d in chat.sent].count(hung[0]) == 1


def test_a_send_timeout_as_long_as_the_lease_is_refused(h: Harness) -> None:
    with pytest.raises(ValueError, match="shorter than the lease"):
        Dispatcher(
            h.app.core.sessions,
            {},
            {},
            h.clock,
            lease=timedelta(seconds=10),
            send_timeout=timedelta(seconds=10),
        )
