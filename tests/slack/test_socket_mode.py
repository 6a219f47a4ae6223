"""Socket Mode: `mentorbot run slack` connects through apps.connections.open and answers envelopes."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.run import run_socket_mode
from bot.settings import Settings, SettingsError
from tests.slack.driver import TOKEN
from tests.slack.fake_slack import TEAM, FakeSlack
from tests.slack.spec import check_all
from tests.slack.test_http import free_port


async def test_run_socket_mode_acks_a_command_and_answers_it(database_url: str, tmp_path: Path) -> None:
    fake = FakeSlack()
    api = await fake.start()
    fake.add_user("UANA", "ana", "Europe/Berlin")
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        slack_bot_token=TOKEN,
        slack_app_token="xapp-test",
        slack_api_url=api,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_socket_mode(settings, stop=stop))
    try:
        async with asyncio.timeout(20):
            await fake.connected.wait()
            await fake.push(
                {
                    "envelope_id": "env-1",
                    "type": "slash_commands",
                    "accepts_response_payload": True,
                    "payload": {
                        "team_id": TEAM,
                        "user_id": "UANA",
                        "channel_id": "C1",
                        "command": "/timezone",
                        "text": "",
                        "response_url": fake.response_url("socket"),
                        "trigger_id": "t.1",
                    },
                }
            )
            ack = await fake.frames.get()
            assert ack["envelope_id"] == "env-1"
            await fake.responded.wait()
        assert "Europe/Berlin" in str(fake.responses[-1])
        assert fake.of("apps.connections.open")[0].token == "xapp-test"
        check_all(fake.calls)
    finally:
        stop.set()
        async with asyncio.timeout(15):
            assert await task == 0
        await fake.stop()


def socket_settings(database_url: str, tmp_path: Path, api: str, **extra: object) -> Settings:
    base: dict[str, object] = {
        "database_url": database_url,
        "data_dir": tmp_path,
        "slack_bot_token": TOKEN,
        "slack_app_token": "xapp-test",
        "slack_api_url": api,
        "port": free_port(),
    }
    return Settings(**{**base, **extra})  # type: ignore[arg-type]


async def test_socket_mode_serves_a_health_check(database_url: str, tmp_path: Path) -> None:
    """…and, on the same small server, calendar feeds and the dashboard (no second web process)."""
    fake = FakeSlack()
    api = await fake.start()
    settings = socket_settings(database_url, tmp_path, api, dashboard_secret="s3cret")
    stop = asyncio.Event()
    task = asyncio.create_task(run_socket_mode(settings, stop=stop))
    try:
        async with asyncio.timeout(20):
            await fake.connected.wait()
            while True:  # the health server starts right after the connection
                try:
                    async with (
                        aiohttp.ClientSession() as session,
                        session.get(f"http://127.0.0.1:{settings.port}/healthz") as r,
                    ):
                        report = await r.json()
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
        assert r.status == 200 and report["database"] == "ok" and report["dispatcher"]["last_success"]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{settings.port}/dashboard") as r:
                assert r.status == 200 and "Sign in" in await r.text()
            async with session.get(f"http://127.0.0.1:{settings.port}/calendar/unknown.ics") as r:
                assert r.status == 404
    finally:
        stop.set()
        async with asyncio.timeout(15):
            assert await task == 0
        await fake.stop()


@pytest.mark.parametrize("bad", ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"])
async def test_a_rejected_token_is_named_at_once(database_url: str, tmp_path: Path, bad: str) -> None:
    fake = FakeSlack()
    api = await fake.start()
    fake.revoked.add(TOKEN if bad == "SLACK_BOT_TOKEN" else "xapp-test")
    try:
        with pytest.raises(SettingsError, match=f"Slack rejected {bad} \\(token_revoked\\)"):
            async with asyncio.timeout(20):
                await run_socket_mode(socket_settings(database_url, tmp_path, api))
        assert fake.socket is None  # it never tried to connect
    finally:
        await fake.stop()


async def test_stopping_while_still_connecting_returns_promptly(database_url: str, tmp_path: Path) -> None:
    fake = FakeSlack()
    api = await fake.start()
    fake.link_url = f"ws://127.0.0.1:{free_port()}/nobody-listens"
    stop = asyncio.Event()
    task = asyncio.create_task(run_socket_mode(socket_settings(database_url, tmp_path, api), stop=stop))
    try:
        async with asyncio.timeout(20):
            # The token check, then the connection attempt (polled, bounded by the timeout).
            while not fake.of("apps.connections.open")[1:]:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        stop.set()
        async with asyncio.timeout(10):
            assert await task == 0
    finally:
        await fake.stop()


def test_the_process_names_a_revoked_token_and_stops_on_sigterm(database_url: str, tmp_path: Path) -> None:
    """`mentorbot run slack` as a real process: a revoked token is one line and exit 2; with good tokens
    SIGTERM stops it cleanly (exit 0) whatever it is doing."""
    if not database_url.startswith("sqlite"):
        pytest.skip("one database is enough for the process test")

    async def scenario() -> None:
        fake = FakeSlack()
        api = await fake.start()
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "DISCORD_", "DATABASE_URL"))
            },
            "SLACK_APP_TOKEN": "xapp-test",
            "SLACK_API_URL": api,
            "MENTORBOT_DATA_DIR": str(tmp_path),
            "PORT": str(free_port()),
        }
        try:
            fake.revoked.add("xoxb-revoked")
            bad = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                "slack",
                env={**env, "SLACK_BOT_TOKEN": "xoxb-revoked"},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            async with asyncio.timeout(60):
                _out, err = await bad.communicate()
            lines = [line for line in err.decode().splitlines() if line.startswith("mentorbot:")]
            assert bad.returncode == 2 and len(lines) == 1 and "SLACK_BOT_TOKEN" in lines[0]
            assert "Traceback" not in err.decode()

            good = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                "slack",
                env={**env, "SLACK_BOT_TOKEN": TOKEN},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            async with asyncio.timeout(60):
                await fake.connected.wait()
            good.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                _out, err = await good.communicate()
            assert good.returncode == 0, err.decode()
            assert "Traceback" not in err.decode()
        finally:
            await fake.stop()

    asyncio.run(scenario())
