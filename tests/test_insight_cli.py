"""`mentorbot export` and `mentorbot dashboard` as a person runs them: real processes on a seeded file."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

from bot.persistence.db import create_engine, default_sqlite_url, session_factory
from bot.persistence.migrate import prepare
from tests.harness import START
from tests.program import seed_program
from tests.test_cli import run


async def _seed(data_dir: Path) -> None:
    engine = create_engine(default_sqlite_url(data_dir))
    try:
        await prepare(engine)
        await seed_program(session_factory(engine), START, 10, external_id="W1")
        await seed_program(session_factory(engine), START, 2, platform="discord", external_id="G9")
    finally:
        await engine.dispose()


def test_export_writes_one_csv_per_kind(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    asyncio.run(_seed(data))
    env = {"MENTORBOT_DATA_DIR": str(data)}
    ambiguous = run(["export"], env=env)
    assert ambiguous.returncode == 2
    assert "--workspace is needed (workspaces: console:W1, discord:G9)" in ambiguous.stderr
    out = tmp_path / "csv"
    result = run(["export", "--workspace", "console:W1", "--out", str(out)], env=env)
    assert result.returncode == 0, result.stderr
    assert "mentorships.csv: 10 row(s)" in result.stdout
    with (out / "checkins.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["checkin_id", "mentorship_id", "scheduled_at"] and len(rows) == 1 + 72
    assert sorted(p.name for p in out.iterdir()) == [
        "action_items.csv",
        "checkins.csv",
        "mentorships.csv",
        "office_hours_sessions.csv",
    ]
    missing = run(["export", "--workspace", "nope"], env=env)
    assert missing.returncode == 2 and "no single workspace matches 'nope'" in missing.stderr


def test_dashboard_prints_a_one_time_link(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    asyncio.run(_seed(data))
    env = {"MENTORBOT_DATA_DIR": str(data), "MENTORBOT_PUBLIC_URL": "https://mb.example.org"}
    result = run(["dashboard", "--workspace", "G9"], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("https://mb.example.org/dashboard/token?t=")
    assert (
        run(["serve", "dashboard"], env=env)
        .stderr.strip()
        .endswith("missing setting: DASHBOARD_SECRET (a long random string that signs cookies)")
    )


def test_an_empty_database_says_there_is_no_program_yet(tmp_path: Path) -> None:
    result = run(["dashboard"], env={"MENTORBOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "no workspace yet: a program appears once people use the bot" in result.stderr
