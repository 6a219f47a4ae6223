"""App commands, autocomplete, buttons and modals, fed as INTERACTION_CREATE payloads."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from bot.clock import SimulatedClock
from bot.persistence.tables import ActionItem, Mentorship
from tests.discord import payloads as pl
from tests.discord.conftest import ADMIN, ANA, BEN, setup_channel, start_bot
from tests.discord.driver import Driver, text_of
from tests.discord.fakeapi import FakeDiscord
from tests.harness import START


async def active_pair(dc: Driver) -> None:
    await setup_channel(dc)
    assert "Proposed" in await dc.command(
        ANA, "mentor", "pair", member=BEN, goal="ready for promotion", by="June"
    )
    assert "You're on" in await dc.command(BEN, "mentor", "accept")
    assert "Cadence with" in await dc.command(
        ANA, "mentor", "cadence", rule="every 2 weeks on Tuesday at 16:00"
    )


async def test_commands_defer_at_once_then_follow_up_privately(dc: Driver) -> None:
    responses = await dc.command_raw(ANA, "timezone", None, zone="Europe/Berlin")
    first, second = responses
    assert first == {"type": 5, "data": {"flags": 64}}
    assert second["type"] == "followup" and second["data"]["flags"] & 64
    assert "Europe/Berlin" in text_of(second["data"])


async def test_setup_is_for_admins_only(dc: Driver) -> None:
    text = await dc.command(ANA, "mentor", "setup", channel=pl.text_channel(pl.CHANNEL, "mentorships"))
    assert "admins" in text
    assert "Mentorship threads will be opened in <#600>" in await setup_channel(dc)


async def test_pair_without_goal_opens_a_modal_and_its_submission_pairs(dc: Driver) -> None:
    [modal] = await dc.command_raw(ANA, "mentor", "pair", member=BEN)
    assert modal["type"] == 9 and modal["data"]["custom_id"].startswith("mbc:pair:")
    assert [row["components"][0]["custom_id"] for row in modal["data"]["components"]] == [
        "goal",
        "by",
        "focus",
    ]
    text = await dc.submit(
        ANA, modal["data"]["custom_id"], {"goal": "learn Rust", "by": "", "focus": "craft"}
    )
    assert "Proposed" in text and "learn Rust" in text


async def test_cadence_modal(dc: Driver) -> None:
    await setup_channel(dc)
    await dc.command(ANA, "mentor", "pair", member=BEN, goal="ready for promotion")
    await dc.command(BEN, "mentor", "accept")
    [modal] = await dc.command_raw(ANA, "mentor", "cadence")
    assert modal["type"] == 9
    text = await dc.submit(ANA, modal["data"]["custom_id"], {"rule": "every week on Monday at 09:00"})
    assert "Cadence with" in text


async def test_autocomplete_mentorships_and_time_zones(dc: Driver) -> None:
    await setup_channel(dc)
    await dc.command(ANA, "mentor", "pair", member=BEN, goal="ready for promotion")
    choices = await dc.autocomplete(ANA, "mentor", "next", "with", **{"with": ""})
    assert choices == [{"name": "Ben (mentee, proposed) — ready for promotion", "value": str(BEN.id)}]
    zones = await dc.autocomplete(ANA, "timezone", None, "zone", zone="berl")
    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in zones
    # The chosen value is the other person's id, which the grammar reads as `with @ben`.
    text = await dc.command(ANA, "mentor", "next", **{"with": str(BEN.id)})
    assert text and "Something went wrong" not in text


async def test_dm_button_accepts_the_proposal(dc: Driver) -> None:
    await setup_channel(dc)
    await dc.command(ANA, "mentor", "pair", member=BEN, goal="ready for promotion")
    [answer] = await dc.press(BEN, "Accept", channel_id=dc.api.dm_channel_of(BEN.id))
    assert answer["type"] == 4 and "You're on" in text_of(answer["data"])
    async with dc.bot.app.core.unit() as uow:
        m = await uow.session.scalar(select(Mentorship))
    assert m is not None and m.state == "active"


async def test_button_that_opens_a_form_answers_with_a_modal(dc: Driver) -> None:
    await active_pair(dc)
    [home] = dc.api.threads()
    [modal] = await dc.press(BEN, "Post an update", channel_id=home["id"])
    assert modal["type"] == 9 and modal["data"]["custom_id"].startswith(f"mbf:500:{BEN.id}:checkin:update:")
    fields = {row["components"][0]["custom_id"] for row in modal["data"]["components"]}
    text = await dc.submit(BEN, modal["data"]["custom_id"], dict.fromkeys(fields, "drafted the list"))
    assert "Posted your update" in text
    assert any("drafted the list" in text_of(m) for m in dc.api.in_channel(home["id"]))


async def test_buttons_keep_working_after_a_restart(database_url: str, api: FakeDiscord) -> None:
    first = await start_bot(database_url, api, SimulatedClock(START))
    try:
        await active_pair(first)
        await first.command(ANA, "actions", "add", text="Write the case", owner=BEN, due="in 1 week")
    finally:
        await first.bot.close()
    second = await start_bot(database_url, api, first.clock)
    try:
        [answer] = await second.press(BEN, "Mark done")
        assert "Something went wrong" not in text_of(answer["data"])
        async with second.bot.app.core.unit() as uow:
            item = await uow.session.scalar(select(ActionItem))
        assert item is not None and item.state == "done"
    finally:
        async with asyncio.timeout(20):
            await second.bot.close()


async def test_unknown_and_stale_buttons_answer_politely(dc: Driver) -> None:
    await setup_channel(dc)
    # A button on an old message whose action item no longer exists.
    button: dict[str, Any] = {
        "type": 2,
        "style": 2,
        "label": "Mark done",
        "custom_id": "mb:500:actions:done:999",
    }
    msg = pl.message(
        pl.snowflake(), str(pl.GENERAL), pl.BOT_USER, "old", components=[{"type": 1, "components": [button]}]
    )
    responses = await dc._interact(pl.press(ADMIN, button["custom_id"], msg, in_dm=False))
    assert responses[0]["type"] == 4 and responses[0]["data"]["flags"] & 64
