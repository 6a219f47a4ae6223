"""What makes the dispatcher run: APScheduler on the real clock, or explicit steps on a simulated one."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import SimulatedClock
from bot.scheduling.dispatcher import Dispatcher

log = logging.getLogger(__name__)


class RealTimePump:
    """APScheduler 3 as an alarm clock: one job at the next due time, and a safety-net interval.

    The database stays the truth; the scheduler only holds "wake me at T" in memory, so a restart
    loses nothing."""

    def __init__(self, dispatcher: Dispatcher, safety_interval: timedelta = timedelta(seconds=30)) -> None:
        self.dispatcher = dispatcher
        self.safety_interval = safety_interval
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._lock = asyncio.Lock()
        self._armed: datetime | None = None
        self._stopped = False
        # When the dispatcher last finished a run without an exception (UTC); /healthz reports it.
        self.last_success: datetime | None = None
        self.started_at: datetime | None = None

    async def start(self) -> None:
        self.started_at = datetime.now(UTC)
        self.scheduler.start()
        self.scheduler.add_job(
            self.run,
            "interval",
            seconds=self.safety_interval.total_seconds(),
            id="safety-net",
            max_instances=1,
            coalesce=True,
        )
        await self.run()

    async def run(self) -> None:
        async with self._lock:
            if self._stopped:
                return
            self._armed = None
            try:
                while True:
                    handled = await self.dispatcher.run_due()
                    # Measured with the dispatcher's clock (the database's), then armed on this host's:
                    # a host clock that is off (or stepped back an hour) delays nothing.
                    wait = await self.dispatcher.next_due_in()
                    # Rows that fell due while this run worked are sent now: a job re-armed for "now" from
                    # inside this same job would be skipped by APScheduler as already running.
                    if wait is None or wait > timedelta(0) or handled == 0:
                        break
            except Exception:  # the safety net tries again; a crash here must not kill the scheduler
                log.exception("dispatcher run failed")
                return
            self.last_success = datetime.now(UTC)
        if wait is not None:
            self.poke(datetime.now(UTC) + max(wait, timedelta(0)))

    def stuck(self, now: datetime) -> bool:
        """True when no run has succeeded for three safety intervals since the pump started (the
        database is down, or the loop is wedged): a health check should report the process unhealthy."""
        since = self.last_success or self.started_at
        return since is not None and now - since > 3 * self.safety_interval

    def poke(self, when: datetime) -> None:
        """Something falls due at `when`: make sure we wake by then."""
        if self._armed is not None and self._armed <= when:
            return
        self._armed = when
        run_at = max(when, datetime.now(UTC))
        # Two instances may overlap (the lock serialises them), so a wake-up is never dropped as "running".
        self.scheduler.add_job(
            self.run,
            "date",
            run_date=run_at,
            id="next-due",
            replace_existing=True,
            misfire_grace_time=None,
            max_instances=2,
        )

    async def stop(self) -> None:
        """Stop waking, then wait for a run in progress, so nothing uses the database after shutdown."""
        self._stopped = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        async with self._lock:
            pass


class SimulatedPump:
    """Steps a simulated clock from one due time to the next, firing what falls due in order."""

    def __init__(self, dispatcher: Dispatcher, clock: SimulatedClock) -> None:
        self.dispatcher = dispatcher
        self.clock = clock

    def poke(self, when: datetime) -> None:
        """Nothing to arm: the console and tests call `flush` and `advance`."""

    async def flush(self) -> int:
        return await self.dispatcher.run_due()

    async def advance(self, delta: timedelta) -> int:
        return await self.advance_to(self.clock.now() + delta)

    async def advance_to(self, target: datetime) -> int:
        handled = await self.flush()
        while True:
            nxt = await self.dispatcher.next_due_at()
            if nxt is None or nxt > target:
                break
            if nxt <= self.clock.now():
                # Due now yet nothing was claimable (a row another worker holds): step past it.
                nxt = self.clock.now() + timedelta(seconds=1)
                if nxt > target:
                    break
            self.clock.set(nxt)
            handled += await self.flush()
        self.clock.set(target)
        return handled + await self.flush()
