"""Fixtures: a fresh database per test, on SQLite by default or PostgreSQL when
MENTORBOT_TEST_DATABASE_URL points at one (each test then gets its own schema)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.persistence.db import normalize_url
from tests.harness import Harness

PG_URL = os.environ.get("MENTORBOT_TEST_DATABASE_URL")


def on_postgres() -> bool:
    return bool(PG_URL)


@pytest.fixture
async def database_url(tmp_path) -> AsyncIterator[str]:
    if not PG_URL:
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
        return
    base = normalize_url(PG_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(base)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}search_path={schema}"
    async with admin.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await admin.dispose()


@pytest.fixture
async def h(database_url: str) -> AsyncIterator[Harness]:
    harness = await Harness.create(database_url)
    yield harness
    await harness.close()
