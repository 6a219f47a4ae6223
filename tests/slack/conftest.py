from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.slack.driver import SlackWorld


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SlackWorld]:
    w = await SlackWorld.create(database_url)
    w.person("ana", "Europe/Berlin")
    w.person("ben", "America/New_York")
    yield w
    try:
        assert w.verify_everything_sent() >= 0
    finally:
        await w.close()
