"""Benchmark 5: how late reminders go out on the real clock with the production pump (RealTimePump).

N mentorships get one reminder each, due times spread evenly over a short real window; the dispatcher
runs in this process under APScheduler exactly as `mentorbot serve` runs it, and the fake platform
notes when each reminder arrives. Lateness is arrival minus due_at."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.db import fresh_database, seed_mentorships
from bot.clock import SystemClock
from bot.messages import Message
from bot.persistence.db import create_engine, session_factory
from bot.ports import SentRef
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.pump import RealTimePump
from bot.services.deliveries import handlers


class ChainingPump(RealTimePump):
    """The pump with the fix this benchmark suggests (see README, Reliability): when the next row is
    already due, run again at once instead of asking APScheduler for a job with the id of the job still
    running — APScheduler skips that one ("maximum number of running instances reached") and the
    reminder then waits for the 30 s safety net."""

    async def run(self) -> None:
        while True:
            async with self._lock:
                self._armed = None
                try:
                    await self.dispatcher.run_due()
                    nxt = await self.dispatcher.next_due_at()
                except Exception:
                    return
            if nxt is None:
                return
            wait = (nxt - datetime.now(UTC)).total_seconds()
            if wait > 0.05:
                self.poke(nxt)
                return
            await asyncio.sleep(max(0.0, wait))


class StampingPlatform:
    def __init__(self, expected: int) -> None:
        self.arrivals: dict[str, list[float]] = {}
        self.expected = expected
        self.all_in = asyncio.Event()

    async def lookup_user(self, workspace_id: str, user_id: str) -> None:
        return None

    async def open_home(self, workspace_id: str, user_ids: list[str], title: str) -> str:
        return "home"

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
        self.arrivals.setdefault(idempotency_key, []).append(time.time())
        if len(self.arrivals) >= self.expected:
            self.all_in.set()
        return SentRef("D", str(len(self.arrivals)), None)


@dataclass
class LatenessResult:
    backend: str
    pump: str
    n: int
    window: float
    p50: float
    p99: float
    max: float
    lost: int
    duplicated: int


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def lateness(
    backend: str, n: int, window: float, *, fixed: bool = False, lead: float = 5.0
) -> LatenessResult:
    async with fresh_database(backend) as url:
        first_due = datetime.now(UTC) + timedelta(seconds=lead + n / 20_000)
        await seed_mentorships(url, n, due_at=first_due, spread=timedelta(seconds=window))
        step = timedelta(seconds=window) / n
        due = {
            f"checkin:{i}:remind:60:{2 * i}": (first_due + step * (i - 1)).timestamp()
            for i in range(1, n + 1)
        }
        engine = create_engine(url)
        platform = StampingPlatform(n)
        dispatcher = Dispatcher(
            session_factory(engine),
            {"console": platform},  # type: ignore[dict-item]
            handlers(),
            SystemClock(),
        )
        pump = ChainingPump(dispatcher) if fixed else RealTimePump(dispatcher)
        try:
            await pump.start()
            # Bounded: a pump that stalls shows up as lost reminders, not as a hung benchmark.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(lead + window + 300):
                    await platform.all_in.wait()
        finally:
            await pump.stop()
            await engine.dispose()
    late = [platform.arrivals[k][0] - t for k, t in due.items() if k in platform.arrivals]
    return LatenessResult(
        backend=backend,
        pump="with the suggested fix" if fixed else "RealTimePump as shipped",
        n=n,
        window=window,
        p50=percentile(late, 0.50),
        p99=percentile(late, 0.99),
        max=max(late) if late else float("nan"),
        lost=n - len(late),
        duplicated=sum(len(v) - 1 for v in platform.arrivals.values()),
    )
