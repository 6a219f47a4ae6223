"""Benchmark 1: signed Slack slash commands (`/checkin`, `/actions`) over HTTP on 127.0.0.1.

The adapter acks at once and answers on the response_url after the work, so two latencies count: the
ack (what Slack's 3 s limit is about) and the full round trip (until the answer reaches the fake
Slack's response_url). Clients run a closed loop at concurrency 1 and 16 against 10,000 mentorships;
the same load against a bolt app that only acks is the yardstick."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from bench.db import fresh_database, seed_mentorships, user_id
from bench.slack_server import SECRET
from tests.slack.fake_slack import TEAM, FakeSlack

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class TimedSlack(FakeSlack):
    """The fake Web API, noting when each response_url answer arrives."""

    waiters: dict[str, asyncio.Future[float]] = field(default_factory=dict)

    async def _respond(self, request: web.Request) -> web.Response:
        future = self.waiters.pop(request.match_info["key"], None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())
        return web.Response(text="ok")


@dataclass
class RoundTrip:
    target: str
    concurrency: int
    requests: int
    seconds: float
    ack: list[float]
    full: list[float]
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def signed(body: str) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


async def start_server(
    url: str, api: str, bare: bool, code: Path = ROOT
) -> tuple[asyncio.subprocess.Process, int]:
    port_file = Path(tempfile.mkdtemp(prefix="mentorbot-rt-")) / "port"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.slack_server",
        url,
        api,
        str(port_file),
        *(["--bare"] if bare else []),
        cwd=code,
    )
    async with asyncio.timeout(60):
        while not port_file.exists() or not port_file.read_text():
            if proc.returncode is not None:
                raise RuntimeError("the Slack server did not start")
            await asyncio.sleep(0.1)
    port = int(port_file.read_text())
    shutil.rmtree(port_file.parent, ignore_errors=True)  # read once; nothing else uses it
    return proc, port


async def load(
    slack: TimedSlack, port: int, n_mentorships: int, concurrency: int, requests: int, *, wait_full: bool
) -> tuple[float, list[float], list[float], int]:
    counter = itertools.count()
    acks: list[float] = []
    fulls: list[float] = []
    errors = 0
    endpoint = f"http://127.0.0.1:{port}/slack/events"
    loop = asyncio.get_running_loop()

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while (k := next(counter)) < requests:
            # Spread over the whole table: each request is a different mentee's mentorship.
            i = (k * 7919) % n_mentorships + 1
            key = f"r{k}"
            body = urlencode(
                {
                    "team_id": TEAM,
                    "team_domain": "bench",
                    "channel_id": "C_GENERAL",
                    "channel_name": "general",
                    "user_id": user_id(2 * i),
                    "user_name": f"person{2 * i}",
                    "command": "/checkin" if k % 2 else "/actions",
                    "text": "",
                    "api_app_id": "A0001",
                    "response_url": slack.response_url(key),
                    "trigger_id": f"trigger.{k}",
                }
            )
            future: asyncio.Future[float] = loop.create_future()
            if wait_full:
                slack.waiters[key] = future
            t0 = time.perf_counter()
            async with session.post(endpoint, data=body, headers=signed(body)) as r:
                await r.read()
                status = r.status
            t1 = time.perf_counter()
            if status != 200:
                errors += 1
                continue
            acks.append(t1 - t0)
            if wait_full:
                try:
                    async with asyncio.timeout(30):
                        fulls.append(max(await future, t1) - t0)  # done when both are in
                except TimeoutError:
                    errors += 1
            else:
                fulls.append(t1 - t0)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        async with asyncio.timeout(600):
            await asyncio.gather(*(client(session) for _ in range(concurrency)))
        seconds = time.perf_counter() - start
    return seconds, acks, fulls, errors


async def roundtrips(
    backends: list[str],
    n_mentorships: int,
    plan: list[tuple[int, int]],
    baseline: tuple[str, Path] | None = None,
) -> list[RoundTrip]:
    """`plan`: (concurrency, requests) pairs, run against the bare app and each backend; `baseline`: a
    label and a tree whose adapter to run against each backend too (before/after in one run)."""
    slack = TimedSlack()
    api = await slack.start()
    for i in range(1, 2 * n_mentorships + 1):
        slack.add_user(user_id(i), f"person{i}", "Europe/Berlin")
    results: list[RoundTrip] = []
    try:
        targets: list[tuple[str, str, Path]] = [("bare bolt app (ack only)", "sqlite", ROOT)]
        for backend in backends:
            if baseline is not None:
                targets.append((f"{backend}, {baseline[0]}", backend, baseline[1]))
            targets.append((backend, backend, ROOT))
        for target, backend, code in targets:
            bare = target.startswith("bare")
            async with fresh_database(backend) as url:
                if not bare:
                    await seed_mentorships(
                        url,
                        n_mentorships,
                        platform="slack",
                        team=TEAM,
                        due_at=datetime.now(UTC),
                        reminders=False,
                    )
                proc, port = await start_server(url, api, bare, code)
                try:
                    await load(slack, port, n_mentorships, 2, 20, wait_full=not bare)  # warm-up
                    for concurrency, requests in plan:
                        seconds, acks, fulls, errors = await load(
                            slack, port, n_mentorships, concurrency, requests, wait_full=not bare
                        )
                        results.append(RoundTrip(target, concurrency, requests, seconds, acks, fulls, errors))
                finally:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        async with asyncio.timeout(20):
                            await proc.wait()
                    except TimeoutError:
                        proc.kill()
                        await proc.wait()
    finally:
        await slack.stop()
    return results
