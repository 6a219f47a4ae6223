"""Benchmark 6: delivery under real faults — `python -m bench.faults` (also part of `python -m bench`).

Each scenario seeds reminders (the real delivery handlers render them from the database), runs real
dispatcher processes (`bench.worker`) or, for the hour-long outage, the dispatcher on a simulated clock,
and counts what reached the platform: every reminder must arrive once — or, when it could no longer
be useful, be reported to the people it was for — and none twice.

- SIGKILL: two dispatchers, one killed with SIGKILL a quarter of the way through.
- PostgreSQL restart: a real `pg_ctlcluster … restart` of the server while two dispatchers send. This
  restarts the shared server for everyone on it for a second or two, so it runs only here, never in
  the test suite, and only when asked for (`--restart`, or `python -m bench` with `--pg-restart`).
- slow platform: three dispatchers, a 5 s lease, 150 ms per send, batches of 50 (7.5 s a batch).
- clock skew: two dispatchers, one host's clock ten minutes ahead.
- one-hour outage: every send answered 503 for an hour, reminders due over its first 45 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.db import fresh_database, pg_available, seed_mentorships
from bot.clock import SimulatedClock
from bot.messages import Message
from bot.persistence.db import create_engine, session_factory
from bot.persistence.tables import OutboxRow
from bot.ports import ChannelPost, DeliveryError, SentRef, ThreadReply, UserInfo
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.pump import SimulatedPump
from bot.services.deliveries import handlers

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results.md"
SECTION = "## 6. Faults"
START_DELAY = 4.0


@dataclass
class FaultResult:
    scenario: str
    backend: str
    reminders: int
    delivered: int
    reported: int
    lost: int
    duplicated: int
    seconds: float
    note: str

    def row(self) -> list[str]:
        return [
            self.scenario,
            self.backend,
            f"{self.reminders:,}",
            f"{self.delivered:,}",
            str(self.reported),
            str(self.lost),
            str(self.duplicated),
            f"{self.seconds:.1f}",
            self.note,
        ]


HEADER = [
    "fault",
    "database",
    "reminders",
    "delivered",
    "reported",
    "lost",
    "duplicated",
    "seconds",
    "setting",
]


def expected(n: int) -> set[str]:
    return {f"checkin:{i}:remind:60:{2 * i}" for i in range(1, n + 1)}


def lines(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


async def start(url: str, log: Path, name: str, start_at: float, *extra: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.worker",
        url,
        str(log),
        "--worker",
        name,
        "--start-at",
        str(start_at),
        *extra,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(procs: list[asyncio.subprocess.Process], limit: float) -> None:
    try:
        async with asyncio.timeout(limit):
            for proc in procs:
                _, err = await proc.communicate()
                if proc.returncode not in (0, -signal.SIGKILL):
                    raise RuntimeError(f"worker failed: {err.decode()[-2000:]}")
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()


async def wait_for(log: Path, count: int, limit: float = 120) -> None:
    async with asyncio.timeout(limit):
        while len(lines(log)) < count:  # noqa: ASYNC110  (another process writes the file: poll it)
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def seeded(backend: str, n: int) -> AsyncIterator[tuple[str, Path]]:
    async with fresh_database(backend) as url:
        await seed_mentorships(url, n, due_at=datetime.now(UTC))
        with tempfile.TemporaryDirectory(prefix="mentorbot-faults-") as tmp:
            log = Path(tmp) / "delivered.log"
            log.touch()
            yield url, log


def tally(name: str, backend: str, n: int, log: Path, seconds: float, note: str) -> FaultResult:
    counts = Counter(lines(log))
    want = expected(n)
    return FaultResult(
        name,
        backend,
        n,
        len(set(counts) & want),
        0,
        len(want - set(counts)),
        sum(c - 1 for c in counts.values()),
        seconds,
        note,
    )


async def sigkill(backend: str, n: int) -> FaultResult:
    async with seeded(backend, n) as (url, log):
        began = time.monotonic()
        at = time.time() + START_DELAY
        args = ("--lease", "2", "--delay", "0.002", "--batch", "20", "--lookup")
        doomed = await start(url, log, "doomed", at, *args)
        other = await start(url, log, "survivor", at, *args)
        await wait_for(log, n // 4)
        doomed.send_signal(signal.SIGKILL)
        await finish([doomed, other], 600)
        return tally(
            "SIGKILL one of two dispatchers at 25 %", backend, n, log, time.monotonic() - began, "lease 2 s"
        )


def pg_restart_command() -> list[str]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]


async def pg_restart(n: int) -> FaultResult:
    async with seeded("postgresql", n) as (url, log):
        began = time.monotonic()
        at = time.time() + START_DELAY
        args = ("--lease", "5", "--delay", "0.003", "--batch", "20", "--lookup")
        procs = [await start(url, log, f"w{i}", at, *args) for i in range(2)]
        await wait_for(log, n // 3)
        restart = await asyncio.to_thread(
            subprocess.run, pg_restart_command(), capture_output=True, text=True
        )
        if restart.returncode != 0:
            raise RuntimeError(f"restart failed: {restart.stderr}")
        await finish(procs, 600)
        return tally(
            "real PostgreSQL restart mid fan-out",
            "postgresql",
            n,
            log,
            time.monotonic() - began,
            "2 dispatchers, `pg_ctlcluster restart` at 33 %",
        )


async def slow_race(n: int) -> FaultResult:
    async with seeded("postgresql", n) as (url, log):
        began = time.monotonic()
        at = time.time() + START_DELAY
        # No platform lookup: the lease alone must keep three dispatchers from sending a row twice.
        args = ("--lease", "5", "--delay", "0.15", "--batch", "50")
        procs = [await start(url, log, f"w{i}", at, *args) for i in range(3)]
        await finish(procs, 900)
        return tally(
            "3 dispatchers, slow platform",
            "postgresql",
            n,
            log,
            time.monotonic() - began,
            "lease 5 s, 150 ms a send, batches of 50",
        )


async def skew(n: int) -> FaultResult:
    async with seeded("postgresql", n) as (url, log):
        began = time.monotonic()
        at = time.time() + START_DELAY
        args = ("--lease", "5", "--delay", "0.005", "--batch", "20")
        procs = [
            await start(url, log, "on-time", at, *args),
            await start(url, log, "ahead", at, *args, "--skew", "600"),
        ]
        await finish(procs, 600)
        return tally(
            "10 minutes of clock skew",
            "postgresql",
            n,
            log,
            time.monotonic() - began,
            "2 dispatchers, one host 600 s ahead",
        )


class DownPlatform:
    """Answers 503 to everything inside the outage; records what it accepted."""

    def __init__(self, clock: SimulatedClock, until: datetime) -> None:
        self.clock = clock
        self.until = until
        self.sent: list[str] = []
        self.refused = 0

    def _check(self) -> None:
        if self.clock.now() < self.until:
            self.refused += 1
            raise DeliveryError("HTTP 503 service_unavailable")

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserInfo | None:
        return None

    async def open_home(self, workspace_id: str, user_ids: list[str], title: str) -> str:
        return "G-" + "-".join(sorted(user_ids))

    async def send(
        self, workspace_id: str, to: Any, message: Message, *, idempotency_key: str, **_: Any
    ) -> SentRef:
        self._check()
        self.sent.append(idempotency_key)
        channel = to.channel_id if isinstance(to, ChannelPost | ThreadReply) else f"D-{to.user_id}"
        return SentRef(channel, str(len(self.sent)), None)

    async def find_sent(self, workspace_id: str, to: Any, idempotency_key: str, **_: Any) -> SentRef | None:
        self._check()
        return SentRef("found", "found", None) if idempotency_key in self.sent else None


async def outage(backend: str, n: int) -> FaultResult:
    began = time.monotonic()
    start_at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    clock = SimulatedClock(start_at)
    platform = DownPlatform(clock, start_at + timedelta(hours=1))
    async with fresh_database(backend) as url:
        # Reminders due over the outage's first 45 minutes; their check-ins start two hours after the first.
        await seed_mentorships(url, n, due_at=start_at, spread=timedelta(minutes=45))
        engine = create_engine(url)
        try:
            sessions = session_factory(engine)
            dispatcher = Dispatcher(sessions, {"console": platform}, handlers(), clock)  # type: ignore[dict-item]
            await SimulatedPump(dispatcher, clock).advance(timedelta(hours=3))
            async with sessions() as s:
                reported = await s.scalar(
                    select(func.count()).where(
                        OutboxRow.kind == "delivery.failed", OutboxRow.status == "sent"
                    )
                )
        finally:
            await engine.dispose()
    counts = Counter(k for k in platform.sent if k.startswith("checkin:"))
    want = expected(n)
    return FaultResult(
        "one-hour 5xx outage",
        backend,
        n,
        len(set(counts) & want),
        int(reported or 0),
        len(want - set(counts)) - int(reported or 0),
        sum(c - 1 for c in counts.values()),
        time.monotonic() - began,
        f"simulated clock; every send 503 for 1 h ({platform.refused:,} refused)",
    )


async def run_all(args: argparse.Namespace, say: Any = print) -> list[FaultResult]:
    pg = await pg_available()
    backends = ["sqlite", *(["postgresql"] if pg else [])]
    results: list[FaultResult] = []
    for backend in backends:
        say(f"   SIGKILL ({backend}) …")
        results.append(await sigkill(backend, args.faults_n))
    if pg and args.pg_restart:
        say("   PostgreSQL restart …")
        results.append(await pg_restart(args.faults_n))
    if pg:
        say("   slow platform race …")
        results.append(await slow_race(args.race_n))
        say("   clock skew …")
        results.append(await skew(args.faults_n))
    for backend in backends:
        say(f"   one-hour outage ({backend}) …")
        results.append(await outage(backend, args.outage_n))
    for r in results:
        say(f"   {r.scenario} ({r.backend}): {r.delivered} delivered, {r.lost} lost, {r.duplicated} doubled")
    return results


def section(results: list[FaultResult]) -> list[str]:
    rows = [r.row() for r in results]
    return [
        SECTION,
        "",
        "`python -m bench.faults --pg-restart` (or `python -m bench --only 6 --pg-restart`). Reminders are "
        "rendered by the real handlers from a seeded database; dispatchers are real processes "
        "(`bench.worker`) except in the outage, which runs the dispatcher on a simulated clock. *delivered* "
        "counts distinct reminders that reached the platform; *reported*, reminders that could not be "
        "useful any more and whose people were told instead; *lost*, neither.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join(" --- " for _ in HEADER) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
        "",
    ]


def splice(path: Path, new: list[str]) -> None:
    """Replace (or append) this benchmark's section in results.md, keeping the others."""
    old = path.read_text().splitlines() if path.exists() else []
    if SECTION in old:
        i = old.index(SECTION)
        j = next(
            (k for k in range(i + 1, len(old)) if old[k].startswith("## ") or old[k].startswith("Whole run")),
            len(old),
        )
        old[i:j] = new
    else:
        k = next((k for k, line in enumerate(old) if line.startswith("Whole run")), len(old))
        old[k:k] = new
    path.write_text("\n".join(old) + "\n")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--faults-n", type=int, default=2_000, help="reminders per fault scenario")
    p.add_argument("--race-n", type=int, default=600, help="reminders in the slow-platform race")
    p.add_argument("--outage-n", type=int, default=300, help="reminders in the outage")
    p.add_argument("--pg-restart", action="store_true", help="restart the PostgreSQL server (disruptive)")


def main() -> int:
    from bench import machine

    p = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__)
    add_arguments(p)
    p.add_argument("--output", type=Path, default=OUT)
    args = p.parse_args()
    logging.basicConfig(level=logging.CRITICAL)

    async def go() -> list[str]:
        described = await machine.describe()
        results = await run_all(args, lambda s: print(s, file=sys.stderr, flush=True))
        md = section(results)
        md[4:4] = ["| machine |  |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in described), ""]
        return md

    splice(args.output, asyncio.run(go()))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
