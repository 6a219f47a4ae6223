"""A running web process (the dashboard, calendar feeds, /healthz) on loopback, next to fakes of Slack's
and Discord's sign-in endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from adapters.web.auth import DashboardConfig
from adapters.web.serve import web_process_app
from tests.harness import START, Harness
from tests.program import Seeded, seed_program
from tests.web.fake_oauth import CLIENT_ID, CLIENT_SECRET, FakeOAuth, loopback_socket, serve


@dataclass
class Dash:
    h: Harness
    url: str
    oauth: FakeOAuth
    slack: Seeded
    discord: Seeded

    def client(self) -> aiohttp.ClientSession:
        # unsafe=True: keep cookies for an IP-address host (127.0.0.1), as browsers do.
        return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


@pytest.fixture
async def dash(h: Harness) -> AsyncIterator[Dash]:
    slack = await seed_program(h.app.core.sessions, START, 10, platform="slack", external_id="T1")
    discord = await seed_program(
        h.app.core.sessions, START, 3, platform="discord", external_id="G1", admin="D0"
    )
    # The test's FakeChat stands in for both platforms' gateways, so nudges are delivered and visible.
    dispatcher = h.app.dispatcher
    dispatcher.gateways.update({"slack": h.chat, "discord": h.chat})
    dispatcher.platforms = tuple(sorted(dispatcher.gateways))
    oauth = FakeOAuth()
    oauth_sock, web_sock = loopback_socket(), loopback_socket()
    oauth_url = f"http://127.0.0.1:{oauth_sock.getsockname()[1]}"
    url = f"http://127.0.0.1:{web_sock.getsockname()[1]}"
    config = DashboardConfig(
        secret="test-secret",
        base_url=url,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_url=oauth_url,
        discord_client_id=CLIENT_ID,
        discord_client_secret=CLIENT_SECRET,
        discord_url=oauth_url,
    )
    # The web process as `mentorbot serve dashboard` runs it: /healthz and calendar feeds beside /dashboard.
    web = web_process_app(h.app.core, h.app.engine, h.clock, config)
    runners = [await serve(oauth.app(), oauth_sock), await serve(web, web_sock)]
    yield Dash(h, url, oauth, slack, discord)
    for runner in runners:
        await runner.cleanup()
