"""The naive peer for benchmark 2: one in-memory APScheduler job per reminder, as many bots do it.

`python -m bench.peer URL LOG --n N`: adds one `date` job per seeded reminder (APScheduler 3's
AsyncIOScheduler, memory job store, default settings: misfire grace 1 s, no coalescing of distinct
jobs), all due a few seconds later; each job reads its mentorship and check-in (`session.get`),
words the reminder as the real handler does and sends it to the same append-only platform as
`bench.worker`. Prints one JSON line: memory before and after adding the jobs, how many ran, how many
APScheduler dropped as missed, and the seconds and CPU seconds from the due time to the last outcome."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bench.worker import AppendGateway, status_kb
from bot import wording
from bot.persistence.db import create_engine, session_factory
from bot.persistence.tables import CheckIn, Member, Mentorship
from bot.ports import DirectMessage


async def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("log", type=Path)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--lead", type=float, default=5.0, help="seconds from adding the jobs to their due time")
    p.add_argument("--limit", type=float, default=1800.0, help="seconds to wait for every outcome")
    p.add_argument("--no-grace", action="store_true", help="misfire_grace_time=None: run late jobs too")
    args = p.parse_args(argv)
    engine = create_engine(args.url)
    sessions = session_factory(engine)
    gateway = AppendGateway(args.log)
    done = asyncio.Event()
    outcomes = {"ran": 0, "missed": 0, "errors": 0}

    async def remind(i: int) -> None:
        async with sessions() as s:
            m = await s.get(Mentorship, i)
            c = await s.get(CheckIn, i)
            assert m is not None and c is not None
            mentor = await s.get(Member, m.mentor_id)
            mentee = await s.get(Member, m.mentee_id)
            assert mentor is not None and mentee is not None
            message = wording.reminder_mentee(m, mentor, c, [], [], {mentor.id: mentor, mentee.id: mentee})
        await gateway.send(
            "W1", DirectMessage(mentee.external_id), message, idempotency_key=f"checkin:{i}:remind:60:{2 * i}"
        )

    def listen(event: JobExecutionEvent) -> None:
        key = {EVENT_JOB_EXECUTED: "ran", EVENT_JOB_MISSED: "missed"}.get(event.code, "errors")
        outcomes[key] += 1
        if sum(outcomes.values()) >= args.n:
            done.set()

    defaults = {"misfire_grace_time": None} if args.no_grace else {}
    scheduler = AsyncIOScheduler(timezone=UTC, job_defaults=defaults)
    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    async with sessions() as s:  # warm the pool and the imports, as the dispatcher worker does
        await s.get(Mentorship, 1)
    rss_before = status_kb("VmRSS")
    due = datetime.now(UTC) + timedelta(seconds=args.lead)
    for i in range(1, args.n + 1):
        scheduler.add_job(remind, "date", run_date=due, args=[i], id=str(i))
    scheduler.start()  # moves the jobs into the memory job store
    rss_jobs = status_kb("VmRSS")
    await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()))
    start, usage = time.time(), resource.getrusage(resource.RUSAGE_SELF)
    try:
        async with asyncio.timeout(args.limit):
            await done.wait()
    except TimeoutError:
        pass
    end, after = time.time(), resource.getrusage(resource.RUSAGE_SELF)
    scheduler.shutdown(wait=False)
    await engine.dispose()
    os.close(gateway.fd)
    print(
        json.dumps(
            {
                **outcomes,
                "start": start,
                "end": end,
                "cpu": after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime,
                "rss_before_kb": rss_before,
                "rss_jobs_kb": rss_jobs,
                "peak_rss_kb": status_kb("VmHWM"),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
