"""Events: replies in a check-in's thread, their edits and deletes, retries, App Home, the unknown."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.persistence.tables import CheckIn, StatusUpdate
from tests.slack.driver import SlackWorld
from tests.slack.test_commands import pair


async def checkin_thread(world: SlackWorld) -> tuple[str, str]:
    await pair(world)
    async with world.runtime.core.core.unit() as uow:
        c = await uow.session.scalar(select(CheckIn).where(CheckIn.thread_id.is_not(None)))
        assert c is not None and c.thread_channel and c.thread_id
        return c.thread_channel, c.thread_id


async def updates(world: SlackWorld) -> list[StatusUpdate]:
    async with world.runtime.core.core.unit() as uow:
        return list(await uow.session.scalars(select(StatusUpdate).order_by(StatusUpdate.id)))


async def test_the_thread_parent_is_the_checkin_announcement(world: SlackWorld) -> None:
    channel, thread_ts = await checkin_thread(world)
    parent = next(p for p in world.fake.posted if p.ts == thread_ts)
    assert parent.channel == channel and parent.thread_ts is None


async def test_a_reply_in_the_thread_becomes_a_status_update(world: SlackWorld) -> None:
    channel, thread_ts = await checkin_thread(world)
    response = await world.reply_in_thread("ben", channel, thread_ts, "Drafted the list &amp; more", ts="1.5")
    assert response.status == 200
    saved = await updates(world)
    assert [u.text for u in saved] == ["Drafted the list & more"]
    ephemeral = world.fake.of("chat.postEphemeral")[-1].params
    assert ephemeral["user"] == "UBEN" and ephemeral["thread_ts"] == thread_ts


async def test_a_retried_event_never_makes_a_second_update(world: SlackWorld) -> None:
    channel, thread_ts = await checkin_thread(world)
    await world.reply_in_thread("ben", channel, thread_ts, "once", ts="1.6", event_id="EvSAME")
    await world.reply_in_thread("ben", channel, thread_ts, "once", ts="1.6", event_id="EvSAME", retry=1)
    await world.reply_in_thread("ben", channel, thread_ts, "once", ts="1.6", event_id="EvSAME", retry=2)
    # A different event id for the same message (Slack does not do this, but the message ts guards too).
    await world.reply_in_thread("ben", channel, thread_ts, "once", ts="1.6", event_id="EvOTHER")
    assert [u.text for u in await updates(world)] == ["once"]
    assert len(world.fake.of("chat.postEphemeral")) == 1


async def test_edits_and_deletes_are_reflected(world: SlackWorld) -> None:
    channel, thread_ts = await checkin_thread(world)
    await world.reply_in_thread("ben", channel, thread_ts, "first try", ts="1.7")
    await world.event(
        {
            "type": "message",
            "subtype": "message_changed",
            "channel": channel,
            "message": {
                "type": "message",
                "user": "UBEN",
                "text": "second &lt;try&gt;",
                "ts": "1.7",
                "thread_ts": thread_ts,
            },
            "previous_message": {"type": "message", "user": "UBEN", "text": "first try", "ts": "1.7"},
            "ts": "1.8",
        }
    )
    (update,) = await updates(world)
    assert update.text == "second <try>" and update.edited_at is not None
    await world.event(
        {
            "type": "message",
            "subtype": "message_deleted",
            "channel": channel,
            "deleted_ts": "1.7",
            "previous_message": {"type": "message", "user": "UBEN", "text": "second", "ts": "1.7"},
            "ts": "1.9",
        }
    )
    (update,) = await updates(world)
    assert update.deleted_at is not None


async def test_other_threads_and_bots_are_ignored(world: SlackWorld) -> None:
    channel, thread_ts = await checkin_thread(world)
    await world.reply_in_thread("ben", "C_OTHER", "9.9", "unrelated", ts="2.1")
    await world.event(
        {"type": "message", "channel": channel, "user": "UBEN", "text": "top level", "ts": "2.2"}
    )
    await world.event(
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "BBOT",
            "channel": channel,
            "text": "me",
            "ts": "2.3",
            "thread_ts": thread_ts,
        }
    )
    await world.event(
        {
            "type": "message",
            "bot_id": "BBOT",
            "user": "UBOT",
            "channel": channel,
            "text": "me too",
            "ts": "2.4",
            "thread_ts": thread_ts,
        }
    )
    assert await updates(world) == []
    assert world.fake.of("chat.postEphemeral") == []


async def test_app_home_shows_mentorships_next_checkins_and_action_buttons(world: SlackWorld) -> None:
    await pair(world)
    await world.command("ben", "/actions add Rewrite the list @ben due in 1 week")
    await world.event({"type": "app_home_opened", "user": "UBEN", "channel": "D0001", "tab": "home"})
    (call,) = world.fake.of("views.publish")
    assert call.params["user_id"] == "UBEN"
    view = json.dumps(call.params["view"])
    assert "<!date^" in view and "Rewrite the list" in view and "actions:done:" in view
    # Pressing a button in the home answers by DM and refreshes the home.
    action_id = next(
        e["action_id"]
        for b in call.params["view"]["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("actions:done:")
    )
    await world.press("ben", action_id, in_home=True)
    assert len(world.fake.of("views.publish")) == 2
    assert world.fake.posted[-1].channel.startswith("D")
    assert "Rewrite the list" not in json.dumps(world.fake.of("views.publish")[-1].params["view"])


async def test_app_home_for_a_newcomer(world: SlackWorld) -> None:
    await world.event({"type": "app_home_opened", "user": "UANA", "channel": "D0001", "tab": "home"})
    assert world.fake.of("views.publish")
    await world.event({"type": "app_home_opened", "user": "UANA", "channel": "D0001", "tab": "messages"})
    assert len(world.fake.of("views.publish")) == 1


async def test_unknown_events_and_malformed_payloads_never_crash(world: SlackWorld) -> None:
    ok = await world.event({"type": "reaction_added", "user": "UANA", "reaction": "tada"})
    assert ok.status == 200
    weird = await world.event({"type": "message", "channel": None, "user": "UX", "thread_ts": [], "ts": {}})
    assert weird.status == 200
    # Bodies bolt cannot even parse are covered over HTTP in test_http.py.
    for body, ctype in (
        (
            "payload=" + json.dumps({"type": "block_actions", "actions": "nope"}),
            "application/x-www-form-urlencoded",
        ),
        ("payload=" + json.dumps({"type": "mystery"}), "application/x-www-form-urlencoded"),
    ):
        response = await world.dispatch(body, content_type=ctype)
        assert response.status < 500
    async with world.runtime.core.core.unit() as uow:
        assert await uow.session.scalar(select(func.count(StatusUpdate.id))) == 0


async def test_old_event_ids_are_pruned(world: SlackWorld) -> None:
    from datetime import timedelta

    from adapters.slack.dedupe import already_handled, prune, remember
    from adapters.slack.tables import SlackEvent
    from bot.persistence.db import session_factory

    sessions = session_factory(world.runtime.core.engine)
    now = world.clock.now()
    await remember(sessions, "EvOLD", "T", now - timedelta(days=2))
    assert not await already_handled(sessions, "EvNEW")
    await remember(sessions, "EvNEW", "T", now)
    await remember(sessions, "EvNEW", "T", now)  # a concurrent delivery: harmless
    assert await already_handled(sessions, "EvNEW")
    assert await prune(sessions, now) == 1
    async with sessions() as s:
        assert list(await s.scalars(select(SlackEvent.event_id))) == ["EvNEW"]
