"""The console: a chat in the terminal with several people, one line at a time, scriptable."""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.console.chat import ConsoleChat
from adapters.console.printer import TextRenderer
from bot.app import Application
from bot.clock import Clock
from bot.domain.errors import ParseError
from bot.domain.timefmt import format_local
from bot.domain.timeparse import parse_duration
from bot.messages import Reply
from bot.queries.zones import zones_of
from bot.scheduling.pump import RealTimePump, SimulatedPump
from bot.services.members import Actor, ensure_member, ensure_workspace

WORKSPACE = "console"
UTC_ZONE = ZoneInfo("UTC")
SPEAKER = re.compile(r"^@(?P<name>[\w.\-]*\w)\s*(?P<rest>.*)$")
THREAD = re.compile(r"^>(?P<thread>\d+)\s+(?P<text>.+)$")

HELP = """\
Each line is `@name <message or /command>` — the name is created on first use — or an instruction:
  @ann /mentor pair @bo ready for promotion by June     a command, typed by ann
  @bo >3 shipped the draft                               a reply in thread 3 (a status update)
  @bo :press actions:done:4                              press a button shown as [… → :press …]
  @bo :form checkin:update:1 progress=drafted; blockers=none   submit a form
  :advance 3d     move the simulated clock (m, h, d, w) and deliver what falls due
  :now            the time now, for everyone
  :tz @bo Europe/Berlin    set someone's time zone
  :admin @ann     make ann a workspace admin
  :help  :quit"""


class Console:
    def __init__(
        self,
        app: Application,
        chat: ConsoleChat,
        pump: SimulatedPump | RealTimePump,
        clock: Clock,
        emit: Callable[[str], None] = print,
    ) -> None:
        self.app = app
        self.chat = chat
        self.pump = pump
        self.clock = clock
        self.emit = emit
        self.people: set[str] = set()

    def actor(self, name: str) -> Actor:
        return Actor(
            platform="console",
            workspace_id=WORKSPACE,
            user_id=name.lower(),
            display_name=name.lower(),
            workspace_name="console",
        )

    async def run_lines(self, lines: Iterable[str], echo: bool) -> None:
        for raw in lines:
            if echo and raw.strip():
                self.emit(raw.rstrip() if raw.lstrip().startswith("#") else f"> {raw.rstrip()}")
            if not await self.handle(raw):
                break

    async def run_stream(self, stream: TextIO, interactive: bool) -> None:
        if interactive:
            self.emit("mentorbot console — `:help` for how to talk to it, `:quit` to leave.")
        while True:
            raw = await asyncio.to_thread(self._read, stream, interactive)
            if raw is None:
                break
            if not interactive and raw.strip():
                self.emit(raw.rstrip() if raw.lstrip().startswith("#") else f"> {raw.rstrip()}")
            if not await self.handle(raw):
                break

    @staticmethod
    def _read(stream: TextIO, interactive: bool) -> str | None:
        if interactive:
            try:
                return input("mentorbot> ")
            except EOFError:
                return None
        raw = stream.readline()
        return raw if raw else None

    async def handle(self, raw: str) -> bool:
        text = raw.strip()
        if not text or text.startswith("#"):
            return True
        if text.startswith(":"):
            return await self._instruction(text)
        match = SPEAKER.match(text)
        if match is None:
            self.emit("  Lines start with @name (who is speaking) or an :instruction. `:help` shows how.")
            return True
        name, rest = match["name"].lower(), match["rest"].strip()
        self.people.add(name)
        await self._speak(name, rest)
        await self._deliver()
        return True

    async def _speak(self, name: str, rest: str) -> None:
        actor = self.actor(name)
        router = self.app.router
        if rest.startswith("/"):
            command, _, args = rest[1:].partition(" ")
            await self._show(name, await router.command(actor, command, args))
        elif rest.startswith(":press"):
            await self._show(name, await router.action(actor, rest[len(":press") :].strip()))
        elif rest.startswith(":form"):
            form_id, _, body = rest[len(":form") :].strip().partition(" ")
            values = dict(
                (k.strip(), v.strip())
                for k, _, v in (part.partition("=") for part in body.split(";"))
                if k.strip()
            )
            await self._show(name, await router.form(actor, form_id, values))
        elif (thread := THREAD.match(rest)) is not None:
            await self._thread_reply(actor, thread["thread"], thread["text"])
        elif rest:
            self.emit(
                f"  (@{name} said “{rest}”. Commands start with /, e.g. `/checkin`; reply in a check-in "
                "thread with `>N text`.)"
            )
        else:
            self.emit("  Say something after the name, e.g. `@ann /mentor help`.")

    async def _thread_reply(self, actor: Actor, thread_id: str, text: str) -> None:
        channel = self.chat.thread_channel.get(thread_id)
        if channel is None:
            self.emit(f"  There's no thread {thread_id}. Threads are numbered where the bot posts them.")
            return
        label = self.chat.channels[channel].name
        self.emit(f"[#{label} › thread {thread_id}] @{actor.user_id}: {text}")
        external = f"console:{channel}:{self.chat.new_message_id()}"
        threaded = Actor(**{**actor.__dict__, "channel_id": channel, "thread_id": thread_id})
        result = await self.app.router.thread_message(threaded, text, external)
        if result is not None:
            await self._show(actor.user_id, result)

    async def _show(self, name: str, reply: Reply) -> None:
        zones = await self._zones([name])
        lines = TextRenderer([zones[name]], self.clock.now()).render(reply.message)
        label = f"[to everyone, from @{name}]" if reply.public else f"[only @{name}]"
        self.emit(f"{label} {lines[0] if lines else ''}")
        for extra in lines[1:]:
            self.emit("    " + extra)
        if reply.message.form is not None and sys.stdin.isatty() and self.emit is print:
            await self._prompt_form(name, reply)

    async def _prompt_form(self, name: str, reply: Reply) -> None:
        form = reply.message.form
        assert form is not None
        values = {}
        for f in form.fields:
            values[f.name] = await asyncio.to_thread(
                input, f"  {f.label}{'' if f.required else ' (optional)'}: "
            )
        await self._show(name, await self.app.router.form(self.actor(name), form.form_id, values))
        await self._deliver()

    async def _zones(self, users: list[str]) -> dict[str, ZoneInfo]:
        return await zones_of(self.app.core.sessions, "console", WORKSPACE, users)

    async def _deliver(self) -> None:
        if isinstance(self.pump, SimulatedPump):
            await self.pump.flush()

    async def _instruction(self, text: str) -> bool:
        try:
            words = shlex.split(text)
        except ValueError:
            words = text.split()
        head, args = words[0].lower(), words[1:]
        if head in (":quit", ":exit", ":q"):
            return False
        if head == ":help":
            self.emit(HELP)
        elif head == ":advance":
            await self._advance(" ".join(args))
        elif head == ":now":
            await self._now()
        elif head == ":tz" and len(args) == 2 and args[0].startswith("@"):
            name = args[0][1:].lower()
            self.people.add(name)
            await self._show(name, await self.app.router.command(self.actor(name), "timezone", args[1]))
        elif head == ":admin" and len(args) == 1 and args[0].startswith("@"):
            await self._make_admin(args[0][1:].lower())
        else:
            self.emit(f"  I don't know `{text}`. `:help` lists the instructions.")
        return True

    async def _advance(self, amount: str) -> None:
        if not isinstance(self.pump, SimulatedPump):
            self.emit("  `:advance` needs the simulated clock: start with `--clock simulated`.")
            return
        try:
            delta = parse_duration(amount)
        except ParseError as exc:
            self.emit(f"  {exc.message} e.g. `:advance 3d` or `:advance 90m`.")
            return
        handled = await self.pump.advance(delta)
        self.emit(
            f"⏩ {format_local(self.clock.now(), UTC_ZONE, show_year=True)} "
            f"(+{_short(delta)}, {handled} {'delivery' if handled == 1 else 'deliveries'})"
        )

    async def _now(self) -> None:
        self.emit(f"  It is {format_local(self.clock.now(), UTC_ZONE, show_year=True)}.")
        zones = await self._zones(sorted(self.people))
        for name in sorted(self.people):
            self.emit(f"    @{name}: {format_local(self.clock.now(), zones[name])} ({zones[name].key})")

    async def _make_admin(self, name: str) -> None:
        self.people.add(name)
        async with self.app.core.unit() as uow:
            ws = await ensure_workspace(uow, "console", WORKSPACE, "console")
            await ensure_member(uow, ws, name, name, is_admin=True)
        self.emit(f"  @{name} is now a workspace admin.")


def _short(delta: timedelta) -> str:
    if delta % timedelta(days=1) == timedelta(0):
        return f"{delta.days}d"
    if delta % timedelta(hours=1) == timedelta(0):
        return f"{int(delta.total_seconds() // 3600)}h"
    return f"{int(delta.total_seconds() // 60)}m"
