"""Wiring of the console: the app, ConsoleChat, the right pump, and the input stream."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select

from adapters.console.chat import ConsoleChat
from adapters.console.repl import WORKSPACE, Console
from bot.app import Application, build_app
from bot.clock import Clock, SimulatedClock
from bot.persistence.tables import (
    CheckIn,
    Member,
    Mentorship,
    OfficeHours,
    OfficeHoursQuestion,
    OfficeHoursSession,
    OutboxRow,
    StatusUpdate,
    Workspace,
)
from bot.scheduling.pump import RealTimePump, SimulatedPump
from bot.services.members import zones_for


async def build_console(
    database_url: str,
    clock: Clock,
    emit: Callable[[str], None] = print,
    files_dir: Path | None = None,
    public_url: str | None = None,
) -> tuple[Console, Application]:
    holder: list[Application] = []

    async def zones(users: list[str]) -> dict[str, ZoneInfo]:
        async with holder[0].core.unit() as uow:
            return await zones_for(uow, "console", WORKSPACE, users)

    chat = ConsoleChat(clock, zones, emit, files_dir)
    app = await build_app(database_url, {"console": chat}, clock, directory=chat, public_url=public_url)
    holder.append(app)
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
    async with app.core.sessions() as session:
        rows = await session.execute(
            select(Mentorship.home_channel, Member.external_id, CheckIn.thread_id)
            .join(Workspace, Workspace.id == Mentorship.workspace_id)
            .join(Member, Member.id.in_([Mentorship.mentor_id, Mentorship.mentee_id]))
            .outerjoin(CheckIn, CheckIn.mentorship_id == Mentorship.id)
            .where(Workspace.platform == "console", Mentorship.home_channel.is_not(None))
        )
        homes: dict[str, tuple[set[str], set[str]]] = {}
        for channel_id, user_id, thread_id in rows:
            if channel_id is None:
                continue
            members, threads = homes.setdefault(channel_id, (set(), set()))
            members.add(user_id)
            if thread_id:
                threads.add(thread_id)
        announced = await session.execute(
            select(OfficeHoursSession.announce_channel, OfficeHoursSession.thread_id)
            .join(OfficeHours, OfficeHours.id == OfficeHoursSession.office_hours_id)
            .join(Workspace, Workspace.id == OfficeHours.workspace_id)
            .where(Workspace.platform == "console", OfficeHoursSession.thread_id.is_not(None))
        )
        for channel_id, thread_id in announced:
            if channel_id is not None and thread_id is not None:
                # Community channels: everyone reads them, so no member list.
                homes.setdefault(channel_id, (set(), set()))[1].add(thread_id)
    for channel_id, (members, threads) in homes.items():
        chat.restore(channel_id, channel_id, sorted(members), sorted(threads))


def _tail_number(text: str | None, sep: str) -> int:
    tail = (text or "").rsplit(sep, 1)[-1]
    return int(tail) if tail.isdigit() else 0


async def _restore_numbering(app: Application, chat: ConsoleChat) -> None:
    """Message numbers continue after a restart: the ids of thread replies, posted updates and the
    bot's own messages are unique keys in the database, so starting again at 1 would collide."""
    async with app.core.sessions() as session:
        updates = await session.scalars(
            select(StatusUpdate.external_id)
            .join(CheckIn, CheckIn.id == StatusUpdate.checkin_id)
            .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
            .join(Workspace, Workspace.id == Mentorship.workspace_id)
            .where(Workspace.platform == "console", StatusUpdate.external_id.is_not(None))
        )
        questions = await session.scalars(
            select(OfficeHoursQuestion.external_id).where(OfficeHoursQuestion.external_id.like("console:%"))
        )
        refs = await session.scalars(
            select(OutboxRow.sent_ref).where(OutboxRow.platform == "console", OutboxRow.sent_ref.is_not(None))
        )
        highest = max(
            [0]
            + [_tail_number(e, ":") for e in updates]
            + [_tail_number(e, ":") for e in questions]
            + [_tail_number((r or "").split("/")[1] if "/" in (r or "") else "", "/") for r in refs]
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
