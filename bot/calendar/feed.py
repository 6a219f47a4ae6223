"""The private feed: issue, show, reset and revoke a person's secret URL, and serve its .ics."""

from __future__ import annotations

import hashlib
import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.calendar import events, ics, wording
from bot.calendar.tables import CalendarFeed
from bot.clock import Clock
from bot.messages import Reply, reply
from bot.persistence.tables import Member, Workspace
from bot.services.members import Actor, actor_member
from bot.services.transaction import Tx
from bot.services.unit import Core, UnitOfWork

FEED_PATH = "/calendar/{token}.ics"
# 32 random bytes: 256 bits, far beyond guessing; URL-safe base64 (43 characters).
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """SHA-256 of the token, hex (64 characters): what the database keeps."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_urls(public_url: str, token: str) -> tuple[str, str]:
    """(https URL, webcal URL) of a feed under the deployment's public base URL."""
    https = public_url.rstrip("/") + FEED_PATH.format(token=token)
    _scheme, _, rest = https.partition("://")
    return https, f"webcal://{rest}"


async def active_feed(tx: Tx, member: Member) -> CalendarFeed | None:
    return await tx.session.scalar(
        select(CalendarFeed).where(CalendarFeed.member_id == member.id, CalendarFeed.revoked_at.is_(None))
    )


async def revoke_feeds(tx: Tx, member: Member) -> int:
    """Revoke every feed of this person; returns how many were active."""
    result = await tx.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.member_id == member.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=tx.now)
        .returning(CalendarFeed.id)
    )
    return len(result.all())


async def _issue(tx: Tx, ws: Workspace, member: Member) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    tx.session.add(
        CalendarFeed(workspace_id=ws.id, member_id=member.id, token_hash=token_hash(token), created_at=tx.now)
    )
    await tx.session.flush()
    return token


async def show(uow: UnitOfWork, actor: Actor, public_url: str | None) -> Reply:
    """`/mentor calendar`: a new feed link, or — since only its hash is kept — how to get a new one."""
    if not public_url:
        return reply(wording.feed_not_configured(), ok=False)
    ws, me = await actor_member(uow, actor)
    existing = await active_feed(uow, me)
    if existing is not None:
        return Reply(wording.feed_exists(existing.created_at))
    https, webcal = feed_urls(public_url, await _issue(uow, ws, me))
    return Reply(wording.feed_created(https, webcal))


async def reset(uow: UnitOfWork, actor: Actor, public_url: str | None) -> Reply:
    """`/mentor calendar reset`: revoke the old link, issue a new one."""
    if not public_url:
        return reply(wording.feed_not_configured(), ok=False)
    ws, me = await actor_member(uow, actor)
    await revoke_feeds(uow, me)
    https, webcal = feed_urls(public_url, await _issue(uow, ws, me))
    return Reply(wording.feed_reset(https, webcal))


async def render_feed(core: Core, token: str) -> bytes | None:
    """The .ics of the feed this token opens, or None when it opens none (unknown or revoked)."""
    if not token or len(token) > 200:
        return None
    for attempt in range(2):
        try:
            async with core.unit() as uow:
                feed = await uow.session.scalar(
                    select(CalendarFeed).where(
                        CalendarFeed.token_hash == token_hash(token), CalendarFeed.revoked_at.is_(None)
                    )
                )
                if feed is None:
                    return None
                ws = await uow.session.get(Workspace, feed.workspace_id)
                member = await uow.session.get(Member, feed.member_id)
                if ws is None or member is None:
                    return None
                feed.last_fetched_at = uow.now
                found = await events.versioned(uow, ws, await events.events_for(uow, ws, member))
                return ics.to_ics(found, uow.now, name=wording.FEED_NAME)
        except IntegrityError:
            # Two fetches recorded an event's first version at once: the second read finds it.
            if attempt:
                raise
    return None


@dataclass
class FailureLimiter:
    """Counts failed feed look-ups per client (an IP address) and refuses a client that failed
    `limit` times within `window` until its oldest failure leaves the window. In memory, per process:
    enough to make guessing 256-bit tokens pointless noise rather than a search."""

    clock: Clock
    limit: int = 10
    window: timedelta = timedelta(minutes=10)
    # Past this many clients, forget those whose failures all left the window (bounded memory).
    max_clients: int = 10_000
    _failures: dict[str, deque[datetime]] = field(default_factory=dict)

    def _recent(self, client: str) -> deque[datetime]:
        times = self._failures.get(client)
        if times is None:
            return deque()
        cutoff = self.clock.now() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._failures[client]
        return times

    def retry_after(self, client: str) -> float | None:
        """Seconds until this client may try again, or None when it may now."""
        times = self._recent(client)
        if len(times) < self.limit:
            return None
        return max(1.0, (times[0] + self.window - self.clock.now()).total_seconds())

    def failed(self, client: str) -> None:
        self._recent(client)
        self._failures.setdefault(client, deque()).append(self.clock.now())
        if len(self._failures) > self.max_clients:
            for other in list(self._failures):
                self._recent(other)
