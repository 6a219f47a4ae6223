"""Fault tests: a dispatcher killed mid fan-out, a dropped database pool, a flaky platform.

Each runs in a few seconds and is bounded by timeouts, on SQLite and (with MENTORBOT_TEST_DATABASE_URL)
on PostgreSQL, in this test's own schema — nothing here touches the server or other tests' sessions."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import signal
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot import outbox, wording
from bot.app import build_app
from bot.clock import SimulatedClock
from bot.domain.states import OutboxStatus
from bot.messages import Message
from bot.persistence.db import create_engine, normalize_url, session_factory
from bot.persistence.migrate import prepare
from bot.persistence.tables import OutboxRow, Workspace
from bot.ports import DeliveryError, Destination, SentRef
from bot.scheduling.dispatcher import RetryPolicy
from tests.conftest import on_postgres
from tests.fakes import FakeChat
from tests.fault_worker import KIND
from tests.harness import START, Harness, render

ROOT = Path(__file__).resolve().parent.parent


# ---- 1. SIGKILL a dispatcher process mid fan-out -------------------------------------------------


async def seed_outbox(url: str, n: int, due: datetime) -> None:
    """`n` rows due at `due`, as a fan-out of reminders would leave them (migrating first)."""
    engine = create_engine(url)
    try:
        await prepare(engine)
        async with session_factory(engine).begin() as s:
            ws = Workspace(platform="console", external_id="W1", name="W1", settings={}, created_at=due)
            s.add(ws)
            await s.flush()
            for i in range(n):
                planned = outbox.Planned(KIND, f"ping:{i}", f"m:{i}", due, {"i": i})
                await outbox.enqueue(s, ws.id, "console", planned, due)
    finally:
        await engine.dispose()


async def start_worker(
    url: str, log: Path, worker: str, *, delay: float, lease: float = 1.0, extra: tuple[str, ...] = ()
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fault_worker",
        url,
        str(log),
        "--worker",
        worker,
        "--lease",
        str(lease),  # short, so the replacement picks the killed worker's rows up within a second
        "--batch",
        "10",
        "--delay",
        str(delay),
        *extra,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def delivered(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


async def test_sigkill_mid_fanout_then_restart_delivers_every_reminder(
    database_url: str, tmp_path: Path
) -> None:
    n = 300
    await seed_outbox(database_url, n, datetime.now().astimezone())
    log = tmp_path / "delivered.log"
    first = await start_worker(database_url, log, "doomed", delay=0.005)
    try:
        async with asyncio.timeout(30):
            while len(delivered(log)) < n // 4:
                assert first.returncode is None, (await first.communicate())[1].decode()
                await asyncio.sleep(0.01)
    finally:
        # No cleanup, no finally blocks in the child: this is the crash.
        with contextlib.suppress(ProcessLookupError):
            first.send_signal(signal.SIGKILL)
        await first.wait()
    assert first.returncode == -signal.SIGKILL
    before_restart = Counter(delivered(log))
    assert 0 < len(before_restart) < n, "the kill must land mid fan-out"

    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as s:
            in_flight = set(
                await s.scalars(
                    select(OutboxRow.key).where(
                        OutboxRow.status == OutboxStatus.CLAIMED.value, OutboxRow.claimed_by == "doomed"
                    )
                )
            )
        second = await start_worker(database_url, log, "replacement", delay=0)
        async with asyncio.timeout(60):
            _, err = await second.communicate()
        assert second.returncode == 0, err.decode()
        async with session_factory(engine)() as s:
            statuses = Counter(await s.scalars(select(OutboxRow.status)))
    finally:
        await engine.dispose()

    counts = Counter(delivered(log))
    assert set(counts) == {f"ping:{i}" for i in range(n)}, "every reminder is delivered"
    assert statuses == {OutboxStatus.SENT.value: n}
    # A row the killed worker had sent but not marked is found on the platform, not sent again.
    assert len(in_flight) <= 10
    assert not {key for key, c in counts.items() if c > 1}


async def run_workers(url: str, log: Path, *specs: tuple[str, tuple[str, ...]], **kw: Any) -> list[str]:
    """Run dispatcher processes side by side until the outbox is drained; bounded at 60 s."""
    procs = [await start_worker(url, log, name, extra=extra, **kw) for name, extra in specs]
    try:
        async with asyncio.timeout(60):
            outs = [await p.communicate() for p in procs]
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                p.kill()
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err.decode()
    return [out.decode().strip() for out, _ in outs]


async def sent_statuses(url: str) -> Counter[str]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as s:
            return Counter(await s.scalars(select(OutboxRow.status)))
    finally:
        await engine.dispose()


async def test_a_slow_platform_never_lets_three_dispatchers_send_a_row_twice(
    database_url: str, tmp_path: Path
) -> None:
    """Batches of 10 at 0.1 s a send outlive a 0.6 s lease, so others re-claim their tails; a row
    is still sent only by the holder of a live lease (renewed before each send)."""
    n = 60
    await seed_outbox(database_url, n, datetime.now().astimezone())
    log = tmp_path / "delivered.log"
    # No platform lookup here: the lease alone must keep the dispatchers apart.
    specs = [(f"w{i}", ("--no-lookup",)) for i in range(3)]
    await run_workers(database_url, log, *specs, delay=0.1, lease=0.6)
    counts = Counter(delivered(log))
    assert set(counts) == {f"ping:{i}" for i in range(n)}
    assert not {k for k, c in counts.items() if c > 1}
    assert await sent_statuses(database_url) == {OutboxStatus.SENT.value: n}


async def test_ten_minutes_of_clock_skew_between_two_dispatchers_doubles_nothing(
    database_url: str, tmp_path: Path
) -> None:
    """One host runs ten minutes ahead: with leases on its own clock it would see every lease the
    other wrote as long expired. Leases follow the database's clock, so nothing is taken twice."""
    n = 60
    await seed_outbox(database_url, n, datetime.now().astimezone())
    log = tmp_path / "delivered.log"
    specs = [("on-time", ("--no-lookup",)), ("ahead", ("--no-lookup", "--skew", "600"))]
    await run_workers(database_url, log, *specs, delay=0.02, lease=1.0)
    counts = Counter(delivered(log))
    assert set(counts) == {f"ping:{i}" for i in range(n)}
    assert not {k for k, c in counts.items() if c > 1}


async def test_a_host_clock_stepped_back_an_hour_postpones_nothing(database_url: str, tmp_path: Path) -> None:
    """Everything due by the database's clock goes out, whatever this host's clock says."""
    n = 30
    await seed_outbox(database_url, n, datetime.now().astimezone() - timedelta(seconds=1))
    log = tmp_path / "delivered.log"
    # The worker exits only once nothing is open: on its own clock nothing would be due for an hour.
    await run_workers(database_url, log, ("behind", ("--skew", "-3600")), delay=0)
    assert Counter(delivered(log)) == Counter(f"ping:{i}" for i in range(n))


# ---- 2. The database connection pool dropped mid-run (PostgreSQL) --------------------------------


class Proxy:
    """A TCP proxy in front of PostgreSQL that a test can cut: `down()` drops every connection and
    refuses new ones (the outage), `up()` lets connections through again. Only this test's engine
    goes through it, so nothing else on the server notices."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.available = True
        self.pipes: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.available:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.pipes |= {writer, up_writer}

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        self.pipes -= {writer, up_writer}

    def down(self) -> None:
        self.available = False
        for w in list(self.pipes):
            w.close()

    def up(self) -> None:
        self.available = True

    async def close(self) -> None:
        self.down()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


@pytest.fixture
async def proxied_url(database_url: str) -> AsyncIterator[tuple[str, Proxy, str]]:
    """This test's schema URL routed through a cuttable proxy, tagged with a unique application_name."""
    if not on_postgres():
        pytest.skip("connection-pool faults are a PostgreSQL matter; SQLite has no server to lose")
    url = make_url(normalize_url(database_url))
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    port = await proxy.start()
    tag = f"mb_fault_{uuid.uuid4().hex[:10]}"
    yield url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False), proxy, tag
    await proxy.close()


async def terminate_our_backends(database_url: str, tag: str) -> int:
    """pg_terminate_backend on this test's connections only (matched by their application_name)."""
    admin = create_async_engine(
        make_url(normalize_url(database_url)).difference_update_query(["search_path"])
    )
    try:
        async with admin.begin() as conn:
            result = await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :tag AND pid <> pg_backend_pid()"
                ),
                {"tag": tag},
            )
            return len(result.all())
    finally:
        await admin.dispose()


async def test_dropped_pool_answers_try_again_then_serves_and_loses_no_reminder(
    database_url: str, proxied_url: tuple[str, Proxy, str]
) -> None:
    url, proxy, tag = proxied_url
    clock = SimulatedClock(START)
    chat = FakeChat(clock)
    engine = create_engine(url, connect_args={"server_settings": {"application_name": tag}})
    app = await build_app(url, {"console": chat}, clock, directory=chat, engine=engine)
    h = Harness(app, chat, clock)
    try:
        await h.pair()
        assert (await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")).ok
        assert await terminate_our_backends(database_url, tag) >= 1  # the pool's connections die
        proxy.down()  # … and the server stays unreachable for a while
        async with asyncio.timeout(30):
            during = [
                await h.say(user, line, flush=False)
                for user, line in [
                    ("bo", "/agenda add What does promotion need?"),
                    ("ann", "/actions add Draft the plan @bo"),
                    ("bo", "/checkin"),
                ]
            ]
        assert [render(r.message) for r in during] == [wording.TRY_AGAIN] * 3
        assert not any(r.ok for r in during)
        # Time passes during the outage: the 24 h reminders fall due, and the dispatcher cannot run.
        clock.advance(timedelta(hours=2))
        with contextlib.suppress(Exception):
            await h.pump.flush()
        proxy.up()
        async with asyncio.timeout(30):
            after = await h.say("bo", "/agenda add What does promotion need?")
            assert after.ok, render(after.message)
            await h.advance("2d")
    finally:
        await h.close()
    # Nothing that fell due during the outage was lost: both reminders went out (late, saying so).
    for who in ("ann", "bo"):
        assert [d for d in chat.dms(who) if "coming up" in d.text], who
    assert not chat.duplicate_keys()
    assert chat.with_text("What does promotion need?")


# ---- 3. A platform answering 500 and 429 for a while ---------------------------------------------


RETRY_AFTER = 90


class FlakyChat(FakeChat):
    """Fails every send inside the outage windows, alternating HTTP 500 and 429 with Retry-After."""

    def __init__(self, clock: SimulatedClock, windows: list[tuple[datetime, datetime]]) -> None:
        super().__init__(clock)
        self.windows = windows
        self.tries: dict[str, list[datetime]] = {}
        self.answers: dict[str, list[int]] = {}  # per key: 500, 429 or 200 for each attempt
        self.refused = 0

    async def send(
        self,
        workspace_id: str,
        to: Destination,
        message: Message,
        *,
        idempotency_key: str,
        start_thread: bool = False,
        thread_title: str = "",
    ) -> SentRef:
        now = self.clock.now()
        self.tries.setdefault(idempotency_key, []).append(now)
        answers = self.answers.setdefault(idempotency_key, [])
        if any(a <= now < b for a, b in self.windows):
            self.refused += 1
            if self.refused % 2:
                answers.append(500)
                raise DeliveryError("HTTP 500 internal_error")
            answers.append(429)
            raise DeliveryError("HTTP 429 ratelimited", retry_after=RETRY_AFTER)
        answers.append(200)
        return await super().send(
            workspace_id,
            to,
            message,
            idempotency_key=idempotency_key,
            start_thread=start_thread,
            thread_title=thread_title,
        )


async def test_platform_500s_and_429s_for_a_while_are_retried_with_backoff(database_url: str) -> None:
    h = await Harness.create(database_url)
    # Ten minutes down from the start (welcome, announcement), and again around the 24 h reminders.
    windows = [
        (START, START + timedelta(minutes=10)),
        (START + timedelta(hours=1, minutes=58), START + timedelta(hours=2, minutes=10)),
    ]
    flaky = FlakyChat(h.clock, windows)
    h.app.dispatcher.gateways["console"] = flaky
    h.chat = flaky
    try:
        await h.pair()
        await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")  # first: Tue 1 Dec 10:00
        await h.advance("3d")
        async with h.app.core.sessions() as s:
            rows = (await s.scalars(select(OutboxRow))).all()
    finally:
        await h.close()
    retried = {k: t for k, t in flaky.tries.items() if len(t) > 1}
    assert flaky.refused >= 4 and retried
    sent_keys = Counter(d.key for d in flaky.sent)
    policy = RetryPolicy()  # the production default
    for key, times in retried.items():
        assert sent_keys[key] == 1, f"{key} lost or duplicated"
        # Exponential backoff from 30 s over real failures; a 429 waits its Retry-After and is not counted.
        attempt = 0
        for gap, answer in zip(itertools.pairwise(times), flaky.answers[key], strict=False):
            if answer != 429:
                attempt += 1
            wait = policy.delay(max(attempt, 1), RETRY_AFTER if answer == 429 else None)
            assert gap[1] - gap[0] >= wait, (key, attempt, answer, gap)
    assert not flaky.duplicate_keys()
    assert not [r for r in rows if r.status == OutboxStatus.FAILED.value]
    due = [r for r in rows if r.kind == "checkin.remind" and r.due_at <= h.clock.now()]
    assert due and {r.status for r in due} == {"sent"}
    for who in ("ann", "bo"):
        assert [d for d in flaky.dms(who) if "coming up" in d.text], who


# ---- Faults found by these tests and fixed in the core --------------------------------------------


async def test_a_long_run_of_429s_never_loses_a_reminder(database_url: str) -> None:
    h = await Harness.create(database_url)
    # The platform answers the announcement "later" (Retry-After: 1 s) seven times in a row: that is
    # not a failure of the message, only a queue, so it must still go out once there is room.
    busy = BusyChat(h.clock, ":announce", 7)
    h.app.dispatcher.gateways["console"] = busy
    try:
        await h.pair()
        await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
        await h.advance("2h")
    finally:
        await h.close()
    assert busy.refused == 7
    assert len([d for d in busy.sent if d.key.endswith(":announce")]) == 1


class BusyChat(FakeChat):
    """Answers 429 to the first `times` sends whose key contains `marker`."""

    def __init__(self, clock: SimulatedClock, marker: str, times: int) -> None:
        super().__init__(clock)
        self.marker = marker
        self.times = times
        self.refused = 0

    async def send(
        self,
        workspace_id: str,
        to: Destination,
        message: Message,
        *,
        idempotency_key: str,
        start_thread: bool = False,
        thread_title: str = "",
    ) -> SentRef:
        if self.marker in idempotency_key and self.refused < self.times:
            self.refused += 1
            raise DeliveryError("HTTP 429 ratelimited", retry_after=1)
        return await super().send(
            workspace_id,
            to,
            message,
            idempotency_key=idempotency_key,
            start_thread=start_thread,
            thread_title=thread_title,
        )


async def test_rows_due_back_to_back_are_sent_on_time_by_the_real_time_pump(
    database_url: str, tmp_path: Path
) -> None:
    from bot.clock import SystemClock
    from bot.scheduling.dispatcher import Dispatcher
    from bot.scheduling.pump import RealTimePump
    from tests.fault_worker import PingHandler

    n = 20
    first = datetime.now().astimezone() + timedelta(seconds=0.5)
    engine = create_engine(database_url)
    await prepare(engine)
    sessions = session_factory(engine)
    async with sessions.begin() as s:
        ws = Workspace(platform="console", external_id="W1", name="W1", settings={}, created_at=first)
        s.add(ws)
        await s.flush()
        for i in range(n):  # one every 20 ms
            due = first + timedelta(milliseconds=20 * i)
            await outbox.enqueue(s, ws.id, "console", outbox.Planned(KIND, f"p:{i}", "t", due, {"i": i}), due)
    all_in = asyncio.Event()

    class Counting(FakeChat):
        async def send(self, *args: Any, **kw: Any) -> SentRef:
            ref = await super().send(*args, **kw)
            if len(self.sent) >= n:
                all_in.set()
            return ref

    chat = Counting(SystemClock())

    class SlowQuery(Dispatcher):
        """`next_due_at` takes 50 ms, as a query does on a busy database: by the time the pump pokes,
        the next row (20 ms later) is already due — which makes the race deterministic."""

        async def next_due_at(self) -> datetime | None:
            nxt = await super().next_due_at()
            await asyncio.sleep(0.05)
            return nxt

    pump = RealTimePump(
        SlowQuery(sessions, {"console": chat}, {KIND: PingHandler()}, SystemClock()),
        safety_interval=timedelta(seconds=10),
    )
    try:
        await pump.start()
        # All are due within 0.4 s; give them 5 s — half the 10 s safety net.
        async with asyncio.timeout(5):
            await all_in.wait()
    finally:
        await pump.stop()
        await engine.dispose()
