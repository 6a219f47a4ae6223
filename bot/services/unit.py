"""The unit of work every use-case runs in (one transaction, plus the outbox rows it planned), and `Core`,
the dependencies every unit of work is made from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox
from bot.clock import Clock
from bot.persistence.tables import Member, Workspace
from bot.ports import UserDirectory, WorkspaceEraser
from bot.services.transaction import BeforeCommit

Waker = Callable[[datetime], Awaitable[None] | None]


@dataclass
class Core:
    """What every use-case needs: storage, the clock, the platform's user directory, a way to wake
    the dispatcher when something new falls due, and the adapters' own data to erase with a workspace."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    directory: UserDirectory | None = None
    wakers: list[Waker] = field(default_factory=list)
    before_commit: list[BeforeCommit] = field(default_factory=list)
    # Per platform: what its adapter keeps about a workspace, deleted with the workspace's data.
    erasers: dict[str, WorkspaceEraser] = field(default_factory=dict)

    def unit(self) -> UnitOfWork:
        return UnitOfWork(self)


class UnitOfWork(outbox.OutboxWriter):
    def __init__(self, core: Core) -> None:
        self.core = core
        self.now = core.clock.now()
        self._earliest: datetime | None = None
        self._session: AsyncSession | None = None
        # Who is acting, resolved once per transaction: the router and the use-case it calls both ask.
        self.actors: dict[object, tuple[Workspace, Member]] = {}
        # Set by a dry run (`mentorbot doctor` without --fix): everything is done, then rolled back.
        self.dry_run = False

    @property
    def session(self) -> AsyncSession:
        assert self._session is not None, "use the unit of work inside `async with`"
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self.core.sessions()
        await self._session.begin()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._session is not None
        try:
            if exc_type is None:
                for hook in self.core.before_commit:
                    await hook(self)
            if exc_type is None and not self.dry_run:
                await self._session.commit()
            else:
                await self._session.rollback()
        finally:
            await self._session.close()
        if exc_type is None and not self.dry_run and self._earliest is not None:
            for wake in self.core.wakers:
                result = wake(self._earliest)
                if result is not None:
                    await result

    def woke(self, at: datetime) -> None:
        # The dispatcher is woken for the earliest new due time once this transaction commits.
        if self._earliest is None or at < self._earliest:
            self._earliest = at
