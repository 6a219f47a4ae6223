"""A Slack workspace deleted after its retention period takes its installation (the bot token) and its
handled event ids with it, through the eraser the Slack adapter registers; other workspaces keep theirs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from adapters.slack.tables import SlackEvent, erase_workspace, slack_app_bots, slack_app_installations
from bot.clock import SimulatedClock
from bot.persistence.db import create_engine, session_factory
from bot.persistence.migrate import upgrade
from bot.persistence.tables import Workspace
from bot.privacy import retention
from bot.services.unit import Core

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def _seed(sessions, team: str) -> None:
    async with sessions() as s, s.begin():
        s.add(Workspace(platform="slack", external_id=team, name=team, settings={}, created_at=NOW))
        common = {"client_id": "C", "app_id": "A", "team_id": team, "bot_token": f"xoxb-{team}"}
        await s.execute(insert(slack_app_installations).values(**common, user_id="U1"))
        await s.execute(insert(slack_app_bots).values(**common))
        s.add(SlackEvent(event_id=f"Ev-{team}", team_id=team, received_at=NOW))


async def _count(sessions, team: str) -> tuple[int, int, int]:
    async with sessions() as s:
        return (
            await s.scalar(select(func.count()).where(slack_app_installations.c.team_id == team)),
            await s.scalar(select(func.count()).where(slack_app_bots.c.team_id == team)),
            await s.scalar(select(func.count()).select_from(SlackEvent).where(SlackEvent.team_id == team)),
        )


async def test_the_purge_erases_the_adapters_rows_of_that_workspace_only(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        clock = SimulatedClock(NOW)
        core = Core(sessions=sessions, clock=clock, erasers={"slack": erase_workspace})
        await _seed(sessions, "T1")
        await _seed(sessions, "T2")
        await retention.mark_workspace_removed(core, "slack", "T1", retention=timedelta(days=30))
        clock.set(NOW + timedelta(days=31))

        assert await retention.purge_due(core) == 1

        assert await _count(sessions, "T1") == (0, 0, 0)
        assert await _count(sessions, "T2") == (1, 1, 1)
    finally:
        await engine.dispose()
