"""Replies in a home thread (MESSAGE_CREATE, MESSAGE_UPDATE, MESSAGE_DELETE) become status updates."""

from __future__ import annotations

from sqlalchemy import select

from bot.persistence.tables import StatusUpdate
from tests.discord.conftest import ANA, BEN, CY
from tests.discord.driver import Driver
from tests.discord.test_interactions import active_pair


async def updates(dc: Driver) -> list[StatusUpdate]:
    async with dc.bot.app.core.unit() as uow:
        return list(await uow.session.scalars(select(StatusUpdate).order_by(StatusUpdate.id)))


async def test_reply_to_the_announcement_is_a_status_update_with_edits_and_deletes(dc: Driver) -> None:
    await active_pair(dc)
    anchor = await dc.checkin_anchor(1)
    home = anchor["channel_id"]
    msg_id = await dc.say(BEN, home, "Drafted the list", reply_to=anchor)
    [u] = await updates(dc)
    assert (u.text, u.external_id) == ("Drafted the list", msg_id)
    assert (home, msg_id, "✅") in dc.api.reactions

    await dc.edit(BEN, home, msg_id, "Drafted the whole list")
    [u] = await updates(dc)
    assert u.text == "Drafted the whole list" and u.edited_at is not None

    await dc.delete(home, msg_id)
    [u] = await updates(dc)
    assert u.deleted_at is not None


async def test_reply_to_the_bots_reply_counts_for_the_same_checkin(dc: Driver) -> None:
    await active_pair(dc)
    await dc.command(BEN, "checkin", None, text="Posted via command")
    anchor = await dc.checkin_anchor(1)
    bot_post = next(
        m for m in dc.api.in_channel(anchor["channel_id"]) if "Posted via command" in m["content"]
    )
    assert bot_post["message_reference"]["message_id"] == anchor["id"]
    await dc.say(ANA, anchor["channel_id"], "Nice, bring it", reply_to=bot_post)
    assert [u.text for u in await updates(dc)][-1] == "Nice, bring it"


async def test_plain_chatter_and_outsiders_are_not_updates(dc: Driver) -> None:
    await active_pair(dc)
    anchor = await dc.checkin_anchor(1)
    await dc.say(ANA, anchor["channel_id"], "just chatting")
    assert await updates(dc) == []
    await dc.say(CY, anchor["channel_id"], "let me in", reply_to=anchor)
    assert await updates(dc) == []
    # The outsider is told, without pinging anyone.
    answer = dc.api.posts()[-1]
    assert "Only the two people" in answer["content"]
    assert answer["message_reference"]["message_id"]
