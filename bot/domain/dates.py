"""Dates and date-times as people type them ("dec 3", "next friday", "in 2 weeks", "tomorrow 10am"),
plus the wall-clock ↔ UTC conversion every other time module relies on."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from bot.domain.timeparse import (
    MONTH_NAMES,
    Invalid,
    looks_like_time,
    match_count,
    match_month,
    match_ordinal,
    match_weekday,
    not_understood,
    read_time_of_day,
    words_of,
)

DATE_EXAMPLES = ("dec 3", "next friday")
DATETIME_EXAMPLES = ("tomorrow 10am", "dec 3 at 15:00")

# Callers strip these ("due friday"), but people type them anyway.
_LEADING_WORDS = {"by", "due", "until", "on"}
_RELATIVE_UNITS = {
    "day": relativedelta(days=1),
    "days": relativedelta(days=1),
    "week": relativedelta(weeks=1),
    "weeks": relativedelta(weeks=1),
    "month": relativedelta(months=1),
    "months": relativedelta(months=1),
    "year": relativedelta(years=1),
    "years": relativedelta(years=1),
}
# A date without a year may be Feb 29, which can be up to 8 years away (2096 → 2104).
_LEAP_SEARCH_YEARS = 9


# --- wall clock ↔ UTC --------------------------------------------------------------------------------------


def require_aware(value: datetime, name: str = "datetime") -> None:
    """Programming-error guard: "now" and instants must carry a time zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


def to_local(instant: datetime, tz: ZoneInfo) -> datetime:
    """The naive wall-clock time in `tz` for an aware instant."""
    return instant.astimezone(tz).replace(tzinfo=None, fold=0)


def local_to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """Aware UTC instant for a naive wall-clock time in `tz`.

    A time skipped by a spring-forward gap moves forward by the gap (02:30 → 03:30); a time that happens
    twice at fall-back takes the first instance.
    """
    candidates = {local.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1)}
    # Check each reading by converting back instead of trusting which fold zoneinfo gives which offset.
    real = [instant for instant in candidates if to_local(instant, tz) == local]
    if real:
        return min(real)
    # In a gap neither reading round-trips: they are local - old offset and local - new offset, and the
    # later one is the wall time pushed forward by the size of the gap.
    return max(candidates)


# --- dates -------------------------------------------------------------------------------------------------


def parse_date(text: str, today: date) -> date:
    """A calendar date from "2026-12-03", "dec 3", "3 December 2026", "friday", "in 2 weeks", "june", …

    Without a year the next such date on or after `today`; a weekday is the next one strictly after
    `today`; a bare month name is the last day of the next such month (the current month counts).
    """
    try:
        return read_date(words_of(text), today)
    except Invalid as exc:
        raise not_understood(text, DATE_EXAMPLES, exc.reason) from None


def read_date(words: list[str], today: date) -> date:
    """`parse_date` on already split words; raises Invalid."""
    while words and words[0] in _LEADING_WORDS:
        words = words[1:]
    words = [word for word in words if word != "the"]
    if not words:
        raise Invalid()
    readers: tuple[Callable[[list[str], date], date | None], ...] = (
        _read_named_day,
        _read_relative,
        _read_iso,
        _read_day_and_month,
        _read_weekday,
        _read_month_end,
    )
    try:
        for reader in readers:
            result = reader(words, today)
            if result is not None:
                return result
    except Invalid:
        raise
    except (OverflowError, ValueError):
        # Only reachable at the edges of the calendar (years near 1 or 9999).
        raise Invalid("that date is out of range") from None
    raise Invalid()


def _read_named_day(words: list[str], today: date) -> date | None:
    offsets = {("today",): 0, ("tomorrow",): 1, ("tmrw",): 1, ("day", "after", "tomorrow"): 2}
    offset = offsets.get(tuple(words))
    return None if offset is None else today + timedelta(days=offset)


def _read_relative(words: list[str], today: date) -> date | None:
    """ "in 3 days", "in a week", "in 2 months" (month arithmetic clamps to the month's last day)."""
    if len(words) != 3 or words[0] != "in":
        return None
    count = 1 if words[1] in ("a", "an") else match_count(words[1])
    step = _RELATIVE_UNITS.get(words[2])
    if count is None or step is None:
        raise Invalid()
    return today + step * count


_ISO_RE = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})", re.ASCII)


def _read_iso(words: list[str], today: date) -> date | None:
    match = _ISO_RE.fullmatch(words[0]) if len(words) == 1 else None
    if not match:
        return None
    return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _make_date(year: int, month: int, day: int) -> date:
    """date(year, month, day) with a reason that says what is wrong."""
    if not 1 <= month <= 12:
        raise Invalid(f"there is no month {month}")
    if not 1 <= year <= 9999:
        raise Invalid(f"the year {year} is out of range")
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        raise Invalid(f"{MONTH_NAMES[month - 1]} {year} has no day {day}")
    return date(year, month, day)


def _day_number(word: str) -> int | None:
    """15 for "15" or "15th" (and "first"…"fifth"); "last" is not a day number."""
    if re.fullmatch(r"[0-9]{1,2}", word, re.ASCII):
        return int(word)
    ordinal = match_ordinal(word)
    return ordinal if ordinal is not None and ordinal > 0 else None


def _year_number(word: str) -> int | None:
    return int(word) if re.fullmatch(r"[0-9]{4}", word, re.ASCII) else None


def _month_and_day(month_word: str, day_word: str) -> tuple[int, int] | None:
    month, day = match_month(month_word), _day_number(day_word)
    return None if month is None or day is None else (month, day)


def _read_day_and_month(words: list[str], today: date) -> date | None:
    """ "3 dec", "dec 3", "3rd of December 2026", "dec 3 2026"; also "dec 2026" (the month's last day)."""
    words = [word for word in words if word != "of"]
    year = _year_number(words[-1]) if len(words) > 1 else None
    core = words[:-1] if year is not None else words
    if len(core) == 1 and year is not None and (month := match_month(core[0])) is not None:
        return _make_date(year, month, calendar.monthrange(year, month)[1])
    if len(core) != 2:
        return None
    month_day = _month_and_day(core[1], core[0]) or _month_and_day(core[0], core[1])
    if month_day is None:
        return None
    month, day = month_day
    if year is not None:
        return _make_date(year, month, day)
    return _next_month_day(month, day, today)


def _next_month_day(month: int, day: int, today: date) -> date:
    """The next `month`/`day` on or after today."""
    if not 1 <= day <= calendar.monthrange(2000, month)[1]:  # 2000 is a leap year: Feb 29 is possible
        raise Invalid(f"{MONTH_NAMES[month - 1]} has no day {day}")
    for year in range(today.year, today.year + _LEAP_SEARCH_YEARS):
        if day <= calendar.monthrange(year, month)[1] and (candidate := date(year, month, day)) >= today:
            return candidate
    raise Invalid("that date is out of range")


def _read_weekday(words: list[str], today: date) -> date | None:
    """ "friday" or "next friday": the next one strictly after today."""
    if len(words) == 2 and words[0] == "next":
        words = words[1:]
    weekday = match_weekday(words[0]) if len(words) == 1 else None
    if weekday is None:
        return None
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _read_month_end(words: list[str], today: date) -> date | None:
    """ "june", "end of june": last day of the next such month; "end of month", "end of year"."""
    if words[:2] == ["end", "of"]:
        words = words[2:]
        if words and words[0] == "this":
            words = words[1:]
        if words == ["month"]:
            return _month_end(today.year, today.month)
        if words == ["next", "month"]:
            following = today + relativedelta(months=1)
            return _month_end(following.year, following.month)
        if words == ["year"]:
            return date(today.year, 12, 31)
        if words == ["next", "year"]:
            return date(today.year + 1, 12, 31)
    month = match_month(words[0]) if len(words) == 1 else None
    if month is None:
        return None
    # The current month has not ended yet, so "november" in November means this November.
    year = today.year if month >= today.month else today.year + 1
    return _month_end(year, month)


# --- date and time -----------------------------------------------------------------------------------------

_ISO_T_RE = re.compile(r"\b([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t(?=[0-9])", re.ASCII)


def _is_time_at(words: list[str], index: int) -> bool:
    """A clock time, or a bare hour right after "at" ("at 9"); a bare number elsewhere is a day ("dec 3")."""
    word = words[index]
    if looks_like_time(word):
        return True
    return index > 0 and words[index - 1] == "at" and re.fullmatch(r"[0-9]{1,2}", word, re.ASCII) is not None


def _split_time(words: list[str]) -> tuple[time | None, list[str]]:
    """The time of day (at the end, or at the start) and the remaining date words."""
    if words and _is_time_at(words, len(words) - 1):
        rest = words[:-1]
        if rest and rest[-1] == "at":
            rest = rest[:-1]
        return read_time_of_day(words[-1]), rest
    start = 1 if words and words[0] == "at" else 0
    if len(words) > start and _is_time_at(words, start):
        rest = words[start + 1 :]
        if rest and rest[0] == "on":
            rest = rest[1:]
        return read_time_of_day(words[start]), rest
    return None, words


def read_local_datetime(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """The naive wall-clock date-time in `tz` that `text` names (may be in the past); raises Invalid."""
    require_aware(now, "now")
    today = to_local(now, tz).date()
    words = words_of(_ISO_T_RE.sub(r"\1 ", text.lower()))
    when, date_words = _split_time(words)
    if when is None:
        read_date(words, today)  # a date that does not parse says so; one that does only lacks a time
        raise Invalid("please add a time of day")
    if not [word for word in date_words if word not in _LEADING_WORDS]:
        raise Invalid("please add a date")
    return datetime.combine(read_date(date_words, today), when)


def parse_datetime(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """Aware UTC instant for "2026-12-03 15:00", "dec 3 at 3pm", "tomorrow 10am", "friday at 9:30", …

    Dates follow `parse_date` relative to today in `tz`. A wall time skipped by a spring-forward gap moves
    forward. Past instants are returned as is; callers decide whether that is allowed.
    """
    try:
        local = read_local_datetime(text, tz, now)
        return local_to_utc(local, tz)
    except Invalid as exc:
        raise not_understood(text, DATETIME_EXAMPLES, exc.reason) from None
    except OverflowError:
        raise not_understood(text, DATETIME_EXAMPLES, "that date is out of range") from None
