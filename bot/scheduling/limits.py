"""How fast the dispatcher may send to one platform: per-channel and overall token buckets, and the
pauses a platform asks for (HTTP 429 with Retry-After), so a batch is sent concurrently without
tripping the platform's limits and one throttled channel never holds up the others."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.ports import ChannelPost, Destination, DirectMessage, ThreadReply


@dataclass(frozen=True)
class SendLimits:
    """A platform's published limits; a gateway may carry them as `gateway.limits`.

    `per_channel` and `overall` are messages per second (None: unlimited), each with a burst (how
    many may go at once after a quiet spell); `concurrency` is how many sends may be in flight at once."""

    per_channel: float | None = None
    channel_burst: int = 1
    overall: float | None = None
    burst: int = 1
    concurrency: int = 16


UNLIMITED = SendLimits()


def channel_of(to: Destination) -> str:
    """The unit a platform rate-limits by: a channel (a thread shares its channel's) or a person's DM."""
    if isinstance(to, ChannelPost | ThreadReply):
        return to.channel_id
    if isinstance(to, DirectMessage):
        return "dm:" + to.user_id
    return repr(to)


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; `reserve` books the next token and says how
    many seconds (event-loop time) to wait for it."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.tokens = float(self.burst)
        self.at = asyncio.get_running_loop().time()

    def reserve(self, now: float) -> float:
        self.tokens = min(float(self.burst), self.tokens + (now - self.at) * self.rate)
        self.at = now
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def full(self, now: float) -> bool:
        return self.tokens + (now - self.at) * self.rate >= self.burst

    def cancel(self) -> None:
        """Give back a reserved token that was not used (the send was deferred)."""
        self.tokens = min(float(self.burst), self.tokens + 1.0)


class SendGate:
    """Everything one gateway's sends wait on: message order within a channel (one send at a time
    per channel, in claim order), the concurrency cap, the buckets, and the pauses a 429 asks for.

    Pauses are kept on the dispatcher's clock (simulated in tests), buckets on the event loop's."""

    def __init__(self, limits: SendLimits) -> None:
        self.limits = limits
        self.in_flight = asyncio.Semaphore(max(1, limits.concurrency))
        self.overall = TokenBucket(limits.overall, limits.burst) if limits.overall else None
        self.buckets: dict[str, TokenBucket] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.paused_until: dict[str, datetime] = {}

    def lock(self, channel: str) -> asyncio.Lock:
        lock = self.locks.get(channel)
        if lock is None:
            lock = self.locks[channel] = asyncio.Lock()
        return lock

    def paused(self, channel: str, now: datetime) -> datetime | None:
        """Until when the platform asked us to leave this channel alone (None: not paused)."""
        until = self.paused_until.get(channel)
        return until if until is not None and until > now else None

    def pause(self, channel: str, until: datetime) -> None:
        if self.paused_until.get(channel, until) <= until:
            self.paused_until[channel] = until

    def reserve(self, channel: str) -> tuple[float, list[TokenBucket]]:
        """Book a token from the channel's bucket and the overall one; the seconds to wait for both."""
        now = asyncio.get_running_loop().time()
        taken: list[TokenBucket] = []
        wait = 0.0
        if self.limits.per_channel:
            bucket = self.buckets.get(channel)
            if bucket is None:
                bucket = self.buckets[channel] = TokenBucket(
                    self.limits.per_channel, self.limits.channel_burst
                )
            wait = max(wait, bucket.reserve(now))
            taken.append(bucket)
        if self.overall is not None:
            wait = max(wait, self.overall.reserve(now))
            taken.append(self.overall)
        return wait, taken

    def forget_idle(self, now: datetime) -> None:
        """Drop per-channel state that no longer matters: locks nobody holds, buckets that have filled up
        again, pauses that are over (a fan-out to 100,000 DMs must not keep 100,000 of each)."""
        self.locks = {k: v for k, v in self.locks.items() if v.locked()}
        self.paused_until = {k: v for k, v in self.paused_until.items() if v > now}
        if self.buckets:
            at = asyncio.get_running_loop().time()
            self.buckets = {k: b for k, b in self.buckets.items() if not b.full(at)}
