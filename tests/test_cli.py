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


def test_version_log_level_and_a_lone_slack_token_are_one_line_each(data_env: dict[str, str]) -> None:
    version = run(["--version"], env=data_env)
    assert version.returncode == 0 and version.stdout.startswith("mentorbot ")
    verbose = run(["run"], "@ann /mentor list\n", {**data_env, "LOG_LEVEL": "verbose"})
    assert verbose.returncode == 2 and verbose.stderr.count("\n") == 1
    assert "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL" in verbose.stderr
    lone = run(["run"], "@ann /mentor list\n", {**data_env, "SLACK_BOT_TOKEN": "xoxb-1"})
    assert lone.returncode == 2 and lone.stderr.count("\n") == 1 and lone.stdout == ""
    assert "SLACK_APP_TOKEN is not" in lone.stderr and "mentorbot serve slack" in lone.stderr


def test_the_console_keeps_log_lines_out_of_the_conversation(
    data_env: dict[str, str], tmp_path: Path
) -> None:
    result = run(["run"], "@ann /mentor pair @bo\n:advance 1h\n", {**data_env, "LOG_LEVEL": "DEBUG"})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "INFO" not in result.stdout and "DEBUG" not in result.stdout
    assert "DEBUG" in (Path(data_env["MENTORBOT_DATA_DIR"]) / "mentorbot.log").read_text()


def test_the_tryout_console_runs_on_simulated_time_even_in_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.cli import _clock
    from bot.clock import SimulatedClock, SystemClock

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    assert isinstance(_clock(None, None, tryout=True), SimulatedClock)  # `make run`: :advance works
    assert isinstance(_clock(None, None, tryout=False), SystemClock)  # a real DATABASE_URL
    assert isinstance(_clock("system", None, tryout=True), SystemClock)


def test_message_numbers_continue_after_a_restart(data_env: dict[str, str]) -> None:
    setup = ":tz @ann UTC\n@ann /mentor pair @bo\n@bo /mentor accept\n"
    setup += "@ann /mentor cadence every week on tue 10am\n"
    first = run(["run", "--start", "2026-11-30T08:00Z"], setup + "@bo >1 one\n@bo /checkin two\n", data_env)
    assert first.returncode == 0, first.stderr
    lines = "".join(f"@bo >1 reply {n}\n@ann /checkin update {n}\n" for n in range(1, 7))
    later = run(["run", "--start", "2026-11-30T09:00Z"], lines, data_env)
    assert later.returncode == 0 and "Traceback" not in later.stdout + later.stderr, later.stderr
    assert later.stdout.count("Saved as a status update") == 6
    import sqlite3

    with sqlite3.connect(Path(data_env["MENTORBOT_DATA_DIR"]) / "mentorbot.sqlite3") as conn:
        texts = [t for (t,) in conn.execute("SELECT text FROM status_updates ORDER BY id")]
    assert texts[:2] == ["one", "two"] and len(texts) == 14
    assert {f"reply {n}" for n in range(1, 7)} | {f"update {n}" for n in range(1, 7)} <= set(texts)


def test_database_mistakes_are_one_line_each(tmp_path: Path) -> None:
    pg = os.environ.get("MENTORBOT_TEST_DATABASE_URL")
    if not pg:
        pytest.skip("needs the PostgreSQL server (make test-postgres)")
    from sqlalchemy.engine import make_url

    base = make_url(pg.replace("postgresql://", "postgresql+asyncpg://", 1))
    cases = {
        base.set(database="mentorbot_no_such_db"): "does not exist",
        base.set(host="no-such-host.invalid"): "cannot find the database host",
        base.set(port=1): "nothing accepts connections",
        base.update_query_dict({"search_path": "no_such_schema"}): "schema 'no_such_schema' does not exist",
    }
    for url, expected in cases.items():
        shown = url.render_as_string(hide_password=False)
        result = run(["--database-url", shown, "run", "console"], "@ann /mentor list\n")
        assert result.returncode == 1 and expected in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_libpq_sslmode_becomes_asyncpg_ssl() -> None:
    from bot.persistence.db import postgres_connect_options
    from bot.settings import Settings, SettingsError

    url, args = postgres_connect_options("postgres://u@db.example.com/app?sslmode=require&search_path=s")
    assert url.render_as_string() == "postgresql+asyncpg://u@db.example.com/app"
    assert args == {"ssl": "require", "server_settings": {"search_path": "s"}}
    with pytest.raises(SettingsError, match="sslmode in DATABASE_URL must be one of"):
        Settings.from_env({"DATABASE_URL": "postgres://u@h/db?sslmode=sometimes"})


def test_sslmode_connects_to_postgres(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs the PostgreSQL server (make test-postgres)")
    # The test server speaks no TLS: `prefer` falls back to plain, `require` is refused in one line.
    ok = run(["--database-url", database_url + "&sslmode=prefer", "migrate"])
    assert ok.returncode == 0 and "database at revision" in ok.stdout, ok.stderr
    refused = run(["--database-url", database_url + "&sslmode=require", "migrate"])
    assert refused.returncode == 1 and "TLS connection" in refused.stderr and "sslmode" in refused.stderr
    assert refused.stderr.count("\n") == 1


async def test_the_urls_search_path_and_sslmode_merge_with_the_callers_connect_args(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs the PostgreSQL server (make test-postgres)")
    from sqlalchemy import text

    from bot.persistence.db import create_engine

    engine = create_engine(
        database_url + "&sslmode=prefer", connect_args={"server_settings": {"application_name": "mb_merge"}}
    )
    try:
        async with engine.connect() as conn:
            path = await conn.scalar(text("SHOW search_path"))
            name = await conn.scalar(text("SHOW application_name"))
    finally:
        await engine.dispose()
    assert path == database_url.rsplit("search_path=", 1)[1] and name == "mb_merge"
