"""Wiring of the console: the app, ConsoleChat, the right pump, and the input stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.console.chat import ConsoleChat
from adapters.console.repl import WORKSPACE, Console
from bot.app import Application, build_app
from bot.clock import Clock, SimulatedClock
from bot.scheduling.pump import RealTimePump, SimulatedPump
from bot.services.members import zones_for


async def build_console(
    database_url: str, clock: Clock, emit: Callable[[str], None] = print
) -> tuple[Console, Application]:
    holder: list[Application] = []

    async def zones(users: list[str]) -> dict[str, ZoneInfo]:
        async with holder[0].core.unit() as uow:
            return await zones_for(uow, "console", WORKSPACE, users)

    chat = ConsoleChat(clock, zones, emit)
    app = await build_app(database_url, {"console": chat}, clock, directory=chat)
    holder.append(app)
    pump: SimulatedPump | RealTimePump
    if isinstance(clock, SimulatedClock):
        pump = SimulatedPump(app.dispatcher, clock)
    else:
        pump = RealTimePump(app.dispatcher)
        app.core.wakers.append(pump.poke)
    return Console(app, chat, pump, clock, emit), app


async def run_console(database_url: str, clock: Clock, stream: TextIO) -> int:
    console, app = await build_console(database_url, clock)
    if isinstance(console.pump, RealTimePump):
        await console.pump.start()
    try:
        await console.run_stream(stream, interactive=stream.isatty())
    finally:
        if isinstance(console.pump, RealTimePump):
            await console.pump.stop()
        await app.close()
    return 0
