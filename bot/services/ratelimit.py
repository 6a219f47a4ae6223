"""Per-person rate limits on what people add (updates, questions, action items), counted in the database.

A limit is "at most `count` in any `window`" (a sliding window). It is checked by looking at the rows the
person already stored: the `count`-th most recent one inside the window means the limit is reached, and
the reply says when the oldest of those leaves the window. Counting stored rows rather than keeping
counters in memory means the limit holds across processes and restarts with no table of its own, and time
is the unit of work's `now` (the injected clock), so tests move it like any other time. Rows deleted
later still count: deleting and re-posting is not a way around the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from bot import wording
from bot.domain.errors import UserError
from bot.services.transaction import Tx


class RateLimited(UserError):
    """Someone added too much too fast; the message says how long to wait."""


@dataclass(frozen=True)
class Limit:
    """At most `count` per `window`; `what` names the things in the reply ("status updates")."""

    what: str
    count: int
    window: timedelta


# Generous for a person, tight for a script: a real pair posts a few updates a week.
UPDATES = (Limit("status updates", 20, timedelta(hours=1)), Limit("status updates", 100, timedelta(days=1)))
AGENDA_QUESTIONS = (Limit("agenda questions", 20, timedelta(hours=1)),)
# Above the 50 open items a pair may have, so a burst meets that cap first; this one stops churn.
ACTION_ITEMS = (Limit("action items", 60, timedelta(hours=1)), Limit("action items", 200, timedelta(days=1)))
OFFICE_HOURS_QUESTIONS = (
    Limit("office-hours questions", 10, timedelta(hours=1)),
    Limit("office-hours questions", 30, timedelta(days=1)),
)


async def enforce(
    tx: Tx,
    limits: tuple[Limit, ...],
    created_at: InstrumentedAttribute[datetime],
    *mine: ColumnElement[bool],
) -> None:
    """Raise RateLimited when adding one more row would break a limit.

    `created_at` is the rows' creation time column; `mine` filters the person's rows
    (e.g. `StatusUpdate.author_id == me.id`)."""
    for limit in limits:
        since = tx.now - limit.window
        oldest_counted = await tx.session.scalar(
            select(created_at)
            .where(*mine, created_at > since)
            .order_by(created_at.desc())
            .offset(limit.count - 1)
            .limit(1)
        )
        if oldest_counted is not None:
            wait = oldest_counted + limit.window - tx.now
            raise RateLimited(wording.slow_down(limit.what, limit.count, limit.window, wait))
