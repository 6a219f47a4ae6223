"""Issue 11 on Slack: the zone comes from users.info (ana is in Berlin, ben in New York), questions come
with Block Kit buttons, and the same phrasings are understood as on the console."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.persistence.tables import ActionItem, Member, Mentorship
from tests.slack.driver import SlackWorld


def action_ids(world: SlackWorld) -> list[str]:
    blocks = world.last_response().get("blocks", [])
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_the_platform_zone_is_used_and_times_are_read_in_it(world: SlackWorld) -> None:
    await world.command("ana", "/mentor pair @ben ready for promotion")
    await world.command("ben", "/mentor accept @ana")
    await world.command("ana", "/mentor cadence every 6 weeks on fridays at 3")
    assert "15:00 (Europe/Berlin)" in world.last_response_text()
    await world.command("ben", "/actions add send CV to @ana by friday")
    assert "send CV to @ana" in world.last_response_text()
    async with world.runtime.core.core.unit() as uow:
        item = await uow.session.scalar(select(ActionItem))
        ben = await uow.session.scalar(select(Member).where(Member.external_id == world.uid("ben")))
        assert item is not None and ben is not None
        assert (
            item.owner_id == ben.id
            and item.due_date is not None
            and item.due_date.isoformat() == "2026-12-04"
        )
        assert ben.tz == "America/New_York" and ben.tz_source == "platform"


async def test_a_question_asked_back_is_answered_with_a_button(world: SlackWorld) -> None:
    await world.command("ana", "/mentor pair @ben ready for promotion")
    await world.command("ben", "/mentor accept @ana")
    await world.command("ana", "/mentor cadence every second tuesday at 4pm")
    assert "every 2 weeks or once a month" in json.dumps(world.last_response())
    monthly = action_ids(world)[1]
    await world.press("ana", monthly)
    assert "every month on the second Tuesday at 16:00 (Europe/Berlin)" in world.last_response_text()
    async with world.runtime.core.core.unit() as uow:
        m = await uow.session.scalar(select(Mentorship))
        assert m is not None and m.cadence_rule is not None and "BYDAY=2TU" in m.cadence_rule


async def test_did_you_mean_on_slack(world: SlackWorld) -> None:
    await world.command("ana", "/mentor reshedule to friday 3pm")
    assert "Did you mean `/mentor reschedule to friday 3pm`?" in world.last_response_text()
