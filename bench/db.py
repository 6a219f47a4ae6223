"""Databases for the benchmarks: a fresh SQLite file or a fresh PostgreSQL schema, and bulk seeding.

Seeding writes rows straight into the tables (executemany in chunks) because creating 100,000
mentorships through commands would benchmark the seeding, not the dispatcher."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.domain.states import CheckInState, MentorshipState, OutboxStatus, Stage
from bot.persistence.db import create_engine, normalize_url
from bot.persistence.migrate import prepare
from bot.persistence.tables import CheckIn, Member, Mentorship, OutboxRow, Workspace

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
CHUNK = 5000


def pg_base_url() -> str:
    return os.environ.get("MENTORBOT_BENCH_DATABASE_URL") or os.environ.get("PG_TEST_URL") or DEFAULT_PG


async def pg_available() -> bool:
    engine = create_async_engine(normalize_url(pg_base_url()))
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def fresh_database(backend: str) -> AsyncIterator[str]:
    """A migrated, empty database URL; dropped afterwards (a PostgreSQL schema of its own, never the
    server or anybody else's schema)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="mentorbot-bench-") as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
            await _migrate(url)
            yield url
        return
    base = normalize_url(pg_base_url())
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(base)
    try:
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in base else "?"
        url = f"{base}{sep}search_path={schema}"
        await _migrate(url)
        yield url
    finally:
        # A fresh connection: the pooled one may not have survived the run (the restart benchmark).
        await admin.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await prepare(engine)
    finally:
        await engine.dispose()


@dataclass(frozen=True)
class Seeded:
    mentorships: int
    reminders: int
    due_at: datetime
    checkin_at: datetime


def user_id(n: int) -> str:
    # Uppercase and alphanumeric, so the Slack renderer treats it as a real id.
    return f"U{n:07d}"


async def seed_mentorships(
    url: str,
    n: int,
    *,
    platform: str = "console",
    team: str = "W1",
    due_at: datetime,
    reminders: bool = True,
    spread: timedelta = timedelta(0),
) -> Seeded:
    """`n` active mentorships (members 2i-1 mentor, 2i mentee), each with an upcoming check-in two
    hours after `due_at` and, when `reminders`, the mentee's 1 h reminder row due at `due_at` (or spread
    evenly over `spread` after it)."""
    engine = create_engine(url)
    try:
        return await _seed(engine, n, platform, team, due_at, reminders, spread)
    finally:
        await engine.dispose()


async def _chunks(engine: AsyncEngine, table: Any, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), CHUNK):
        async with engine.begin() as conn:
            await conn.execute(insert(table), rows[i : i + CHUNK])


async def _seed(
    engine: AsyncEngine,
    n: int,
    platform: str,
    team: str,
    due_at: datetime,
    reminders: bool,
    spread: timedelta,
) -> Seeded:
    now = due_at
    checkin_at = due_at + timedelta(hours=2)
    async with engine.begin() as conn:
        ws_id = (
            await conn.execute(
                insert(Workspace).returning(Workspace.id),
                {"platform": platform, "external_id": team, "name": team, "settings": {}, "created_at": now},
            )
        ).scalar_one()
    members = [
        {
            "id": i,
            "workspace_id": ws_id,
            "external_id": user_id(i),
            "display_name": f"person{i}",
            "tz": "Europe/Berlin" if i % 2 else "America/New_York",
            "tz_source": "user",
            "is_admin": False,
            "created_at": now,
        }
        for i in range(1, 2 * n + 1)
    ]
    await _chunks(engine, Member.__table__, members)
    del members
    ships = [
        {
            "id": i,
            "workspace_id": ws_id,
            "mentor_id": 2 * i - 1,
            "mentee_id": 2 * i,
            "created_by_id": 2 * i - 1,
            "goals": "ready for promotion",
            "focus": "career",
            "stage": Stage.COACHING.value,
            "state": MentorshipState.ACTIVE.value,
            "home_channel": f"G{i:07d}",
            "cadence_rule": "DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:FREQ=WEEKLY",
            "cadence_phrase": "every week on Tuesday at 10:00",
            "duration_minutes": 30,
            "reminder_leads": [60],
            "keep_in_touch": False,
            "created_at": now,
            "activated_at": now,
            "last_activity_at": now,
        }
        for i in range(1, n + 1)
    ]
    await _chunks(engine, Mentorship.__table__, ships)
    del ships
    checkins = [
        {
            "id": i,
            "mentorship_id": i,
            "slot_at": checkin_at,
            "scheduled_at": checkin_at,
            "duration_minutes": 30,
            "state": CheckInState.UPCOMING.value,
            "takeaways": "",
            "created_at": now,
        }
        for i in range(1, n + 1)
    ]
    await _chunks(engine, CheckIn.__table__, checkins)
    del checkins
    count = 0
    if reminders:
        step = spread / n if n else timedelta(0)
        rows = []
        for i in range(1, n + 1):
            due = due_at + step * (i - 1)
            rows.append(
                {
                    "workspace_id": ws_id,
                    "platform": platform,
                    "kind": "checkin.remind",
                    "key": f"checkin:{i}:remind:60:{2 * i}",
                    "topic": f"m:{i}/c:{i}",
                    "payload": {
                        "mentorship_id": i,
                        "checkin_id": i,
                        "scheduled_at": checkin_at.isoformat(),
                        "member_id": 2 * i,
                        "lead_minutes": 60,
                    },
                    "due_at": due,
                    "available_at": due,
                    "status": OutboxStatus.PENDING.value,
                    "attempts": 0,
                    "created_at": now,
                }
            )
        await _chunks(engine, OutboxRow.__table__, rows)
        count = len(rows)
    if engine.dialect.name == "postgresql":
        # Explicit ids leave the sequences behind; later inserts (new members, plans) must not collide.
        async with engine.begin() as conn:
            for table in ("members", "mentorships", "checkins"):
                seq = f"pg_get_serial_sequence('{table}', 'id')"
                await conn.execute(text(f"SELECT setval({seq}, (SELECT max(id) FROM {table}))"))
    return Seeded(n, count, due_at, checkin_at)
