"""Wiring of the console: the app, ConsoleChat, the right pump, and the input stream."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.console.chat import ConsoleChat
from adapters.console.repl import WORKSPACE, Console
from bot.app import Application, build_app
from bot.clock import Clock, SimulatedClock
from bot.persistence.db import create_engine, session_factory
from bot.queries.homes import homes_with_threads
from bot.queries.message_ids import used_message_ids
from bot.queries.zones import zones_of
from bot.scheduling.pump import RealTimePump, SimulatedPump


async def build_console(
    database_url: str,
    clock: Clock,
    emit: Callable[[str], None] = print,
    files_dir: Path | None = None,
    public_url: str | None = None,
) -> tuple[Console, Application]:
    # The engine comes first, so the console's zone look-up needs nothing built after it.
    engine = create_engine(database_url)
    sessions = session_factory(engine)

    async def zones(users: list[str]) -> dict[str, ZoneInfo]:
        return await zones_of(sessions, "console", WORKSPACE, users)

    chat = ConsoleChat(clock, zones, emit, files_dir)
    app = await build_app(
        database_url, {"console": chat}, clock, directory=chat, engine=engine, public_url=public_url
    )
    await _restore_homes(app, chat)
    await _restore_numbering(app, chat)
    pump: SimulatedPump | RealTimePump
    if isinstance(clock, SimulatedClock):
        pump = SimulatedPump(app.dispatcher, clock)
    else:
        pump = RealTimePump(app.dispatcher)
        app.core.wakers.append(pump.poke)
    return Console(app, chat, pump, clock, emit), app


async def _restore_homes(app: Application, chat: ConsoleChat) -> None:
    """The console keeps channels in memory; the database remembers which homes and threads exist."""
    for channel_id, home in (await homes_with_threads(app.core.sessions, "console")).items():
        chat.restore(channel_id, channel_id, sorted(home.members), sorted(home.threads))


def _tail_number(text: str | None, sep: str) -> int:
    tail = (text or "").rsplit(sep, 1)[-1]
    return int(tail) if tail.isdigit() else 0


async def _restore_numbering(app: Application, chat: ConsoleChat) -> None:
    """Message numbers continue after a restart: the ids of thread replies, posted updates and the
    bot's own messages are unique keys in the database, so starting again at 1 would collide."""
    used = await used_message_ids(app.core.sessions, "console")
    highest = max(
        [0]
        + [_tail_number(e, ":") for e in used.updates]
        + [_tail_number(e, ":") for e in used.questions]
        + [_tail_number(r.split("/")[1] if "/" in r else "", "/") for r in used.sent_refs]
    )
    chat.continue_numbering(highest)


async def run_console(
    database_url: str,
    clock: Clock,
    stream: TextIO,
    *,
    files_dir: Path | None = None,
    public_url: str | None = None,
) -> int:
    """`files_dir`: where attachments (an .ics, an export) are saved, their paths printed."""
    console, app = await build_console(database_url, clock, files_dir=files_dir, public_url=public_url)
    if isinstance(console.pump, RealTimePump):
        await console.pump.start()
    else:
        # What fell due while the console was not running (a pause that ended) comes before any command.
        await console.pump.flush()
    try:
        await console.run_stream(stream, interactive=stream.isatty())
    finally:
        if isinstance(console.pump, RealTimePump):
            await console.pump.stop()
        await app.close()
    return 0
