"""Export, forget me and "add to calendar" as a person types them into the console (a real process,
piped script): files are saved under the data directory and their paths printed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import vobject

from tests.test_cli import run

SCRIPT = """\
:tz @ana Europe/Berlin
:tz @bo America/New_York
@ana /mentor pair @bo learn testing
@bo /mentor accept
@ana /mentor cadence weekly on tuesday at 10:00
@bo /checkin bo-wrote-this-update
@bo /mentor export
@bo /mentor calendar
@bo /mentor forget me
"""


def files_in(out: str) -> list[Path]:
    return [Path(p) for p in re.findall(r"\[file: ([^\]]+)\]", out)]


def test_console_export_forget_and_calendar_files(tmp_path: Path) -> None:
    env = {"MENTORBOT_DATA_DIR": str(tmp_path / "data"), "MENTORBOT_PUBLIC_URL": "https://bot.example.org"}
    first = run(["run", "--start", "2027-03-01T08:00Z"], SCRIPT, env)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "Traceback" not in out + first.stderr
    paths = files_in(out)
    names = [p.name.split("-", 1)[1] for p in paths]
    assert "checkin.ics" in names and "mentorbot-export.json" in names and "mentorbot-export-csv.zip" in names
    assert all(p.parent == tmp_path / "data" / "files" and p.exists() for p in paths)
    export = next(p for p in paths if p.name.endswith("mentorbot-export.json"))
    tables = json.loads(export.read_text())["tables"]
    assert [u["text"] for u in tables["status_updates"]] == ["bo-wrote-this-update"]
    ics = next(p for p in paths if p.name.endswith("checkin.ics"))
    (event,) = vobject.readOne(ics.read_text()).vevent_list
    assert event.dtstart.value.hour == 10
    assert "webcal://bot.example.org/calendar/" in out
    button = re.search(r":press (privacy:forget:\d+)", out)
    assert button, out
    # Confirm in a second run on the same database (the console remembers nothing else across runs).
    second = run(["run", "--start", "2027-03-01T09:00Z"], f"@bo :press {button[1]}\n:advance 1h\n", env)
    assert second.returncode == 0, second.stderr
    assert "nothing I hold names you" in second.stdout
    assert re.search(r"\[dm → @ana\].*concluded", second.stdout, re.S)
    assert "left mentorbot" in second.stdout
