"""The pure rules of matching: tags, goal specificity, working-hour overlap across zones, the ranking."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from bot.domain.matching import (
    Candidate,
    Seeker,
    goal_is_specific,
    overlap_minutes,
    parse_tags,
    rank,
    tag_matches,
    terms,
)

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
DAY = date(2026, 11, 30)
NINE_TO_FIVE = (9 * 60, 17 * 60)


def cand(
    mid: int, name: str, tags: str, capacity: int = 2, active: int = 0, zone: ZoneInfo = UTC, **kw
) -> Candidate:
    return Candidate(
        mid,
        name,
        tuple(parse_tags(tags)),
        tuple(kw.pop("focuses", ())),
        capacity,
        active,
        kw.pop("available", True),
        zone,
        kw.pop("hours", NINE_TO_FIVE),
    )


def seeker(
    topic: str = "", goals: str = "", zone: ZoneInfo = UTC, excluded: frozenset[int] = frozenset()
) -> Seeker:
    return Seeker(100, topic, goals, zone, NINE_TO_FIVE, excluded)


def test_tags_are_normalized_and_deduplicated() -> None:
    assert parse_tags(" Rust, #rust ;System   Design,, ") == ["rust", "system design"]


def test_multi_word_tags_need_all_their_words_and_plurals_fold() -> None:
    words = terms("design reviews for our APIs")
    assert tag_matches("api", words) and tag_matches("design review", words)
    assert not tag_matches("system design", words)


@pytest.mark.parametrize("goal", ["rust", "get better", "learn more about stuff", "career"])
def test_vague_goals_are_not_specific(goal: str) -> None:
    assert not goal_is_specific(goal)


@pytest.mark.parametrize(
    "goal",
    ["Lead the design of our payments API migration", "Prepare my case for a senior promotion this cycle"],
)
def test_specific_goals_pass(goal: str) -> None:
    assert goal_is_specific(goal)


def test_overlap_same_zone_is_the_whole_day_and_across_the_atlantic_is_two_hours() -> None:
    assert overlap_minutes(UTC, NINE_TO_FIVE, UTC, NINE_TO_FIVE, DAY) == 8 * 60
    # Berlin 9-17 is 08-16 UTC in winter; New York 9-17 is 14-22 UTC: 14-16 overlap.
    assert overlap_minutes(BERLIN, NINE_TO_FIVE, NEW_YORK, NINE_TO_FIVE, DAY) == 2 * 60
    assert overlap_minutes(SYDNEY, NINE_TO_FIVE, BERLIN, NINE_TO_FIVE, DAY) == 0


def test_overlap_handles_hours_across_midnight() -> None:
    night = (22 * 60, 6 * 60)
    assert overlap_minutes(UTC, night, UTC, (5 * 60, 7 * 60), DAY) == 60


def test_tag_overlap_ranks_first_then_capacity_then_time_zones() -> None:
    mentors = [
        cand(1, "far", "rust", zone=SYDNEY),
        cand(2, "near", "rust", zone=BERLIN),
        cand(3, "both", "rust, embedded", zone=SYDNEY),
        cand(4, "busy", "rust", capacity=3, active=2, zone=BERLIN),
        cand(5, "other", "python", zone=BERLIN),
    ]
    ranking = rank(seeker("rust embedded", zone=BERLIN), mentors, DAY)
    assert [s.candidate.name for s in ranking.suggestions] == ["both", "near", "busy", "far"]


def test_goals_count_but_less_than_the_topic() -> None:
    mentors = [cand(1, "goalfit", "rust, kubernetes"), cand(2, "topicfit", "rust, python")]
    ranking = rank(seeker("rust", goals="Run our python services on a new platform"), mentors, DAY)
    assert [s.candidate.name for s in ranking.suggestions] == ["topicfit", "goalfit"]
    ranking = rank(seeker("rust", goals="Move everything to kubernetes this year"), mentors, DAY)
    assert ranking.suggestions[0].candidate.name == "goalfit" and ranking.suggestions[0].goal_tags == (
        "kubernetes",
    )


def test_full_unavailable_self_and_already_paired_are_never_suggested() -> None:
    mentors = [
        cand(1, "full", "rust", capacity=1, active=1),
        cand(2, "off", "rust", available=False),
        cand(100, "me", "rust"),
        cand(4, "paired", "rust"),
        cand(5, "ok", "rust"),
    ]
    ranking = rank(seeker("rust", excluded=frozenset({4})), mentors, DAY)
    assert [s.candidate.name for s in ranking.suggestions] == ["ok"]
    assert [c.name for c in ranking.full] == ["full"]


def test_no_topic_match_falls_back_to_anyone_with_room() -> None:
    ranking = rank(seeker("haskell"), [cand(1, "a", "rust"), cand(2, "b", "go", capacity=1, active=1)], DAY)
    assert ranking.no_topic_match and [s.candidate.name for s in ranking.suggestions] == ["a"]


def test_focus_words_in_the_topic_match_the_mentors_focus() -> None:
    ranking = rank(seeker("career"), [cand(1, "a", "rust"), cand(2, "b", "go", focuses=("career",))], DAY)
    assert [s.candidate.name for s in ranking.suggestions] == ["b"]
