"""Program insight on Slack: the digest posted as Block Kit, and the dashboard mounted in HTTP mode."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import aiohttp

from adapters.slack.run import serve_http
from bot.settings import Settings
from tests.slack.driver import SECRET, TOKEN, SlackWorld
from tests.slack.fake_slack import FakeSlack
from tests.slack.test_http import free_port

DIGEST_CHANNEL = "CDIGEST"


async def test_weekly_digest_is_posted_as_blocks(world: SlackWorld) -> None:
    world.person("hana", "Europe/Berlin", is_admin=True)
    await world.command("hana", f"/mentor digest <#{DIGEST_CHANNEL}|program> weekly")
    assert "posted in #program" in world.last_response_text()
    await world.pump.advance(timedelta(days=7))
    posts = [p for p in world.fake.posted if p.channel == DIGEST_CHANNEL]
    assert len(posts) == 1
    assert "weekly digest" in posts[0].text + json.dumps(posts[0].blocks)
    await world.pump.advance(timedelta(days=7))
    assert len([p for p in world.fake.posted if p.channel == DIGEST_CHANNEL]) == 2


async def test_serve_slack_mounts_the_dashboard(database_url: str, tmp_path: Path) -> None:
    fake = FakeSlack()
    api = await fake.start()
    port = free_port()
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api,
        port=port,
        dashboard_secret="s3cret",
        slack_client_id="cid",
        slack_client_secret="csecret",
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve_http(settings, stop=stop, ready=ready, host="127.0.0.1"))
    try:
        async with asyncio.timeout(15):
            await ready.wait()
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"http://127.0.0.1:{port}/dashboard") as r,
            ):
                assert r.status == 200
                assert "Sign in with Slack" in await r.text()
    finally:
        stop.set()
        async with asyncio.timeout(15):
            assert await task == 0
        await fake.stop()
