"""Slash commands, buttons and modals through the real bolt app with signed requests."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from bot.persistence.tables import ActionItem, Member, Mentorship
from tests.slack.driver import SlackWorld, form_body, sign
from tests.slack.fake_slack import TEAM


async def pair(world: SlackWorld) -> int:
    await world.command("ana", "/mentor pair @ben ready for promotion by June focus career")
    await world.command("ben", "/mentor accept @ana")
    await world.command("ana", "/mentor cadence every 2 weeks on Tuesday at 16:00")
    async with world.runtime.core.core.unit() as uow:
        m = await uow.session.scalar(select(Mentorship))
        assert m is not None and m.state == "active"
        return m.id


async def test_a_command_is_acked_at_once_and_answered_privately(world: SlackWorld) -> None:
    response = await world.command("ana", "/mentor help")
    assert response.status == 200 and response.body == ""
    reply = world.last_response()
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert reply["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "/mentor"}}


async def test_every_command_goes_through_the_core_grammar(world: SlackWorld) -> None:
    for line in ("/mentor list", "/checkin", "/agenda", "/actions", "/timezone"):
        response = await world.command("ana", line)
        assert response.status == 200
    assert len(world.fake.responses) == 5
    assert "Europe/Berlin" in world.last_response_text()


async def test_time_zone_and_name_come_from_users_info(world: SlackWorld) -> None:
    await world.command("ben", "/timezone")
    assert world.fake.of("users.info")[0].params == {"user": "UBEN"}
    async with world.runtime.core.core.unit() as uow:
        ben = await uow.session.scalar(select(Member).where(Member.external_id == "UBEN"))
        assert ben is not None and ben.tz == "America/New_York" and ben.display_name == "ben"


async def test_pairing_with_a_mention_then_accepting(world: SlackWorld) -> None:
    await pair(world)
    # The cadence announces the first check-in in a group DM of both people, opening its thread.
    opened = world.fake.of("conversations.open")
    assert any(c.params["users"] in ("UANA,UBEN", "UBEN,UANA") for c in opened)
    parents = [p for p in world.fake.posted if p.channel.startswith("G") and p.thread_ts is None]
    assert parents, "the check-in announcement is posted in the pair's group DM"
    assert parents[0].metadata == {
        "event_type": "mentorbot_delivery",
        "event_payload": {"key": parents[0].metadata["event_payload"]["key"]},  # type: ignore[index]
    }
    assert any("<!date^" in json.dumps(p.blocks) for p in parents), "times render in each reader's zone"


async def test_user_text_cannot_ping_the_channel(world: SlackWorld) -> None:
    # Slack escapes what people type and turns a typed @channel into <!channel>.
    await world.command("ana", "/mentor pair @ben learn &lt;!channel&gt; &amp; <!everyone> <!here>")
    everything = world.fake.texts()
    for special in ("<!channel>", "<!everyone>", "<!here>"):
        assert special not in everything
    assert "&lt;!channel&gt;" in everything


async def test_unknown_command_and_text_are_answered_politely(world: SlackWorld) -> None:
    await world.command("ana", "/mentor frobnicate")
    assert "frobnicate" in world.last_response_text()
    await world.command("ana", "/actions done 999")
    assert world.last_response()["response_type"] == "ephemeral"


async def test_bad_or_stale_signatures_are_refused(world: SlackWorld) -> None:
    body = form_body({"team_id": TEAM, "user_id": "UANA", "command": "/mentor", "text": "help"})
    ctype = "application/x-www-form-urlencoded"
    bad = await world.dispatch(body, content_type=ctype, headers=sign(body, secret="wrong"))
    stale = await world.dispatch(
        body, content_type=ctype, headers=sign(body, timestamp=int(time.time()) - 600)
    )
    unsigned = await world.dispatch(body, content_type=ctype, signed=False)
    assert bad.status == stale.status == unsigned.status == 401
    assert world.fake.responses == []


async def test_buttons_route_to_the_core(world: SlackWorld) -> None:
    await pair(world)
    await world.command("ben", "/actions add Rewrite the list @ben due in 1 week")
    async with world.runtime.core.core.unit() as uow:
        item = await uow.session.scalar(select(ActionItem))
        assert item is not None
    await world.press("ben", f"actions:done:{item.id}")
    assert world.last_response()["response_type"] == "ephemeral"
    async with world.runtime.core.core.unit() as uow:
        item = await uow.session.get(ActionItem, item.id)
        assert item is not None and item.state == "done"


async def test_unknown_and_stale_buttons_are_answered_politely(world: SlackWorld) -> None:
    response = await world.press("ana", "nonsense")
    assert response.status == 200
    assert "out of date" in world.last_response_text()
    await world.press("ana", "actions:done:424242")
    assert world.last_response()["response_type"] == "ephemeral"


async def test_a_form_is_a_modal_and_its_submission_reaches_the_core(world: SlackWorld) -> None:
    mentorship_id = await pair(world)
    await world.press("ben", f"checkin:update:{mentorship_id}")
    opened = world.fake.of("views.open")
    assert len(opened) == 1 and opened[0].params["trigger_id"].startswith("trigger.")
    view = opened[0].params["view"]
    assert view["type"] == "modal" and view["callback_id"] == f"checkin:update:{mentorship_id}"
    values = {block["block_id"]: "drafted the list" for block in view["blocks"]}
    response = await world.submit("ben", view, values)
    assert response.status == 200
    # The answer goes back where the button was pressed (its response_url).
    assert world.last_response()["response_type"] in ("ephemeral", "in_channel")
    async with world.runtime.core.core.unit() as uow:
        from bot.persistence.tables import StatusUpdate

        updates = list(await uow.session.scalars(select(StatusUpdate)))
    assert updates and "drafted the list" in updates[0].text


async def test_a_form_from_a_command_opens_a_modal(world: SlackWorld) -> None:
    mentorship_id = await pair(world)
    await world.press("ana", f"agenda:add:{mentorship_id}")
    view = world.fake.of("views.open")[-1].params["view"]
    await world.submit("ana", view, {"text": "How do I show impact?"})
    await world.command("ben", "/agenda")
    assert "How do I show impact?" in world.last_response_text()


async def test_an_expired_trigger_is_explained(world: SlackWorld) -> None:
    mentorship_id = await pair(world)
    world.fake.fail("views.open", "expired_trigger_id")
    await world.press("ben", f"checkin:update:{mentorship_id}")
    assert "press the button again" in world.last_response_text()


async def test_replies_meant_for_both_are_posted_in_channel(world: SlackWorld) -> None:
    # The core marks few replies public today; the outlet honours the flag either way.
    from slack_bolt.async_app import AsyncRespond

    from adapters.slack.listeners import Outlet
    from bot.messages import reply

    url = world.fake.response_url("public")
    outlet = Outlet(world.runtime.bolt.client, "UANA", AsyncRespond(response_url=url), response_url=url)
    await outlet.send(reply("for both of you", public=True))
    await outlet.send(reply("just for you"))
    assert [r["response_type"] for r in world.fake.responses[-2:]] == ["in_channel", "ephemeral"]
    # Without a response_url (App Home), the answer goes to the person's DM with the app.
    await Outlet(world.runtime.bolt.client, "UANA").send(reply("by DM"))
    assert world.fake.posted[-1].channel.startswith("D") and world.fake.posted[-1].text == "by DM"


async def test_a_command_we_do_not_know_is_answered(world: SlackWorld) -> None:
    response = await world.command("ana", "/mentees list")
    assert response.status == 200
    assert "mentees" in world.last_response_text()
