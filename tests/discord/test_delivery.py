"""DiscordChat as the core's gateway: the contract, nonce dedupe, and every failure becoming a clear,
recorded outcome rather than an exception in the gateway loop."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.messages import simple
from bot.persistence.tables import OutboxRow
from bot.ports import ChannelPost, DeliveryError, DirectMessage
from tests.contract import check_gateway_contract, check_lookup_contract
from tests.discord.conftest import ANA, BEN, setup_channel
from tests.discord.driver import Driver, text_of
from tests.discord.test_interactions import active_pair


async def outbox(dc: Driver) -> list[OutboxRow]:
    async with dc.bot.app.core.unit() as uow:
        return list(await uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


async def test_lookup_contract_finds_sends_by_their_nonce(dc: Driver) -> None:
    await setup_channel(dc)
    assert dc.bot.chat is not None
    await check_lookup_contract(dc.bot.chat, dc.bot.chat, "500", [str(ANA.id), str(BEN.id)])
    reads = [r for r in dc.api.requests if r.method == "GET" and r.path.endswith("/messages")]
    assert reads and all(r.query.get("limit") for r in reads)


async def test_gateway_contract(dc: Driver) -> None:
    await setup_channel(dc)
    assert dc.bot.chat is not None
    parent, reply, dm, plain = await check_gateway_contract(dc.bot.chat, "500", [str(ANA.id), str(BEN.id)])
    assert parent.thread_id == parent.message_id and parent.channel_id == plain.channel_id
    assert dc.api.messages[reply.message_id]["message_reference"]["message_id"] == parent.thread_id
    assert dm.channel_id == dc.api.dm_channel_of(ANA.id)


async def test_a_retried_send_posts_once(dc: Driver) -> None:
    assert dc.bot.chat is not None
    first = await dc.bot.chat.send("500", DirectMessage(str(ANA.id)), simple("hi"), idempotency_key="k:1")
    again = await dc.bot.chat.send("500", DirectMessage(str(ANA.id)), simple("hi"), idempotency_key="k:1")
    assert first == again and len(dc.api.dms(ANA.id)) == 1
    sends = [r.body for r in dc.api.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert len(sends) == 2 and sends[0]["nonce"] == sends[1]["nonce"] and sends[0]["enforce_nonce"] is True


async def test_closed_dms_fall_back_to_the_home_thread(dc: Driver, caplog: pytest.LogCaptureFixture) -> None:
    await active_pair(dc)
    dc.api.dms_closed.add(str(BEN.id))
    [home] = dc.api.threads()
    with caplog.at_level(logging.WARNING, "adapters.discord.chat"):
        await dc.advance("1d")
    fallback = [m for m in dc.api.in_channel(home["id"]) if "couldn't DM you" in text_of(m)]
    assert fallback and fallback[0]["content"].startswith(f"<@{BEN.id}>")
    assert "Check-in coming up" in text_of(fallback[0])
    assert any("DM to 1002" in r.message for r in caplog.records)
    assert not [r for r in await outbox(dc) if r.status == "failed"]


async def test_closed_dms_without_a_home_mark_the_row_failed_with_the_reason(dc: Driver) -> None:
    await setup_channel(dc)
    dc.api.dms_closed.add(str(BEN.id))
    assert "Proposed" in await dc.command(ANA, "mentor", "pair", member=BEN, goal="ready for promotion")
    failed = [r for r in await outbox(dc) if r.status == "failed"]
    assert failed and "does not accept direct messages" in (failed[0].last_error or "")


async def test_deleted_home_thread_fails_rows_with_a_reason(dc: Driver) -> None:
    await active_pair(dc)
    [home] = dc.api.threads()
    dc.api.deleted_channels.add(home["id"])
    await dc.advance("2d")
    failed = [r for r in await outbox(dc) if r.status == "failed"]
    assert failed and all("no longer exists" in (r.last_error or "") for r in failed)
    # The people still hear about it by DM.
    assert any("deliver" in text_of(m).lower() or "couldn" in text_of(m).lower() for m in dc.api.dms(ANA.id))


async def test_member_who_left_is_named_in_the_new_home(dc: Driver) -> None:
    await setup_channel(dc)
    await dc.command(ANA, "mentor", "pair", member=BEN, goal="ready for promotion")
    dc.api.gone_members.add(str(BEN.id))
    await dc.command(BEN, "mentor", "accept")
    [home] = dc.api.threads()
    assert dc.api.thread_members[home["id"]] == {"9001", str(ANA.id)}
    assert any(
        "couldn't add" in m["content"] and f"<@{BEN.id}>" in m["content"]
        for m in dc.api.in_channel(home["id"])
    )


async def test_missing_permissions_end_as_failed_rows(dc: Driver) -> None:
    await setup_channel(dc)
    dc.api.no_permission.add("600")
    await dc.command(ANA, "mentor", "pair", member=BEN, goal="ready for promotion")
    await dc.command(BEN, "mentor", "accept")
    await dc.advance("1d")
    failed = [r for r in await outbox(dc) if r.status == "failed"]
    assert failed and any("lacks a permission" in (r.last_error or "") for r in failed)


async def test_no_channel_configured_is_a_clear_error(dc: Driver) -> None:
    assert dc.bot.chat is not None
    with pytest.raises(DeliveryError, match="/mentor setup"):
        await dc.bot.chat.open_home("500", [str(ANA.id)], "x")


async def test_edit_changes_a_sent_message(dc: Driver) -> None:
    await setup_channel(dc)
    assert dc.bot.chat is not None
    home = await dc.bot.chat.open_home("500", [str(ANA.id)], "office hours")
    sent = await dc.bot.chat.send("500", ChannelPost(home), simple("3 seats left"), idempotency_key="e:1")
    await dc.bot.chat.edit("500", sent.channel_id, sent.message_id, simple("2 seats left"))
    assert dc.api.messages[sent.message_id]["content"] == "2 seats left"
    with pytest.raises(DeliveryError, match="no longer exists"):
        await dc.bot.chat.edit("500", "424242", sent.message_id, simple("x"))
