"""Issue #10's six rows as a person types them into the console (real processes, piped scripts), and
`mentorbot doctor` on a database whose schedule went silent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.test_cli import run

START = ["run", "--start", "2027-03-01T08:00Z"]
PAIR = """\
:tz @ana Europe/Berlin
:tz @bo Europe/Berlin
@ana /mentor pair @bo learn testing
@bo /mentor accept
"""


def console(script: str, tmp_path: Path) -> str:
    result = run(START, PAIR + script, {"MENTORBOT_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def after(out: str, marker: str) -> str:
    at = out.rfind(marker)
    assert at >= 0, out
    return out[at:]


ROWS = {
    "notes during the session": (
        """\
@ana /mentor cadence weekly on tuesday at 10:00
:advance 1d 1h 10m
@ana /checkin notes we covered test pyramids
:advance 2h
@ana /mentor next
""",
        ["Next check-in of @ana and @bo: Tue 9 Mar, 10:00 CET"],
    ),
    "reminders with a lead already on": (
        """\
@ana /mentor cadence weekly on thursday at 10:00
@ana /mentor reminders 24h
:advance 2d 1h 1m
""",
        ["[dm → @bo] == Check-in coming up ==", "[dm → @ana] == Check-in coming up =="],
    ),
    "reschedule there and back": (
        """\
@ana /mentor cadence weekly on thursday at 10:00
@ana /mentor reschedule thursday 15:00
@ana /mentor reschedule thursday 10:00
:advance 3d 2h
@ana /mentor next
""",
        ["Check-in coming up", "how did it go?", "Next check-in of @ana and @bo: Thu 11 Mar, 10:00 CET"],
    ),
    "pause then resume": (
        """\
@ana /mentor cadence weekly on thursday at 10:00
@bo /mentor pause
@bo /mentor resume
""",
        ["Welcome back! Next check-in: Thu 4 Mar, 10:00 CET"],
    ),
    "same cadence for 45 min": (
        """\
@ana /mentor cadence weekly on thursday at 10:00
@ana /mentor cadence weekly on thursday at 10:00 for 45 min
@ana /mentor next
""",
        ["Next check-in of @ana and @bo: Thu 4 Mar, 10:00 CET", "45 min"],
    ),
    "office hours announce lead": (
        """\
:admin @hana
:tz @hana UTC
@hana /officehours create #help monthly on the first thursday at 17:00 topic Career hosts @hana
@hana /officehours edit 1 announce 2d
:advance 1d 9h 1m
:advance 2d
""",
        [
            "[#help] (thread 1: reply with `@you >1 text`) == Office hours: Career ==",
            "[dm → @hana] #1 Career starts",
        ],
    ),
}


@pytest.mark.parametrize("name", list(ROWS))
def test_issue_10_rows_on_the_console(name: str, tmp_path: Path) -> None:
    script, expected = ROWS[name]
    out = console(script, tmp_path)
    assert "No check-in is scheduled" not in out and "has no more dates" not in out
    position = 0
    for fragment in expected:
        found = out.find(fragment, position)
        assert found >= 0, f"missing after {position}: {fragment!r}\n{out}"
        position = found


def test_doctor_finds_a_silent_schedule_and_fix_repairs_it(tmp_path: Path) -> None:
    env = {"MENTORBOT_DATA_DIR": str(tmp_path / "data")}
    made = run(["run"], PAIR + "@ana /mentor cadence weekly on thursday at 10:00\n", env)
    assert made.returncode == 0, made.stderr
    [db] = list((tmp_path / "data").glob("*.sqlite3"))
    with sqlite3.connect(db) as conn:  # what an older version could leave behind
        conn.execute("UPDATE checkins SET state = 'cancelled'")
        conn.execute("UPDATE outbox SET status = 'withdrawn' WHERE status = 'pending'")
    found = run(["doctor"], env=env)
    assert found.returncode == 1 and "needs repair: mentorship #1" in found.stdout, (
        found.stdout + found.stderr
    )
    fixed = run(["doctor", "--fix"], env=env)
    assert fixed.returncode == 0 and "repaired 1 schedule(s)" in fixed.stdout
    clean = run(["doctor"], env=env)
    assert clean.returncode == 0 and "every schedule matches" in clean.stdout


def test_doctor_judges_a_try_out_at_its_simulated_time(tmp_path: Path) -> None:
    env = {"MENTORBOT_DATA_DIR": str(tmp_path / "data")}
    made = run(START, PAIR + "@ana /mentor cadence weekly on thursday at 10:00\n:advance 2d\n", env)
    assert made.returncode == 0, made.stderr
    at_its_time = run(["doctor", "--at", "2027-03-03T08:00Z"], env=env)
    assert at_its_time.returncode == 0, at_its_time.stdout + at_its_time.stderr


def test_what_fell_due_while_the_console_was_off_comes_before_the_first_command(tmp_path: Path) -> None:
    env = {"MENTORBOT_DATA_DIR": str(tmp_path / "data")}
    first = run(
        START,
        PAIR + "@ana /mentor cadence weekly on thursday at 10:00\n@bo /mentor pause until 2027-03-10\n",
        env,
    )
    assert first.returncode == 0, first.stderr
    later = run(["run", "--start", "2027-03-12T12:00Z"], "@ana /mentor next\n", env)
    out = later.stdout
    assert "The pause is over" in out and "paused until" not in after(out, "> @ana /mentor next")
