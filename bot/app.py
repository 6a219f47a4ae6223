"""Composition: one place that builds the engine, the core, the router and the dispatcher."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.insight import commands as insight_commands
from bot.insight.deliveries import insight_handlers
from bot.interactions import matching_commands, officehours_commands
from bot.interactions.router import Router
from bot.persistence.db import create_engine, session_factory
from bot.persistence.migrate import prepare
from bot.ports import ChatGateway
from bot.scheduling.dispatcher import Dispatcher, RetryPolicy
from bot.services import schedules
from bot.services.deliveries import handlers
from bot.services.officehours_deliveries import office_hours_handlers
from bot.services.unit import Core, UserDirectory

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
) -> Application:
    """Build everything; migrates an empty database and refuses one whose schema is behind.

    Every transaction reconciles the schedules it changed before it commits, and the dispatcher
    reconciles all of them on its first run and then every `sweep_every` (None: only on start)."""
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
        return len(repairs)

    all_handlers = {**handlers(), **office_hours_handlers(), **insight_handlers()}
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
    router = Router(core)
    matching_commands.register(router)
    officehours_commands.register(router)
    insight_commands.register(router)
    return Application(engine=engine, core=core, router=router, dispatcher=dispatcher)
