"""The feed over HTTP: the route any deployment mounts (`mentorbot serve calendar`, the Slack web app)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import vobject
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.web.calendar import add_calendar_routes
from bot.calendar.feed import FailureLimiter
from tests.harness import Harness, render
from tests.test_calendar import PUBLIC, START, token_of, weekly_pair


@pytest.fixture
async def served(database_url: str) -> AsyncIterator[tuple[Harness, TestClient]]:
    h = await Harness.create(database_url, start=START, public_url=PUBLIC)
    app = web.Application()
    add_calendar_routes(app, h.app.core, h.clock, FailureLimiter(h.clock, limit=3), trust_forwarded=True)
    client = TestClient(TestServer(app))
    await client.start_server()
    yield h, client
    await client.close()
    await h.close()


async def test_a_subscribed_calendar_gets_the_feed_and_guessers_get_429(served) -> None:
    h, client = served
    await weekly_pair(h)
    token = token_of(render((await h.say("bo", "/mentor calendar")).message))
    response = await client.get(f"/calendar/{token}.ics")
    assert response.status == 200
    assert response.content_type == "text/calendar"
    calendar = vobject.readOne(await response.text())
    assert len(calendar.vevent_list) >= 3
    for guess in ("a" * 43, "b" * 43, "c" * 43):
        assert (await client.get(f"/calendar/{guess}.ics")).status == 404
    refused = await client.get(f"/calendar/{token}.ics")
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    # Another client is not affected.
    other = await client.get(f"/calendar/{token}.ics", headers={"X-Forwarded-For": "10.0.0.9"})
    assert other.status == 200
