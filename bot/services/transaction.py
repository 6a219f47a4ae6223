"""`Tx`: what a reconcile step or delivery handler needs of a transaction, whoever opened it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.persistence.tables import Workspace


class Tx(Protocol):
    """One transaction with a notion of now and the ability to plan and withdraw outbox rows.

    Use-cases get a UnitOfWork; delivery handlers get the dispatcher's DeliveryContext."""

    @property
    def session(self) -> AsyncSession: ...

    @property
    def now(self) -> datetime: ...

    async def plan(self, workspace: Workspace, planned: outbox.Planned) -> None: ...

    async def withdraw(self, topic: str, *, kinds: tuple[str, ...] = (), prefix: bool = False) -> int: ...

    async def sync_rows(
        self,
        workspace: Workspace,
        prefix: str,
        kinds: tuple[str, ...],
        desired: list[outbox.Planned],
        keep_topics: frozenset[str] = frozenset(),
    ) -> outbox.SyncResult: ...


# Runs inside a transaction just before it commits (the composition root installs the schedule reconcile).
BeforeCommit = Callable[[Tx], Awaitable[None]]
