"""`mentorbot demo`: a scripted month of one mentorship on a simulated clock, in seconds."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from adapters.console.run import build_console
from bot.clock import SimulatedClock

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday morning

SCRIPT = """\
# Ana (Berlin) mentors Ben (New York) towards a promotion. A month, played in seconds.
:tz @ana Europe/Berlin
:tz @ben America/New_York
@ana /mentor pair @ben ready for promotion by June focus career
@ben /mentor accept
@ana /mentor cadence every 2 weeks on Tuesday at 16:00
# Before the first session Ben prepares: a question and an update.
@ben /agenda add How do I build my promotion case?
@ben /checkin Drafted a list of this year's work; not sure how to show impact.
@ana >1 Good start. Bring the list; we'll go through it together.
:advance 1d
# The session (16:00 in Berlin, 10:00 in New York) passes; the bot asks for takeaways and action items.
:advance 8h
@ana /checkin notes Went through the list: frame each item as problem, action, impact.
@ana /actions add Rewrite the list in problem-action-impact form @ben due in 1 week
@ben /actions add Send two example promotion packets @ana due friday
:advance 3d
@ana /actions done 2
:advance 5d
@ben /actions
:advance 3d
@ben /checkin Rewrote half the list. Blocked on numbers for the migration project.
@ben /actions snooze 1
:advance 1d
@ben /mentor skip
@ana /mentor next
:advance 14d
@ben /actions done 1
:advance 2d
# The 29 December check-in happens.
@ben /checkin notes Promotion case reviewed; Ana will sponsor it in the calibration.
@ana /mentor end Ben is ready. A pleasure to work with.
@ben /mentor reflect The impact framing changed how I talk about my work.
@ben /mentor keep-in-touch
"""


async def play(database_url: str | None = None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'demo.sqlite3'}"
        clock = SimulatedClock(START)
        console, app = await build_console(url, clock)
        try:
            await console.run_lines(SCRIPT.splitlines(), echo=True)
        finally:
            await app.close()
    return 0
