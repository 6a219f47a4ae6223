"""Office hours through Slack: `/officehours`, the announcement in a community channel with its live
RSVP count (chat.update), questions by modal and by thread reply, the start post, answered, the recap
and the carry-over DM, all through the real bolt app with signed requests."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.domain.states import OutboxStatus
from bot.officehours.tables import OfficeHoursQuestion
from bot.persistence.tables import OutboxRow
from bot.services.members import Actor
from tests.slack.driver import SlackWorld
from tests.slack.fake_slack import TEAM, Posted

CHANNEL = "CHELP"
CREATE = (
    f"/officehours create <#{CHANNEL}|help> monthly on the first thursday at 17:00 "
    "topic Career Q&A hosts @hana"
)


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def button_labels(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["text"]["text"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def in_channel(world: SlackWorld, text: str, *, thread_ts: str | None = None) -> list[Posted]:
    return [
        p for p in world.fake.posted if p.channel == CHANNEL and p.thread_ts == thread_ts and text in said(p)
    ]


def said(p: Posted) -> str:
    return p.text + "\n" + json.dumps(p.blocks)


def dms(world: SlackWorld, name: str) -> list[Posted]:
    """What the bot said in its DM with this person (the fake names a DM by its one member)."""
    channel = world.fake._conversation([world.uid(name)])
    return [p for p in world.fake.posted if p.channel == channel]


async def create(world: SlackWorld) -> None:
    world.person("hana", "UTC", is_admin=True)
    response = await world.command("hana", CREATE, channel=CHANNEL)
    assert response.status == 200 and response.body == ""
    reply = world.last_response()
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == "Office hours created"
    assert "Career Q&amp;A in #help" in world.last_response_text()  # user text escaped for mrkdwn


async def announce(world: SlackWorld) -> Posted:
    await create(world)
    await world.pump.advance(timedelta(hours=10))  # three days ahead: Mon 30 Nov 17:00 for Thu 3 Dec
    (post,) = in_channel(world, "Office hours: Career Q&A")
    return post


async def test_the_whole_cycle_in_a_channel_the_bot_joins(world: SlackWorld) -> None:
    world.fake.not_joined.add(CHANNEL)  # nobody invited the bot: it joins the public channel itself
    post = await announce(world)
    assert [c.params["channel"] for c in world.fake.of("conversations.join")] == [CHANNEL]
    assert action_ids(post.blocks) == ["oh:rsvp:1", "oh:ask:1"]
    assert button_labels(post.blocks)[0] == "RSVP (0 going)"
    async with world.runtime.core.core.unit() as uow:
        row = await uow.session.scalar(select(OutboxRow).where(OutboxRow.kind == "oh.announce"))
        assert row is not None and row.status == OutboxStatus.SENT.value

    # RSVP with the button on the announcement: a private answer, then the count on it goes live.
    for name in ("ann", "bo"):
        response = await world.press(name, "oh:rsvp:1", channel=CHANNEL, message_ts=post.ts)
        assert response.status == 200 and response.body == ""
        assert world.last_response()["response_type"] == "ephemeral"
    assert not world.fake.of("chat.update")  # edits within a few seconds collapse into one
    await world.pump.advance(timedelta(minutes=1))
    updates = world.fake.of("chat.update")
    assert [(u.params["channel"], u.params["ts"]) for u in updates] == [(CHANNEL, post.ts)]
    assert button_labels(updates[-1].params["blocks"])[0] == "RSVP (2 going)"
    assert button_labels(post.blocks)[0] == "RSVP (2 going)"  # the fake applied the edit

    # Ask with the announcement's button: a modal, whose submission queues the question.
    await world.press("cy", "oh:ask:1", channel=CHANNEL, message_ts=post.ts)
    view = world.fake.of("views.open")[-1].params["view"]
    assert view["callback_id"] == "oh:ask:1" and [b["block_id"] for b in view["blocks"]] == ["text"]
    await world.submit("cy", view, {"text": "How do I write a promotion packet?"})
    assert "Queued as Q1" in world.last_response_text()

    # Ask by replying in the announcement's thread; the answer is ephemeral, in the thread.
    response = await world.reply_in_thread(
        "bo", CHANNEL, post.ts, "What should a staff engineer spend time on?", channel_type="channel"
    )
    assert response.status == 200
    ephemeral = world.fake.of("chat.postEphemeral")[-1].params
    assert ephemeral["channel"] == CHANNEL and ephemeral["thread_ts"] == post.ts
    assert ephemeral["user"] == world.uid("bo") and "Queued as Q2" in json.dumps(ephemeral["blocks"])
    await world.press("ann", "oh:upvote:2", channel=CHANNEL, message_ts=post.ts)
    assert world.last_response()["response_type"] == "ephemeral"
    await world.command("ann", "/officehours questions", channel=CHANNEL)
    queue = world.last_response_text()
    assert queue.index("Q2") < queue.index("Q1")  # votes first

    # The reminder hour, then the start post in the channel with the queue and Answered buttons.
    await world.pump.advance(timedelta(hours=69, minutes=59))
    assert any("starts" in said(p) for p in dms(world, "ann"))
    await world.pump.advance(timedelta(hours=1))
    (start,) = in_channel(world, "Starting now: Career Q&A")
    assert action_ids(start.blocks) == ["oh:answered:2", "oh:answered:1"]

    # Only hosts mark questions answered.
    await world.press("ann", "oh:answered:2", channel=CHANNEL, message_ts=start.ts)
    assert "Only the hosts" in world.last_response_text()
    await world.press("hana", "oh:answered:2", channel=CHANNEL, message_ts=start.ts)
    assert world.last_response()["response_type"] == "ephemeral"
    assert "Only the hosts" not in world.last_response_text()

    # The session ends: the one host is asked by DM for a recap, and writes it in a modal.
    await world.pump.advance(timedelta(hours=1))
    (ask,) = [p for p in dms(world, "hana") if "thanks for hosting" in said(p)]
    assert action_ids(ask.blocks) == ["oh:recap:1"]
    await world.press("hana", "oh:recap:1", channel=ask.channel, message_ts=ask.ts)
    view = world.fake.of("views.open")[-1].params["view"]
    assert view["callback_id"] == "oh:recap:1"
    await world.submit("hana", view, {"text": "Promotion packets & staff work; slides in the thread."})

    # The recap goes into the announcement's thread; the open question carries over by DM.
    (recap,) = in_channel(world, "Recap: Career Q&A", thread_ts=post.ts)
    rendered = said(recap)
    assert "Answered (1)" in rendered and "Carried over to next time (1)" in rendered
    assert "staff work" in rendered
    carried = [p for p in dms(world, "cy") if "carries over to the next session" in said(p)]
    assert len(carried) == 1 and "promotion packet" in said(carried[0])
    async with world.runtime.core.core.unit() as uow:
        rows = list(await uow.session.scalars(select(OfficeHoursQuestion).order_by(OfficeHoursQuestion.id)))
    assert [(q.session_id, q.state) for q in rows] == [(1, "carried"), (1, "answered"), (2, "open")]
    # One join was enough for the whole cycle; nothing failed.
    assert len(world.fake.of("conversations.join")) == 1
    async with world.runtime.core.core.unit() as uow:
        failed = list(
            await uow.session.scalars(select(OutboxRow).where(OutboxRow.status == OutboxStatus.FAILED.value))
        )
    assert failed == []


async def test_help_and_every_slash_command_reach_the_core(world: SlackWorld) -> None:
    await world.command("ana", "/officehours help")
    reply = world.last_response()
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": "/officehours"}}
    assert "rsvp" in world.last_response_text()
    actor = Actor(platform="slack", workspace_id=TEAM, user_id=world.uid("ana"))
    for name in world.runtime.core.router.registry.names():
        assert (await world.runtime.core.router.command(actor, name, "help")).ok, name


async def test_only_hosts_and_admins_create_and_run_office_hours(world: SlackWorld) -> None:
    world.person("hana", "UTC", is_admin=False)
    await world.command("ann", CREATE, channel=CHANNEL)
    assert "created by workspace admins and by the people they allow" in world.last_response_text()
    await world.command("ann", "/officehours list")
    assert "Career Q&A" not in world.last_response_text()
    await create_as_admin(world)
    await world.command("ann", "/officehours cancel 1")
    assert "Only the hosts" in world.last_response_text()
    await world.command("ann", "/officehours recap 1 I was not even there")
    assert "Only the hosts" in world.last_response_text()


async def create_as_admin(world: SlackWorld) -> None:
    world.person("root", "UTC", is_admin=True)
    await world.command("root", CREATE, channel=CHANNEL)
    await world.command("root", "/officehours list")
    assert "Career Q&amp;A" in world.last_response_text()


async def test_bad_input_is_answered_privately_and_specifically(world: SlackWorld) -> None:
    world.person("hana", "UTC", is_admin=True)
    cases = [
        ("/officehours create monthly on the first thursday at 17:00", "Name the channel"),
        (f"/officehours create <#{CHANNEL}|help>", "Say when"),
        (f"/officehours create <#{CHANNEL}|help> every blue moon", "every blue moon"),
        ("/officehours next", "No office hours are running"),
        ("/officehours frobnicate", "frobnicate"),
    ]
    for line, expected in cases:
        response = await world.command("hana", line)
        assert response.status == 200 and response.body == ""
        assert world.last_response()["response_type"] == "ephemeral"
        assert expected in world.last_response_text(), line
    await world.press("ana", "oh:rsvp:999")
    assert world.last_response()["response_type"] == "ephemeral"
    assert world.fake.posted == []


async def test_a_private_channel_the_bot_is_not_in_fails_once_with_a_clear_reason(
    world: SlackWorld,
) -> None:
    world.fake.private.add(CHANNEL)
    await create(world)
    await world.pump.advance(timedelta(hours=10))
    assert not in_channel(world, "Office hours")
    assert len(world.fake.of("conversations.join")) == 1  # tried once, then gave up for good
    async with world.runtime.core.core.unit() as uow:
        row = await uow.session.scalar(select(OutboxRow).where(OutboxRow.kind == "oh.announce"))
    assert row is not None and row.status == OutboxStatus.FAILED.value
    assert "invite" in (row.last_error or "") and "method_not_supported_for_channel_type" in (
        row.last_error or ""
    )


async def test_a_retried_thread_reply_is_one_question(world: SlackWorld) -> None:
    post = await announce(world)
    text = "Is it ok to ask about side projects?"
    for kw in ({"event_id": "EvQ"}, {"event_id": "EvQ", "retry": 1}, {"event_id": "EvQ2"}):
        await world.reply_in_thread("cy", CHANNEL, post.ts, text, ts="5.5", channel_type="channel", **kw)
    async with world.runtime.core.core.unit() as uow:
        texts = list(await uow.session.scalars(select(OfficeHoursQuestion.text)))
    assert texts == [text]
    assert len(world.fake.of("chat.postEphemeral")) == 1
    # Chatter at the channel's top level and in other threads is not a question.
    await world.event({"type": "message", "channel": CHANNEL, "user": "UCY", "text": "hi all", "ts": "5.6"})
    await world.reply_in_thread("cy", CHANNEL, "4.4", "unrelated", ts="5.7", channel_type="channel")
    async with world.runtime.core.core.unit() as uow:
        assert len(list(await uow.session.scalars(select(OfficeHoursQuestion.id)))) == 1
    assert len(world.fake.of("chat.postEphemeral")) == 1
