"""Benchmarks 2 and 4: reminder fan-out through the real dispatcher, in one or several processes.

Every run seeds a fresh database (a SQLite file or its own PostgreSQL schema) with N mentorships whose
reminders are all due now, then starts dispatcher processes (bench.worker) together and counts what
reached the fake platform: throughput, losses, duplicates and each process's memory."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.db import fresh_database, seed_mentorships

ROOT = Path(__file__).resolve().parent.parent
# Python start-up and imports take a second or two on a busy machine; every worker waits for this.
START_DELAY = 4.0


@dataclass
class FanoutResult:
    backend: str
    n: int
    processes: int
    seconds: float
    delivered: int
    lost: int
    duplicated: int
    peak_rss_mib: float
    rss_growth_mib: float
    # The dispatcher processes' CPU time during the run (every thread, user + system), in seconds.
    cpu_seconds: float = 0.0
    statements: int = 0
    round_trips: int = 0
    code: str = "this branch"

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0

    @property
    def per_cpu_second(self) -> float:
        """Reminders per dispatcher-CPU-second: what one core does, whatever else the machine runs."""
        return self.delivered / self.cpu_seconds if self.cpu_seconds else 0.0

    def per_reminder(self, count: int) -> float:
        return count / self.delivered if self.delivered else float("nan")


async def run_workers(
    url: str, log: Path, processes: int, limit: float, code: Path = ROOT, extra: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Start `processes` dispatchers together; `code` is the tree whose `bot` they import (another
    checkout's, to measure a baseline with this branch's `bench.worker`)."""
    start_at = time.time() + START_DELAY
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.worker",
            url,
            str(log),
            "--start-at",
            str(start_at),
            "--worker",
            f"bench-{i}",
            *extra,
            cwd=code,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for i in range(processes)
    ]
    reports = []
    try:
        async with asyncio.timeout(limit):
            for proc in procs:
                out, err = await proc.communicate()
                if proc.returncode != 0:
                    raise RuntimeError(f"worker failed: {err.decode()[-2000:]}")
                reports.append(json.loads(out.decode().strip().splitlines()[-1]))
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    return reports


async def fanout(
    backend: str,
    n: int,
    processes: int = 1,
    limit: float = 3600,
    code: Path = ROOT,
    extra: tuple[str, ...] = (),
    label: str = "this branch",
) -> FanoutResult:
    async with fresh_database(backend) as url:
        await seed_mentorships(url, n, due_at=datetime.now(UTC))
        with tempfile.TemporaryDirectory(prefix="mentorbot-fanout-") as tmp:
            log = Path(tmp) / "delivered.log"
            log.touch()
            reports = await run_workers(url, log, processes, limit, code, extra)
            counts = Counter(log.read_text().split())
    expected = {f"checkin:{i}:remind:60:{2 * i}" for i in range(1, n + 1)}
    seconds = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    return FanoutResult(
        backend=backend,
        n=n,
        processes=processes,
        seconds=seconds,
        delivered=len(set(counts) & expected),
        lost=len(expected - set(counts)),
        duplicated=sum(c - 1 for c in counts.values()),
        peak_rss_mib=max(r["peak_rss_kb"] for r in reports) / 1024,
        rss_growth_mib=max(r["peak_rss_kb"] - r["rss_before_kb"] for r in reports) / 1024,
        cpu_seconds=sum(r.get("cpu", 0.0) for r in reports),
        statements=sum(r.get("statements", 0) for r in reports),
        round_trips=sum(r.get("round_trips", 0) for r in reports),
        code=label,
    )


@dataclass
class PeerResult:
    """The naive APScheduler peer (bench.peer) on the same seeded database and platform."""

    backend: str
    n: int
    seconds: float
    cpu_seconds: float
    delivered: int
    dropped: int
    duplicated: int
    peak_rss_mib: float
    # What adding one job per reminder cost in resident memory, per job, in KiB.
    kib_per_job: float
    grace: bool = True

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0

    @property
    def per_cpu_second(self) -> float:
        return self.delivered / self.cpu_seconds if self.cpu_seconds else 0.0


async def peer(backend: str, n: int, limit: float = 1800, *, grace: bool = True) -> PeerResult:
    """`grace`: APScheduler's default misfire grace (1 s); without it, late jobs run late instead."""
    async with fresh_database(backend) as url:
        await seed_mentorships(url, n, due_at=datetime.now(UTC))
        with tempfile.TemporaryDirectory(prefix="mentorbot-peer-") as tmp:
            log = Path(tmp) / "delivered.log"
            log.touch()
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.peer",
                url,
                str(log),
                "--n",
                str(n),
                "--limit",
                str(limit),
                *(() if grace else ("--no-grace",)),
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"peer failed: {err.decode()[-2000:]}")
            report = json.loads(out.decode().strip().splitlines()[-1])
            counts = Counter(log.read_text().split())
    return PeerResult(
        backend=backend,
        n=n,
        seconds=report["end"] - report["start"],
        cpu_seconds=report["cpu"],
        delivered=len(counts),
        dropped=n - len(counts),
        duplicated=sum(c - 1 for c in counts.values()),
        peak_rss_mib=report["peak_rss_kb"] / 1024,
        kib_per_job=(report["rss_jobs_kb"] - report["rss_before_kb"]) / n if n else 0.0,
        grace=grace,
    )
