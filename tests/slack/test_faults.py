"""Slack redelivers an event (same event_id, X-Slack-Retry-Num 1 and 2) when our ack was late or lost.
Over a real HTTP socket — one after another and all three at once — it must make one status update.
A thread reply that arrives while the database is down is not acked (Slack retries it), and on Slack's
last retry its author gets it back — never acked and dropped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tests.slack.driver import SlackWorld
from tests.slack.test_events import checkin_thread, updates
from tests.slack.test_http import serve


@pytest.fixture
async def over_http(database_url: str) -> AsyncIterator[SlackWorld]:
    w = await SlackWorld.create(database_url)
    w.person("ana", "Europe/Berlin")
    w.person("ben", "America/New_York")
    runner = await serve(w)
    yield w
    try:
        w.verify_everything_sent()
    finally:
        await runner.cleanup()
        await w.close()


async def test_an_event_delivered_three_times_in_sequence_makes_one_update(over_http: SlackWorld) -> None:
    w = over_http
    channel, thread_ts = await checkin_thread(w)
    answers = [
        await w.reply_in_thread(
            "ben", channel, thread_ts, "shipped it", ts="3.1", event_id="EvTRIPLE", retry=r
        )
        for r in (None, 1, 2)
    ]
    assert [a.status for a in answers] == [200, 200, 200]  # every retry is acked, or Slack keeps trying
    assert [u.text for u in await updates(w)] == ["shipped it"]
    assert len(w.fake.of("chat.postEphemeral")) == 1


async def test_an_event_delivered_three_times_at_once_makes_one_update(over_http: SlackWorld) -> None:
    """Retries can overlap the first delivery when it is slow: the database, not timing, decides."""
    w = over_http
    channel, thread_ts = await checkin_thread(w)
    async with asyncio.timeout(20):
        answers = await asyncio.gather(
            *(
                w.reply_in_thread("ben", channel, thread_ts, "at once", ts="3.2", event_id="EvRACE", retry=r)
                for r in (None, 1, 2)
            )
        )
    assert [a.status for a in answers] == [200, 200, 200]
    assert [u.text for u in await updates(w)] == ["at once"]
    assert len(w.fake.of("chat.postEphemeral")) == 1


class FailingDatabase:
    """Every statement the app sends fails as a database that went away would, while `down`."""

    def __init__(self, world: SlackWorld) -> None:
        self.down = False
        event.listen(world.runtime.core.engine.sync_engine, "before_cursor_execute", self._check)
        pump_flush = world.pump.flush

        async def flush() -> int:  # the outbox waits for the database like everything else
            return 0 if self.down else await pump_flush()

        world.pump.flush = flush  # type: ignore[method-assign]

    def _check(self, *args: Any) -> None:
        if self.down:
            raise OperationalError("SELECT …", {}, ConnectionRefusedError("the database is restarting"))


async def test_a_thread_reply_while_the_database_is_down_is_answered_so_slack_retries(
    over_http: SlackWorld,
) -> None:
    w = over_http
    channel, thread_ts = await checkin_thread(w)
    db = FailingDatabase(w)
    db.down = True
    during = [
        await w.reply_in_thread("ben", channel, thread_ts, "shipped it", ts="4.1", event_id="EvDOWN", retry=r)
        for r in (None, 1)
    ]
    # Not acked: Slack delivers it again (after 1 and 5 minutes) rather than us dropping it.
    assert [a.status for a in during] == [503, 503]
    db.down = False
    after = await w.reply_in_thread(
        "ben", channel, thread_ts, "shipped it", ts="4.1", event_id="EvDOWN", retry=2
    )
    assert after.status == 200
    assert [u.text for u in await updates(w)] == ["shipped it"]
    assert len(w.fake.of("chat.postEphemeral")) == 1  # "Saved as a status update", once
    # A later duplicate of the handled event changes nothing.
    again = await w.reply_in_thread(
        "ben", channel, thread_ts, "shipped it", ts="4.1", event_id="EvDOWN", retry=3
    )
    assert again.status == 200 and len(await updates(w)) == 1


async def test_on_slacks_last_retry_the_author_gets_their_reply_back(over_http: SlackWorld) -> None:
    w = over_http
    channel, thread_ts = await checkin_thread(w)
    db = FailingDatabase(w)
    db.down = True
    last = await w.reply_in_thread(
        "ben", channel, thread_ts, "the *whole* plan, v2", ts="4.2", event_id="EvLOST", retry=3
    )
    db.down = False
    assert last.status == 200  # Slack will not retry again: answer, and tell the author instead
    (told,) = w.fake.of("chat.postEphemeral")
    assert told.params["user"] == w.uid("ben") and told.params["thread_ts"] == thread_ts
    assert "couldn't save your reply" in told.params["text"] and "the *whole* plan, v2" in told.params["text"]
    assert await updates(w) == []
