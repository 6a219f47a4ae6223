"""The phrase readers are total: any text gets a reading, a question with options, or a refusal that
quotes it — never another exception (which would reach people as "something went wrong")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import AskBack, ParseError
from bot.domain.phrases import (
    MENTION_MARK,
    read_action,
    read_numbers,
    read_pause_until,
    read_reschedule,
    read_snooze,
)
from bot.domain.timeparse import Invalid, read_leads, read_time_range
from bot.interactions.clarify import replace_fragment
from bot.services.zonenames import resolve_zone

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)
VOCABULARY = [
    *("by", "before", "due", "on", "for", "until", "to", "at", "next", "this", "friday", "fri", "tomorrow"),
    *("eod", "week", "weeks", "day", "days", "2", "3", "1/14", "3/4", "4-5pm", "3pm", "9", "noon"),
    *("midnight", "a", "an", "and", "@", "owner", "assign", "the", "end", "of", "month", "march"),
    *("(due fri)", "12:30", "-", "10d", "1h", "IST", "EST", "berlin", "UTC+2", "+05:30", "later", "back"),
    f"{MENTION_MARK}0",
    f"{MENTION_MARK}1",
]
WORDS = st.sampled_from(VOCABULARY)
PHRASES = st.lists(WORDS, max_size=7).map(" ".join) | st.text(max_size=30)


def settles(read, *args) -> None:
    try:
        read(*args)
    except AskBack as question:
        assert question.choices and question.question
    except ParseError as error:
        assert error.message
    except Invalid:
        pass


@settings(max_examples=150, deadline=None)
@given(PHRASES)
def test_phrase_readers_are_total(text: str) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    settles(read_action, text, TODAY)
    settles(read_pause_until, text, TODAY)
    settles(read_snooze, text, TODAY, None)
    settles(read_reschedule, text, berlin, NOW, NOW)
    settles(read_leads, text)
    settles(read_time_range, text)
    numbers, rest = read_numbers(text)
    assert all(n >= 0 for n in numbers) and isinstance(rest, str)


@settings(max_examples=60, deadline=None)
@given(PHRASES)
def test_zone_reading_is_total(text: str) -> None:
    settles(resolve_zone, text, NOW)


@given(st.text(max_size=20), st.text(min_size=1, max_size=8), st.text(max_size=8))
def test_an_answer_replaces_only_the_unclear_part(text: str, fragment: str, replacement: str) -> None:
    replaced = replace_fragment(text, fragment, replacement)
    if replaced is not None and fragment.strip():
        assert replacement in replaced
