"""Done when the console's end-to-end month (adapters/console/demo.py SCRIPT) also runs through the
Slack adapter: every line becomes a signed Slack request, and the month ends where the console's does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.console.demo import SCRIPT
from adapters.console.demo import START as DEMO_START
from adapters.console.run import build_console
from bot import wording
from bot.clock import SimulatedClock
from bot.domain.timeparse import parse_duration
from bot.persistence.tables import ActionItem, CheckIn, Mentorship, OutboxRow, Reflection, StatusUpdate
from tests.slack.driver import SlackWorld

NAMES = {"ana": "Europe/Berlin", "ben": "America/New_York"}


async def outcome(engine: AsyncEngine) -> dict[str, Any]:
    """The month's result, free of platform ids, to compare the two runs."""
    from bot.persistence.db import session_factory

    async with session_factory(engine)() as s:
        m = await s.scalar(select(Mentorship))
        assert m is not None
        return {
            "mentorship": (m.state, m.stage, m.goals, m.focus, m.keep_in_touch, m.cadence_phrase),
            "checkins": [
                (c.scheduled_at, c.state, c.takeaways)
                for c in await s.scalars(select(CheckIn).order_by(CheckIn.scheduled_at))
            ],
            "actions": [
                (a.text, a.state, a.due_date)
                for a in await s.scalars(select(ActionItem).order_by(ActionItem.id))
            ],
            "updates": [u.text for u in await s.scalars(select(StatusUpdate).order_by(StatusUpdate.id))],
            "reflections": [r.text for r in await s.scalars(select(Reflection).order_by(Reflection.id))],
            "deliveries": sorted((o.kind, o.status, o.due_at) for o in await s.scalars(select(OutboxRow))),
        }


async def console_month(tmp: Path) -> dict[str, Any]:
    lines: list[str] = []
    console, app = await build_console(
        f"sqlite+aiosqlite:///{tmp / 'console.sqlite3'}", SimulatedClock(DEMO_START), lines.append
    )
    try:
        await console.run_lines(SCRIPT.splitlines(), echo=False)
        return await outcome(app.engine)
    finally:
        await app.close()


async def thread_of(world: SlackWorld, number: int) -> tuple[str, str]:
    """Thread N as the console numbers them: the Nth check-in thread the bot started."""
    async with world.runtime.core.core.unit() as uow:
        threads = sorted(
            {
                (c.thread_id, c.thread_channel)
                for c in await uow.session.scalars(select(CheckIn))
                if c.thread_id
            }
        )
    thread_ts, channel = threads[number - 1]
    assert channel is not None and thread_ts is not None
    return channel, thread_ts


async def slack_month(world: SlackWorld) -> list[str]:
    """Plays SCRIPT as Slack traffic; returns every private/public answer the people saw."""
    answers: list[str] = []
    for raw in SCRIPT.splitlines():
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith(":tz "):
            _, who, zone = text.split()
            await world.command(who[1:], f"/timezone {zone}")
        elif text.startswith(":advance "):
            await world.pump.advance(parse_duration(text.split(maxsplit=1)[1]))
            continue
        else:
            who, _, rest = text.partition(" ")
            name = who[1:]
            if rest.startswith(">"):
                number, _, body = rest[1:].partition(" ")
                channel, thread_ts = await thread_of(world, int(number))
                before = len(world.fake.of("chat.postEphemeral"))
                await world.reply_in_thread(name, channel, thread_ts, body)
                assert len(world.fake.of("chat.postEphemeral")) == before + 1
                answers.append(json.dumps(world.fake.of("chat.postEphemeral")[-1].params))
                continue
            await world.command(name, rest)
        answers.append(world.last_response_text())
    return answers


async def test_the_console_month_runs_through_slack(database_url: str, tmp_path: Path) -> None:
    world = await SlackWorld.create(database_url)
    world.clock.set(DEMO_START)
    for name, zone in NAMES.items():
        world.person(name, zone)
    try:
        answers = await slack_month(world)
        spoken = [t for t in SCRIPT.splitlines() if (t.strip() and t[0] not in "#:") or t.startswith(":tz")]
        assert len(answers) == len(spoken)
        for answer in answers:
            assert wording.OOPS not in answer and wording.TRY_AGAIN not in answer
        assert world.verify_everything_sent() > 50
        slack = await outcome(world.runtime.core.engine)
    finally:
        await world.close()
    console = await console_month(tmp_path)
    assert slack == console
    assert slack["mentorship"][0] == "concluded" and slack["mentorship"][4] is True
    assert [a[1] for a in slack["actions"]] == ["done", "done"]
    # Ana's thread reply is among the updates, saved once.
    assert slack["updates"].count("Good start. Bring the list; we'll go through it together.") == 1
