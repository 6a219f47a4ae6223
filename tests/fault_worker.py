"""A dispatcher process for the fault tests (and the scale-out benchmark): `python -m tests.fault_worker`.

It drains the outbox on the real clock through the real Dispatcher (claim → render → send → mark) and
"delivers" each row by appending its key to a file, so a test can SIGKILL it at any instant and still
count what reached the platform. The append happens before the row is marked sent, exactly where a
real gateway call sits, so a kill between the two is the in-flight window the test measures."""

from __future__ import annotations

import argparse
import asyncio
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.domain.states import OutboxStatus
from bot.messages import Message, simple
from bot.persistence.db import create_engine, session_factory
from bot.persistence.tables import OutboxRow
from bot.ports import DirectMessage, SentRef
from bot.scheduling.dispatcher import Dispatcher, Send

KIND = "fault.ping"


class FileGateway:
    """A platform whose only effect is one line per delivery in a file (O_APPEND: lines never interleave)."""

    def __init__(self, path: Path, delay: float) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.delay = delay
        self.count = 0

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
        if self.delay:
            await asyncio.sleep(self.delay)  # a platform round trip, so a kill can land mid fan-out
        os.write(self.fd, f"{idempotency_key}\n".encode())
        self.count += 1
        return SentRef("D1", str(self.count), None)

    async def find_sent(self, workspace_id: str, to: Any, idempotency_key: str, **_: Any) -> SentRef | None:
        """The platform's history: is this key in the file already (from any process)?"""
        lines = self.path.read_bytes().split()  # a small local file: blocking for microseconds
        return SentRef("D1", "found") if idempotency_key.encode() in lines else None


class SkewedClock(SystemClock):
    """This host's clock, `skew` seconds off (ahead when positive): a badly synchronised server."""

    def __init__(self, skew: float) -> None:
        self.skew = timedelta(seconds=skew)

    def now(self) -> datetime:
        return super().now() + self.skew


class PingHandler:
    async def render(self, ctx: Any, row: OutboxRow) -> Send:
        return Send(DirectMessage(f"U{row.payload.get('i', 0)}"), simple(f"ping {row.key}"))

    async def after_sent(self, ctx: Any, row: OutboxRow, ref: SentRef) -> None:
        return None

    async def after_failed(self, ctx: Any, row: OutboxRow, reason: str) -> None:
        return None


async def open_rows(sessions: Any) -> int:
    async with sessions() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxRow)
                .where(OutboxRow.status.in_((OutboxStatus.PENDING.value, OutboxStatus.CLAIMED.value)))
            )
            or 0
        )


async def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("log", type=Path)
    p.add_argument("--worker", default=None)
    p.add_argument("--lease", type=float, default=1.0)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--platform", default="console")
    p.add_argument("--skew", type=float, default=0.0, help="seconds this host's clock is off")
    p.add_argument("--no-lookup", action="store_true", help="a platform that cannot be asked")
    args = p.parse_args(argv)
    engine = create_engine(args.url)
    sessions = session_factory(engine)
    gateway = FileGateway(args.log, args.delay)
    if args.no_lookup:
        gateway.find_sent = None  # type: ignore[assignment,method-assign]
    dispatcher = Dispatcher(
        sessions,
        {args.platform: gateway},  # type: ignore[dict-item]
        {KIND: PingHandler()},
        # Production wiring: a system clock, so leases and what is due follow the database's clock.
        SkewedClock(args.skew),
        worker=args.worker,
        lease=timedelta(seconds=args.lease),
        batch=args.batch,
    )
    try:
        # Drain until nothing is pending or leased: rows a killed worker held come back when their
        # lease runs out, so keep polling (briefly) rather than stopping at the first empty claim.
        while True:
            await dispatcher.run_due()
            if await open_rows(sessions) == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()
        os.close(gateway.fd)
    print(dispatcher.stats.sent, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
