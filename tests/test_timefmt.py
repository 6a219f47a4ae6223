from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.timefmt import format_date, format_duration, format_local, humanize_delta

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def test_format_local_default():
    assert format_local(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), BERLIN) == "Tue 1 Dec, 10:00 CET"


def test_format_local_with_year():
    assert (
        format_local(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), BERLIN, show_year=True)
        == "Tue 1 Dec 2026, 10:00 CET"
    )


def test_format_local_without_zone():
    assert (
        format_local(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), BERLIN, with_zone=False) == "Tue 1 Dec, 10:00"
    )


def test_format_local_uses_summer_abbreviation():
    assert format_local(datetime(2026, 7, 14, 8, 5, tzinfo=UTC), BERLIN) == "Tue 14 Jul, 10:05 CEST"


def test_format_local_converts_between_zones():
    instant = datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)
    assert format_local(instant, NEW_YORK, show_year=True) == "Tue 1 Dec 2026, 04:00 EST"


def test_format_local_date_can_change():
    assert format_local(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), BERLIN, show_year=True) == (
        "Fri 1 Jan 2027, 00:30 CET"
    )


def test_format_local_rejects_naive():
    with pytest.raises(ValueError, match="aware"):
        format_local(datetime(2026, 12, 1, 9, 0), BERLIN)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 12, 3), "Thu 3 Dec 2026"),
        (date(2026, 12, 1), "Tue 1 Dec 2026"),
        (date(2027, 1, 10), "Sun 10 Jan 2027"),
        (date(2028, 2, 29), "Tue 29 Feb 2028"),
    ],
)
def test_format_date(value, expected):
    assert format_date(value) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(days=2), "in 2 days"),
        (timedelta(days=1), "in 1 day"),
        (timedelta(hours=3), "in 3 hours"),
        (timedelta(hours=1), "in 1 hour"),
        (timedelta(hours=2, minutes=40), "in 3 hours"),
        (timedelta(minutes=45), "in 45 minutes"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(seconds=40), "in 1 minute"),
        (timedelta(minutes=59, seconds=50), "in 1 hour"),
        (timedelta(hours=23, minutes=50), "in 1 day"),
        (timedelta(seconds=10), "now"),
        (timedelta(0), "now"),
        (-timedelta(seconds=10), "now"),
        (-timedelta(days=2), "2 days ago"),
        (-timedelta(minutes=5), "5 minutes ago"),
        (-timedelta(hours=1), "1 hour ago"),
        (timedelta(days=13), "in 13 days"),
        (timedelta(days=21), "in 3 weeks"),
        (timedelta(days=90), "in 3 months"),
        (timedelta(days=800), "in 2 years"),
    ],
)
def test_humanize_delta(delta, expected):
    assert humanize_delta(delta) == expected


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        (timedelta(minutes=30), "30 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=1, minutes=30), "1 h 30 min"),
        (timedelta(hours=8), "8 h"),
        (timedelta(days=2, hours=3), "2 days 3 h"),
        (timedelta(days=1), "1 day"),
        (timedelta(0), "0 min"),
        (timedelta(seconds=89), "1 min"),
    ],
)
def test_format_duration(duration, expected):
    assert format_duration(duration) == expected
