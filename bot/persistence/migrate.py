"""Alembic, driven from code: upgrade, downgrade, and the check that refuses a schema that is behind.

Alembic (and the mako and pygments it brings, a third of the start-up's imports) is imported only to
migrate: the check every start makes reads the version table and the revision files directly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

import migrations

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = str(Path(migrations.__file__).parent)
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r'^revision(?:: *str)? *= *"([^"]+)"', re.MULTILINE)
_DOWN = re.compile(r'^down_revision(?:: *[^=]+)? *= *(None|"[^"]+")\s*$', re.MULTILINE)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision: read from the revision files when they form one plain chain (each names
    one parent), else asked of Alembic."""
    head = _chain_head(Path(SCRIPT_LOCATION) / "versions")
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert found is not None
    return found


def _chain_head(versions: Path) -> str | None:
    parents: dict[str, str | None] = {}
    for path in versions.glob("*.py"):
        source = path.read_text()
        revision, down = _REVISION.findall(source), _DOWN.findall(source)
        if not revision and not down:
            continue  # __init__.py and the like
        if len(revision) != 1 or len(down) != 1:
            return None
        parents[revision[0]] = None if down[0] == "None" else down[0].strip('"')
    heads = set(parents) - {p for p in parents.values() if p is not None}
    roots = [r for r, p in parents.items() if p is None]
    if (
        len(heads) != 1
        or len(roots) != 1
        or any(p is not None and p not in parents for p in parents.values())
    ):
        return None
    return heads.pop()


def _current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    versions = [row[0] for row in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))]
    if len(versions) <= 1:
        return versions[0] if versions else None
    from alembic.runtime.migration import MigrationContext  # several heads: Alembic says what it means

    return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str

    @property
    def empty(self) -> bool:
        return self.current is None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


async def schema_status(engine: AsyncEngine) -> SchemaStatus:
    async with engine.connect() as conn:
        current = await conn.run_sync(_current_revision)
    return SchemaStatus(current=current, head=head_revision())


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    from alembic import command

    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.upgrade(alembic_config(c), revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    from alembic import command

    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.downgrade(alembic_config(c), revision))


class SchemaBehind(Exception):
    """The database has data from an older schema; the operator must run `mentorbot migrate`."""


async def prepare(engine: AsyncEngine) -> SchemaStatus:
    """Migrate an empty database; refuse one that is behind (upgrading live data is an explicit step)."""
    status = await schema_status(engine)
    if status.empty:
        await upgrade(engine)
        return await schema_status(engine)
    if not status.up_to_date:
        raise SchemaBehind(
            f"The database schema is at revision {status.current}, but this mentorbot needs {status.head}. "
            "Back it up, then run `mentorbot migrate`."
        )
    return status
