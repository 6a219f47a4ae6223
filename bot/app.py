"""Composition: one place that builds the engine, the core, the router and the dispatcher."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.interactions import matching_commands, officehours_commands
from bot.interactions.router import Router
from bot.persistence.db import create_engine, session_factory
from bot.persistence.migrate import prepare
from bot.ports import ChatGateway
from bot.scheduling.dispatcher import Dispatcher, RetryPolicy
from bot.services.deliveries import handlers
from bot.services.officehours_deliveries import office_hours_handlers
from bot.services.unit import Core, UserDirectory


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
) -> Application:
    """Build everything; migrates an empty database and refuses one whose schema is behind."""
    engine = engine or create_engine(database_url)
    if migrate:
        await prepare(engine)
    sessions = session_factory(engine)
    core = Core(sessions=sessions, clock=clock, directory=directory)
    all_handlers = {**handlers(), **office_hours_handlers()}
    dispatcher = Dispatcher(sessions, gateways, all_handlers, clock, worker=worker, retry=retry)
    router = Router(core)
    matching_commands.register(router)
    officehours_commands.register(router)
    return Application(engine=engine, core=core, router=router, dispatcher=dispatcher)
