"""Dates and date-times as people type them ("dec 3", "next friday", "in 2 weeks", "tomorrow 10am"),
plus the wall-clock ↔ UTC conversion every other time module relies on."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from bot.domain.errors import AskBack
from bot.domain.timefmt import format_date
from bot.domain.timeparse import (
    MONTH_NAMES,
    Invalid,
    looks_like_time,
    match_count,
    match_month,
    match_ordinal,
    match_weekday,
    not_understood,
    read_meeting_time,
    read_time_of_day,
    read_time_range,
    words_of,
)

DATE_EXAMPLES = ("dec 3", "next friday")
DATETIME_EXAMPLES = ("tomorrow 10am", "dec 3 at 15:00")

# Callers strip these ("due friday"), but people type them anyway.
_LEADING_WORDS = {"by", "due", "until", "till", "til", "on", "before", "to", "for", "deadline"}
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


def parse_date(text: str, today: date, *, month_start: bool = False) -> date:
    """A calendar date from "2026-12-03", "dec 3", "1/14", "3 December 2026", "friday", "in 2 weeks",
    "eod", "end of week", "june", …

    Without a year the next such date on or after `today`; a weekday is the next one strictly after
    `today`; a bare month name is the last day of the next such month (the current month counts), or its
    first day with `month_start` ("pause until march" is back on 1 March). Raises ParseError, or AskBack
    where two readings are plausible ("3/4", "next friday" early in a week).
    """
    try:
        return read_date(words_of(text), today, month_start=month_start)
    except Invalid as exc:
        raise not_understood(text, DATE_EXAMPLES, exc.reason) from None


def read_date(words: list[str], today: date, *, month_start: bool = False) -> date:
    """`parse_date` on already split words; raises Invalid or AskBack."""
    while words and words[0] in _LEADING_WORDS:
        words = words[1:]
    words = [word for word in words if word not in ("the", "this", "coming", "upcoming")]
    if not words:
        raise Invalid()
    if month_start:
        start = _read_month_start(words, today)
        if start is not None:
            return start
    readers: tuple[Callable[[list[str], date], date | None], ...] = (
        _read_named_day,
        _read_period_end,
        _read_relative,
        _read_iso,
        _read_numeric,
        _read_day_and_month,
        _read_month_day,
        _read_weekday_and_day,
        _read_week_relative,
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


_NAMED_DAYS = {
    ("today",): 0,
    ("tonight",): 0,
    ("tomorrow",): 1,
    ("tmrw",): 1,
    ("tmr",): 1,
    ("tomorow",): 1,
    ("tommorow",): 1,
    ("tommorrow",): 1,
    ("day", "after", "tomorrow"): 2,
}


def _read_named_day(words: list[str], today: date) -> date | None:
    offset = _NAMED_DAYS.get(tuple(words))
    return None if offset is None else today + timedelta(days=offset)


_WORK_WEEK_END = 4  # Friday: "end of week" and "eow" are the end of the working week


def _read_period_end(words: list[str], today: date) -> date | None:
    """ "eod", "end of day", "cob" (today); "eow", "end of week" (this Friday, or the next one at the
    weekend); "next week" (its Monday); "weekend" (the coming Saturday); "end of next week" (its Friday)."""
    phrase = " ".join(words)
    if phrase in ("eod", "end of day", "end of today", "cob", "close of business", "end of the day"):
        return today
    if phrase in ("eow", "end of week", "end of the week", "end of work week", "week"):
        return today + timedelta(days=(_WORK_WEEK_END - today.weekday()) % 7)
    if phrase in ("end of next week", "eonw"):
        return today + timedelta(days=(_WORK_WEEK_END - today.weekday()) % 7 + 7)
    if phrase == "next week":
        return today + timedelta(days=7 - today.weekday())
    if phrase in ("weekend", "saturday morning"):
        return today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    if phrase == "eom":
        return _month_end(today.year, today.month)
    return None


def _read_relative(words: list[str], today: date) -> date | None:
    """ "in 3 days", "in a week", "in 2 months", "a week from today", "2 weeks from now", "in a fortnight"
    (month arithmetic clamps to the month's last day)."""
    if len(words) >= 3 and words[-2:] in (["from", "now"], ["from", "today"]):
        words = ["in", *words[:-2]]
    elif len(words) == 4 and words[-2:] == ["from", "tomorrow"]:
        return _read_relative(["in", *words[:-2]], today + timedelta(days=1))
    if words in (["in", "a", "fortnight"], ["in", "fortnight"]):
        return today + timedelta(days=14)
    if len(words) != 3 or words[0] != "in":
        return None
    count = 1 if words[1] in ("a", "an", "one") else match_count(words[1])
    step = _RELATIVE_UNITS.get(words[2])
    if count is None or step is None:
        raise Invalid()
    return today + step * count


_NUMERIC_RE = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})(?:[/.]([0-9]{4}|[0-9]{2}))?", re.ASCII)


def _read_numeric(words: list[str], today: date) -> date | None:
    """ "1/14", "14/1", "14.01.2027", "1/14/27": a day over 12 decides which number is the month;
    when both could be ("3/4"), ask."""
    match = _NUMERIC_RE.fullmatch(words[0]) if len(words) == 1 else None
    if not match or ("." in words[0] and match.group(3) is None and len(match.group(2)) == 2):
        return None  # "9.30" is a time of day, not a date
    first, second = int(match.group(1)), int(match.group(2))
    year_text = match.group(3)
    year = None if year_text is None else int(year_text) + (2000 if len(year_text) == 2 else 0)
    readings: list[tuple[int, int]] = []
    for month, day in ((first, second), (second, first)):
        if 1 <= month <= 12 and 1 <= day <= 31 and (month, day) not in [(m, d) for m, d in readings]:
            readings.append((month, day))

    def build(month: int, day: int) -> date:
        return _make_date(year, month, day) if year is not None else _next_month_day(month, day, today)

    if not readings:
        raise Invalid(f"{words[0]} is not a day and month")
    if len(readings) == 1:
        return build(*readings[0])
    options = [build(month, day) for month, day in readings]
    raise AskBack(
        f"Is {words[0]} {format_date(options[0])} or {format_date(options[1])}?",
        words[0],
        tuple((format_date(option), option.isoformat()) for option in options),
    )


def _read_month_day(words: list[str], today: date) -> date | None:
    """ "the 15th", "15th": the next 15th on or after today."""
    day = _day_number(words[0]) if len(words) == 1 and not words[0].isdigit() else None
    if day is None or not 1 <= day <= 31:
        return None
    candidate = today
    for _ in range(3):
        month_days = calendar.monthrange(candidate.year, candidate.month)[1]
        if day <= month_days and (result := candidate.replace(day=day)) >= today:
            return result
        candidate = (candidate.replace(day=1) + timedelta(days=32)).replace(day=1)
    raise Invalid()


def _read_weekday_and_day(words: list[str], today: date) -> date | None:
    """ "tuesday the 8th", "tue 8 dec", "friday, december 4": the date, checked against the weekday."""
    weekday = match_weekday(words[0]) if len(words) >= 2 else None
    if weekday is None or words[1] in ("next", "week"):
        return None
    rest = [word for word in words[1:] if word != "the"]
    if not rest or not any(_day_number(word) is not None or _NUMERIC_RE.fullmatch(word) for word in rest):
        return None
    day = read_date(rest, today)
    if day.weekday() != weekday:
        raise Invalid(
            f"{format_date(day)} is a {calendar.day_name[day.weekday()]}, not a {calendar.day_name[weekday]}"
        )
    return day


def _read_week_relative(words: list[str], today: date) -> date | None:
    """ "monday next week", "next week friday", "friday week" (a week after the coming Friday)."""
    if len(words) == 3 and words[1:] == ["next", "week"]:
        day_word = words[0]
    elif len(words) == 3 and words[:2] == ["next", "week"]:
        day_word = words[2]
    elif len(words) == 2 and words[1] == "week" and match_weekday(words[0]) is not None:
        coming = today + timedelta(days=(match_weekday(words[0]) - today.weekday() - 1) % 7 + 1)  # type: ignore[operator]
        return coming + timedelta(days=7)
    else:
        return None
    weekday = match_weekday(day_word)
    if weekday is None:
        return None
    return today + timedelta(days=7 - today.weekday() + weekday)


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
    """ "friday": the next one strictly after today. "next friday" is the same day when this week's has
    passed; when this week's is still to come it may mean either, so ask."""
    said_next = len(words) == 2 and words[0] == "next"
    if said_next:
        words = words[1:]
    weekday = match_weekday(words[0]) if len(words) == 1 else None
    if weekday is None:
        return None
    coming = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    if said_next and weekday > today.weekday() and coming.weekday() > today.weekday():
        later = coming + timedelta(days=7)
        raise AskBack(
            f"Do you mean this coming {format_date(coming)} or the week after, {format_date(later)}?",
            f"next {words[0]}",
            tuple((format_date(option), option.isoformat()) for option in (coming, later)),
        )
    return coming


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _read_month_start(words: list[str], today: date) -> date | None:
    """For "until …": "march" and "next month" are the month's first day, the day things start again."""
    if words == ["next", "month"]:
        following = today + relativedelta(months=1)
        return date(following.year, following.month, 1)
    month = match_month(words[0]) if len(words) == 1 else None
    if month is None:
        return None
    year = today.year if month > today.month else today.year + 1
    return date(year, month, 1)


def _read_month_end(words: list[str], today: date) -> date | None:
    """ "june", "end of june": last day of the next such month; "end of month", "end of year"."""
    if words == ["next", "month"]:
        following = today + relativedelta(months=1)
        return _month_end(following.year, following.month)
    if words[:2] == ["end", "of"]:
        words = words[2:]
        if words == ["month"]:
            return _month_end(today.year, today.month)
        if words == ["next", "month"]:
            following = today + relativedelta(months=1)
            return _month_end(following.year, following.month)
        if words == ["quarter"]:
            quarter_end = (today.month - 1) // 3 * 3 + 3
            return _month_end(today.year, quarter_end)
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


# --- a zone named at the end -------------------------------------------------------------------------------

_ZONE_KEY = re.compile(r"\(?((?:[A-Za-z_]+/)+[A-Za-z_+\-0-9]+|UTC)\)?", re.ASCII)


def split_zone_suffix(text: str) -> tuple[str, ZoneInfo | None]:
    """ "tomorrow 3pm America/New_York" → ("tomorrow 3pm", New York): a time said in another zone than
    the speaker's. Only IANA names are read here; callers turn "EST" or "berlin time" into one first."""
    head, _, last = text.strip().rpartition(" ")
    match = _ZONE_KEY.fullmatch(last)
    if not head or not match:
        return text, None
    try:
        return head.rstrip(" ,"), ZoneInfo(match.group(1))
    except (ValueError, OSError, KeyError):
        return text, None


# --- date and time -----------------------------------------------------------------------------------------

_ISO_T_RE = re.compile(r"\b([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t(?=[0-9])", re.ASCII)


def _is_time_at(words: list[str], index: int) -> bool:
    """A clock time, or a bare hour right after "at" ("at 9"); a bare number elsewhere is a day ("dec 3")."""
    word = words[index]
    if looks_like_time(word):
        return True
    return (
        index > 0
        and words[index - 1] in ("at", "@")
        and re.fullmatch(r"[0-9]{1,2}", word, re.ASCII) is not None
    )


_MILITARY = re.compile(r"([0-9]{1,2})([0-5][0-9])", re.ASCII)


def _split_time(words: list[str]) -> tuple[str | None, list[str]]:
    """The time-of-day word (at the end, or at the start) and the remaining date words."""
    words = [
        f"{match.group(1)}:{match.group(2)}"
        if index > 0
        and words[index - 1] in ("at", "@")
        and (match := _MILITARY.fullmatch(word))
        and int(match.group(1)) < 24
        else word
        for index, word in enumerate(words)
    ]
    found, rest = _split_marked_time(words)
    if found is None and len(words) >= 2 and re.fullmatch(r"[0-9]{1,2}", words[-1], re.ASCII):
        # "tomorrow 7", "friday 3": after a whole day (a month is not one: "dec 3") a bare number is an hour.
        head = words[:-1]
        if not any(match_month(word) is not None for word in head) and int(words[-1]) <= 23:
            try:
                read_date(list(head), date(2000, 1, 3))
            except (Invalid, AskBack):
                return None, words
            return words[-1], head
    return found, rest


def _split_marked_time(words: list[str]) -> tuple[str | None, list[str]]:
    if words and _is_time_at(words, len(words) - 1):
        rest = words[:-1]
        if rest and rest[-1] in ("at", "@"):
            rest = rest[:-1]
        return words[-1], rest
    start = 1 if words and words[0] in ("at", "@") else 0
    if len(words) > start and _is_time_at(words, start):
        rest = words[start + 1 :]
        if rest and rest[0] == "on":
            rest = rest[1:]
        return words[start], rest
    # "friday at 3 for the review" is not this; but "at 3 tomorrow" put the time in the middle of nothing
    for index in range(1, len(words) - 1):
        if words[index] in ("at", "@") and _is_time_at(words, index + 1):
            return words[index + 1], words[:index] + words[index + 2 :]
    return None, words


_DAY_PARTS = {
    "morning": time(9),
    "lunch": time(12),
    "lunchtime": time(12),
    "afternoon": time(14),
    "evening": time(18),
    "eod": time(17),
    "cob": time(17),
}
_EVENING_WORDS = {"tonight", "evening"}
_NOW_UNITS = {
    "minute": 1,
    "minutes": 1,
    "min": 1,
    "mins": 1,
    "hour": 60,
    "hours": 60,
    "hr": 60,
    "hrs": 60,
    "h": 60,
}


def collapse_time_range(words: list[str]) -> tuple[list[str], time | None]:
    """Replace a time range ("4-5pm", "from 3 to 4pm", "10:00 – 11:30") by its start; returns the words
    and the range's end (None when there is no range)."""
    for index, word in enumerate(words):
        spans = [(index, index + 1, word)]
        if index + 2 < len(words) and words[index + 1] in ("-", "–", "—", "to", "till", "until"):
            spans.append((index, index + 3, f"{word}-{words[index + 2]}"))
        if index + 1 < len(words) and words[index + 1][:1] in ("-", "–"):
            spans.append((index, index + 2, f"{word}{words[index + 1]}"))
        for first, last, candidate in reversed(spans):
            if not candidate[:1].isdigit():
                continue
            try:
                start, end = read_time_range(candidate)
            except Invalid:
                continue
            head = words[:first]
            if head and head[-1] in ("from", "between"):
                head = [*head[:-1], "at"]
            return [*head, f"{start.hour:02d}:{start.minute:02d}", *words[last:]], end
    return words, None


def read_local_datetime(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """The naive wall-clock date-time in `tz` that `text` names (may be in the past); raises Invalid.

    A bare hour 1–6 is the afternoon ("at 3" is 15:00), after "tonight" any bare hour is the evening;
    "midnight" with a day is the one that ends that day, and alone the coming one; "tomorrow morning",
    "friday afternoon" and "eod" take 09:00, 14:00 and 17:00; "in 2 hours" counts from now; a time with
    no date is today when still ahead. Raises AskBack when a time with no date has passed today.
    """
    require_aware(now, "now")
    local_now = to_local(now, tz)
    today = local_now.date()
    text = re.sub(r"\bin the (morning|afternoon|evening)\b", r"\1", text.lower())
    words = words_of(_ISO_T_RE.sub(r"\1 ", text))
    words, _end = collapse_time_range(words)
    relative = _read_from_now(words, local_now)
    if relative is not None:
        return relative
    when_word, date_words = _split_time(words)
    evening = any(word in _EVENING_WORDS | {"afternoon"} for word in date_words)
    when: time | None = None
    if when_word is not None:
        # "at 3 in the morning" says a.m. outright; otherwise a bare 1–6 is the afternoon.
        morning = "morning" in date_words
        when = read_time_of_day(when_word) if morning else read_meeting_time(when_word)
        if evening and is_bare_hour(when_word) and when.hour < 12:
            when = when.replace(hour=when.hour + 12)
        # "4:30 tomorrow afternoon", "9 friday morning": the day part only confirms the time.
        date_words = [word for word in date_words if word not in _DAY_PARTS or len(date_words) == 1]
    elif date_words and date_words[-1] in _DAY_PARTS and len(date_words) > 1:
        when, date_words = _DAY_PARTS[date_words[-1]], date_words[:-1]
    elif date_words and date_words[0] in _DAY_PARTS and len(date_words) > 1:
        when, date_words = _DAY_PARTS[date_words[0]], date_words[1:]
    elif date_words in (["eod"], ["cob"]):
        when, date_words = _DAY_PARTS["eod"], ["today"]
    date_words = [word for word in date_words if word not in ("evening", "night", "this")] or (
        ["today"] if evening else []
    )
    if when is None:
        read_date(words, today)  # a date that does not parse says so; one that does only lacks a time
        raise Invalid("please add a time of day")
    if not [word for word in date_words if word not in _LEADING_WORDS]:
        if when_word in ("midnight", "12am"):
            return datetime.combine(today + timedelta(days=1), when)
        if datetime.combine(today, when) > local_now:
            return datetime.combine(today, when)
        tomorrow = datetime.combine(today + timedelta(days=1), when)
        label = f"tomorrow at {when.hour:02d}:{when.minute:02d}"
        raise AskBack(
            f"{when.hour:02d}:{when.minute:02d} has passed today. Do you mean {label}?",
            " ".join(words),
            ((label.capitalize(), f"{tomorrow.date().isoformat()} {when.hour:02d}:{when.minute:02d}"),),
        )
    day = read_date(date_words, today)
    if when_word in ("midnight", "12am") and when == time(0):
        if day == today:
            # "today at midnight" is the coming one, at the end of today.
            return datetime.combine(day + timedelta(days=1), when)
        # "friday at midnight": the night into Friday or the night after it? People mean both.
        start, end = datetime.combine(day, when), datetime.combine(day + timedelta(days=1), when)
        raise AskBack(
            f"Midnight at the start of {format_date(day)} or at its end?",
            " ".join(words),
            (
                (f"Start of {format_date(day)} (00:00)", f"{start:%Y-%m-%d %H:%M}"),
                (f"End of {format_date(day)} (24:00)", f"{end:%Y-%m-%d %H:%M}"),
            ),
        )
    return datetime.combine(day, when)


def is_bare_hour(word: str) -> bool:
    return re.fullmatch(r"[0-9]{1,2}(?:[:.][0-9]{2})?", word, re.ASCII) is not None


def _read_from_now(words: list[str], local_now: datetime) -> datetime | None:
    """ "in 2 hours", "in 30 min", "in an hour" → that long after now (whole minutes)."""
    if len(words) != 3 or words[0] != "in" or words[2] not in _NOW_UNITS:
        return None
    count = 1 if words[1] in ("a", "an", "one") else match_count(words[1])
    if count is None:
        return None
    return (local_now + timedelta(minutes=count * _NOW_UNITS[words[2]])).replace(second=0, microsecond=0)


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
