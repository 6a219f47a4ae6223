"""Meeting cadences: phrases such as "every 2 weeks on Tuesday at 10:00" become RFC 5545 rules.

A rule is a DTSTART with a TZID plus an optional RRULE line. It is evaluated by dateutil on naive local
wall-clock times and each result is then converted to UTC, so a 10:00 meeting stays at 10:00 local across
DST changes. Wall times skipped by a spring-forward gap move forward; repeated fall-back times take the
first instance (see `dates.local_to_utc`).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from itertools import islice
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule
from dateutil.rrule import weekday as rrule_weekday

from bot.domain.dates import (
    collapse_time_range,
    local_to_utc,
    read_date,
    read_local_datetime,
    require_aware,
    split_zone_suffix,
    to_local,
)
from bot.domain.errors import AskBack, ParseError
from bot.domain.timefmt import format_date, format_duration, format_local
from bot.domain.timeparse import (
    Invalid,
    format_clock,
    looks_like_time,
    match_count,
    match_month,
    match_ordinal,
    match_weekday,
    not_understood,
    ordinal_suffix,
    parse_error,
    parse_zone,
    quote,
    read_duration,
    read_meeting_time,
    weekday_name,
    words_of,
)

DEFAULT_DURATION = timedelta(minutes=30)
DEFAULT_TIME = time(10, 0)
MIN_DURATION = timedelta(minutes=5)
MAX_DURATION = timedelta(hours=8)
MAX_INTERVAL = {"DAILY": 365, "WEEKLY": 52, "MONTHLY": 12}

EXAMPLES = ("every 2 weeks on Tuesday at 10:00", "monthly on the first Thursday at 17:00")
ONE_OFF_EXAMPLES = ("once on dec 3 at 3pm", "once tomorrow at 10:00")
DURATION_EXAMPLES = ("weekly on tue 10am for 45 minutes", "every 2 weeks on Tuesday at 10:00 (60 min)")
AMBIGUOUS_EXAMPLES = ("every 2 weeks on Tuesday at 10:00", "monthly on the second Tuesday at 10:00")

_RRULE_FREQ: dict[str, Literal[0, 1, 2, 3]] = {
    "YEARLY": YEARLY,
    "MONTHLY": MONTHLY,
    "WEEKLY": WEEKLY,
    "DAILY": DAILY,
}
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)
_NTH_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
# Wall-clock order and UTC order differ by at most a UTC offset (≤ 14 h) plus a DST gap; 30 h is safe.
_SLACK = timedelta(hours=30)
# A probe for the first occurrence meets a match within a few months; this only guards against bugs.
_PROBE_LIMIT = 1000


# --- the rule itself ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    """DTSTART (naive wall time in `tz`) plus RRULE parts; `freq` None is a one-off.

    `byday` holds (weekday, n): n == 0 is every such weekday, otherwise the nth (-1 = last) in the month.
    """

    tz: ZoneInfo
    start: datetime
    freq: str | None = None
    interval: int = 1
    byday: tuple[tuple[int, int], ...] = ()
    bymonthday: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()
    bymonth: tuple[int, ...] = ()
    wkst: int = 0
    count: int | None = None
    until: datetime | None = None

    def text(self) -> str:
        """RFC 5545 text: the DTSTART line and, unless a one-off, the RRULE line."""
        dtstart = f"DTSTART;TZID={self.tz.key}:{_compact(self.start)}"
        if self.freq is None:
            return dtstart
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(f"{n or ''}{_DAY_CODES[day]}" for day, n in self.byday))
        for name, values in (
            ("BYMONTHDAY", self.bymonthday),
            ("BYSETPOS", self.bysetpos),
            ("BYMONTH", self.bymonth),
        ):
            if values:
                parts.append(f"{name}={','.join(str(value) for value in values)}")
        if self.wkst:
            parts.append(f"WKST={_DAY_CODES[self.wkst]}")
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append(f"UNTIL={_compact(self.until)}")
        return f"{dtstart}\nRRULE:{';'.join(parts)}"

    def to_rrule(self) -> rrule:
        """The dateutil rule over naive wall-clock times (only for repeating rules)."""
        if self.freq is None:
            raise ValueError("a one-off has no RRULE")
        return rrule(
            _RRULE_FREQ[self.freq],
            dtstart=self.start,
            interval=self.interval,
            wkst=self.wkst,
            count=self.count,
            until=self.until,
            bysetpos=self.bysetpos or None,
            bymonth=self.bymonth or None,
            bymonthday=self.bymonthday or None,
            byweekday=[rrule_weekday(day, n or None) for day, n in self.byday] or None,
        )


def _compact(value: datetime) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}T{value:%H%M%S}"


def _anchor_before(spec: _Rule, limit: datetime) -> _Rule:
    """The same series with DTSTART moved forward by whole periods to shortly before `limit`.

    dateutil's `after()` walks every occurrence from DTSTART, which gets slow for an old series; moving
    DTSTART by a multiple of the interval keeps the series' phase, and any occurrence dropped by the move
    lies before the new DTSTART and therefore before `limit`.
    """
    if spec.count is not None or limit <= spec.start:
        return spec  # COUNT is counted from the original DTSTART
    start, interval = spec.start, spec.interval
    if spec.freq == "DAILY":
        periods = (limit.date() - start.date()).days // interval - 1
        moved = start + timedelta(days=periods * interval)
    elif spec.freq == "WEEKLY":
        weeks = (_week_start(limit.date(), spec.wkst) - _week_start(start.date(), spec.wkst)).days // 7
        periods = weeks // interval - 1
        moved = start + timedelta(weeks=periods * interval)
    elif spec.freq == "MONTHLY":
        months = (limit.year - start.year) * 12 + limit.month - start.month
        periods = months // interval - 1
        # The 1st of a later month: occurrences in it come at DTSTART's time of day, so none is lost.
        moved = start.replace(day=1) + relativedelta(months=periods * interval)
    else:
        return spec
    return replace(spec, start=moved) if periods >= 1 else spec


def _week_start(day: date, wkst: int) -> date:
    return day - timedelta(days=(day.weekday() - wkst) % 7)


def _utc_occurrences(spec: _Rule, after: datetime) -> Iterator[datetime]:
    """Occurrences strictly after `after`, as aware UTC, in order and without duplicates."""
    tz = spec.tz
    try:
        local_after = to_local(after, tz) - _SLACK
    except OverflowError:
        return
    pending: list[datetime] = []
    last: datetime | None = None
    try:
        for local in _anchor_before(spec, local_after).to_rrule().xafter(local_after):
            instant = local_to_utc(local, tz)
            if instant > after:
                heapq.heappush(pending, instant)
            # No later wall time can map to an instant before this, so everything earlier is final.
            horizon = local.replace(tzinfo=UTC) - _SLACK
            while pending and pending[0] < horizon:
                instant = heapq.heappop(pending)
                if instant != last:
                    yield instant
                    last = instant
    except OverflowError:
        pass  # the calendar ends in year 9999
    while pending:
        instant = heapq.heappop(pending)
        if instant != last:
            yield instant
            last = instant


# --- stored rule text --------------------------------------------------------------------------------------

_DTSTART_RE = re.compile(r"DTSTART(?:;TZID=(?P<tz>[^:;]+))?:(?P<when>[0-9]{8}T[0-9]{6})(?P<utc>Z?)", re.ASCII)
_BYDAY_RE = re.compile(r"([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)", re.ASCII)
_UNTIL_RE = re.compile(r"([0-9]{8})(?:T([0-9]{6})(Z?))?", re.ASCII)


def _from_compact(day: str, clock: str = "000000") -> datetime:
    return datetime.combine(
        date(int(day[:4]), int(day[4:6]), int(day[6:8])),
        time(int(clock[:2]), int(clock[2:4]), int(clock[4:6])),
    )


def _ints(value: str) -> tuple[int, ...]:
    return tuple(int(item) for item in value.split(","))


def _byday(value: str) -> tuple[tuple[int, int], ...]:
    result = []
    for item in value.split(","):
        match = _BYDAY_RE.fullmatch(item)
        if not match:
            raise ValueError(f"bad BYDAY item {item!r}")
        result.append((_DAY_CODES.index(match.group(2)), int(match.group(1) or 0)))
    return tuple(result)


def _parse_rrule_parts(body: str, tz: ZoneInfo) -> dict[str, object]:
    """Keyword arguments for `_Rule` from "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"."""
    fields: dict[str, object] = {}
    for item in body.split(";"):
        name, _, value = item.partition("=")
        name = name.upper()
        if name == "FREQ" and value in _RRULE_FREQ:
            fields["freq"] = value
        elif name in ("INTERVAL", "COUNT") and value.isdecimal() and int(value) >= 1:
            fields[name.lower()] = int(value)
        elif name == "BYDAY":
            fields["byday"] = _byday(value)
        elif name in ("BYMONTHDAY", "BYSETPOS", "BYMONTH"):
            fields[name.lower()] = _ints(value)
        elif name == "WKST" and value in _DAY_CODES:
            fields["wkst"] = _DAY_CODES.index(value)
        elif name == "UNTIL" and (match := _UNTIL_RE.fullmatch(value)):
            until = _from_compact(match.group(1), match.group(2) or "235959")
            fields["until"] = to_local(until.replace(tzinfo=UTC), tz) if match.group(3) else until
        else:
            raise ValueError(f"unsupported RRULE part {item!r}")
    if "freq" not in fields:
        raise ValueError("RRULE without FREQ")
    return fields


def _with_implied_parts(spec: _Rule) -> _Rule:
    """Spell out the parts RFC 5545 takes from DTSTART, so moving DTSTART cannot change the series."""
    if spec.byday or spec.bymonthday:
        return spec
    if spec.freq == "WEEKLY":
        return replace(spec, byday=((spec.start.weekday(), 0),))
    if spec.freq == "MONTHLY":
        return replace(spec, bymonthday=(spec.start.day,))
    if spec.freq == "YEARLY":
        return replace(spec, bymonth=spec.bymonth or (spec.start.month,), bymonthday=(spec.start.day,))
    return spec


def _parse_rule_text(text: str) -> _Rule:
    """The `_Rule` for stored RFC 5545 text; ValueError if it is not a rule this module understands."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    match = _DTSTART_RE.fullmatch(lines[0]) if lines else None
    if not match or len(lines) > 2:
        raise ValueError(f"not a DTSTART[+RRULE] rule: {text!r}")
    try:
        if match.group("tz"):
            tz = ZoneInfo(match.group("tz"))
        elif match.group("utc"):
            tz = ZoneInfo("UTC")
        else:
            raise ValueError("a floating DTSTART (no TZID) is not supported")
        start = _from_compact(match.group("when")[:8], match.group("when")[9:])
        if len(lines) == 1:
            return _Rule(tz, start)
        if not lines[1].upper().startswith("RRULE:"):
            raise ValueError(f"second line must be an RRULE: {lines[1]!r}")
        spec = _with_implied_parts(_Rule(tz, start, **_parse_rrule_parts(lines[1][6:], tz)))  # type: ignore[arg-type]
        spec.to_rrule()  # let dateutil reject impossible values (BYSETPOS=0, …) now rather than later
    except (KeyError, ValueError, OverflowError) as exc:
        raise ValueError(f"invalid rule {text!r}: {exc}") from exc
    return spec


# --- the public value --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recurrence:
    """A cadence (or one-off) as stored: RFC 5545 `rule`, meeting `duration` and the user's `phrase`."""

    rule: str
    duration: timedelta = DEFAULT_DURATION
    phrase: str = ""

    def __post_init__(self) -> None:
        self._spec  # noqa: B018 - parse now so that a bad rule fails on construction, not on first use

    @cached_property
    def _spec(self) -> _Rule:
        return _parse_rule_text(self.rule)

    @property
    def tz(self) -> ZoneInfo:
        return self._spec.tz

    @property
    def is_one_off(self) -> bool:
        return self._spec.freq is None

    @property
    def start(self) -> datetime:
        """The first occurrence (DTSTART) as aware UTC."""
        return local_to_utc(self._spec.start, self._spec.tz)

    def _after(self, after: datetime) -> Iterator[datetime]:
        require_aware(after, "after")
        if self._spec.freq is None:
            return iter([self.start] if self.start > after else [])
        return _utc_occurrences(self._spec, after)

    def next_after(self, after: datetime) -> datetime | None:
        """The first occurrence strictly after `after` (aware), as aware UTC; None once the series is over."""
        return next(self._after(after), None)

    def occurrences_after(self, after: datetime, count: int) -> list[datetime]:
        """Up to `count` occurrences strictly after `after`, as aware UTC."""
        return list(islice(self._after(after), max(count, 0)))

    def occurrences_between(self, start: datetime, end: datetime) -> list[datetime]:
        """Occurrences with start <= occurrence < end, as aware UTC."""
        require_aware(end, "end")
        result = []
        # Occurrences are whole seconds, so one microsecond earlier makes `start` itself count.
        for occurrence in self._after(start - timedelta(microseconds=1)):
            if occurrence >= end:
                break
            result.append(occurrence)
        return result

    def describe(self) -> str:
        """English summary for confirmations: "every 2 weeks on Tuesday at 10:00 (Europe/Berlin), 30 min"."""
        spec = self._spec
        zone = spec.tz.key
        length = format_duration(self.duration)
        if spec.freq is None:
            local = to_local(self.start, spec.tz)  # a one-off in a DST gap shows the time it really happens
            return f"once on {format_date(local.date())} at {format_clock(local.time())} ({zone}), {length}"
        when = f"{_describe_cadence(spec)} at {format_clock(spec.start.time())}"
        return f"{when} ({zone}), {length}{_describe_end(spec)}"


def recurrence_from_rule(rule: str, duration_minutes: int, phrase: str) -> Recurrence:
    """Rebuild a Recurrence from stored columns; ValueError if the stored rule is unusable."""
    if duration_minutes <= 0:
        raise ValueError(f"duration must be positive, got {duration_minutes} minutes")
    return Recurrence(rule=rule, duration=timedelta(minutes=duration_minutes), phrase=phrase)


# --- describing --------------------------------------------------------------------------------------------


def _join(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _describe_cadence(spec: _Rule) -> str:
    head = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month"}.get(spec.freq or "")
    every_weekday = [day for day, n in spec.byday if n == 0]
    nth = [(day, n) for day, n in spec.byday if n != 0]
    if head is None or spec.bymonth:
        return _describe_custom(spec)
    every = f"every {head}" if spec.interval == 1 else f"every {spec.interval} {head}s"
    if spec.freq in ("DAILY", "WEEKLY") and not (nth or spec.bymonthday or spec.bysetpos):
        if spec.interval == 1 and tuple(sorted(every_weekday)) == _MONDAY_TO_FRIDAY:
            return "every weekday (Monday to Friday)"
        if not every_weekday:
            return every
        return f"{every} on {_join([weekday_name(day) for day in sorted(set(every_weekday))])}"
    if spec.freq == "MONTHLY" and not every_weekday:
        if nth and not spec.bymonthday and not spec.bysetpos and all(n in _NTH_WORDS for _, n in nth):
            return f"{every} on the {_describe_nth(nth)}"
        last = spec.bymonthday[-1] if spec.bymonthday else 0
        if not nth and spec.bysetpos == (-1,) and spec.bymonthday == tuple(range(28, last + 1)) and last > 28:
            return f"{every} on the {ordinal_suffix(last)} (or the last day of shorter months)"
        if not nth and not spec.bysetpos and all(day == -1 or day > 0 for day in spec.bymonthday):
            days = [
                "last day" if day == -1 else ordinal_suffix(day)
                for day in sorted(spec.bymonthday, key=lambda d: (d == -1, d))
            ]
            return f"{every} on the {_join(days)}"
    return _describe_custom(spec)


def _describe_nth(nth: list[tuple[int, int]]) -> str:
    """ "first Thursday", "first and third Monday", "first Monday and last Friday"."""
    if len({day for day, _ in nth}) == 1:
        return f"{_join([_NTH_WORDS[n] for _, n in nth])} {weekday_name(nth[0][0])}"
    return _join([f"{_NTH_WORDS[n]} {weekday_name(day)}" for day, n in nth])


def _describe_custom(spec: _Rule) -> str:
    return f"on a custom schedule ({spec.text().splitlines()[-1]})"


def _describe_end(spec: _Rule) -> str:
    if spec.count is not None:
        return f", {spec.count} times"
    if spec.until is not None:
        return f", until {format_date(spec.until.date())}"
    return ""


# --- parsing phrases ---------------------------------------------------------------------------------------

_FILLER = frozenset(
    {"at", "on", "the", "of", "and", "&", "a", "an", "per", "once", "in", "@", "starting", "from"}
)
# Words that carry no schedule: "let's meet every tuesday at 4pm please", "repeat weekly on mondays".
_NOISE = frozenset(
    {"standup", "stand-up", "1:1", "1-1", "1on1", "one-on-one", "mentoring", "catch-up", "catchup", "meetup"}
    | {
        "let's",
        "lets",
        "meet",
        "meeting",
        "meetings",
        "please",
        "pls",
        "repeat",
        "repeating",
        "recurring",
        "sessions",
        "session",
        "call",
        "calls",
        "sync",
        "syncs",
        "chat",
        "check-in",
        "check-ins",
        "checkin",
        "checkins",
    }
)
# word -> (frequency, how many of that frequency's periods one such unit is)
_UNITS: dict[str, tuple[str, int]] = {
    "day": ("DAILY", 1),
    "days": ("DAILY", 1),
    "week": ("WEEKLY", 1),
    "weeks": ("WEEKLY", 1),
    "wk": ("WEEKLY", 1),
    "wks": ("WEEKLY", 1),
    "fortnight": ("WEEKLY", 2),
    "fortnights": ("WEEKLY", 2),
    "month": ("MONTHLY", 1),
    "months": ("MONTHLY", 1),
    "quarter": ("MONTHLY", 3),
    "quarters": ("MONTHLY", 3),
}
_ADVERBS: dict[str, tuple[str, int]] = {
    "daily": ("DAILY", 1),
    "weekly": ("WEEKLY", 1),
    "biweekly": ("WEEKLY", 2),
    "bi-weekly": ("WEEKLY", 2),
    "fortnightly": ("WEEKLY", 2),
    "monthly": ("MONTHLY", 1),
    "quarterly": ("MONTHLY", 3),
}
_WEEKDAY_GROUPS = {
    "weekday": _MONDAY_TO_FRIDAY,
    "weekdays": _MONDAY_TO_FRIDAY,
    "weekend": (5, 6),
    "weekends": (5, 6),
}
_UNSUPPORTED_UNITS = frozenset(
    {"year", "years", "yearly", "annually", "annual", "hour", "hours", "hourly", "minute", "minutes"}
)
_REPEATING_WORDS = (
    frozenset({"every", "each"}) | _ADVERBS.keys() | _WEEKDAY_GROUPS.keys() | _UNSUPPORTED_UNITS
)
_FREQ_WORDS = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly"}
_UNIT_NAMES = {"DAILY": "days", "WEEKLY": "weeks", "MONTHLY": "months"}
_BARE_NUMBER = re.compile(r"[0-9]{1,3}", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}(t.*)?", re.ASCII)


def parse_recurrence(phrase: str, tz: str | ZoneInfo, now: datetime) -> Recurrence:
    """A Recurrence for phrases like "every 2 weeks on Tuesday at 10:00" or "once on dec 3 at 3pm".

    A trailing IANA zone ("… at 9am America/New_York") is the zone the rule is read and kept in;
    otherwise `tz`.

    The series starts at its first occurrence strictly after `now`. Missing time → 10:00; a weekly (or
    monthly) phrase without a day uses tomorrow's weekday (or day of month); duration defaults to 30 min.
    Raises ParseError for anything not understood, for an unknown zone and for a one-off in the past.
    """
    zone = parse_zone(tz)
    require_aware(now, "now")
    phrase, named = split_zone_suffix(phrase)
    zone = named or zone
    if zone.key is None:
        raise ValueError("the time zone needs an IANA key, e.g. ZoneInfo('Europe/Berlin')")
    normalized = " ".join(phrase.split())
    if not normalized:
        raise parse_error('Please tell me when to meet; "" is empty.', EXAMPLES)
    body, duration = _split_duration(normalized)
    body, starting = _split_start(body, zone, now)
    if starting is not None and starting > now:
        now = starting
    words, end = collapse_time_range(words_of(body))
    if end is not None and duration == DEFAULT_DURATION and body == normalized:
        start = read_meeting_time(next(word for word in words if looks_like_time(word)))
        length = datetime.combine(date.min, end) - datetime.combine(date.min, start)
        if MIN_DURATION <= length <= MAX_DURATION:
            duration = length
    words = _apply_day_part([word for word in words if word not in _NOISE])
    if _is_one_off(words):
        spec = _parse_one_off(words, zone, now, normalized)
    else:
        spec = _resolve(_CadenceReader(words, normalized).read(), zone, now, normalized)
    return Recurrence(rule=spec.text(), duration=duration, phrase=normalized)


_DAY_PARTS = {
    "morning": ("am", "09:00"),
    "mornings": ("am", "09:00"),
    "afternoon": ("pm", "14:00"),
    "afternoons": ("pm", "14:00"),
    "evening": ("pm", "18:00"),
    "evenings": ("pm", "18:00"),
}


def _apply_day_part(words: list[str]) -> list[str]:
    """ "saturday morning at 10" → 10am, "tuesday evening at 7" → 7pm; with no time, morning is 09:00,
    afternoon 14:00 and evening 18:00."""
    parts = [word for word in words if word in _DAY_PARTS]
    if len(parts) != 1:
        return words
    suffix, default = _DAY_PARTS[parts[0]]
    rest = [word for word in words if word not in _DAY_PARTS]
    for index, word in enumerate(rest):
        bare = _BARE_NUMBER.fullmatch(word) or re.fullmatch(r"[0-9]{1,2}[:.][0-9]{2}", word, re.ASCII)
        if bare and index > 0 and rest[index - 1] in ("at", "@") and int(re.split(r"[:.]", word)[0]) <= 12:
            return [*rest[:index], word + suffix, *rest[index + 1 :]]
        if looks_like_time(word):
            return rest
    return [*rest, "at", default]


_START = re.compile(
    r"\b(?:starting(?:\s+on|\s+from)?|beginning|from|start(?:ing)?\s+on|as\s+of|effective)\s+"
    r"(?P<when>.+?)(?=\s+(?:at|@)\s|\s+[0-9]{1,2}(?::[0-9]{2})?\s*(?:am|pm)\b|\s*$)",
    re.IGNORECASE,
)


def _split_start(phrase: str, zone: ZoneInfo, now: datetime) -> tuple[str, datetime | None]:
    """ "every monday starting next week at 9": the series begins on that day (its first occurrence is
    the first match on or after it); returns the phrase without it and that day's start as UTC."""
    for match in _START.finditer(phrase):
        try:
            day = read_date(words_of(match["when"]), to_local(now, zone).date(), month_start=True)
        except (Invalid, AskBack):
            continue
        rest = (phrase[: match.start()] + " " + phrase[match.end() :]).strip()
        start = local_to_utc(datetime.combine(day, time(0)), zone) - timedelta(seconds=1)
        return " ".join(rest.split()), start
    return phrase, None


def _split_duration(phrase: str) -> tuple[str, timedelta]:
    """Separate a trailing "for 45 minutes" or "(60 min)" from the schedule."""
    paren = re.search(r"\(([^()]*)\)\s*$", phrase)
    if paren:
        body, amount = phrase[: paren.start()], paren.group(1)
    else:
        index = phrase.lower().rfind(" for ")
        if index < 0:
            return phrase, DEFAULT_DURATION
        body, amount = phrase[:index], phrase[index + len(" for ") :]
    try:
        duration = read_duration(amount)
    except Invalid as exc:
        detail = f" ({exc.reason})" if exc.reason else ""
        raise not_understood(
            phrase, DURATION_EXAMPLES, f"I can't tell how long {quote(amount)} is{detail}"
        ) from None
    if not MIN_DURATION <= duration <= MAX_DURATION:
        reason = f"a meeting can last from 5 minutes to 8 hours, not {format_duration(duration)}"
        raise not_understood(phrase, DURATION_EXAMPLES, reason)
    return body, duration


def _is_one_off(words: list[str]) -> bool:
    """ "once …" (but not "once a week"), or a calendar date without any word that makes it repeat."""
    if not words:
        return False
    if words[0] == "once":
        return len(words) == 1 or words[1] not in ("a", "an", "per", "every", "each")
    if words[0] in ("next", "this", "coming") and len(words) > 1 and match_weekday(words[1]) is not None:
        return True
    if any(word in _REPEATING_WORDS for word in words):
        return False  # "every tuesday in march" is a (not understood) cadence, not a date
    return any(
        _ISO_DATE.fullmatch(word) or match_month(word) is not None or word in ("today", "tomorrow", "tmrw")
        for word in words
    )


def _parse_one_off(words: list[str], zone: ZoneInfo, now: datetime, phrase: str) -> _Rule:
    text = " ".join(words[1:] if words[0] == "once" else words)
    try:
        local = read_local_datetime(text, zone, now)
        instant = local_to_utc(local, zone)
    except Invalid as exc:
        raise not_understood(phrase, ONE_OFF_EXAMPLES, exc.reason) from None
    except OverflowError:
        raise not_understood(phrase, ONE_OFF_EXAMPLES, "that date is out of range") from None
    if instant <= now:
        when = format_local(instant, zone, show_year=True)
        raise parse_error(f"{quote(phrase)} is in the past ({when}).", ONE_OFF_EXAMPLES)
    return _Rule(zone, local)


@dataclass
class _Draft:
    """What a cadence phrase said, before defaults and consistency checks."""

    freq: str | None = None
    interval: int | None = None
    weekdays: list[int] = field(default_factory=list)
    nth: list[tuple[int, int]] = field(default_factory=list)
    monthdays: list[int] = field(default_factory=list)
    at: time | None = None
    ambiguous: str | None = None


class _CadenceReader:
    """Reads a cadence phrase word by word into a `_Draft`; every word must be understood."""

    def __init__(self, words: list[str], phrase: str) -> None:
        self.words = words
        self.phrase = phrase
        self.draft = _Draft()
        self.index = 0

    def fail(self, reason: str | None = None) -> ParseError:
        return not_understood(self.phrase, EXAMPLES, reason)

    def peek(self, offset: int) -> str:
        position = self.index + offset
        return self.words[position] if position < len(self.words) else ""

    def read(self) -> _Draft:
        while self.index < len(self.words):
            self.step(self.words[self.index])
        return self.draft

    def step(self, word: str) -> None:
        if word in _FILLER:
            self.index += 1
        elif word in ("every", "each"):
            self.read_every()
        elif word in _UNITS or word in _ADVERBS:
            self.set_freq(*(_UNITS.get(word) or _ADVERBS[word]))
            self.index += 1
        elif word in _WEEKDAY_GROUPS:
            self.draft.weekdays.extend(_WEEKDAY_GROUPS[word])
            self.index += 1
        elif (day := match_weekday(word)) is not None:
            self.draft.weekdays.append(day)
            self.index += 1
        elif match_ordinal(word) is not None:
            self.read_ordinals()
        elif (count := match_count(word)) is not None and self.peek(1) in _UNITS:
            freq, size = _UNITS[self.peek(1)]
            self.set_freq(freq, count * size)
            self.index += 2
        elif _BARE_NUMBER.fullmatch(word) and self.index > 0 and self.words[self.index - 1] == "the":
            self.add_monthdays([int(word)])  # "on the 15"
            self.index += 1
        elif looks_like_time(word) or _BARE_NUMBER.fullmatch(word):
            self.read_time(word)
        elif word in ("twice", "thrice"):
            raise self.fail(
                "please name the days, like every Monday and Thursday or the first and third Tuesday"
            )
        elif word in _UNSUPPORTED_UNITS:
            raise self.fail(f"I can repeat by days, weeks or months, but not by {word.removesuffix('ly')}")
        else:
            raise self.fail()

    def read_every(self) -> None:
        """ "every 2 weeks", "every other week", "every second week"; plain "every" is filler."""
        following, unit = self.peek(1), self.peek(2)
        count = match_count(following)
        ordinal = match_ordinal(following)
        if following == "other" and unit in _UNITS:
            freq, size = _UNITS[unit]
            self.set_freq(freq, 2 * size)
            self.index += 3
        elif following == "other" and (match_weekday(unit) is not None or unit in _WEEKDAY_GROUPS):
            self.set_freq("WEEKLY", 2)
            self.index += 2
        elif following == "other":
            raise self.fail()
        elif unit in _UNITS and (count is not None or (ordinal is not None and ordinal >= 1)):
            freq, size = _UNITS[unit]
            self.set_freq(freq, (count if count is not None else ordinal or 1) * size)
            self.index += 3
        else:
            if ordinal is not None and ordinal >= 2 and match_weekday(unit) is not None:
                # "every second Tuesday" is fortnightly to some people and monthly to others.
                self.draft.ambiguous = f"every {following} {unit}"
            self.index += 1

    def read_ordinals(self) -> None:
        """ "first thursday", "first and third monday", "15th", "1st and 15th", "last day"."""
        ordinals = [match_ordinal(self.words[self.index]) or 0]
        end = self.index
        while self.peek(end - self.index + 1) in ("and", "&"):
            following = match_ordinal(self.peek(end - self.index + 2))
            if following is None:
                break
            ordinals.append(following)
            end += 2
        self.index = end + 1
        after = self.peek(0)
        day = match_weekday(after)
        if day is not None:
            for n in ordinals:
                if n not in _NTH_WORDS:
                    name = weekday_name(day)
                    raise self.fail(f"I can use the first to fourth or the last {name} of a month")
                self.draft.nth.append((day, n))
            self.index += 1
            return
        if after in ("day", "days"):
            self.index += 1
        self.add_monthdays(ordinals)

    def add_monthdays(self, days: list[int]) -> None:
        for day in days:
            if day != -1 and not 1 <= day <= 31:
                raise self.fail(f"a month has no {ordinal_suffix(day)} day")
            self.draft.monthdays.append(day)

    def read_time(self, word: str) -> None:
        try:
            value = read_meeting_time(word)
        except Invalid as exc:
            raise self.fail(exc.reason or f"{quote(word)} is not a time of day") from None
        if self.draft.at is not None and self.draft.at != value:
            raise self.fail("it has two different times; a cadence has one")
        self.draft.at = value
        self.index += 1

    def set_freq(self, freq: str, interval: int) -> None:
        draft = self.draft
        if draft.freq is not None and draft.freq != freq:
            raise self.fail(f"it mixes {_FREQ_WORDS[draft.freq]} and {_FREQ_WORDS[freq]}")
        if draft.interval is not None and draft.interval != interval:
            raise self.fail("it gives two different intervals")
        draft.freq, draft.interval = freq, interval


def _resolve(draft: _Draft, zone: ZoneInfo, now: datetime, phrase: str) -> _Rule:
    """Apply defaults, check consistency and anchor the series on its first occurrence after `now`."""
    freq = _resolve_freq(draft, phrase)
    interval = 1 if draft.interval is None else draft.interval
    limit = MAX_INTERVAL[freq]
    if not 1 <= interval <= limit:
        unit = _UNIT_NAMES[freq]
        raise not_understood(phrase, EXAMPLES, f"the interval must be between 1 and {limit} {unit}")
    local_now = to_local(now, zone)
    tomorrow = local_now.date() + timedelta(days=1)
    byday: tuple[tuple[int, int], ...] = ()
    bymonthday: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()
    if freq == "WEEKLY":
        byday = tuple((day, 0) for day in sorted(set(draft.weekdays or [tomorrow.weekday()])))
    elif freq == "MONTHLY" and draft.nth:
        byday = tuple(dict.fromkeys(draft.nth))
    elif freq == "MONTHLY":
        bymonthday, bysetpos = _monthday_parts(sorted(set(draft.monthdays or [tomorrow.day])), phrase)
    at = DEFAULT_TIME if draft.at is None else draft.at
    probe = _Rule(
        zone, datetime.combine(local_now.date() - timedelta(days=1), at), freq, 1, byday, bymonthday, bysetpos
    )
    # The first match strictly after now (in real time, after any DST shift) becomes DTSTART, so an
    # interval counts from the next matching day.
    for local in islice(probe.to_rrule(), _PROBE_LIMIT):
        if local_to_utc(local, zone) > now:
            return replace(probe, start=local, interval=interval)
    raise not_understood(phrase, EXAMPLES)


def _resolve_freq(draft: _Draft, phrase: str) -> str:
    """The frequency the words add up to, or a ParseError saying what does not fit."""

    def fail(reason: str) -> ParseError:
        return not_understood(phrase, EXAMPLES, reason)

    freq = draft.freq
    if draft.ambiguous and freq != "MONTHLY":
        _every, nth_word, day_word = draft.ambiguous.split()
        nth = match_ordinal(nth_word) or 2
        day = weekday_name(match_weekday(day_word) or 0)
        raise AskBack(
            f'"{draft.ambiguous}" can mean every {nth} weeks or once a month. Which one?',
            draft.ambiguous,
            (
                (f"Every {nth} weeks on {day}", f"every {nth} weeks on {day}"),
                (f"The {nth_word} {day} of each month", f"monthly on the {nth_word} {day}"),
            ),
        )
    if sum(1 for part in (draft.weekdays, draft.nth, draft.monthdays) if part) > 1:
        raise fail("it mixes days of the week and days of the month")
    if draft.nth or draft.monthdays:
        if freq not in (None, "MONTHLY"):
            raise fail("a day of the month needs a monthly schedule")
        return "MONTHLY"
    if draft.weekdays:
        if freq == "MONTHLY":
            name = weekday_name(draft.weekdays[0])
            raise fail(f"please say which {name} of the month, like the first {name} or the last {name}")
        if freq == "DAILY" and draft.interval not in (None, 1):
            raise fail("days of the week don't fit an every-few-days schedule")
        return "WEEKLY"
    if freq is None:
        raise fail("please say how often, like weekly, every 2 weeks or monthly")
    return freq


def _monthday_parts(days: list[int], phrase: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """BYMONTHDAY/BYSETPOS: days after the 28th fall back to the month's last day in shorter months."""
    late = [day for day in days if day > 28]
    if not late:
        return tuple(days), ()
    if len(days) > 1:
        raise not_understood(phrase, EXAMPLES, "a day after the 28th can't be combined with other days")
    # The last of "28…31" that exists in the month: the 31st in long months, Feb 28/29 in February.
    return tuple(range(28, late[0] + 1)), (-1,)


def split_cadence(phrase: str, tz: str | ZoneInfo, now: datetime) -> tuple[str, str]:
    """The longest leading part of `phrase` that is a cadence, and the words after it (an office-hours
    topic: "monthly on the first thursday at 17:00 career growth" → (…"17:00", "career growth")).

    Raises the whole phrase's ParseError when no leading part is a cadence, and AskBack when the whole
    phrase has two readings.
    """
    words = phrase.split()
    first_error: ParseError | None = None
    for end in range(len(words), 0, -1):
        try:
            parse_recurrence(" ".join(words[:end]), tz, now)
        except AskBack:
            if end == len(words):
                raise
        except ParseError as exc:
            first_error = first_error or exc
        else:
            return " ".join(words[:end]), " ".join(words[end:])
    raise first_error or parse_error(f"Please tell me when to meet; {quote(phrase)} is empty.", EXAMPLES)


def with_time(phrase: str, at: time) -> str | None:
    """The same cadence phrase at another time of day ("every weekday at 9" → "every weekday at 15:00");
    None when the phrase gives its time as a range, which a single time cannot replace."""
    tokens = phrase.split()
    clock = f"{at.hour:02d}:{at.minute:02d}"
    for index, token in enumerate(tokens):
        word = token.lower().rstrip(".,")
        after_at = index > 0 and tokens[index - 1].lower() in ("at", "@") and _BARE_NUMBER.fullmatch(word)
        if "-" in word or "–" in word:
            if any(ch.isdigit() for ch in word):
                return None
            continue
        if looks_like_time(word) or after_at:
            if index + 1 < len(tokens) and tokens[index + 1].lower().strip(".") in ("am", "pm", "a.m", "p.m"):
                del tokens[index + 1]
            tokens[index] = clock
            return " ".join(tokens)
    return f"{phrase} at {clock}"
