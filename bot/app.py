"""Composition: one place that builds the engine, the core, the router and the dispatcher."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.calendar import attach as calendar_attach
from bot.calendar import commands as calendar_commands
from bot.clock import Clock
from bot.insight import commands as insight_commands
from bot.insight.deliveries import insight_handlers
from bot.interactions import mentorship_commands
from bot.interactions.registry import CommandRegistry
from bot.interactions.router import Router
from bot.matching import commands as matching_commands
from bot.officehours import commands as officehours_commands
from bot.officehours.deliveries import office_hours_handlers
from bot.persistence.db import create_engine, session_factory
from bot.persistence.migrate import prepare
from bot.ports import ChatGateway, UserDirectory
from bot.privacy import commands as privacy_commands
from bot.privacy import retention
from bot.privacy.deliveries import privacy_handlers
from bot.scheduling.dispatcher import Dispatcher, RetryPolicy
from bot.services import schedules
from bot.services.deliveries import handlers
from bot.services.unit import Core

log = logging.getLogger(__name__)


@dataclass
class Application:
    engine: AsyncEngine
    core: Core
    router: Router
    dispatcher: Dispatcher

    async def close(self) -> None:
        await self.engine.dispose()


async def build_app(
    database_url: str,
    gateways: Mapping[str, ChatGateway],
    clock: Clock,
    *,
    directory: UserDirectory | None = None,
    engine: AsyncEngine | None = None,
    migrate: bool = True,
    worker: str | None = None,
    retry: RetryPolicy | None = None,
    sweep_every: timedelta | None = timedelta(hours=1),
    public_url: str | None = None,
    retention_days: int = 30,
) -> Application:
    """Build everything; migrates an empty database and refuses one whose schema is behind.

    Every transaction reconciles the schedules it changed before it commits, and the dispatcher
    reconciles all of them on its first run and then every `sweep_every` (None: only on start).
    `public_url` is where this deployment's web process serves calendar feeds (None: no feeds)."""
    engine = engine or create_engine(database_url)
    if migrate:
        await prepare(engine)
    sessions = session_factory(engine)
    schedules.install()
    core = Core(
        sessions=sessions, clock=clock, directory=directory, before_commit=[schedules.reconcile_touched]
    )

    async def sweep() -> int:
        repairs = await schedules.reconcile_everything(core)
        for repair in repairs:
            log.warning("repaired a schedule: %s", repair.describe())
        # Workspaces the app left more than the retention period ago are deleted in the same sweep.
        await retention.purge_due(core)
        return len(repairs)

    all_handlers = calendar_attach.wrap_handlers(
        {**handlers(), **office_hours_handlers(), **privacy_handlers(), **insight_handlers()}
    )
    dispatcher = Dispatcher(
        sessions,
        gateways,
        all_handlers,
        clock,
        worker=worker,
        retry=retry,
        before_commit=schedules.reconcile_touched,
        sweep=sweep,
        sweep_every=sweep_every,
    )
    router = Router(core, command_registry(public_url))
    router.retention = timedelta(days=retention_days)
    return Application(engine=engine, core=core, router=router, dispatcher=dispatcher)


def command_registry(public_url: str | None = None) -> CommandRegistry:
    """Every area's commands, in the order the help pages list them. `public_url`: where the web
    process serves calendar feeds and the dashboard (None: this deployment serves no feeds)."""
    registry = CommandRegistry()
    mentorship_commands.register(registry)
    matching_commands.register(registry)
    calendar_commands.register(registry, public_url)
    privacy_commands.register(registry)
    insight_commands.register(registry, public_url)
    officehours_commands.register(registry)
    return registry
