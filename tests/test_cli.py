"""The command line as a person uses it: real processes, piped scripts, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """\
:tz @ann Europe/Berlin
@ann /mentor pair @bo ship the platform migration by March focus technical
@bo /mentor accept
@ann /mentor cadence every 2 weeks on tue 10am
@bo /agenda add How do I split the migration into safe steps?
@bo /checkin Mapped all the services that still use the old queue.
@ann >1 Nice. Start with the read path.
:advance 1d
:advance 3h
@ann /checkin notes Agreed to migrate the read path first behind a flag.
@ann /actions add Write the rollout plan @bo due in 1 week
@bo /actions done 1
@ann /mentor end Great work, Bo.
@bo :press mentorship:keep:1
:now
"""


def run(
    args: list[str],
    stdin: str = "",
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd or ROOT,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def data_env(tmp_path: Path) -> dict[str, str]:
    return {"MENTORBOT_DATA_DIR": str(tmp_path / "data")}


def test_a_whole_console_scenario_from_a_piped_script(data_env: dict[str, str]) -> None:
    result = run(["run", "--start", "2026-11-30T08:00Z"], SCRIPT, data_env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    expected_in_order = [
        "[dm → @bo] == Mentorship proposal ==",
        "[#mentorship-ann-bo-technical] == Welcome to your mentorship ==",
        "(thread 1: reply with `@you >1 text`) == Next check-in ==",
        "[#mentorship-ann-bo-technical › thread 1] Update from @bo: Mapped all the services",
        "[only @ann] Saved as a status update for this check-in.",
        "[dm → @bo] == Check-in coming up ==",
        "How do I split the migration into safe steps?",
        "how did it go?",
        "[dm → @bo] == Check-in summary ==",
        "[only @bo] Done: #1 Write the rollout plan.",
        "[dm → @ann] == Your mentorship has concluded ==",
        "[dm → @ann] @bo would like to keep in touch",
        "@ann: ",
    ]
    position = 0
    for fragment in expected_in_order:
        found = out.find(fragment, position)
        assert found >= 0, f"missing after position {position}: {fragment!r}\n{out}"
        position = found
    assert "Traceback" not in out + result.stderr
    # Ann's 10:00 is in Berlin; Bo, with no zone set, sees UTC.
    assert "Tue 1 Dec, 10:00 CET" in out and "Tue 1 Dec, 09:00 UTC" in out


def test_the_state_survives_a_restart_of_the_console(data_env: dict[str, str]) -> None:
    first = run(
        ["run", "--start", "2026-11-30T08:00Z"], "@ann /mentor pair @bo\n@bo /mentor accept\n", data_env
    )
    assert first.returncode == 0, first.stderr
    second = run(["run", "--start", "2026-11-30T09:00Z"], "@ann /mentor list\n", data_env)
    assert "mentoring @bo" in second.stdout


def test_demo_plays_a_month_in_seconds() -> None:
    result = run(["demo"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("== Check-in summary ==") >= 4
    assert "Your mentorship has concluded" in result.stdout


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["run", "slack"], "SLACK_BOT_TOKEN, SLACK_APP_TOKEN"),
        (["run", "discord"], "DISCORD_TOKEN"),
        (["serve", "slack"], "SLACK_SIGNING_SECRET"),
    ],
)
def test_a_missing_setting_is_named_in_one_line(
    args: list[str], named: str, data_env: dict[str, str]
) -> None:
    result = run(args, env=data_env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and named in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_then_refuse_a_schema_that_is_behind(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    result = run(["--database-url", url, "migrate"])
    assert result.returncode == 0 and "database at revision" in result.stdout, result.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "m.sqlite3") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0000_older'")
    refused = run(["--database-url", url, "run", "console"], "@ann /mentor list\n")
    assert refused.returncode == 3 and "mentorbot migrate" in refused.stderr


def test_postgres_urls_in_the_hosting_form_are_accepted() -> None:
    from bot.persistence.db import normalize_url

    assert normalize_url("postgres://u:p@h/db") == "postgresql+asyncpg://u:p@h/db"
    assert normalize_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"


def test_homes_and_threads_carry_on_after_a_restart(data_env: dict[str, str]) -> None:
    setup = ":tz @ann UTC\n@ann /mentor pair @bo\n@bo /mentor accept\n"
    setup += "@ann /mentor cadence every week on tue 10am\n"
    first = run(["run", "--start", "2026-11-30T08:00Z"], setup, data_env)
    assert "(thread 1:" in first.stdout, first.stdout
    later = run(
        ["run", "--start", "2026-11-30T09:00Z"], "@bo >1 done with the draft\n:advance 2d\n", data_env
    )
    assert "[only @bo] Saved as a status update" in later.stdout, later.stdout
    # The next check-in's thread continues the numbering instead of reusing 1.
    assert "(thread 2:" in later.stdout and "Traceback" not in later.stdout + later.stderr


def test_office_hours_threads_carry_on_after_a_restart(data_env: dict[str, str]) -> None:
    setup = (
        ":admin @hana\n:tz @hana UTC\n"
        "@hana /officehours create #help every week on wed at 17:00 hosts @hana\n:advance 1d\n"
    )
    first = run(["run", "--start", "2026-11-30T08:00Z"], setup, data_env)
    assert "[#help] (thread 1:" in first.stdout, first.stdout
    later = run(["run", "--start", "2026-12-01T09:00Z"], "@bo >1 Can we talk about on-call?\n", data_env)
    assert "Queued as Q1" in later.stdout, later.stdout
