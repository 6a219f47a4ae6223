"""Socket Mode: `mentorbot run slack` connects through apps.connections.open and answers envelopes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.slack.run import run_socket_mode
from bot.settings import Settings
from tests.slack.driver import TOKEN
from tests.slack.fake_slack import TEAM, FakeSlack
from tests.slack.spec import check_all


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
