"""Fixtures: a fake Discord API on 127.0.0.1 and a real MentorBot logged in against it, on the shared
`database_url` (SQLite, or PostgreSQL when MENTORBOT_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, cast

import discord
import pytest

from adapters.discord.client import MentorBot
from bot.clock import SimulatedClock
from tests.discord import payloads as pl
from tests.discord.driver import Driver
from tests.discord.fakeapi import FakeDiscord
from tests.discord.payloads import Person
from tests.discord.spec import check_all
from tests.harness import START

ADMIN = Person(1000, "alex", admin=True)
ANA = Person(1001, "ana")
BEN = Person(1002, "ben")
CY = Person(1003, "cy")
PEOPLE = [ADMIN, ANA, BEN, CY]


@pytest.fixture
async def api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord({p.id: p for p in [*PEOPLE, pl.BOT_USER]})
    await fake.start()
    # The one switch discord.py offers for where its REST (and interaction webhook) traffic goes.
    monkeypatch.setattr(discord.http.Route, "BASE", fake.base)
    yield fake
    await fake.stop()


async def start_bot(database_url: str, api: FakeDiscord, clock: SimulatedClock) -> Driver:
    bot = MentorBot(database_url, clock, dev_guild_id=str(pl.GUILD))
    async with asyncio.timeout(20):
        await bot.login("fake-token")
    state = bot._connection
    state.parse_guild_create(pl.guild_create(PEOPLE, [c for c in api.threads()]))
    # Discord announces a thread the bot created over the gateway too.
    api.on_thread_created = lambda thread: state.parse_thread_create(
        cast(Any, {**thread, "newly_created": True})
    )
    return Driver(bot, api, clock)


@pytest.fixture
async def dc(database_url: str, api: FakeDiscord) -> AsyncIterator[Driver]:
    driver = await start_bot(database_url, api, SimulatedClock(START))
    try:
        yield driver
    finally:
        async with asyncio.timeout(20):
            await driver.bot.close()
    assert not api.unhandled, f"requests the fake API does not know: {api.unhandled}"
    errors = check_all(api.requests)
    assert not errors, "requests that break Discord's OpenAPI spec:\n" + "\n".join(errors[:30])


async def setup_channel(dc: Driver, zones: bool = True) -> str:
    """The admin sets the mentorship channel; with `zones`, everyone has said their zone is UTC first
    (Discord tells no zone, so otherwise the bot asks before the first time-bearing command)."""
    if zones:
        for person in PEOPLE:
            assert "UTC" in await dc.command(person, "timezone", None, zone="UTC")
    return await dc.command(ADMIN, "mentor", "setup", channel=pl.text_channel(pl.CHANNEL, "mentorships"))
