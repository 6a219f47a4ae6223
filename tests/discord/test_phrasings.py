"""Issue 11 on Discord: typed options go through the same parsing as typing; Discord tells no zone, so
the first time-bearing command asks for one with buttons, and the answer applies the command."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.persistence.tables import ActionItem, Member, Mentorship
from tests.discord import payloads as pl
from tests.discord.conftest import ANA, BEN, setup_channel
from tests.discord.driver import Driver, text_of


def components(responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        c
        for r in responses
        for row in (r.get("data") or {}).get("components") or []
        for c in row["components"]
    ]


async def press(dc: Driver, who: pl.Person, custom_id: str) -> str:
    msg = pl.message(
        pl.snowflake(),
        str(pl.GENERAL),
        pl.BOT_USER,
        "question",
        components=[
            {"type": 1, "components": [{"type": 2, "style": 2, "label": "x", "custom_id": custom_id}]}
        ],
    )
    responses = await dc._interact(pl.press(who, custom_id, msg, in_dm=False))
    return "\n".join(text_of(r.get("data") or {}) for r in responses)


async def test_the_zone_is_asked_before_the_first_cadence_and_the_answer_applies_it(dc: Driver) -> None:
    await setup_channel(dc, zones=False)
    await dc.command(BEN, "timezone", None, zone="new york")
    await dc.command(ANA, "mentor", "pair", member=BEN, goal="ready for promotion")
    await dc.command(BEN, "mentor", "accept")
    asked = await dc.command_raw(ANA, "mentor", "cadence", rule="every monday at 3")
    assert "Which time zone" in "\n".join(text_of(r.get("data") or {}) for r in asked)
    choices = {c["label"]: c["custom_id"] for c in components(asked)}
    assert list(choices) == ["America/New_York", "UTC"]
    async with dc.bot.app.core.unit() as uow:
        assert (await uow.session.scalar(select(Mentorship))).cadence_rule is None  # type: ignore[union-attr]
    applied = await press(dc, ANA, choices["America/New_York"])
    # "at 3" in a mentoring context is the afternoon, read in the zone just chosen.
    assert "every week on Monday at 15:00 (America/New\\_York)" in applied


async def test_action_items_typed_as_options_follow_the_same_rules(dc: Driver) -> None:
    await setup_channel(dc)
    await dc.command(ANA, "mentor", "pair", member=BEN, goal="ready for promotion")
    await dc.command(BEN, "mentor", "accept")
    text = await dc.command(BEN, "actions", "add", text=f"send CV to <@{ANA.id}> by friday")
    assert "send CV to @Ana" in text and "Fri 4 Dec 2026" in text
    await dc.command(ANA, "actions", "add", text="review the deck", owner=BEN, due="1/14")
    async with dc.bot.app.core.unit() as uow:
        saved = list(await uow.session.scalars(select(ActionItem).order_by(ActionItem.id)))
        ben = await uow.session.scalar(select(Member).where(Member.external_id == str(BEN.id)))
    assert ben is not None
    assert [
        (i.text, i.owner_id == ben.id, i.due_date.isoformat() if i.due_date else None) for i in saved
    ] == [
        ("send CV to @Ana", True, "2026-12-04"),
        ("review the deck", True, "2027-01-14"),
    ]


async def test_an_ambiguous_zone_is_asked_with_buttons(dc: Driver) -> None:
    asked = await dc.command_raw(ANA, "timezone", None, zone="IST")
    labels = [c["label"].split(" ")[0] for c in components(asked)]
    assert labels == ["Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin"]
    chosen = await press(dc, ANA, components(asked)[2]["custom_id"])
    assert "Europe/Dublin" in chosen
