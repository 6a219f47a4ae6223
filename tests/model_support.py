"""What the stateful model tests share: an event loop per example and a fresh database per example
(a SQLite file, or a schema of its own on PostgreSQL when MENTORBOT_TEST_DATABASE_URL is set).

Examples per model: `MENTORBOT_MODEL_EXAMPLES` (default 25)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

from hypothesis.stateful import RuleBasedStateMachine
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.persistence.db import normalize_url
from tests.conftest import PG_URL
from tests.harness import Harness

T = TypeVar("T")
EXAMPLES = int(os.environ.get("MENTORBOT_MODEL_EXAMPLES", "25"))


class ModelOnDatabase(RuleBasedStateMachine):
    """A RuleBasedStateMachine driving a `Harness` from synchronous rules: `run(coro)` runs a coroutine
    on the example's own loop; `database_url()` makes the example's database; `teardown` closes the
    harness and drops the schema."""

    prefix = "m"
    h: Harness

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = tempfile.TemporaryDirectory()
        self.schema: str | None = None

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    async def database_url(self) -> str:
        if not PG_URL:
            return f"sqlite+aiosqlite:///{self.tmp.name}/{self.prefix}.sqlite3"
        base = normalize_url(PG_URL)
        self.schema = f"{self.prefix}_{uuid.uuid4().hex[:12]}"
        admin = create_async_engine(base)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        await admin.dispose()
        return f"{base}{'&' if '?' in base else '?'}search_path={self.schema}"

    def teardown(self) -> None:
        async def go() -> None:
            if hasattr(self, "h"):
                await self.h.close()
            if self.schema:
                admin = create_async_engine(normalize_url(PG_URL or ""))
                async with admin.begin() as conn:
                    await conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
                await admin.dispose()

        try:
            self.run(go())
        finally:
            self.loop.close()
            self.tmp.cleanup()
