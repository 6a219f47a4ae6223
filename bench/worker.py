"""One dispatcher process for the fan-out and scale-out benchmarks: `python -m bench.worker URL LOG`.

It runs the real Dispatcher with the real delivery handlers (claim → render from the database → send →
mark sent) against a platform with no rate limit whose only effect is one line per delivery in a
shared file, so the parent counts losses and duplicates across processes. It prints one JSON line:
its own timings (after start-up, so interpreter start-up is not counted) and its peak memory."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from bot.clock import SystemClock
from bot.domain.states import OutboxStatus
from bot.messages import Message
from bot.persistence.db import create_engine, session_factory
from bot.persistence.tables import OutboxRow
from bot.ports import ChannelPost, SentRef, ThreadReply, UserInfo
from bot.scheduling.dispatcher import DATABASE_UNREACHABLE, Dispatcher
from bot.services import schedules
from bot.services.deliveries import handlers


class AppendGateway:
    """The platform: appends the idempotency key to a file (O_APPEND keeps lines whole across processes)."""

    def __init__(self, path: Path, delay: float = 0.0) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.count = 0
        self.delay = delay

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserInfo | None:
        return None

    async def open_home(self, workspace_id: str, user_ids: list[str], title: str) -> str:
        return "G-" + "-".join(sorted(user_ids))

    async def send(
        self,
        workspace_id: str,
        to: Any,
        message: Message,
        *,
        idempotency_key: str,
        start_thread: bool = False,
        thread_title: str = "",
    ) -> SentRef:
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow platform: the round trip before the message lands
        os.write(self.fd, f"{idempotency_key}\n".encode())
        self.count += 1
        channel = to.channel_id if isinstance(to, ChannelPost | ThreadReply) else f"D-{to.user_id}"
        return SentRef(channel, str(self.count), None)


class LookupGateway(AppendGateway):
    """A platform that can also be asked what it has (the optional DeliveryLookup port)."""

    async def find_sent(self, workspace_id: str, to: Any, idempotency_key: str, **_: Any) -> SentRef | None:
        found = idempotency_key.encode() in self.path.read_bytes().split()  # a local file: microseconds
        return SentRef("found", "found", None) if found else None


class SkewedClock(SystemClock):
    """This host's clock, off by `skew` seconds; production wiring still leases by the database's."""

    def __init__(self, skew: float) -> None:
        self.skew = timedelta(seconds=skew)

    def now(self) -> datetime:
        return super().now() + self.skew


def status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


async def open_rows(sessions: Any) -> int:
    async with sessions() as session:
        n = await session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.status.in_((OutboxStatus.PENDING.value, OutboxStatus.CLAIMED.value)))
        )
        return int(n or 0)


class Counted:
    """Statements and round trips the dispatcher's engine made: each statement is one, and so are the
    BEGIN, COMMIT and ROLLBACK of a transaction (asyncpg sends each on its own; on SQLite they are hops
    to aiosqlite's thread instead). Prepared-statement set-up, cached after a statement's first use, is
    not counted."""

    def __init__(self, engine: Any) -> None:
        self.statements = 0
        self.transactions = 0
        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._statement)
        event.listen(sync, "begin", self._begin)

    def _statement(self, *args: Any) -> None:
        self.statements += 1

    def _begin(self, *args: Any) -> None:
        self.transactions += 1

    @property
    def round_trips(self) -> int:
        return self.statements + 2 * self.transactions


def cpu_seconds() -> float:
    """This process's CPU time, every thread (aiosqlite's too), user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("log", type=Path)
    p.add_argument("--platform", default="console")
    p.add_argument("--batch", type=int, default=0, help="rows per claim (0: the dispatcher's default)")
    p.add_argument("--start-at", type=float, default=0.0, help="epoch seconds: start together")
    p.add_argument("--worker", default=None)
    p.add_argument("--lease", type=float, default=300.0, help="seconds")
    p.add_argument("--delay", type=float, default=0.0, help="seconds per send (a slow platform)")
    p.add_argument("--skew", type=float, default=0.0, help="seconds this host's clock is off")
    p.add_argument("--lookup", action="store_true", help="the platform can be asked what it has")
    args = p.parse_args(argv)
    engine = create_engine(args.url)
    sessions = session_factory(engine)
    gateway = (LookupGateway if args.lookup else AppendGateway)(args.log, args.delay)
    # As production wires it: every delivery transaction reconciles the schedules it touched.
    schedules.install()
    options: dict[str, Any] = {"batch": args.batch} if args.batch else {}
    dispatcher = Dispatcher(
        sessions,
        {args.platform: gateway},  # type: ignore[dict-item]
        handlers(),
        SkewedClock(args.skew),
        worker=args.worker,
        lease=timedelta(seconds=args.lease),
        before_commit=schedules.reconcile_touched,
        **options,
    )
    async with sessions() as session:  # warm the pool and the imports before the clock starts
        await session.scalar(select(func.count()).select_from(OutboxRow))
    rss_before = status_kb("VmRSS")
    if args.start_at:
        await asyncio.sleep(max(0.0, args.start_at - time.time()))
    counted = Counted(engine)
    start = time.time()
    cpu_start = cpu_seconds()
    try:
        while True:
            try:
                await dispatcher.run_due(max_rounds=10_000)
                if await open_rows(sessions) == 0:
                    break
            except DATABASE_UNREACHABLE:  # a restarting database: try again, as the pump's safety net does
                await asyncio.sleep(0.5)
                continue
            await asyncio.sleep(0.02)  # another worker holds the last rows; wait for it to finish them
        end = time.time()
        cpu = cpu_seconds() - cpu_start
    finally:
        await engine.dispose()
        os.close(gateway.fd)
    stats = dispatcher.stats
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across exec, so a worker forked from a
    # big parent would report the parent's size.
    peak = status_kb("VmHWM")
    print(
        json.dumps(
            {
                "sent": stats.sent,
                "dropped": stats.dropped,
                "retried": stats.retried,
                "failed": stats.failed,
                "start": start,
                "end": end,
                "cpu": cpu,
                "statements": counted.statements,
                "round_trips": counted.round_trips,
                "rss_before_kb": rss_before,
                "peak_rss_kb": peak,
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
