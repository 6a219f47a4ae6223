"""Slack as it behaves in production: Slackbot and bots in threads, forwards, replies in threads that are
not ours, deactivated members, archived homes, uninstalls and revoked tokens. Payload shapes are the
Events API's own (api.slack.com/events/…), replayed through the real bolt app."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.persistence.tables import CheckIn, Member, Mentorship, OutboxRow, Workspace
from bot.services import schedules
from tests.slack.driver import SlackWorld
from tests.slack.fake_slack import BOT_USER, TEAM, Posted
from tests.slack.test_commands import pair
from tests.slack.test_events import checkin_thread, updates


async def count(world: SlackWorld, model: Any) -> int:
    async with world.runtime.core.core.unit() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


def said(post: Posted) -> str:
    return post.text + "\n" + json.dumps(post.blocks)


async def mentorship(world: SlackWorld) -> Mentorship:
    async with world.runtime.core.core.unit() as uow:
        m = await uow.session.scalar(select(Mentorship))
        assert m is not None
        return m


async def pending(world: SlackWorld) -> list[OutboxRow]:
    async with world.runtime.core.core.unit() as uow:
        return list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.status == "pending")))


# ---- who is talking -----------------------------------------------------------------------------


async def test_slackbot_and_bots_in_a_checkin_thread_are_not_people(world: SlackWorld) -> None:
    channel, thread_ts = await checkin_thread(world)
    members, lookups = await count(world, Member), len(world.fake.of("users.info"))
    base = {"type": "message", "channel": channel, "thread_ts": thread_ts, "channel_type": "mpim"}
    # Slackbot: a user id and no bot_id (api.slack.com/events/message).
    await world.event({**base, "user": "USLACKBOT", "text": "Reminder: standup", "ts": "2.1"})
    # Another app's bot_message, and our own post echoed back (user = our bot user, with bot_id).
    await world.event(
        {**base, "subtype": "bot_message", "bot_id": "B0OTHER", "text": "deploy done", "ts": "2.2"}
    )
    await world.event({**base, "user": BOT_USER, "bot_id": "BBOT", "text": "Got it", "ts": "2.3"})
    # A bot user posting as a user, marked only by bot_profile / app_id.
    await world.event(
        {
            **base,
            "user": "UWORKFLOW",
            "app_id": "A0WF",
            "bot_profile": {"id": "B0WF"},
            "text": "hi",
            "ts": "2.4",
        }
    )
    assert await updates(world) == []
    assert await count(world, Member) == members
    assert len(world.fake.of("users.info")) == lookups
    assert world.fake.of("chat.postEphemeral") == []


async def test_a_forwarded_message_becomes_the_forwarded_text(world: SlackWorld) -> None:
    channel, thread_ts = await checkin_thread(world)
    forwarded = {
        "type": "message",
        "channel": channel,
        "user": world.uid("ben"),
        "text": "",
        "ts": "3.1",
        "thread_ts": thread_ts,
        "channel_type": "mpim",
        "attachments": [
            {
                "ts": "1764400000.000100",
                "channel_id": "C0OTHER",
                "is_msg_unfurl": True,
                "is_share": True,
                "author_id": "UANA",
                "author_name": "ana",
                "fallback": "[November 29th, 2026 9:00 AM] ana: Shipped the migration &amp; the docs",
                "text": "Shipped the migration &amp; the docs",
                "original_url": "https://fake.slack.com/archives/C0OTHER/p1764400000000100",
                "footer": "Posted in #eng",
            }
        ],
    }
    await world.event(forwarded)
    assert [u.text for u in await updates(world)] == ["Shipped the migration & the docs"]
    # A forward whose content is gone (no text anywhere) is no update at all.
    await world.event({**forwarded, "ts": "3.2", "attachments": [{"is_share": True, "fallback": ""}]})
    assert [u.text for u in await updates(world)] == ["Shipped the migration & the docs"]


async def test_a_reply_in_a_thread_that_is_not_ours_touches_nothing(world: SlackWorld) -> None:
    await pair(world)
    workspaces, members = await count(world, Workspace), await count(world, Member)
    lookups = len(world.fake.of("users.info"))
    stranger = world.person("cara")
    event = {
        "type": "message",
        "channel": "C0RANDOM",
        "user": stranger,
        "text": "lunch?",
        "ts": "4.2",
        "thread_ts": "4.1",
        "channel_type": "channel",
    }
    await world.event(event)
    # …and from a workspace the bot has never seen (a shared channel's other side).
    await world.event(event, envelope={"team_id": "T0OTHER"})
    assert (await count(world, Workspace), await count(world, Member)) == (workspaces, members)
    assert len(world.fake.of("users.info")) == lookups
    assert world.fake.of("chat.postEphemeral") == []


# ---- members, homes and installs ----------------------------------------------------------------


async def test_a_deactivated_member_pauses_their_mentorships_and_the_other_is_told(world: SlackWorld) -> None:
    await pair(world)
    before = len(world.fake.posted)
    # user_change with deleted: true is how Slack says someone left (api.slack.com/events/user_change).
    await world.event(
        {
            "type": "user_change",
            "user": {"id": world.uid("ben"), "team_id": TEAM, "name": "ben", "deleted": True, "profile": {}},
            "cache_ts": 1764500000,
            "event_ts": "1764500000.000100",
        }
    )
    m = await mentorship(world)
    assert m.state == "paused"
    assert [r.kind for r in await pending(world)] == []
    told = [p for p in world.fake.posted[before:] if "no longer a member" in said(p)]
    assert len(told) == 1
    dms = {c.params["users"] for c in world.fake.of("conversations.open") if "," not in c.params["users"]}
    assert told[0].channel.startswith("D") and world.uid("ana") in dms  # a DM to the one who stays
    # A profile edit changes nothing.
    await world.event(
        {"type": "user_change", "user": {"id": world.uid("ana"), "team_id": TEAM, "deleted": False}}
    )
    assert (await mentorship(world)).state == "paused"


@pytest.mark.parametrize("kind", ["channel_archive", "group_archive", "channel_deleted", "group_deleted"])
async def test_an_archived_or_deleted_home_is_replaced_and_both_are_told(
    world: SlackWorld, kind: str
) -> None:
    channel, _thread = await checkin_thread(world)
    opens = len(world.fake.of("conversations.open"))
    # Slack gives the same people a new conversation once the old one is gone.
    pair_key = ",".join(sorted([world.uid("ana"), world.uid("ben")]))
    world.fake._homes[pair_key] = "G0NEW"
    event: dict[str, Any] = {"type": kind, "channel": channel}
    if kind.endswith("archive"):
        event["user"] = world.uid("ana")
    await world.event(event)
    m = await mentorship(world)
    assert m.home_channel and m.home_channel != channel
    assert len(world.fake.of("conversations.open")) == opens + 1
    in_new_home = [p for p in world.fake.posted if p.channel == m.home_channel]
    assert "new one" in said(in_new_home[0])
    assert "Next check-in" in said(in_new_home[1])  # the upcoming check-in is announced again
    async with world.runtime.core.core.unit() as uow:
        c = await uow.session.scalar(select(CheckIn).where(CheckIn.state == "upcoming"))
        assert c is not None and c.thread_channel == m.home_channel
    # Replies in the new thread are updates again.
    assert c.thread_id is not None
    await world.reply_in_thread("ben", m.home_channel, c.thread_id, "still on track")
    assert [u.text for u in await updates(world)] == ["still on track"]


async def test_an_unrelated_channel_archived_changes_nothing(world: SlackWorld) -> None:
    await pair(world)
    home = (await mentorship(world)).home_channel
    await world.event({"type": "channel_archive", "channel": "C0RANDOM", "user": world.uid("ana")})
    assert (await mentorship(world)).home_channel == home


@pytest.mark.parametrize(
    "event",
    [
        {"type": "app_uninstalled"},
        {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [BOT_USER]}},
    ],
)
async def test_uninstall_stops_planning_and_keeps_the_data(
    world: SlackWorld, event: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    await pair(world)
    assert await pending(world)
    sent = len(world.fake.posted)
    with caplog.at_level(logging.WARNING):
        await world.event(event)
    assert await pending(world) == []
    # Nothing is deleted or changed: the mentorship is as it was, only nothing is planned for it.
    assert (await mentorship(world)).state == "active"
    assert await count(world, Member) == 2
    assert any("SLACK_BOT_TOKEN" in r.getMessage() for r in caplog.records)
    # The hourly sweep (and a command's reconcile) does not bring the schedule back.
    assert await schedules.reconcile_everything(world.runtime.core.core) == []
    await world.pump.advance(timedelta(days=60))
    assert len(world.fake.posted) == sent and await pending(world) == []


async def test_app_rate_limited_is_acknowledged(world: SlackWorld) -> None:
    # Sent outside event_callback when Slack pauses a workspace's events
    # (api.slack.com/events-api#rate_limiting).
    body = json.dumps(
        {
            "token": "legacy",
            "type": "app_rate_limited",
            "team_id": TEAM,
            "minute_rate_limited": 1518467820,
            "api_app_id": "A0001",
        }
    )
    response = await world.dispatch(body, content_type="application/json")
    assert response.status == 200


async def test_a_working_token_after_an_uninstall_plans_again(world: SlackWorld) -> None:
    from adapters.slack.run import check_bot_token, welcome_back

    await pair(world)
    before = {r.key for r in await pending(world)}
    await world.event({"type": "app_uninstalled"})
    assert await pending(world) == []
    # Installed again with a new token: the start-up check (auth.test) names the workspace.
    await welcome_back(world.runtime, await check_bot_token(world.runtime.bolt.client))
    # The schedule is back exactly as it was: the withdrawn rows are revived.
    assert {r.key for r in await pending(world)} == before
