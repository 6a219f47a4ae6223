"""A whole mentorbot on a simulated clock, driven like a chat: `await h.say("ann", "/mentor next")`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from adapters.console.printer import TextRenderer
from bot.app import Application, build_app
from bot.clock import SimulatedClock
from bot.domain.timeparse import parse_duration
from bot.messages import Message, Reply
from bot.scheduling.dispatcher import RetryPolicy
from bot.scheduling.pump import SimulatedPump
from bot.services.members import Actor
from tests.fakes import FakeChat

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday


def render(message: Message, tz: str = "UTC", now: datetime = START) -> str:
    return "\n".join(TextRenderer([ZoneInfo(tz)], now).render(message))


class Harness:
    def __init__(
        self,
        app: Application,
        chat: FakeChat,
        clock: SimulatedClock,
        workspace: str = "W1",
        url: str = "",
        sweep_every: timedelta | None = timedelta(hours=1),
        public_url: str | None = None,
    ) -> None:
        self.public_url = public_url
        self.url = url
        self.sweep_every = sweep_every
        self.app = app
        self.chat = chat
        self.clock = clock
        self.pump = SimulatedPump(app.dispatcher, clock)
        self.workspace = workspace
        self.admins: set[str] = set()
        # The zone the "platform" reports for everyone; None is a platform without zones (Discord,
        # the console), where the bot asks before the first time-bearing command.
        self.zone: str | None = "UTC"

    @classmethod
    async def create(
        cls,
        url: str,
        start: datetime = START,
        retry: RetryPolicy | None = None,
        worker: str | None = None,
        sweep_every: timedelta | None = timedelta(hours=1),
        public_url: str | None = None,
    ) -> Harness:
        clock = SimulatedClock(start)
        chat = FakeChat(clock)
        app = await build_app(
            url,
            {"console": chat},
            clock,
            directory=chat,
            retry=retry,
            worker=worker,
            sweep_every=sweep_every,
            public_url=public_url,
        )
        return cls(app, chat, clock, url=url, sweep_every=sweep_every, public_url=public_url)

    async def restart(self) -> None:
        """The process stops and starts again on the same database (and the same platform)."""
        await self.app.close()
        self.app = await build_app(
            self.url,
            {"console": self.chat},
            self.clock,
            directory=self.chat,
            sweep_every=self.sweep_every,
            public_url=self.public_url,
        )
        self.pump = SimulatedPump(self.app.dispatcher, self.clock)

    def actor(
        self,
        user: str,
        workspace: str | None = None,
        channel_id: str | None = None,
        thread_id: str | None = None,
    ) -> Actor:
        return Actor(
            platform="console",
            workspace_id=workspace or self.workspace,
            user_id=user,
            display_name=user,
            tz=self.zone,
            is_admin=True if user in self.admins else None,
            channel_id=channel_id,
            thread_id=thread_id,
        )

    async def say(self, user: str, line: str, *, workspace: str | None = None, flush: bool = True) -> Reply:
        """`line` is "/command text"; delivers what the command made due, like the console does."""
        command, _, text = line.lstrip("/").partition(" ")
        result = await self.app.router.command(self.actor(user, workspace), command, text)
        if flush:
            await self.pump.flush()
        return result

    async def text(self, user: str, line: str, **kw: object) -> str:
        return render((await self.say(user, line, **kw)).message)  # type: ignore[arg-type]

    async def press(self, user: str, action_id: str) -> Reply:
        result = await self.app.router.action(self.actor(user), action_id)
        await self.pump.flush()
        return result

    async def advance(self, amount: str) -> int:
        return await self.pump.advance(parse_duration(amount))

    async def advance_to(self, when: datetime) -> int:
        return await self.pump.advance_to(when)

    async def pair(self, mentor: str = "ann", mentee: str = "bo", extra: str = "") -> None:
        """Pair and accept: an active mentorship."""
        r1 = await self.say(mentor, f"/mentor pair @{mentee} {extra}".rstrip())
        assert r1.ok, render(r1.message)
        r2 = await self.say(mentee, f"/mentor accept @{mentor}")
        assert r2.ok, render(r2.message)

    async def close(self) -> None:
        await self.app.close()
