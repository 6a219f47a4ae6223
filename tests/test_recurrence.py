import time as clock
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import example as also_try
from hypothesis import strategies as st

from bot.domain.errors import AskBack, ParseError
from bot.domain.recurrence import (
    AMBIGUOUS_EXAMPLES,
    DURATION_EXAMPLES,
    EXAMPLES,
    ONE_OFF_EXAMPLES,
    Recurrence,
    parse_recurrence,
    recurrence_from_rule,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
NOW = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)  # Saturday, 23:00 in Berlin
DAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def local(instant: datetime | None, zone: ZoneInfo = BERLIN) -> datetime:
    assert instant is not None
    return instant.astimezone(zone).replace(tzinfo=None)


def locals_after(recurrence: Recurrence, after: datetime, count: int) -> list[datetime]:
    return [local(instant, recurrence.tz) for instant in recurrence.occurrences_after(after, count)]


def exists(wall: datetime, zone: ZoneInfo) -> bool:
    return wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


def reference(recurrence: Recurrence, after: datetime, count: int) -> list[datetime]:
    """Slow, independent evaluation: dateutil from DTSTART, zoneinfo's own fold=0 reading (PEP 495)."""
    head, _, body = recurrence.rule.partition("\n")
    zone = ZoneInfo(head.split("TZID=")[1].split(":")[0])
    start = datetime.strptime(head.rsplit(":", 1)[1], "%Y%m%dT%H%M%S")
    result: list[datetime] = []
    for wall in rrulestr(body, dtstart=start):
        instant = wall.replace(tzinfo=zone).astimezone(UTC)
        if instant > after:
            result.append(instant)
        if len(result) == count:
            break
    return result


def assert_friendly(error: ParseError, text: str, examples: tuple[str, str]) -> None:
    assert f'"{" ".join(text.split())}"' in error.message
    for example in examples:
        assert f'"{example}"' in error.message


# --- phrases -----------------------------------------------------------------------------------------------

TU_1124 = [datetime(2026, 11, 24, 10), datetime(2026, 12, 1, 10), datetime(2026, 12, 8, 10)]
BIWEEKLY_TU = [datetime(2026, 11, 24, 10), datetime(2026, 12, 8, 10), datetime(2026, 12, 22, 10)]
FIRST_TH = [datetime(2026, 12, 3, 17), datetime(2027, 1, 7, 17), datetime(2027, 2, 4, 17)]
DAILY_9 = [datetime(2026, 11, 22, 9), datetime(2026, 11, 23, 9), datetime(2026, 11, 24, 9)]
ONE_OFF = [datetime(2026, 12, 3, 15)]

PHRASES = [
    ("every week on Tuesday at 10:00", "FREQ=WEEKLY;BYDAY=TU", TU_1124),
    ("weekly on tue 10am", "FREQ=WEEKLY;BYDAY=TU", TU_1124),
    ("each Tuesday at 10", "FREQ=WEEKLY;BYDAY=TU", TU_1124),
    ("tuesdays 10:00", "FREQ=WEEKLY;BYDAY=TU", TU_1124),
    ("every 2 weeks on tue 10am", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", BIWEEKLY_TU),
    ("biweekly on Tuesday 10:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", BIWEEKLY_TU),
    ("every other week on tuesday at 10", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", BIWEEKLY_TU),
    ("every other tuesday at 10", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", BIWEEKLY_TU),
    ("every two weeks on Tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", BIWEEKLY_TU),
    ("every second week on Tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", BIWEEKLY_TU),
    (
        "fortnightly on wed 9:30",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        [datetime(2026, 11, 25, 9, 30), datetime(2026, 12, 9, 9, 30), datetime(2026, 12, 23, 9, 30)],
    ),
    (
        "every 6 weeks on thursday 16:30",
        "FREQ=WEEKLY;INTERVAL=6;BYDAY=TH",
        [datetime(2026, 11, 26, 16, 30), datetime(2027, 1, 7, 16, 30), datetime(2027, 2, 18, 16, 30)],
    ),
    # No weekday: the weekday of the day after now (Sunday); no time: 10:00.
    (
        "every 6 weeks",
        "FREQ=WEEKLY;INTERVAL=6;BYDAY=SU",
        [datetime(2026, 11, 22, 10), datetime(2027, 1, 3, 10), datetime(2027, 2, 14, 10)],
    ),
    (
        "every Monday and Thursday at 8:00",
        "FREQ=WEEKLY;BYDAY=MO,TH",
        [datetime(2026, 11, 23, 8), datetime(2026, 11, 26, 8), datetime(2026, 11, 30, 8)],
    ),
    (
        "Mon, Wed & Fri at 7am",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        [datetime(2026, 11, 23, 7), datetime(2026, 11, 25, 7), datetime(2026, 11, 27, 7)],
    ),
    ("monthly on the first thursday at 17:00", "FREQ=MONTHLY;BYDAY=1TH", FIRST_TH),
    ("monthly, first Thursday 17:00", "FREQ=MONTHLY;BYDAY=1TH", FIRST_TH),
    ("the first thursday of every month at 5pm", "FREQ=MONTHLY;BYDAY=1TH", FIRST_TH),
    ("every first thursday at 17:00", "FREQ=MONTHLY;BYDAY=1TH", FIRST_TH),
    (
        "monthly on the last friday at 16:00",
        "FREQ=MONTHLY;BYDAY=-1FR",
        [datetime(2026, 11, 27, 16), datetime(2026, 12, 25, 16), datetime(2027, 1, 29, 16)],
    ),
    (
        "every month on the 2nd tuesday at 9",
        "FREQ=MONTHLY;BYDAY=2TU",
        [datetime(2026, 12, 8, 9), datetime(2027, 1, 12, 9), datetime(2027, 2, 9, 9)],
    ),
    (
        "monthly on the first and third monday at 9",
        "FREQ=MONTHLY;BYDAY=1MO,3MO",
        [datetime(2026, 12, 7, 9), datetime(2026, 12, 21, 9), datetime(2027, 1, 4, 9)],
    ),
    (
        "monthly on the 15th at 9",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        [datetime(2026, 12, 15, 9), datetime(2027, 1, 15, 9), datetime(2027, 2, 15, 9)],
    ),
    (
        "monthly on the 1st and 15th at 9",
        "FREQ=MONTHLY;BYMONTHDAY=1,15",
        [datetime(2026, 12, 1, 9), datetime(2026, 12, 15, 9), datetime(2027, 1, 1, 9)],
    ),
    (
        "monthly on the 31st at 9",
        "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1",
        [datetime(2026, 11, 30, 9), datetime(2026, 12, 31, 9), datetime(2027, 1, 31, 9)],
    ),
    (
        "monthly on the last day at 9",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        [datetime(2026, 11, 30, 9), datetime(2026, 12, 31, 9), datetime(2027, 1, 31, 9)],
    ),
    (
        "every 2 months on the first monday at 18:00",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO",
        [datetime(2026, 12, 7, 18), datetime(2027, 2, 1, 18), datetime(2027, 4, 5, 18)],
    ),
    (
        "quarterly on the first monday at 10",
        "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO",
        [datetime(2026, 12, 7, 10), datetime(2027, 3, 1, 10), datetime(2027, 6, 7, 10)],
    ),
    # No day of the month: the day after now (the 22nd).
    (
        "monthly",
        "FREQ=MONTHLY;BYMONTHDAY=22",
        [datetime(2026, 11, 22, 10), datetime(2026, 12, 22, 10), datetime(2027, 1, 22, 10)],
    ),
    ("daily at 9", "FREQ=DAILY", DAILY_9),
    ("every day at 9:00", "FREQ=DAILY", DAILY_9),
    ("Every day, at 9 AM", "FREQ=DAILY", DAILY_9),
    (
        "every other day at 7am",
        "FREQ=DAILY;INTERVAL=2",
        [datetime(2026, 11, 22, 7), datetime(2026, 11, 24, 7), datetime(2026, 11, 26, 7)],
    ),
    (
        "weekdays at 9:15",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        [datetime(2026, 11, 23, 9, 15), datetime(2026, 11, 24, 9, 15), datetime(2026, 11, 25, 9, 15)],
    ),
    (
        "once a week on friday",
        "FREQ=WEEKLY;BYDAY=FR",
        [datetime(2026, 11, 27, 10), datetime(2026, 12, 4, 10), datetime(2026, 12, 11, 10)],
    ),
    ("on 2026-12-03 at 15:00", None, ONE_OFF),
    ("2026-12-03 15:00", None, ONE_OFF),
    ("once on dec 3 at 3pm", None, ONE_OFF),
    ("once on 3 December 2026 at 15:00", None, ONE_OFF),
    ("once tomorrow at 10:00", None, [datetime(2026, 11, 22, 10)]),
]


@pytest.mark.parametrize(("phrase", "rrule_text", "first"), PHRASES)
def test_phrase_parses_to_expected_rule_and_occurrences(phrase, rrule_text, first):
    recurrence = parse_recurrence(phrase, "Europe/Berlin", NOW)
    expected_rule = f"DTSTART;TZID=Europe/Berlin:{first[0]:%Y%m%dT%H%M%S}"
    if rrule_text:
        expected_rule += f"\nRRULE:{rrule_text}"
    assert recurrence.rule == expected_rule
    assert recurrence.is_one_off is (rrule_text is None)
    assert recurrence.phrase == " ".join(phrase.split())
    assert recurrence.duration == timedelta(minutes=30)
    assert locals_after(recurrence, NOW, len(first)) == first
    assert recurrence.next_after(NOW) == first[0].replace(tzinfo=BERLIN).astimezone(UTC)
    assert recurrence.start == recurrence.next_after(NOW)


def test_phrase_is_case_and_space_insensitive():
    messy = parse_recurrence("  EVERY   2 Weeks,  on TUE,   at 10AM ", "Europe/Berlin", NOW)
    assert messy.rule == parse_recurrence("every 2 weeks on tue at 10am", "Europe/Berlin", NOW).rule
    assert messy.phrase == "EVERY 2 Weeks, on TUE, at 10AM"


def test_first_occurrence_is_strictly_after_now():
    # Now is exactly Tuesday 10:00 Berlin: the series starts a week later.
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    recurrence = parse_recurrence("every 2 weeks on tuesday at 10", "Europe/Berlin", now)
    assert local(recurrence.start) == datetime(2026, 12, 1, 10)
    # One minute before, it is today.
    recurrence = parse_recurrence(
        "every 2 weeks on tuesday at 10", "Europe/Berlin", now - timedelta(minutes=1)
    )
    assert local(recurrence.start) == datetime(2026, 11, 24, 10)


def test_now_is_read_in_the_cadence_zone():
    # 23:30 UTC on Saturday is already Sunday in Sydney, so "every 6 weeks" lands on Monday there.
    now = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    recurrence = parse_recurrence("every 6 weeks", "Australia/Sydney", now)
    assert recurrence.rule.endswith("BYDAY=MO")
    assert local(recurrence.start, SYDNEY) == datetime(2026, 11, 23, 10)


def test_accepts_zoneinfo_objects():
    assert (
        parse_recurrence("daily at 9", BERLIN, NOW).rule
        == parse_recurrence("daily at 9", "Europe/Berlin", NOW).rule
    )


# --- durations ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "minutes"),
    [
        ("every tuesday at 10", 30),
        ("every tuesday at 10 for 45 minutes", 45),
        ("every tuesday at 10 for 1h", 60),
        ("every tuesday at 10 for 1 hour 30 min", 90),
        ("every tuesday at 10 (60 min)", 60),
        ("every tuesday at 10, for an hour", 60),
        ("every tuesday at 10 for 5 min", 5),
        ("every tuesday at 10 for 8 hours", 480),
        ("once on dec 3 at 3pm for 45 minutes", 45),
    ],
)
def test_duration_suffix(phrase, minutes):
    recurrence = parse_recurrence(phrase, "Europe/Berlin", NOW)
    assert recurrence.duration == timedelta(minutes=minutes)
    assert local(recurrence.start) in (datetime(2026, 11, 24, 10), datetime(2026, 12, 3, 15))


# --- describe ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "description"),
    [
        ("every 2 weeks on tue 10am", "every 2 weeks on Tuesday at 10:00 (Europe/Berlin), 30 min"),
        ("weekly on tue 10am for 1h", "every week on Tuesday at 10:00 (Europe/Berlin), 1 h"),
        ("every 6 weeks", "every 6 weeks on Sunday at 10:00 (Europe/Berlin), 30 min"),
        (
            "every Monday and Thursday at 8:00 for 45 min",
            "every week on Monday and Thursday at 08:00 (Europe/Berlin), 45 min",
        ),
        (
            "Mon, Wed & Fri at 7am",
            "every week on Monday, Wednesday and Friday at 07:00 (Europe/Berlin), 30 min",
        ),
        ("weekdays at 9:15", "every weekday (Monday to Friday) at 09:15 (Europe/Berlin), 30 min"),
        ("daily at 9", "every day at 09:00 (Europe/Berlin), 30 min"),
        ("every 3 days at 9", "every 3 days at 09:00 (Europe/Berlin), 30 min"),
        (
            "monthly on the first thursday at 17:00",
            "every month on the first Thursday at 17:00 (Europe/Berlin), 30 min",
        ),
        (
            "monthly on the last friday at 16:00",
            "every month on the last Friday at 16:00 (Europe/Berlin), 30 min",
        ),
        (
            "monthly on the first and third monday at 9",
            "every month on the first and third Monday at 09:00 (Europe/Berlin), 30 min",
        ),
        (
            "quarterly on the first monday at 10",
            "every 3 months on the first Monday at 10:00 (Europe/Berlin), 30 min",
        ),
        ("monthly on the 15th at 9", "every month on the 15th at 09:00 (Europe/Berlin), 30 min"),
        (
            "monthly on the 1st and 15th at 9",
            "every month on the 1st and 15th at 09:00 (Europe/Berlin), 30 min",
        ),
        (
            "monthly on the 31st at 9",
            "every month on the 31st (or the last day of shorter months) at 09:00 (Europe/Berlin), 30 min",
        ),
        ("monthly on the last day at 9", "every month on the last day at 09:00 (Europe/Berlin), 30 min"),
        ("once on dec 3 at 3pm (90 min)", "once on Thu 3 Dec 2026 at 15:00 (Europe/Berlin), 1 h 30 min"),
    ],
)
def test_describe(phrase, description):
    assert parse_recurrence(phrase, "Europe/Berlin", NOW).describe() == description


# --- rejections --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "examples", "reason"),
    [
        ("", EXAMPLES, "empty"),
        ("   ", EXAMPLES, "empty"),
        ("every blue moon", EXAMPLES, None),
        ("every tuesday at 25:00", EXAMPLES, "hour must be between 0 and 23"),
        ("every tuesday at 10:75", EXAMPLES, "minutes"),
        ("every 0 weeks", EXAMPLES, "between 1 and 52 weeks"),
        ("every 53 weeks on monday", EXAMPLES, "between 1 and 52 weeks"),
        ("every 0 months on the 1st", EXAMPLES, "between 1 and 12 months"),
        ("every 13 months", EXAMPLES, "between 1 and 12 months"),
        ("every 5 quarters", EXAMPLES, "between 1 and 12 months"),
        ("monthly on the 32nd", EXAMPLES, "no 32nd day"),
        ("monthly on the 0th", EXAMPLES, "no 0th day"),
        ("monthly on the fifth monday", EXAMPLES, "first to fourth or the last Monday"),
        ("every month on the 5th friday at 9", EXAMPLES, "first to fourth or the last Friday"),
        ("every tuesday at 10 for 9 hours", DURATION_EXAMPLES, "from 5 minutes to 8 hours"),
        ("every tuesday at 10 for 4 minutes", DURATION_EXAMPLES, "from 5 minutes to 8 hours"),
        ("every tuesday at 10 (2 days)", DURATION_EXAMPLES, "from 5 minutes to 8 hours"),
        ("every tuesday at 10 for a while", DURATION_EXAMPLES, '"a while"'),
        ("on 2020-01-01 at 10:00", ONE_OFF_EXAMPLES, "in the past"),
        ("today at 9:00", ONE_OFF_EXAMPLES, "in the past"),
        ("once on feb 30 at 10", ONE_OFF_EXAMPLES, "February has no day 30"),
        ("once on dec 3", ONE_OFF_EXAMPLES, "time of day"),
        ("once", ONE_OFF_EXAMPLES, None),
        ("monthly on tuesday", EXAMPLES, "which Tuesday"),
        ("weekly on the 15th", EXAMPLES, "monthly"),
        ("monday and the 15th", EXAMPLES, "mixes"),
        ("daily and weekly", EXAMPLES, "mixes daily and weekly"),
        ("every 2 weeks every 3 weeks", EXAMPLES, "two different intervals"),
        ("every tuesday at 10 and 11", EXAMPLES, "two different times"),
        ("at 10", EXAMPLES, "how often"),
        ("every", EXAMPLES, "how often"),
        ("yearly on dec 24", EXAMPLES, "not by year"),
        ("every tuesday in march", EXAMPLES, None),
        ("yearly", EXAMPLES, "not by year"),
        ("every 2 hours", EXAMPLES, "not by hour"),
        ("every 2 days on monday", EXAMPLES, "days of the week"),
        ("every other", EXAMPLES, None),
        ("monthly on the 30th and 31st", EXAMPLES, "after the 28th"),
    ],
)
def test_rejections_are_friendly(phrase, examples, reason):
    with pytest.raises(ParseError) as caught:
        parse_recurrence(phrase, "Europe/Berlin", NOW)
    assert_friendly(caught.value, phrase, examples)
    if reason:
        assert reason in caught.value.message


def test_unknown_words_message():
    with pytest.raises(ParseError) as caught:
        parse_recurrence("every blue moon", "Europe/Berlin", NOW)
    assert caught.value.message == (
        'I couldn\'t understand "every blue moon". '
        'Try "every 2 weeks on Tuesday at 10:00" or "monthly on the first Thursday at 17:00".'
    )


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "Europe/Berlinn", "../../etc/passwd"])
def test_unknown_time_zone(zone):
    with pytest.raises(ParseError) as caught:
        parse_recurrence("daily at 9", zone, NOW)
    assert f'time zone "{zone}"' in caught.value.message
    assert '"Europe/Berlin"' in caught.value.message


def test_naive_now_is_a_programming_error():
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_recurrence("daily at 9", "Europe/Berlin", datetime(2026, 11, 21, 12))


@pytest.mark.parametrize("example", EXAMPLES + ONE_OFF_EXAMPLES + DURATION_EXAMPLES + AMBIGUOUS_EXAMPLES)
def test_examples_in_messages_work(example):
    assert parse_recurrence(example, "Europe/Berlin", NOW).next_after(NOW) is not None


# --- DST ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "phrase", "now", "before", "after"),
    [
        # America/New_York: spring forward 2026-03-08, fall back 2026-11-01.
        ("America/New_York", "every sunday at 10:00", datetime(2026, 3, 1, tzinfo=UTC), -5, -4),
        ("America/New_York", "every sunday at 10:00", datetime(2026, 10, 20, tzinfo=UTC), -4, -5),
        # Europe/Berlin: 2026-03-29 and 2026-10-25.
        ("Europe/Berlin", "every sunday at 10:00", datetime(2026, 3, 22, tzinfo=UTC), 1, 2),
        ("Europe/Berlin", "every sunday at 10:00", datetime(2026, 10, 18, tzinfo=UTC), 2, 1),
        # Australia/Sydney: fall back 2026-04-05, spring forward 2026-10-04.
        ("Australia/Sydney", "every sunday at 10:00", datetime(2026, 3, 28, tzinfo=UTC), 11, 10),
        ("Australia/Sydney", "every sunday at 10:00", datetime(2026, 9, 26, tzinfo=UTC), 10, 11),
    ],
)
def test_wall_clock_time_survives_dst(zone, phrase, now, before, after):
    recurrence = parse_recurrence(phrase, zone, now)
    first, second, third = recurrence.occurrences_after(now, 3)
    tz = ZoneInfo(zone)
    for instant in (first, second, third):
        assert instant.tzinfo is UTC
        assert instant.astimezone(tz).time() == time(10, 0)
    assert first.astimezone(tz).utcoffset() == timedelta(hours=before)
    assert second.astimezone(tz).utcoffset() == timedelta(hours=after)
    # The UTC gap between the weekly meetings is a week plus or minus the shift.
    assert second - first == timedelta(weeks=1, hours=before - after)


@pytest.mark.parametrize(
    ("zone", "now", "gap_day"),
    [
        ("America/New_York", datetime(2026, 3, 6, 12, tzinfo=UTC), date(2026, 3, 8)),
        ("Europe/Berlin", datetime(2026, 3, 27, 12, tzinfo=UTC), date(2026, 3, 29)),
        ("Australia/Sydney", datetime(2026, 10, 2, 0, tzinfo=UTC), date(2026, 10, 4)),
    ],
)
def test_daily_time_in_spring_gap_moves_forward(zone, now, gap_day):
    tz = ZoneInfo(zone)
    recurrence = parse_recurrence("daily at 02:30", zone, now)
    walls = locals_after(recurrence, now, 4)
    assert [wall.date() for wall in walls] == [gap_day + timedelta(days=offset) for offset in (-1, 0, 1, 2)]
    assert [wall.time() for wall in walls] == [time(2, 30), time(3, 30), time(2, 30), time(2, 30)]
    gap_instant = recurrence.occurrences_after(now, 2)[1]
    assert recurrence.next_after(gap_instant - timedelta(seconds=1)) == gap_instant
    assert local(recurrence.next_after(gap_instant), tz) == datetime.combine(
        gap_day + timedelta(days=1), time(2, 30)
    )


@pytest.mark.parametrize(
    ("zone", "phrase", "now", "expected"),
    [
        (
            "America/New_York",
            "daily at 01:30",
            datetime(2026, 10, 31, 12, tzinfo=UTC),
            datetime(2026, 11, 1, 5, 30),
        ),
        (
            "Europe/Berlin",
            "daily at 02:30",
            datetime(2026, 10, 24, 12, tzinfo=UTC),
            datetime(2026, 10, 25, 0, 30),
        ),
        (
            "Australia/Sydney",
            "daily at 02:30",
            datetime(2026, 4, 4, 0, tzinfo=UTC),
            datetime(2026, 4, 4, 15, 30),
        ),
    ],
)
def test_repeated_fall_back_time_takes_first_instance(zone, phrase, now, expected):
    recurrence = parse_recurrence(phrase, zone, now)
    occurrences = recurrence.occurrences_after(now, 2)
    assert occurrences[0] == expected.replace(tzinfo=UTC)
    # Once, not twice: the next one is a day (plus the extra hour) later.
    assert occurrences[1] - occurrences[0] == timedelta(hours=25)


def test_weekly_interval_kept_across_year_boundary():
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    recurrence = parse_recurrence("every 2 weeks on tuesday at 10", "Europe/Berlin", now)
    walls = locals_after(recurrence, now, 5)
    assert walls == [
        datetime(2026, 12, 8, 10),
        datetime(2026, 12, 22, 10),
        datetime(2027, 1, 5, 10),
        datetime(2027, 1, 19, 10),
        datetime(2027, 2, 2, 10),
    ]
    # Asking from inside the new year gives the same phase.
    assert local(recurrence.next_after(datetime(2027, 1, 6, tzinfo=UTC))) == datetime(2027, 1, 19, 10)


def test_three_weekly_across_iso_week_53():
    # 2026 has an ISO week 53; the interval must still be exactly 3 weeks.
    now = datetime(2026, 12, 20, tzinfo=UTC)
    recurrence = parse_recurrence("every 3 weeks on monday at 9", "America/New_York", now)
    walls = locals_after(recurrence, now, 4)
    assert [b - a for a, b in pairwise(walls)] == [timedelta(weeks=3)] * 3


def test_monthly_first_thursday_across_year_boundary():
    now = datetime(2026, 12, 10, tzinfo=UTC)
    recurrence = parse_recurrence("monthly on the first thursday at 17:00", "America/New_York", now)
    assert locals_after(recurrence, now, 3) == [
        datetime(2027, 1, 7, 17),
        datetime(2027, 2, 4, 17),
        datetime(2027, 3, 4, 17),
    ]
    # 2027-03-04 is before the US switch, 2027-04-01 after it: same wall time, different UTC.
    march, april = recurrence.occurrences_after(datetime(2027, 3, 1, tzinfo=UTC), 2)
    assert (march.hour, april.hour) == (22, 21)


def test_31st_in_february_and_leap_years():
    now = datetime(2027, 1, 1, tzinfo=UTC)
    recurrence = parse_recurrence("monthly on the 31st at 9", "Europe/Berlin", now)
    assert [wall.date() for wall in locals_after(recurrence, now, 4)] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]
    assert local(recurrence.next_after(datetime(2028, 2, 1, tzinfo=UTC))).date() == date(2028, 2, 29)


def test_30th_in_february():
    recurrence = parse_recurrence(
        "monthly on the 30th at 9", "Europe/Berlin", datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert [wall.date() for wall in locals_after(recurrence, datetime(2027, 1, 1, tzinfo=UTC), 3)] == [
        date(2027, 1, 30),
        date(2027, 2, 28),
        date(2027, 3, 30),
    ]


def test_one_off_in_gap_moves_forward():
    recurrence = parse_recurrence("once on 2027-03-14 at 02:30", "America/New_York", NOW)
    assert local(recurrence.start, NEW_YORK) == datetime(2027, 3, 14, 3, 30)
    assert recurrence.describe() == "once on Sun 14 Mar 2027 at 03:30 (America/New_York), 30 min"


# --- evaluation API ----------------------------------------------------------------------------------------


def test_next_after_is_strict():
    recurrence = parse_recurrence("weekly on tue 10am", "Europe/Berlin", NOW)
    first, second = recurrence.occurrences_after(NOW, 2)
    assert recurrence.next_after(first) == second
    assert recurrence.next_after(first - timedelta(microseconds=1)) == first
    assert recurrence.occurrences_after(first, 1) == [second]


def test_after_may_be_in_any_zone():
    recurrence = parse_recurrence("weekly on tue 10am", "Europe/Berlin", NOW)
    assert recurrence.next_after(NOW.astimezone(SYDNEY)) == recurrence.next_after(NOW)


def test_occurrences_after_count():
    recurrence = parse_recurrence("daily at 9", "Europe/Berlin", NOW)
    assert recurrence.occurrences_after(NOW, 0) == []
    assert len(recurrence.occurrences_after(NOW, 100)) == 100


def test_occurrences_between_is_half_open():
    recurrence = parse_recurrence("daily at 9", "Europe/Berlin", NOW)
    start = datetime(2026, 12, 1, 8, tzinfo=UTC)  # exactly 09:00 Berlin
    end = datetime(2026, 12, 4, 8, tzinfo=UTC)
    assert recurrence.occurrences_between(start, end) == [
        datetime(2026, 12, 1, 8, tzinfo=UTC),
        datetime(2026, 12, 2, 8, tzinfo=UTC),
        datetime(2026, 12, 3, 8, tzinfo=UTC),
    ]
    assert recurrence.occurrences_between(end, start) == []


def test_one_off_evaluation():
    recurrence = parse_recurrence("once on dec 3 at 3pm", "Europe/Berlin", NOW)
    instant = datetime(2026, 12, 3, 14, tzinfo=UTC)
    assert recurrence.is_one_off
    assert recurrence.next_after(NOW) == instant
    assert recurrence.next_after(instant) is None
    assert recurrence.occurrences_after(NOW, 5) == [instant]
    assert recurrence.occurrences_between(instant, instant + timedelta(seconds=1)) == [instant]
    assert recurrence.occurrences_between(NOW, instant) == []


def test_naive_after_is_rejected():
    recurrence = parse_recurrence("daily at 9", "Europe/Berlin", NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        recurrence.next_after(datetime(2026, 12, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        recurrence.occurrences_after(datetime(2026, 12, 1), 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        recurrence.occurrences_between(NOW, datetime(2026, 12, 1))


def test_far_future_is_fast():
    recurrence = parse_recurrence("daily at 9", "Europe/Berlin", NOW)
    started = clock.perf_counter()
    result = recurrence.next_after(datetime(9000, 6, 1, tzinfo=UTC))
    assert clock.perf_counter() - started < 0.5  # walking from 2026 one by one would take many seconds
    assert result == datetime(9000, 6, 1, 7, tzinfo=UTC)
    monthly = parse_recurrence("every 2 months on the first monday at 18:00", "Europe/Berlin", NOW)
    started = clock.perf_counter()
    assert monthly.occurrences_after(datetime(8000, 1, 1, tzinfo=UTC), 3) == reference_far(monthly)
    assert clock.perf_counter() - started < 0.5


def reference_far(recurrence: Recurrence) -> list[datetime]:
    # DTSTART is Mon 2026-12-07, so the series runs in Dec, Feb, Apr, … (odd-numbered months + December).
    months = [(8000, 2), (8000, 4), (8000, 6)]
    result = []
    for year, month in months:
        first = date(year, month, 1)
        monday = first + timedelta(days=(0 - first.weekday()) % 7)
        result.append(datetime.combine(monday, time(18)).replace(tzinfo=BERLIN).astimezone(UTC))
    return result


def test_until_the_end_of_the_calendar():
    recurrence = parse_recurrence("daily at 9", "America/New_York", NOW)
    assert recurrence.next_after(datetime(9999, 12, 31, 20, tzinfo=UTC)) is None


# --- stored rules ------------------------------------------------------------------------------------------


def test_recurrence_from_rule_round_trip():
    parsed = parse_recurrence("every 2 weeks on tue 10am for 45 min", "Europe/Berlin", NOW)
    stored = recurrence_from_rule(parsed.rule, 45, parsed.phrase)
    assert stored == parsed
    assert stored.occurrences_after(NOW, 5) == parsed.occurrences_after(NOW, 5)


def test_rule_from_the_spec():
    rule = "DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    recurrence = recurrence_from_rule(rule, 30, "every 2 weeks on Tuesday")
    assert recurrence.tz == BERLIN
    assert not recurrence.is_one_off
    assert recurrence.describe() == "every 2 weeks on Tuesday at 10:00 (Europe/Berlin), 30 min"
    assert [local(instant) for instant in recurrence.occurrences_after(NOW, 3)] == [
        datetime(2026, 12, 1, 10),
        datetime(2026, 12, 15, 10),
        datetime(2026, 12, 29, 10),
    ]


def test_rule_parts_implied_by_dtstart():
    recurrence = Recurrence("DTSTART;TZID=America/New_York:20261201T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2")
    assert recurrence.describe() == "every 2 weeks on Tuesday at 10:00 (America/New_York), 30 min"
    far = datetime(2031, 6, 1, tzinfo=UTC)
    assert recurrence.occurrences_after(far, 4) == reference(recurrence, far, 4)
    monthly = Recurrence("DTSTART;TZID=Europe/Berlin:20261231T090000\nRRULE:FREQ=MONTHLY")
    assert monthly.describe() == "every month on the 31st at 09:00 (Europe/Berlin), 30 min"
    assert monthly.occurrences_after(far, 3) == reference(monthly, far, 3)


def test_rule_with_count_and_until():
    counted = Recurrence("DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:FREQ=DAILY;COUNT=3")
    assert len(counted.occurrences_after(NOW, 10)) == 3
    assert counted.next_after(datetime(2026, 12, 3, 10, tzinfo=UTC)) is None
    assert counted.describe() == "every day at 10:00 (Europe/Berlin), 30 min, 3 times"
    until = Recurrence("DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:FREQ=WEEKLY;UNTIL=20261215T120000Z")
    assert len(until.occurrences_after(NOW, 10)) == 3
    assert until.describe().endswith(", until Tue 15 Dec 2026")


def test_utc_dtstart_and_custom_rules():
    recurrence = Recurrence("DTSTART:20261201T100000Z\nRRULE:FREQ=YEARLY")
    assert recurrence.tz == ZoneInfo("UTC")
    assert recurrence.describe().startswith("on a custom schedule (RRULE:FREQ=YEARLY")
    assert recurrence.next_after(NOW) == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert recurrence.next_after(datetime(2026, 12, 2, tzinfo=UTC)) == datetime(2027, 12, 1, 10, tzinfo=UTC)


def test_one_off_rule():
    recurrence = recurrence_from_rule(
        "DTSTART;TZID=Europe/Berlin:20261203T150000", 60, "once on dec 3 at 3pm"
    )
    assert recurrence.is_one_off
    assert recurrence.duration == timedelta(hours=1)
    assert recurrence.describe() == "once on Thu 3 Dec 2026 at 15:00 (Europe/Berlin), 1 h"


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "garbage",
        "DTSTART:20261201T100000",  # floating, no zone
        "DTSTART;TZID=Mars/Base:20261201T100000",
        "DTSTART;TZID=Europe/Berlin:20261301T100000",
        "DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:FREQ=SECONDLY",
        "DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:FREQ=WEEKLY;BYSETPOS=0",
        "DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:FREQ=WEEKLY;FOO=1",
        "DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:INTERVAL=2",
        "DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:FREQ=WEEKLY;INTERVAL=0",
        "DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:FREQ=WEEKLY;BYDAY=XX",
        "DTSTART;TZID=Europe/Berlin:20261201T100000\nEXDATE:20261208T100000",
        "DTSTART;TZID=Europe/Berlin:20261201T100000\nRRULE:FREQ=DAILY\nRRULE:FREQ=WEEKLY",
    ],
)
def test_bad_stored_rules_raise_value_error(rule):
    with pytest.raises(ValueError):
        recurrence_from_rule(rule, 30, "")


def test_bad_stored_duration():
    with pytest.raises(ValueError):
        recurrence_from_rule("DTSTART;TZID=Europe/Berlin:20261203T150000", 0, "")


# --- properties --------------------------------------------------------------------------------------------

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Pacific/Chatham",  # DST at 02:45
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "UTC",
]
WORDS = [
    "every",
    "each",
    "other",
    "2",
    "53",
    "0",
    "week",
    "weeks",
    "months",
    "daily",
    "monthly",
    "biweekly",
    "on",
    "the",
    "at",
    "first",
    "last",
    "fifth",
    "31st",
    "32nd",
    "tue",
    "fridays",
    "and",
    "10",
    "25:00",
    "10am",
    "for",
    "45",
    "min",
    "(60 min)",
    "once",
    "dec",
    "3",
    "2026-12-03",
    "tomorrow",
    "weekdays",
    "second",
    "day",
    "noon",
    "pm",
    ",",
]
TEXT = st.one_of(st.text(), st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join))
INSTANTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2032, 1, 1), timezones=st.just(UTC)
)
HOURS = st.one_of(st.integers(0, 23), st.sampled_from([1, 2, 3]))  # DST changes happen around 01:00-03:00


@settings(max_examples=200, deadline=None)
@given(TEXT, st.sampled_from(ZONES))
@also_try("ONCE NOON", "Europe/Berlin")  # a one-off whose time has passed today: asked back, not refused
def test_parse_recurrence_is_total(text, zone):
    try:
        recurrence = parse_recurrence(text, zone, NOW)
    except AskBack as asked:
        assert asked.choices, asked.message  # the three outcomes: read, asked back with answers, refused
    except ParseError as error:
        assert "Try" in error.message
    else:
        assert isinstance(recurrence.describe(), str)
        first = recurrence.next_after(NOW)
        assert first is not None and first > NOW


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(ZONES),
    days=st.sets(st.integers(0, 6), min_size=1),
    interval=st.integers(1, 52),
    hour=HOURS,
    minute=st.integers(0, 59),
    now=INSTANTS,
    later=st.timedeltas(min_value=timedelta(days=-30), max_value=timedelta(days=3 * 366)),
)
def test_weekly_occurrences_properties(zone, days, interval, hour, minute, now, later):
    tz = ZoneInfo(zone)
    names = " and ".join(DAY_NAMES[day] for day in sorted(days))
    recurrence = parse_recurrence(f"every {interval} weeks on {names} at {hour:02d}:{minute:02d}", zone, now)
    after = now + later
    occurrences = recurrence.occurrences_after(after, 8)
    assert len(occurrences) == 8
    assert all(instant.utcoffset() == timedelta(0) for instant in occurrences)
    assert all(instant > after for instant in occurrences)
    assert all(a < b for a, b in pairwise(occurrences))
    wanted = time(hour, minute)
    start_week = recurrence.start.astimezone(tz).date()
    start_week -= timedelta(days=start_week.weekday())
    for instant in occurrences:
        wall = instant.astimezone(tz).replace(tzinfo=None)
        assert wall.weekday() in days
        nominal = datetime.combine(wall.date(), wanted)
        if exists(nominal, tz):
            assert wall.time() == wanted
        else:  # skipped by a spring-forward gap: later the same day, by at most an hour
            assert nominal < wall <= nominal + timedelta(hours=1)
        week = wall.date() - timedelta(days=wall.weekday())
        assert ((week - start_week).days // 7) % interval == 0
    assert occurrences == reference(recurrence, after, 8)
    assert recurrence.next_after(after) == occurrences[0]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(ZONES),
    template=st.sampled_from(
        [
            "every {n} days at {t}",
            "every {n} months on the {o} {d} at {t}",
            "every {n} months on the {m} at {t}",
            "every {n} weeks on {d} at {t}",
            "weekdays at {t}",
        ]
    ),
    n=st.integers(1, 12),
    ordinal=st.sampled_from(["first", "second", "third", "fourth", "last"]),
    monthday=st.sampled_from(["1st", "15th", "28th", "29th", "30th", "31st", "last day"]),
    day=st.sampled_from(DAY_NAMES),
    hour=HOURS,
    minute=st.sampled_from([0, 15, 30, 45]),
    now=INSTANTS,
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4 * 366)),
)
def test_fast_evaluation_matches_walking_from_dtstart(
    zone, template, n, ordinal, monthday, day, hour, minute, now, later
):
    phrase = template.format(n=n, o=ordinal, m=monthday, d=day, t=f"{hour}:{minute:02d}")
    assume(not (template.startswith("every {n} days") and later > timedelta(days=400)))
    recurrence = parse_recurrence(phrase, zone, now)
    after = now + later
    assert recurrence.occurrences_after(after, 5) == reference(recurrence, after, 5)
    window_end = after + timedelta(days=70)
    between = recurrence.occurrences_between(after, window_end)
    expected = reference(recurrence, after - timedelta(microseconds=1), 80)
    assert between == [instant for instant in expected if instant < window_end]
