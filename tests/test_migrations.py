"""Migrations run both ways on SQLite and PostgreSQL, and agree with the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from bot.persistence import migrate
from bot.persistence.db import create_engine
from migrations.schema import metadata


async def table_names(engine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        assert {"mentorships", "checkins", "outbox"} <= await table_names(engine)
        await migrate.downgrade(engine, "base")
        assert await table_names(engine) <= {"alembic_version"}
        await migrate.upgrade(engine)
        status = await migrate.schema_status(engine)
        assert status.up_to_date
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)

        def diff(conn: Connection) -> list[object]:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata()))

        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
        assert differences == []
    finally:
        await engine.dispose()


async def test_start_migrates_an_empty_database_and_refuses_one_that_is_behind(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(database_url)
    try:
        status = await migrate.prepare(engine)
        assert status.up_to_date
        # A newer mentorbot (whose head is past this database's revision) refuses to start.
        monkeypatch.setattr(migrate, "head_revision", lambda: "9999_future")
        with pytest.raises(migrate.SchemaBehind, match="mentorbot migrate"):
            await migrate.prepare(engine)
    finally:
        await engine.dispose()


def test_the_head_read_from_the_revision_files_is_alembics() -> None:
    """Start-up reads the head without importing Alembic; it must name the revision Alembic would."""
    from alembic.script import ScriptDirectory

    alembic_head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert migrate.head_revision() == alembic_head


def test_a_revision_file_that_is_not_a_plain_chain_leaves_the_head_to_alembic(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (tmp_path / "b.py").write_text('revision = "b"\ndown_revision = ("a", "c")\n')
    assert migrate._chain_head(tmp_path) is None
    (tmp_path / "b.py").write_text('revision: str = "b"\ndown_revision: str | None = "a"\n')
    assert migrate._chain_head(tmp_path) == "b"
