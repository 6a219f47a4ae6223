"""Slack redelivers an event (same event_id, X-Slack-Retry-Num 1 and 2) when our ack was late or lost.
Over a real HTTP socket — one after another and all three at once — it must make one status update."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

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
