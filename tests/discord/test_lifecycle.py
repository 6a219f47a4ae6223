"""Discord as it behaves in production: a deleted home thread (THREAD_DELETE, or only 10003 when a post
fails), the mentorship channel deleted, members leaving (GUILD_MEMBER_REMOVE), the bot removed from a
server (GUILD_DELETE) versus an outage (GUILD_DELETE unavailable), forwards, replies in threads that are
not ours, and modal submissions that reach a process which never opened the modal."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from bot.clock import SimulatedClock
from bot.persistence.tables import Member, Mentorship, OutboxRow, Workspace
from tests.discord import payloads as pl
from tests.discord.conftest import ADMIN, ANA, BEN, CY, start_bot
from tests.discord.driver import Driver, text_of
from tests.discord.fakeapi import FakeDiscord
from tests.discord.test_interactions import active_pair
from tests.discord.test_threads import updates
from tests.harness import START


async def mentorship(dc: Driver) -> Mentorship:
    async with dc.bot.app.core.unit() as uow:
        m = await uow.session.scalar(select(Mentorship))
        assert m is not None
        return m


async def count(dc: Driver, model: Any) -> int:
    async with dc.bot.app.core.unit() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def pending(dc: Driver) -> list[OutboxRow]:
    async with dc.bot.app.core.unit() as uow:
        return list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.status == "pending")))


def home_thread_payload(thread_id: str) -> dict[str, Any]:
    # THREAD_DELETE carries only these (discord.com/developers/docs/topics/gateway-events#thread-delete).
    return {"id": thread_id, "guild_id": str(pl.GUILD), "parent_id": str(pl.CHANNEL), "type": 12}


async def test_a_deleted_home_thread_is_replaced_and_both_are_told(dc: Driver) -> None:
    await active_pair(dc)
    old = (await mentorship(dc)).home_channel
    assert old is not None
    dc.api.deleted_channels.add(old)
    await dc._event("thread_delete", lambda: dc.state.parse_thread_delete(home_thread_payload(old)))
    new = (await mentorship(dc)).home_channel
    assert new is not None and new != old
    said = [text_of(m) for m in dc.api.in_channel(new)]
    assert any("new one" in s for s in said)
    assert any("Next check-in" in s for s in said)  # the upcoming check-in, announced again
    assert {str(ANA.id), str(BEN.id)} <= dc.api.thread_members[new]
    # Updates work again, in the new home.
    assert "Posted" in await dc.command(BEN, "checkin", None, text="Drafted the plan")
    assert any("Drafted the plan" in text_of(m) for m in dc.api.in_channel(new))
    anchor = await dc.checkin_anchor(1)  # the same check-in, announced in the new home
    assert anchor["channel_id"] == new
    await dc.say(ANA, new, "Reviewed it", reply_to=anchor)
    assert [u.text for u in await updates(dc)][-1] == "Reviewed it"


async def test_unknown_channel_on_send_forgets_the_home_and_the_post_arrives_in_a_new_one(dc: Driver) -> None:
    await active_pair(dc)
    old = (await mentorship(dc)).home_channel
    assert old is not None
    dc.api.deleted_channels.add(old)  # deleted while the bot was offline: no THREAD_DELETE came
    await dc.command(BEN, "checkin", None, text="Shipped the draft")
    await dc.advance("1m")
    new = (await mentorship(dc)).home_channel
    assert new is not None and new != old
    texts = [text_of(m) for m in dc.api.in_channel(new)]
    assert any("new one" in t for t in texts) and any("Shipped the draft" in t for t in texts)
    async with dc.bot.app.core.unit() as uow:
        failed = list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.status == "failed")))
    assert failed == []


async def test_the_mentorship_channel_deleted_forgets_the_setting_and_the_homes(dc: Driver) -> None:
    await active_pair(dc)
    channel = pl.text_channel(pl.CHANNEL, "mentorships")
    await dc._event(
        "channel_delete", lambda: dc.state.parse_channel_delete({**channel, "guild_id": str(pl.GUILD)})
    )
    async with dc.bot.app.core.unit() as uow:
        ws = await uow.session.scalar(select(Workspace))
        assert ws is not None and "discord_channel_id" not in (ws.settings or {})
    assert (await mentorship(dc)).home_channel is None


async def test_a_member_who_leaves_pauses_the_mentorship_and_the_other_is_told(dc: Driver) -> None:
    await active_pair(dc)
    before = len(dc.api.dms(ANA.id))
    payload = {"guild_id": str(pl.GUILD), "user": BEN.user()}
    await dc._event("member_remove", lambda: dc.state.parse_guild_member_remove(payload))
    assert (await mentorship(dc)).state == "paused"
    assert [r.kind for r in await pending(dc)] == []
    told = dc.api.dms(ANA.id)[before:]
    assert len(told) == 1 and "no longer a member" in text_of(told[0])
    # Someone without a mentorship leaving changes nothing (and stores nobody).
    members = await count(dc, Member)
    await dc._event(
        "member_remove",
        lambda: dc.state.parse_guild_member_remove({"guild_id": str(pl.GUILD), "user": CY.user()}),
    )
    assert await count(dc, Member) == members and (await mentorship(dc)).state == "paused"


async def test_guild_unavailable_changes_nothing_but_removal_stops_planning(dc: Driver) -> None:
    await active_pair(dc)
    rows, members = len(await pending(dc)), await count(dc, Member)
    assert rows
    # An outage: GUILD_DELETE with unavailable: true.
    dc.state.parse_guild_delete({"id": str(pl.GUILD), "unavailable": True})
    await asyncio.sleep(0)
    assert len(await pending(dc)) == rows and (await mentorship(dc)).state == "active"
    # Back from the outage, then removed for real: GUILD_DELETE without `unavailable`.
    dc.state.parse_guild_create(pl.guild_create([ADMIN, ANA, BEN, CY]))
    await dc._event("guild_remove", lambda: dc.state.parse_guild_delete({"id": str(pl.GUILD)}))
    assert await pending(dc) == []
    assert (await mentorship(dc)).state == "active" and await count(dc, Member) == members  # data kept
    # Invited back: the schedule is planned again.
    invited = {**pl.guild_create([ADMIN, ANA, BEN, CY])}
    invited.pop("unavailable")  # a GUILD_CREATE for a guild joined now has no `unavailable` field
    await dc._event("guild_join", lambda: dc.state.parse_guild_create(invited))
    assert len(await pending(dc)) == rows


async def test_a_forward_is_not_an_empty_update(dc: Driver) -> None:
    await active_pair(dc)
    anchor = await dc.checkin_anchor(1)
    home = anchor["channel_id"]
    forward = pl.message(pl.snowflake(), home, BEN, "")
    # A forward: message_reference.type 1, the content in message_snapshots, flag HAS_SNAPSHOT.
    forward["message_reference"] = {
        "type": 1,
        "message_id": anchor["id"],
        "channel_id": home,
        "guild_id": str(pl.GUILD),
    }
    forward["message_snapshots"] = [
        {
            "message": {
                **{k: anchor[k] for k in ("type", "embeds", "attachments", "timestamp")},
                "content": "Forwarded notes",
                "edited_timestamp": None,
                "flags": 0,
                "mentions": [],
                "mention_roles": [],
                "components": [],
            }
        }
    ]
    forward["flags"] = 1 << 14
    await dc._event("message", lambda: dc.state.parse_message_create(forward))
    assert await updates(dc) == []
    assert not any(r[1] == forward["id"] for r in dc.api.reactions)


async def test_a_reply_in_a_thread_that_is_not_ours_touches_nothing(dc: Driver) -> None:
    await active_pair(dc)
    members, workspaces = await count(dc, Member), await count(dc, Workspace)
    lookups = len([r for r in dc.api.requests if "/members/" in r.path])
    other = pl.message(pl.snowflake(), str(pl.GENERAL), ANA, "lunch?")
    dc.api.messages[other["id"]] = other
    await dc.say(CY, str(pl.GENERAL), "sure", reply_to=other)
    assert (await count(dc, Member), await count(dc, Workspace)) == (members, workspaces)
    assert len([r for r in dc.api.requests if "/members/" in r.path]) == lookups
    assert await updates(dc) == []


async def test_a_modal_submitted_to_a_process_that_never_opened_it_is_answered(
    database_url: str, api: FakeDiscord
) -> None:
    first = await start_bot(database_url, api, SimulatedClock(START))
    try:
        await active_pair(first)
        [modal] = await first.command_raw(BEN, "checkin", None, kind="update")
        custom_id = modal["data"]["custom_id"]
        [form] = await first.command_raw(ANA, "mentor", "pair", member=CY)
    finally:
        await first.bot.close()
    # A restart (or another process) receives the submissions.
    second = await start_bot(database_url, api, SimulatedClock(START))
    try:
        assert "Posted" in await second.submit(BEN, custom_id, {"text": "Wrote the outline"})
        assert [u.text for u in await updates(second)] == ["Wrote the outline"]
        text = await second.submit(
            ANA, form["data"]["custom_id"], {"goal": "learn Go", "by": "", "focus": ""}
        )
        assert "Proposed" in text and "learn Go" in text
        # An id from some other version is answered too, never left hanging.
        assert "older version" in await second.submit(ANA, "mbc:retired:1:2", {"text": "x"})
    finally:
        await second.bot.close()


async def test_a_button_from_an_older_version_gets_an_answer(dc: Driver) -> None:
    msg = pl.message(pl.snowflake(), str(pl.GENERAL), pl.BOT_USER, "old card")
    responses = await dc._interact(pl.press(ANA, "legacy:accept:7", msg, in_dm=False))
    assert responses and "older version" in text_of(responses[0].get("data") or {})


async def test_a_bulk_delete_deletes_the_updates(dc: Driver) -> None:
    await active_pair(dc)
    anchor = await dc.checkin_anchor(1)
    first = await dc.say(BEN, anchor["channel_id"], "one", reply_to=anchor)
    second = await dc.say(BEN, anchor["channel_id"], "two", reply_to=anchor)
    payload = {"ids": [first, second], "channel_id": anchor["channel_id"], "guild_id": str(pl.GUILD)}
    await dc._event("bulk_delete", lambda: dc.state.parse_message_delete_bulk(payload))
    assert all(u.deleted_at is not None for u in await updates(dc)) and len(await updates(dc)) == 2
