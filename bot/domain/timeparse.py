"""Small parsers shared by the date and recurrence modules: times of day, durations, names, time zones.

Each `read_*` building block raises `Invalid` with an optional reason; the public `parse_*` functions (and
the callers in other modules) turn that into a `ParseError` that quotes the whole input and shows examples.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.errors import ParseError

TIME_EXAMPLES = ("10:00", "5:30pm")
DURATION_EXAMPLES = ("45 minutes", "1h30")
WEEKDAY_EXAMPLES = ("tuesday", "fri")
ZONE_EXAMPLES = ("Europe/Berlin", "America/New_York")

MAX_DURATION = timedelta(days=366)

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Longer than any real phrase; keeps a pasted essay from being echoed back in full.
_MAX_QUOTE = 80


class Invalid(ValueError):
    """Input has the right shape but is wrong; `reason` (if any) explains what, for the final ParseError."""

    def __init__(self, reason: str | None = None) -> None:
        super().__init__(reason or "not understood")
        self.reason = reason


def quote(text: str) -> str:
    """Double-quote user text for a message, whitespace normalized and shortened if very long."""
    text = " ".join(text.split())
    if len(text) > _MAX_QUOTE:
        text = text[: _MAX_QUOTE - 1] + "…"
    return f'"{text}"'


def parse_error(message: str, examples: tuple[str, str]) -> ParseError:
    """A ParseError whose message ends with two inputs that work."""
    return ParseError(f"{message} Try {quote(examples[0])} or {quote(examples[1])}.")


def not_understood(text: str, examples: tuple[str, str], reason: str | None = None) -> ParseError:
    """The standard 'I couldn't understand "…"' error, optionally with the reason why."""
    detail = f": {reason}" if reason else ""
    return parse_error(f"I couldn't understand {quote(text)}{detail}.", examples)


_CLOCK_RE = re.compile(r"[0-9]{1,2}(?:[:.][0-9]{2})?", re.ASCII)


def words_of(text: str) -> list[str]:
    """Lower-case words with commas dropped and a.m./p.m. spelled am/pm."""
    text = text.lower().replace("a.m.", "am").replace("p.m.", "pm").replace(",", " ").replace(";", " ")
    words: list[str] = []
    for word in text.split():
        # A sentence-ending or abbreviation dot ("tue.", "10am.") carries no meaning.
        word = word.rstrip(".")
        if word in ("am", "pm") and words and _CLOCK_RE.fullmatch(words[-1]):
            words[-1] += word  # "3 pm" is one token, "3pm"
        elif word in ("o'clock", "oclock") and words and _CLOCK_RE.fullmatch(words[-1]):
            continue
        elif word:
            words.append(word)
    return words


# --- time of day -------------------------------------------------------------------------------------------

_TIME_RE = re.compile(r"([0-9]{1,2})(?:([:.h])([0-9]{2})?)?\s*(am|pm|a|p)?", re.ASCII)
_TIME_WORDS = {"noon": time(12), "midday": time(12), "midnight": time(0)}


def looks_like_time(word: str) -> bool:
    """True for tokens that can only be a time ("10:00", "5pm", "16h30", "noon"); bare numbers are not."""
    word = word.lower()
    if word in _TIME_WORDS:
        return True
    match = _TIME_RE.fullmatch(word)
    return bool(match and (match.group(2) or match.group(4)))


def read_time_of_day(text: str) -> time:
    """Parse a time of day; raises Invalid."""
    cleaned = " ".join(text.lower().replace("a.m.", "am").replace("p.m.", "pm").split())
    cleaned = re.sub(r"\s*o'?clock$", "", cleaned).removeprefix("at ")
    if cleaned.startswith("12 ") and cleaned[3:] in _TIME_WORDS:  # "12 noon"
        cleaned = cleaned[3:]
    if cleaned in _TIME_WORDS:
        return _TIME_WORDS[cleaned]
    match = _TIME_RE.fullmatch(cleaned)
    if not match:
        raise Invalid()
    hour, sep, minute_text, suffix = int(match.group(1)), match.group(2), match.group(3), match.group(4)
    if sep in (":", ".") and minute_text is None:
        raise Invalid("the minutes need two digits, like 9:05")
    if sep == "h" and suffix:
        raise Invalid()
    minute = int(minute_text) if minute_text else 0
    if minute > 59:
        raise Invalid("the minutes must be between 00 and 59")
    if suffix:
        if not 1 <= hour <= 12:
            raise Invalid("with am/pm the hour must be between 1 and 12")
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    elif hour > 23:
        raise Invalid("the hour must be between 0 and 23")
    return time(hour, minute)


# In a mentoring context nobody meets at 3 a.m.: a bare hour 1–6 ("at 3", "3:30") is the afternoon.
AFTERNOON_BARE_HOURS = range(1, 7)


def is_bare_clock(text: str) -> bool:
    """True for a time without am/pm whose hour has one digit ("3", "3:30"), which could be a.m. or p.m."""
    match = _TIME_RE.fullmatch(text.strip().lower())
    return bool(match and not match.group(4) and len(match.group(1)) == 1 and match.group(2) != "h")


def read_meeting_time(text: str) -> time:
    """`read_time_of_day` for a meeting: a bare hour 1–6 ("at 3", "3:30") is read as 13:00–18:59."""
    value = read_time_of_day(text)
    if is_bare_clock(text) and value.hour in AFTERNOON_BARE_HOURS:
        return value.replace(hour=value.hour + 12)
    return value


_RANGE_RE = re.compile(
    r"(?P<a>[0-9][0-9:.h]*(?:am|pm|a|p)?)\s*(?:-|–|—|to|till|until)\s*(?P<b>[0-9][0-9:.h]*(?:am|pm|a|p)?)$"
)


def read_time_range(text: str) -> tuple[time, time]:
    """ "4-5pm", "10-11:30am", "9:30–10:15", "3 to 4pm": (start, end) on the same day; raises Invalid.

    A suffix on the end only carries to the start when that keeps the start before the end ("11-1pm" is
    11:00–13:00); a range with no am/pm at all follows `read_meeting_time`.
    """
    cleaned = " ".join(text.lower().replace("a.m.", "am").replace("p.m.", "pm").split())
    match = _RANGE_RE.fullmatch(cleaned)
    if not match:
        raise Invalid()
    a_text, b_text = match["a"], match["b"]
    end = read_time_of_day(b_text)
    b_suffix = re.search(r"(am|pm|a|p)$", b_text)
    if re.search(r"(am|pm|a|p)$", a_text) or b_suffix is None:
        start = read_meeting_time(a_text) if b_suffix is None else read_time_of_day(a_text)
        if b_suffix is None:
            end = read_meeting_time(b_text)
            if end <= start and end.hour < 12:
                end = end.replace(hour=end.hour + 12)
    else:
        start = read_time_of_day(a_text + b_suffix.group(1))
        if start >= end:
            other = "am" if b_suffix.group(1).startswith("p") else "pm"
            start = read_time_of_day(a_text + other)
    if start >= end:
        raise Invalid("the end comes before the start")
    return start, end


def parse_time_of_day(text: str) -> time:
    """Parse "10:00", "10am", "9", "5:30pm", "9.30", "16h30", "noon", "midnight" into a time."""
    try:
        return read_time_of_day(text)
    except Invalid as exc:
        raise not_understood(text, TIME_EXAMPLES, exc.reason) from None


def format_clock(value: time) -> str:
    """24-hour "09:30"."""
    return f"{value.hour:02d}:{value.minute:02d}"


# --- durations ---------------------------------------------------------------------------------------------

_UNIT_MINUTES = {
    "w": 7 * 24 * 60,
    "wk": 7 * 24 * 60,
    "wks": 7 * 24 * 60,
    "week": 7 * 24 * 60,
    "weeks": 7 * 24 * 60,
    "d": 24 * 60,
    "day": 24 * 60,
    "days": 24 * 60,
    "h": 60,
    "hr": 60,
    "hrs": 60,
    "hour": 60,
    "hours": 60,
    "m": 1,
    "min": 1,
    "mins": 1,
    "minute": 1,
    "minutes": 1,
}
# Digits are capped so that absurd input cannot build huge numbers.
_DURATION_PART = re.compile(r"\s*([0-9]{1,6}(?:\.[0-9]{1,3})?)\s*([a-z]*)", re.ASCII)


def read_duration(text: str) -> timedelta:
    """Parse a duration such as "1h30" or "2 weeks"; raises Invalid."""
    cleaned = " ".join(text.lower().replace(",", " ").split())
    cleaned = re.sub(r"\band\b", " ", cleaned)
    cleaned = re.sub(r"^half an? hour$", "30 min", cleaned)
    cleaned = re.sub(r"^an? (?=[a-z])", "1 ", cleaned)
    cleaned = cleaned.strip()
    if not cleaned:
        raise Invalid()
    parts: list[tuple[float, str]] = []
    pos = 0
    while pos < len(cleaned):
        match = _DURATION_PART.match(cleaned, pos)
        if not match:
            raise Invalid()
        parts.append((float(match.group(1)), match.group(2)))
        pos = match.end()
    return timedelta(minutes=_sum_duration_parts(parts))


def _sum_duration_parts(parts: list[tuple[float, str]]) -> float:
    """Total minutes; units must go from large to small, and only "1h30" may leave the minutes unnamed."""
    total = 0.0
    previous: int | None = None
    for index, (amount, unit) in enumerate(parts):
        if not unit:
            # "1h30": a bare trailing number after hours means minutes; a bare number alone means nothing.
            if index == len(parts) - 1 and previous == 60:
                unit = "min"
            else:
                raise Invalid("please add a unit, like 30 min or 2 hours")
        if unit not in _UNIT_MINUTES:
            raise Invalid()
        size = _UNIT_MINUTES[unit]
        if previous is not None and size >= previous:
            raise Invalid()
        previous = size
        total += amount * size
    if total <= 0:
        raise Invalid("it must be longer than zero")
    if total > MAX_DURATION.total_seconds() / 60:
        raise Invalid("it can be at most 366 days")
    return total


_LEAD_FILLER = {
    "before",
    "ahead",
    "prior",
    "earlier",
    "beforehand",
    "in",
    "advance",
    "the",
    "at",
    "and",
    "&",
    "+",
    "then",
}
_BARE_UNIT = {"day": "1 day", "hour": "1 hour", "week": "1 week", "minute": "1 minute"}


def read_leads(text: str) -> list[timedelta]:
    """Reminder lead times: "24h 1h", "1 day", "1d and 2h", "a day before and an hour before",
    "day before, 30 min before" → one timedelta per lead, in the order typed; raises Invalid."""
    cleaned = " ".join(text.lower().replace(",", " , ").split())
    cleaned = re.sub(r"\bhalf an? hour\b", "30min", cleaned)
    words = cleaned.split()
    leads: list[timedelta] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            leads.append(read_duration(" ".join(pending)))
            pending.clear()

    for word in words:
        if word in _LEAD_FILLER or word == ",":
            flush()
            continue
        if word in ("a", "an", "one"):
            flush()
            pending.append("1")
            continue
        if word in _BARE_UNIT and not pending:
            leads.append(read_duration(_BARE_UNIT[word]))
            continue
        starts_number = word[0].isdigit()
        if starts_number and pending and (pending[-1][-1].isalpha() or len(pending) > 1):
            flush()  # "24h 1h": a number after a complete lead starts the next one
        pending.append(word)
        if starts_number and word[-1].isalpha():
            flush()  # "2h" is complete on its own
    flush()
    if not leads:
        raise Invalid()
    return leads


def parse_duration(text: str) -> timedelta:
    """Parse "30m", "45 minutes", "1h30", "1 hour 30 min", "2d", "2 weeks" (more than 0, at most 366 days)."""
    try:
        return read_duration(text)
    except Invalid as exc:
        raise not_understood(text, DURATION_EXAMPLES, exc.reason) from None


# --- weekday, month, ordinal and count words ---------------------------------------------------------------

_WEEKDAY_WORDS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "weds": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
_MONTH_WORDS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)} | {
    name.lower()[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)
}
_MONTH_WORDS["sept"] = 9
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_ORDINAL_RE = re.compile(r"([0-9]{1,3})(?:st|nd|rd|th)", re.ASCII)
_COUNT_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


def match_weekday(word: str) -> int | None:
    """Weekday number (Monday = 0) for "tue", "Tuesday", "tuesdays", "Tues."; None if not a weekday."""
    word = word.lower().rstrip(".")
    if word in _WEEKDAY_WORDS:
        return _WEEKDAY_WORDS[word]
    # Plurals ("every Mondays") only for the full names, so "suns" or "mons" stay unknown.
    if word.endswith("s") and word[:-1] in {name.lower() for name in WEEKDAY_NAMES}:
        return _WEEKDAY_WORDS[word[:-1]]
    return None


def parse_weekday(text: str) -> int:
    """Weekday number (Monday = 0) for a weekday name or abbreviation."""
    number = match_weekday(text.strip())
    if number is None:
        raise not_understood(text, WEEKDAY_EXAMPLES, "that is not a day of the week")
    return number


def weekday_name(number: int) -> str:
    """English weekday name for Monday = 0 … Sunday = 6."""
    return WEEKDAY_NAMES[number]


def match_month(word: str) -> int | None:
    """Month number for "dec", "December", "Sept."; None if not a month name."""
    return _MONTH_WORDS.get(word.lower().rstrip("."))


def match_ordinal(word: str) -> int | None:
    """1 for "first"/"1st", 15 for "15th", -1 for "last"; None otherwise. Range checks are the caller's."""
    word = word.lower()
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word]
    match = _ORDINAL_RE.fullmatch(word)
    return int(match.group(1)) if match else None


def match_count(word: str) -> int | None:
    """2 for "2" or "two" (up to three digits or the words one…twelve); None otherwise."""
    word = word.lower()
    if word in _COUNT_WORDS:
        return _COUNT_WORDS[word]
    return int(word) if re.fullmatch(r"[0-9]{1,3}", word, re.ASCII) else None


def ordinal_suffix(number: int) -> str:
    """ "1st", "2nd", "11th", "23rd"."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


# --- time zones --------------------------------------------------------------------------------------------


def parse_zone(zone: str | ZoneInfo) -> ZoneInfo:
    """A ZoneInfo for an IANA name such as "Europe/Berlin"; unknown names raise ParseError naming them."""
    if isinstance(zone, ZoneInfo):
        return zone
    key = zone.strip()
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError/OSError: malformed keys ("../x", directories, over-long names), not only unknown ones.
        raise parse_error(f"I don't know the time zone {quote(zone)}.", ZONE_EXAMPLES) from None
