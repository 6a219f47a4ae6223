"""`python -m bench.dateparsers`: measure general date-parsing libraries against the phrasing corpus
(tests/test_corpus.py, the DATES and DATETIMES tables) before adopting one, as issue 11 asks.

For each library: the time a fresh interpreter takes to import it, how many phrasings it reads the same
as the corpus expects, how many it reads differently (a wrong reading, the worst outcome), how many it
reads where the corpus asks back (a silent choice between two readings), and how many it does not read.
Libraries that are not installed are skipped: `pip install dateparser parsedatetime` to include them.
Our own parser (bot.domain.dates) is measured the same way for comparison.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.dates import parse_date, read_local_datetime
from bot.domain.errors import AskBack, ParseError
from bot.domain.timeparse import Invalid
from tests.test_corpus import ASK, BERLIN, DATES, DATETIMES, NOW, REFUSED, TODAY

LOCAL_NOW = NOW.astimezone(BERLIN).replace(tzinfo=None)


@dataclass
class Score:
    right: int = 0
    wrong: int = 0
    silent_choice: int = 0
    not_read: int = 0
    wrong_examples: list[str] | None = None

    def add(self, typed: str, expected: str, got: str | None) -> None:
        self.wrong_examples = self.wrong_examples or []
        if got == expected:
            self.right += 1
        elif expected == REFUSED:
            if got is None:
                self.right += 1
            else:
                self.wrong += 1
                self.wrong_examples.append(f"{typed!r} → {got} (should be refused)")
        elif expected == ASK:
            if got is None:
                self.not_read += 1
            else:
                self.silent_choice += 1
        elif got is None:
            self.not_read += 1
        else:
            self.wrong += 1
            self.wrong_examples.append(f"{typed!r} → {got} (expected {expected})")


def import_seconds(module: str) -> float:
    """Median of three imports of `module` in a fresh interpreter (the interpreter's own start excluded)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = sorted(float(subprocess.check_output([sys.executable, "-c", code], text=True)) for _ in range(3))
    return runs[1]


def ours_date(text: str) -> str | None:
    try:
        return parse_date(text, TODAY).isoformat()
    except AskBack:
        return ASK
    except ParseError:
        return None


def ours_datetime(text: str) -> str | None:
    try:
        return read_local_datetime(text, BERLIN, NOW).isoformat(timespec="minutes")
    except AskBack:
        return ASK
    except (ParseError, Invalid):
        return None


def dateparser_reader() -> tuple[Callable[[str], str | None], Callable[[str], str | None]]:
    import dateparser

    settings: dict[str, Any] = {"RELATIVE_BASE": LOCAL_NOW, "PREFER_DATES_FROM": "future"}

    def read(text: str) -> datetime | None:
        result = dateparser.parse(text, languages=["en"], settings=settings)
        return result if isinstance(result, datetime) else None

    def as_date(text: str) -> str | None:
        value = read(text)
        return value.date().isoformat() if value else None

    def as_datetime(text: str) -> str | None:
        value = read(text)
        return value.replace(tzinfo=None).isoformat(timespec="minutes") if value else None

    return as_date, as_datetime


def parsedatetime_reader() -> tuple[Callable[[str], str | None], Callable[[str], str | None]]:
    import parsedatetime

    calendar = parsedatetime.Calendar(version=parsedatetime.VERSION_CONTEXT_STYLE)

    def read(text: str) -> tuple[datetime, Any] | None:
        value, context = calendar.parseDT(text, sourceTime=LOCAL_NOW)
        return (value, context) if context.hasDateOrTime else None

    def as_date(text: str) -> str | None:
        result = read(text)
        return result[0].date().isoformat() if result and result[1].hasDate else None

    def as_datetime(text: str) -> str | None:
        result = read(text)
        return result[0].isoformat(timespec="minutes") if result and result[1].hasTime else None

    return as_date, as_datetime


def measure(name: str, readers: tuple[Callable[[str], str | None], Callable[[str], str | None]]) -> str:
    as_date, as_datetime = readers
    score = Score()
    started = time.perf_counter()
    for typed, expected in DATES:
        score.add(typed, expected, as_date(typed))
    for typed, expected in DATETIMES:
        score.add(typed, expected, as_datetime(typed))
    per_phrase = (time.perf_counter() - started) / (len(DATES) + len(DATETIMES))
    examples = "; ".join((score.wrong_examples or [])[:6])
    return (
        f"| {name} | {score.right} | {score.wrong} | {score.silent_choice} | {score.not_read} | "
        f"{per_phrase * 1e6:.0f} µs | {examples} |"
    )


def main() -> None:
    total = len(DATES) + len(DATETIMES)
    print(
        f"{total} phrasings from tests/test_corpus.py (DATES, DATETIMES); now = {NOW.isoformat()}, Berlin\n"
    )
    print(
        "| library | import | right | wrong | silently chose (corpus asks) | not read | per phrase "
        "| wrong readings |"
    )
    print("|---|---|---|---|---|---|---|---|")
    Readers = tuple[Callable[[str], str | None], Callable[[str], str | None]]
    rows: list[tuple[str, str, Readers]] = [
        ("bot.domain.dates (ours)", "bot.domain.dates", (ours_date, ours_datetime))
    ]
    for module, reader in (("dateparser", dateparser_reader), ("parsedatetime", parsedatetime_reader)):
        if importlib.util.find_spec(module) is None:
            print(f"| {module} | not installed | | | | | | |")
            continue
        rows.append((module, module, reader()))
    for name, module, readers in rows:
        line = measure(name, readers)
        head, rest = line.split(" | ", 1)
        print(f"{head} | {import_seconds(module) * 1000:.0f} ms | {rest}")


if __name__ == "__main__":
    main()
