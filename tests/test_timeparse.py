from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import ParseError
from bot.domain.timeparse import (
    DURATION_EXAMPLES,
    TIME_EXAMPLES,
    ZONE_EXAMPLES,
    format_clock,
    looks_like_time,
    match_count,
    match_month,
    match_ordinal,
    match_weekday,
    ordinal_suffix,
    parse_duration,
    parse_time_of_day,
    parse_weekday,
    parse_zone,
    quote,
    weekday_name,
    words_of,
)

WORDS = ["10", ":", "h", "am", "pm", "30", "min", "hour", "1", "and", "noon", ".", "d", "w", "25", "00", " "]


def assert_friendly(error: ParseError, text: str, examples: tuple[str, str]) -> None:
    """The message quotes what was typed and shows two inputs that work."""
    assert f'"{" ".join(text.split())}"' in error.message
    for example in examples:
        assert f'"{example}"' in error.message


# --- time of day -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:00", time(10, 0)),
        ("10am", time(10, 0)),
        ("10 am", time(10, 0)),
        ("10 AM", time(10, 0)),
        ("10 a.m.", time(10, 0)),
        ("9", time(9, 0)),
        ("9:15", time(9, 15)),
        ("17", time(17, 0)),
        ("5pm", time(17, 0)),
        ("5:30pm", time(17, 30)),
        ("5:30 p.m.", time(17, 30)),
        ("noon", time(12, 0)),
        ("Midnight", time(0, 0)),
        ("9.30", time(9, 30)),
        ("16h30", time(16, 30)),
        ("16h", time(16, 0)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:30am", time(0, 30)),
        ("  7:05  ", time(7, 5)),
        ("10 o'clock", time(10, 0)),
        ("at 10", time(10, 0)),
    ],
)
def test_parse_time_of_day(text, expected):
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("25:00", "hour must be between 0 and 23"),
        ("24:00", "hour must be between 0 and 23"),
        ("10:60", "minutes must be between 00 and 59"),
        ("13pm", "between 1 and 12"),
        ("0am", "between 1 and 12"),
        ("10:", "two digits"),
        ("10:5", None),
        ("16h30pm", None),
        ("ten", None),
        ("", None),
        ("10:00:00", None),
        ("-1", None),
        ("teatime", None),
    ],
)
def test_parse_time_of_day_rejects(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_time_of_day(text)
    assert_friendly(caught.value, text, TIME_EXAMPLES)
    if reason:
        assert reason in caught.value.message


def test_time_error_message_is_friendly():
    with pytest.raises(ParseError) as caught:
        parse_time_of_day("teatime")
    assert caught.value.message == 'I couldn\'t understand "teatime". Try "10:00" or "5:30pm".'


@given(st.integers(0, 23), st.integers(0, 59))
def test_time_of_day_round_trips_24h(hour, minute):
    value = time(hour, minute)
    assert parse_time_of_day(format_clock(value)) == value
    assert parse_time_of_day(f"{hour}.{minute:02d}") == value
    assert parse_time_of_day(f"{hour}h{minute:02d}") == value


@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm"]))
def test_time_of_day_round_trips_12h(hour, minute, suffix):
    expected = time(hour % 12 + (12 if suffix == "pm" else 0), minute)
    assert parse_time_of_day(f"{hour}:{minute:02d}{suffix}") == expected
    assert parse_time_of_day(f"{hour}:{minute:02d} {suffix.upper()}") == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("10:00", True), ("5pm", True), ("16h30", True), ("noon", True), ("10", False), ("tue", False)],
)
def test_looks_like_time(word, expected):
    assert looks_like_time(word) is expected


# --- durations ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30m", 30),
        ("30 min", 30),
        ("30 mins", 30),
        ("45 minutes", 45),
        ("1h", 60),
        ("1 hour", 60),
        ("1 hr", 60),
        ("1h30", 90),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("1 hour 30 min", 90),
        ("1 hour and 30 minutes", 90),
        ("1.5h", 90),
        ("90m", 90),
        ("an hour", 60),
        ("half an hour", 30),
        ("2d", 2 * 24 * 60),
        ("3 days", 3 * 24 * 60),
        ("a day", 24 * 60),
        ("1w", 7 * 24 * 60),
        ("2 weeks", 14 * 24 * 60),
        ("24h", 24 * 60),
        ("1w 2d", 9 * 24 * 60),
        ("366 days", 366 * 24 * 60),
        ("2 HOURS", 120),
    ],
)
def test_parse_duration(text, minutes):
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0m", "longer than zero"),
        ("0 hours", "longer than zero"),
        ("367 days", "at most 366 days"),
        ("53 weeks", "at most 366 days"),
        ("999999 weeks", "at most 366 days"),
        ("30", "add a unit"),
        ("30m 1h", None),
        ("1h 1h", None),
        ("5 parsecs", None),
        ("", None),
        ("-5m", None),
        ("1h30s", None),
        ("forever", None),
    ],
)
def test_parse_duration_rejects(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_duration(text)
    assert_friendly(caught.value, text, DURATION_EXAMPLES)
    if reason:
        assert reason in caught.value.message


@given(st.integers(0, 200), st.integers(0, 59))
def test_duration_hours_minutes_round_trip(hours, minutes):
    expected = timedelta(hours=hours, minutes=minutes)
    if expected == timedelta(0):
        with pytest.raises(ParseError):
            parse_duration(f"{hours}h{minutes:02d}")
    else:
        assert parse_duration(f"{hours}h{minutes:02d}") == expected
        assert parse_duration(f"{hours} hours {minutes} minutes") == expected


# --- names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("mon", 0),
        ("Monday", 0),
        ("MONDAYS", 0),
        ("tue", 1),
        ("tues", 1),
        ("Tues.", 1),
        ("tuesday", 1),
        ("wed", 2),
        ("weds", 2),
        ("wednesday", 2),
        ("thu", 3),
        ("thur", 3),
        ("thurs", 3),
        ("thursday", 3),
        ("fri", 4),
        ("friday", 4),
        ("fridays", 4),
        ("sat", 5),
        ("saturday", 5),
        ("sun", 6),
        ("Sunday", 6),
        ("suns", None),
        ("mondayz", None),
        ("", None),
        ("m", None),
    ],
)
def test_match_weekday(word, expected):
    assert match_weekday(word) == expected


def test_parse_weekday():
    assert parse_weekday(" Thursday ") == 3
    with pytest.raises(ParseError) as caught:
        parse_weekday("caturday")
    assert_friendly(caught.value, "caturday", ("tuesday", "fri"))


def test_weekday_names():
    assert [weekday_name(day) for day in range(7)] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("jan", 1),
        ("January", 1),
        ("sep", 9),
        ("sept", 9),
        ("Sept.", 9),
        ("dec", 12),
        ("may", 5),
        ("decem", None),
    ],
)
def test_match_month(word, expected):
    assert match_month(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("first", 1),
        ("1st", 1),
        ("2nd", 2),
        ("third", 3),
        ("15th", 15),
        ("31st", 31),
        ("32nd", 32),
        ("last", -1),
    ],
)
def test_match_ordinal(word, expected):
    assert match_ordinal(word) == expected


def test_match_count():
    assert match_count("two") == 2
    assert match_count("12") == 12
    assert match_count("twelve") == 12
    assert match_count("1234") is None
    assert match_count("x") is None


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (31, "31st"),
    ],
)
def test_ordinal_suffix(number, text):
    assert ordinal_suffix(number) == text


def test_words_of_merges_am_pm_and_drops_commas():
    assert words_of("Monthly, first Thursday 5 p.m.") == ["monthly", "first", "thursday", "5pm"]
    assert words_of("at 10 o'clock.") == ["at", "10"]


def test_quote_shortens_long_text():
    quoted = quote("x" * 500)
    assert quoted.startswith('"x') and quoted.endswith('…"') and len(quoted) < 100


# --- zones -------------------------------------------------------------------------------------------------


def test_parse_zone():
    assert parse_zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert parse_zone(" America/New_York ") == ZoneInfo("America/New_York")
    berlin = ZoneInfo("Europe/Berlin")
    assert parse_zone(berlin) is berlin


@pytest.mark.parametrize(
    "name", ["Mars/Olympus_Mons", "", "../etc/passwd", "/etc/passwd", "America", "x" * 500, "a\x00b"]
)
def test_parse_zone_rejects(name):
    with pytest.raises(ParseError) as caught:
        parse_zone(name)
    assert "time zone" in caught.value.message
    if len(name) < 70:
        assert_friendly(caught.value, name, ZONE_EXAMPLES)
    else:
        assert 'Try "Europe/Berlin" or "America/New_York".' in caught.value.message


# --- totality ----------------------------------------------------------------------------------------------

TEXT = st.one_of(st.text(), st.lists(st.sampled_from(WORDS), max_size=6).map("".join))


@settings(max_examples=200)
@given(TEXT)
def test_parse_time_of_day_is_total(text):
    try:
        value = parse_time_of_day(text)
    except ParseError as error:
        assert "Try" in error.message
    else:
        assert isinstance(value, time)


@settings(max_examples=200)
@given(TEXT)
def test_parse_duration_is_total(text):
    try:
        value = parse_duration(text)
    except ParseError as error:
        assert "Try" in error.message
    else:
        assert timedelta(0) < value <= timedelta(days=366)
