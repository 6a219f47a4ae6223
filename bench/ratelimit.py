"""Benchmark 3: fan-out against a platform with Slack-like limits, on a simulated clock.

The fake allows one message per second per channel after a short burst (a token bucket per channel)
and answers 429 with Retry-After when a channel is over. Real time would take minutes for a few hundred
messages, so the dispatcher runs on a SimulatedClock: each send costs 50 ms of simulated time and the
pump jumps to the next due row. The figure is the ideal duration (what the limit allows) divided by
the achieved one, with losses and duplicates counted."""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot import outbox
from bot.clock import SimulatedClock
from bot.messages import Message, simple
from bot.persistence.db import create_engine, session_factory
from bot.persistence.migrate import prepare
from bot.persistence.tables import OutboxRow, Workspace
from bot.ports import ChannelPost, DeliveryError, SentRef
from bot.scheduling.dispatcher import Dispatcher, RetryPolicy, Send
from bot.scheduling.pump import SimulatedPump

KIND = "bench.post"
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class LimitedPlatform:
    """A token bucket per channel: `burst` messages at once, then `rate` per second; 429 past that."""

    def __init__(self, clock: SimulatedClock, rate: float, burst: int, latency: float) -> None:
        self.clock = clock
        self.rate = rate
        self.burst = burst
        self.latency = timedelta(seconds=latency)
        self.buckets: dict[str, tuple[float, datetime]] = {}
        self.sent: list[tuple[str, datetime]] = []
        self.refusals = 0

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
        self.clock.advance(self.latency)  # the HTTP round trip to the platform
        now = self.clock.now()
        channel = to.channel_id
        tokens, at = self.buckets.get(channel, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at).total_seconds() * self.rate)
        if tokens < 1.0:
            self.buckets[channel] = (tokens, now)
            self.refusals += 1
            raise DeliveryError("HTTP 429 ratelimited", retry_after=(1.0 - tokens) / self.rate)
        self.buckets[channel] = (tokens - 1.0, now)
        self.sent.append((idempotency_key, now))
        return SentRef(channel, str(len(self.sent)), None)


class PostHandler:
    async def render(self, ctx: Any, row: OutboxRow) -> Send:
        return Send(ChannelPost(row.payload["channel"]), simple(f"post {row.key}"))

    async def after_sent(self, ctx: Any, row: OutboxRow, ref: SentRef) -> None:
        return None

    async def after_failed(self, ctx: Any, row: OutboxRow, reason: str) -> None:
        return None


@dataclass
class RateLimitResult:
    policy: str
    channels: int
    per_channel: int
    ideal_seconds: float
    achieved_seconds: float
    delivered: int
    lost: int
    duplicated: int
    refusals: int

    @property
    def fraction(self) -> float:
        return self.ideal_seconds / self.achieved_seconds if self.achieved_seconds else 0.0


async def rate_limited(
    policy_name: str,
    retry: RetryPolicy,
    *,
    channels: int = 10,
    per_channel: int = 30,
    rate: float = 1.0,
    burst: int = 3,
    latency: float = 0.05,
) -> RateLimitResult:
    clock = SimulatedClock(START)
    with tempfile.TemporaryDirectory(prefix="mentorbot-ratelimit-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'rl.sqlite3'}"
        engine = create_engine(url)
        try:
            await prepare(engine)
            sessions = session_factory(engine)
            total = channels * per_channel
            async with sessions.begin() as s:
                ws = Workspace(platform="bench", external_id="W", name="W", settings={}, created_at=START)
                s.add(ws)
                await s.flush()
                for i in range(total):
                    planned = outbox.Planned(KIND, f"post:{i}", "t", START, {"channel": f"C{i % channels}"})
                    await outbox.enqueue(s, ws.id, "bench", planned, START)
            platform = LimitedPlatform(clock, rate, burst, latency)
            dispatcher = Dispatcher(
                sessions,
                {"bench": platform},  # type: ignore[dict-item]
                {KIND: PostHandler()},
                clock,
                retry=retry,
            )
            pump = SimulatedPump(dispatcher, clock)
            await pump.advance_to(START + timedelta(hours=12))
        finally:
            await engine.dispose()
    counts = Counter(key for key, _ in platform.sent)
    expected = {f"post:{i}" for i in range(total)}
    last = max(at for _, at in platform.sent)
    # The limit allows `burst` at once per channel, then `rate` per second: this is the best possible.
    ideal = max(0.0, (per_channel - burst) / rate)
    return RateLimitResult(
        policy=policy_name,
        channels=channels,
        per_channel=per_channel,
        ideal_seconds=ideal,
        achieved_seconds=(last - START).total_seconds(),
        delivered=len(set(counts) & expected),
        lost=len(expected - set(counts)),
        duplicated=sum(c - 1 for c in counts.values()),
        refusals=platform.refusals,
    )
