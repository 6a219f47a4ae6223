"""HTTP mode over a real socket on 127.0.0.1: the end-to-end scenario, OAuth install, health, garbage."""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from adapters.slack.run import serve_http, web_app
from adapters.slack.tables import slack_app_bots, slack_app_installations
from bot.persistence.tables import ActionItem, CheckIn, StatusUpdate
from bot.settings import Settings
from tests.slack.driver import SECRET, TOKEN, SlackWorld, form_body, sign
from tests.slack.fake_slack import FakeSlack


async def serve(world: SlackWorld) -> web.AppRunner:
    runner = web.AppRunner(web_app(world.runtime))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    world.http_url = f"http://127.0.0.1:{port}"
    return runner


@pytest.fixture
async def http_world(database_url: str) -> AsyncIterator[SlackWorld]:
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


async def test_end_to_end_pair_cadence_reminder_thread_reply_action_done(http_world: SlackWorld) -> None:
    w = http_world
    assert (await w.command("ana", "/mentor pair @ben ready for promotion focus career")).status == 200
    await w.command("ben", "/mentor accept @ana")
    await w.command("ana", "/mentor cadence every 2 weeks on Tuesday at 16:00")
    async with w.runtime.core.core.unit() as uow:
        c = await uow.session.scalar(select(CheckIn).where(CheckIn.thread_id.is_not(None)))
        assert c is not None
    # The day before, each gets a reminder by DM.
    before = len(w.fake.posted)
    await w.pump.advance_to(c.scheduled_at - timedelta(hours=23))
    reminders = [p for p in w.fake.posted[before:] if p.channel.startswith("D")]
    assert len(reminders) == 2, [p.text for p in w.fake.posted[before:]]
    # Ben replies in the check-in's thread: a status update, acknowledged only to him.
    assert c.thread_channel and c.thread_id
    response = await w.reply_in_thread("ben", c.thread_channel, c.thread_id, "Drafted the list")
    assert response.status == 200
    async with w.runtime.core.core.unit() as uow:
        (update,) = list(await uow.session.scalars(select(StatusUpdate)))
        assert update.text == "Drafted the list"
    # An action item, closed with its button.
    await w.command("ana", "/actions add Rewrite the list @ben due in 1 week")
    async with w.runtime.core.core.unit() as uow:
        item = await uow.session.scalar(select(ActionItem))
        assert item is not None
    await w.press("ben", f"actions:done:{item.id}")
    async with w.runtime.core.core.unit() as uow:
        item = await uow.session.get(ActionItem, item.id)
        assert item is not None and item.state == "done"
    assert "Done" in w.last_response_text()


async def test_garbage_is_refused_politely_over_http(http_world: SlackWorld) -> None:
    for body, ctype in (
        ("{not json", "application/json"),
        (json.dumps({"type": "event_callback", "event": {"type": "message", "user": 5}}), "application/json"),
        ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
        ("payload=" + json.dumps({"type": "mystery"}), "application/x-www-form-urlencoded"),
    ):
        response = await http_world.dispatch(body, content_type=ctype)
        assert response.status < 500, (body, response.status)
    # Still alive and answering.
    assert (await http_world.command("ana", "/mentor help")).status == 200


async def test_url_verification_and_health(http_world: SlackWorld) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    response = await http_world.dispatch(body, content_type="application/json")
    assert response.status == 200 and "abc123" in str(response.body)
    async with aiohttp.ClientSession() as session, session.get(f"{http_world.http_url}/healthz") as health:
        assert health.status == 200


async def test_oauth_install_stores_the_installation_in_our_database(database_url: str) -> None:
    w = await SlackWorld.create(database_url, bot_token=None, client_id="111.222", client_secret="shh")
    runner = await serve(w)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{w.http_url}/slack/install", allow_redirects=False) as r:
                assert r.status in (200, 302)
                page = await r.text()
                location = r.headers.get("Location", "") + page
                state = re.search(r"state=([A-Za-z0-9_\-]+)", location)
                assert state is not None and "client_id=111.222" in location
                # The browser-binding cookie is Secure; the test client speaks plain http, so pass it by hand.
                cookie = "; ".join(f"{k}={v.value}" for k, v in r.cookies.items())
            callback = f"{w.http_url}/slack/oauth_redirect?code=good-code&state={state.group(1)}"
            async with session.get(callback, allow_redirects=False, headers={"Cookie": cookie}) as r:
                assert r.status in (200, 302), await r.text()
            # The same state cannot be used twice.
            async with session.get(callback, allow_redirects=False, headers={"Cookie": cookie}) as r:
                assert r.status >= 400
        async with w.runtime.core.core.unit() as uow:
            row = (await uow.session.execute(select(slack_app_installations))).mappings().one()
            assert row["team_id"] == "T0002" and row["bot_token"] == "xoxb-installed"
            bot = (await uow.session.execute(select(slack_app_bots))).mappings().one()
            assert bot["team_id"] == "T0002" and bot["bot_token"] == "xoxb-installed"
        assert await w.runtime.chat.tokens("T0002") == "xoxb-installed"
        # A command from the newly installed workspace is authorized with its own token.
        body = form_body(
            {
                "team_id": "T0002",
                "user_id": "UANA",
                "command": "/mentor",
                "text": "help",
                "response_url": w.fake.response_url("oauth"),
                "trigger_id": "t.1",
                "channel_id": "C1",
            }
        )
        response = await w.dispatch(body, content_type="application/x-www-form-urlencoded")
        assert response.status == 200
        assert w.fake.responses and w.fake.of("auth.test")[-1].token == "xoxb-installed"
        w.verify_everything_sent()
    finally:
        await runner.cleanup()
        await w.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_serve_http_runs_until_stopped(database_url: str, tmp_path: Path) -> None:
    fake = FakeSlack()
    api = await fake.start()
    fake.add_user("UANA", "ana")
    port = free_port()
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=api,
        port=port,
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve_http(settings, stop=stop, ready=ready, host="127.0.0.1"))
    try:
        async with asyncio.timeout(15):
            await ready.wait()
            body = form_body(
                {
                    "team_id": "T0001",
                    "user_id": "UANA",
                    "command": "/timezone",
                    "text": "",
                    "response_url": fake.response_url("serve"),
                    "trigger_id": "t",
                    "channel_id": "C1",
                }
            )
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
            async with aiohttp.ClientSession() as session:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as r:
                    assert r.status == 200
                    report = await r.json()
                    assert report["status"] == "ok" and report["database"] == "ok"
                    assert report["dispatcher"]["last_success"] and not report["dispatcher"]["stuck"]
                async with session.post(
                    f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers
                ) as r:
                    assert r.status == 200
            await fake.responded.wait()
    finally:
        stop.set()
        async with asyncio.timeout(15):
            assert await task == 0
        await fake.stop()
