from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dates import (
    DATE_EXAMPLES,
    DATETIME_EXAMPLES,
    local_to_utc,
    parse_date,
    parse_datetime,
    to_local,
)
from bot.domain.errors import AskBack, ParseError

TODAY = date(2026, 11, 21)  # a Saturday
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
NOW = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)  # 23:00 on Saturday in Berlin

WORDS = [
    "dec",
    "3",
    "2026",
    "-",
    "12",
    "03",
    "in",
    "a",
    "weeks",
    "next",
    "friday",
    "end",
    "of",
    "month",
    "today",
    "at",
    "15:00",
    "3pm",
    "feb",
    "29",
    "30",
    "t",
    "the",
    "3rd",
    "9999",
    "0001",
    "by",
]


def assert_friendly(error: ParseError, text: str, examples: tuple[str, str]) -> None:
    assert f'"{" ".join(text.split())}"' in error.message
    for example in examples:
        assert f'"{example}"' in error.message


# --- parse_date --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-03", date(2026, 12, 3)),
        ("2026/12/3", date(2026, 12, 3)),
        ("2020-01-01", date(2020, 1, 1)),  # an explicit past date is still a date
        ("3 dec", date(2026, 12, 3)),
        ("3rd dec", date(2026, 12, 3)),
        ("dec 3", date(2026, 12, 3)),
        ("Dec. 3rd", date(2026, 12, 3)),
        ("December 3", date(2026, 12, 3)),
        ("dec 3 2026", date(2026, 12, 3)),
        ("dec 3, 2026", date(2026, 12, 3)),
        ("3 December 2026", date(2026, 12, 3)),
        ("the 3rd of December", date(2026, 12, 3)),
        ("dec 3 2027", date(2027, 12, 3)),
        ("nov 21", date(2026, 11, 21)),  # on or after today
        ("nov 20", date(2027, 11, 20)),
        ("jan 5", date(2027, 1, 5)),
        ("feb 29", date(2028, 2, 29)),
        ("today", date(2026, 11, 21)),
        ("Tomorrow", date(2026, 11, 22)),
        ("friday", date(2026, 11, 27)),
        ("next friday", date(2026, 11, 27)),
        ("saturday", date(2026, 11, 28)),  # strictly after today, which is a Saturday
        ("sun", date(2026, 11, 22)),
        ("in 3 days", date(2026, 11, 24)),
        ("in 2 weeks", date(2026, 12, 5)),
        ("in 1 month", date(2026, 12, 21)),
        ("in a month", date(2026, 12, 21)),
        ("in two months", date(2027, 1, 21)),
        ("in 1 year", date(2027, 11, 21)),
        ("june", date(2027, 6, 30)),
        ("November", date(2026, 11, 30)),  # this month counts while it is not over
        ("december", date(2026, 12, 31)),
        ("feb", date(2027, 2, 28)),
        ("end of june", date(2027, 6, 30)),
        ("dec 2027", date(2027, 12, 31)),
        ("end of month", date(2026, 11, 30)),
        ("end of the month", date(2026, 11, 30)),
        ("end of next month", date(2026, 12, 31)),
        ("end of year", date(2026, 12, 31)),
        ("end of the year", date(2026, 12, 31)),
        # Callers strip these, but they are tolerated.
        ("by june", date(2027, 6, 30)),
        ("due friday", date(2026, 11, 27)),
        ("until dec 3", date(2026, 12, 3)),
        ("by the end of the month", date(2026, 11, 30)),
        ("  DEC   3  ", date(2026, 12, 3)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2026, 12, 31), "jan 1", date(2027, 1, 1)),
        (date(2026, 12, 31), "dec 31", date(2026, 12, 31)),
        (date(2026, 12, 31), "december", date(2026, 12, 31)),
        (date(2026, 12, 31), "tomorrow", date(2027, 1, 1)),
        (date(2026, 12, 31), "in 2 months", date(2027, 2, 28)),  # clamped to the month's end
        (date(2027, 3, 1), "feb 29", date(2028, 2, 29)),
        (date(2028, 2, 29), "feb 29", date(2028, 2, 29)),
        (date(2026, 1, 31), "in 1 month", date(2026, 2, 28)),
        (date(2026, 11, 27), "friday", date(2026, 12, 4)),
    ],
)
def test_parse_date_relative_to_other_days(today, text, expected):
    assert parse_date(text, today) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("feb 30", "February has no day 30"),
        ("april 31", "April has no day 31"),
        ("dec 32", "December has no day 32"),
        ("2026-13-01", "no month 13"),
        ("2026-02-29", "February 2026 has no day 29"),
        ("2026-00-10", "no month 0"),
        ("30 feb 2028", "February 2028 has no day 30"),
        ("blue moon", None),
        ("", None),
        ("in 3 fortnights", None),
        ("next", None),
        ("32/12/2026", None),
    ],
)
def test_parse_date_rejects(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_date(text, TODAY)
    assert_friendly(caught.value, text, DATE_EXAMPLES)
    if reason:
        assert reason in caught.value.message


def test_parse_date_examples_work():
    for example in DATE_EXAMPLES:
        parse_date(example, TODAY)


# --- local_to_utc ------------------------------------------------------------------------------------------


def test_local_to_utc_normal_time():
    assert local_to_utc(datetime(2026, 12, 1, 10, 0), BERLIN) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert local_to_utc(datetime(2026, 7, 1, 10, 0), BERLIN) == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "local", "expected_local"),
    [
        (NEW_YORK, datetime(2026, 3, 8, 2, 30), datetime(2026, 3, 8, 3, 30)),
        (NEW_YORK, datetime(2026, 3, 8, 2, 0), datetime(2026, 3, 8, 3, 0)),
        (BERLIN, datetime(2026, 3, 29, 2, 30), datetime(2026, 3, 29, 3, 30)),
        (SYDNEY, datetime(2026, 10, 4, 2, 30), datetime(2026, 10, 4, 3, 30)),
        (ZoneInfo("Australia/Lord_Howe"), datetime(2026, 10, 4, 2, 15), datetime(2026, 10, 4, 2, 45)),
    ],
)
def test_local_to_utc_moves_gap_times_forward(zone, local, expected_local):
    instant = local_to_utc(local, zone)
    assert to_local(instant, zone) == expected_local


@pytest.mark.parametrize(
    ("zone", "local", "expected"),
    [
        (NEW_YORK, datetime(2026, 11, 1, 1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),  # EDT, not EST
        (BERLIN, datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # CEST, not CET
        (SYDNEY, datetime(2026, 4, 5, 2, 30), datetime(2026, 4, 4, 15, 30, tzinfo=UTC)),  # AEDT, not AEST
    ],
)
def test_local_to_utc_takes_first_of_repeated_times(zone, local, expected):
    assert local_to_utc(local, zone) == expected


@settings(max_examples=200)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from([BERLIN, NEW_YORK, SYDNEY, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Kolkata")]),
)
def test_local_to_utc_round_trips_or_moves_forward(local, zone):
    instant = local_to_utc(local, zone)
    assert instant.utcoffset() == timedelta(0)
    back = to_local(instant, zone)
    assert local <= back <= local + timedelta(hours=1)


# --- parse_datetime ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_local"),
    [
        ("2026-12-03 15:00", datetime(2026, 12, 3, 15, 0)),
        ("2026-12-03T15:00", datetime(2026, 12, 3, 15, 0)),
        ("2026-12-03 at 3pm", datetime(2026, 12, 3, 15, 0)),
        ("dec 3 15:00", datetime(2026, 12, 3, 15, 0)),
        ("dec 3 at 3pm", datetime(2026, 12, 3, 15, 0)),
        ("dec 3 at 3 pm", datetime(2026, 12, 3, 15, 0)),
        ("dec 3 2026 15:00", datetime(2026, 12, 3, 15, 0)),
        ("3 December at 9", datetime(2026, 12, 3, 9, 0)),
        ("tomorrow 10am", datetime(2026, 11, 22, 10, 0)),
        ("tomorrow at noon", datetime(2026, 11, 22, 12, 0)),
        ("friday at 9:30", datetime(2026, 11, 27, 9, 30)),
        ("on friday at 9:30", datetime(2026, 11, 27, 9, 30)),
        ("today 17:00", datetime(2026, 11, 21, 17, 0)),  # in the past: allowed here
        ("10am tomorrow", datetime(2026, 11, 22, 10, 0)),
        ("at 10 tomorrow", datetime(2026, 11, 22, 10, 0)),
        ("3pm on friday", datetime(2026, 11, 27, 15, 0)),
        ("in 2 weeks at 16h30", datetime(2026, 12, 5, 16, 30)),
    ],
)
def test_parse_datetime(text, expected_local):
    result = parse_datetime(text, BERLIN, NOW)
    assert result.tzinfo is UTC
    assert to_local(result, BERLIN) == expected_local


def test_parse_datetime_uses_today_in_the_given_zone():
    # 23:30 UTC on Nov 21 is already Nov 22 in Sydney.
    now = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    assert to_local(parse_datetime("today 9:00", SYDNEY, now), SYDNEY) == datetime(2026, 11, 22, 9, 0)
    assert to_local(parse_datetime("today 9:00", NEW_YORK, now), NEW_YORK) == datetime(2026, 11, 21, 9, 0)


def test_parse_datetime_moves_gap_time_forward():
    result = parse_datetime("2026-03-08 02:30", NEW_YORK, NOW)
    assert result == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert to_local(result, NEW_YORK) == datetime(2026, 3, 8, 3, 30)


def test_parse_datetime_takes_first_repeated_time():
    assert parse_datetime("2026-11-01 01:30", NEW_YORK, NOW) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("dec 3", "please add a time of day"),
        ("dec 15", "please add a time of day"),  # "15" is the day, not 15:00
        ("tomorrow", "please add a time of day"),
        ("tomorrow at 25:00", "hour must be between 0 and 23"),
        ("feb 30 10:00", "February has no day 30"),
        ("blah 10:00", None),
        ("", None),
        ("2026-12-03T15:00Z", None),
    ],
)
def test_parse_datetime_rejects(text, reason):
    with pytest.raises(ParseError) as caught:
        parse_datetime(text, BERLIN, NOW)
    assert_friendly(caught.value, text, DATETIME_EXAMPLES)
    if reason:
        assert reason in caught.value.message


def test_parse_datetime_examples_work():
    for example in DATETIME_EXAMPLES:
        parse_datetime(example, BERLIN, NOW)


def test_parse_datetime_needs_aware_now():
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_datetime("tomorrow 10am", BERLIN, datetime(2026, 11, 21, 12, 0))


# --- totality ----------------------------------------------------------------------------------------------

TEXT = st.one_of(st.text(), st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join))


@settings(max_examples=200)
@given(TEXT, st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_parse_date_is_total(text, today):
    try:
        value = parse_date(text, today)
    except AskBack as question:
        assert question.choices and "say it again with" in question.message
    except ParseError as error:
        assert "Try" in error.message
    else:
        assert isinstance(value, date)


@settings(max_examples=200)
@given(
    TEXT, st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC))
)
def test_parse_datetime_is_total(text, now):
    try:
        value = parse_datetime(text, NEW_YORK, now)
    except AskBack as question:
        assert question.choices and "say it again with" in question.message
    except ParseError as error:
        assert "Try" in error.message
    else:
        assert value.tzinfo is UTC
