"""Finding a mentor, as pure rules: tags, goal specificity, working-hour overlap and the ranking."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class RequestState(StrEnum):
    # Sent to one mentor, waiting for their answer.
    REQUESTED = "requested"
    # Posted to the community's requests channel for any mentor to claim.
    OPEN = "open"
    ACCEPTED = "accepted"
    CLAIMED = "claimed"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


WAITING_STATES = (RequestState.REQUESTED, RequestState.OPEN)
FOCUSES = ("technical", "career", "personal", "leadership")
MAX_TAGS = 12
TAG_MAX = 30
MIN_GOAL_WORDS = 4
MIN_GOAL_CHARS = 20
DEFAULT_WORK = (9 * 60, 17 * 60)

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.\-]*")
# Words that never make a topic on their own; a goal of only these says nothing about it.
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "better",
        "by",
        "do",
        "for",
        "from",
        "get",
        "good",
        "how",
        "i",
        "im",
        "in",
        "into",
        "is",
        "it",
        "learn",
        "learning",
        "me",
        "more",
        "my",
        "of",
        "on",
        "or",
        "some",
        "something",
        "stuff",
        "the",
        "to",
        "up",
        "want",
        "with",
        "you",
        "help",
        "improve",
        "know",
        "things",
    }
)


def normalize_tag(raw: str) -> str:
    """ "#Rust ", "Rust" and "rust" are one tag; inner spaces collapse ("system  design")."""
    return " ".join(raw.strip().lstrip("#").lower().split())[:TAG_MAX]


def parse_tags(text: str) -> list[str]:
    """Comma- (or semicolon-) separated tags, normalized, without duplicates, in the order given."""
    tags = [normalize_tag(t) for t in re.split(r"[,;\n]", text)]
    return list(dict.fromkeys(t for t in tags if t))


def _stem(word: str) -> str:
    # Light plural folding so "apis" finds "api" and "interviews" finds "interview".
    word = word.rstrip(".")
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def terms(text: str) -> set[str]:
    """The meaningful words of a topic or a goal, folded for matching."""
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP}


def tag_matches(tag: str, words: set[str]) -> bool:
    """A tag matches when all its words appear ("system design" needs both)."""
    parts = [_stem(p) for p in _WORD.findall(tag) if p not in _STOP]
    return bool(parts) and all(p in words for p in parts)


def goal_is_specific(goal: str) -> bool:
    """A goal someone can mentor towards says what, not just a topic: a few real words."""
    words = [w for w in _WORD.findall(goal.lower())]
    meaningful = [w for w in words if w not in _STOP]
    return len(words) >= MIN_GOAL_WORDS and len(meaningful) >= 2 and len(goal.strip()) >= MIN_GOAL_CHARS


# ---- working hours -------------------------------------------------------------------------------


def _utc_windows(zone: ZoneInfo, start_min: int, end_min: int, day: date) -> list[tuple[datetime, datetime]]:
    """The working window around `day` (and the days either side, for zones far from UTC) in UTC."""
    out = []
    for offset in (-1, 0, 1):
        d = day + timedelta(days=offset)
        start = datetime.combine(d, time(start_min // 60, start_min % 60), tzinfo=zone)
        length = (end_min - start_min) % 1440 or 1440
        out.append((start.astimezone(UTC), (start + timedelta(minutes=length)).astimezone(UTC)))
    return out


def overlap_minutes(
    a_zone: ZoneInfo,
    a_hours: tuple[int, int],
    b_zone: ZoneInfo,
    b_hours: tuple[int, int],
    on: date,
) -> int:
    """How many minutes of `on` (a UTC day) both people are within their working hours."""
    day_start = datetime.combine(on, time(0), tzinfo=UTC)
    day_end = day_start + timedelta(days=1)
    total = 0
    for a0, a1 in _utc_windows(a_zone, *a_hours, on):
        for b0, b1 in _utc_windows(b_zone, *b_hours, on):
            lo, hi = max(a0, b0, day_start), min(a1, b1, day_end)
            if hi > lo:
                total += int((hi - lo).total_seconds() // 60)
    return min(total, 1440)


# ---- ranking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    member_id: int
    name: str
    tags: tuple[str, ...]
    focuses: tuple[str, ...]
    capacity: int
    active: int
    available: bool
    zone: ZoneInfo
    hours: tuple[int, int] = DEFAULT_WORK

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.active)

    @property
    def full(self) -> bool:
        return self.free == 0


@dataclass(frozen=True)
class Seeker:
    member_id: int
    topic: str
    goals: str
    zone: ZoneInfo
    hours: tuple[int, int] = DEFAULT_WORK
    # Mentors this mentee is already paired with or waiting on: never suggested again.
    excluded: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    topic_tags: tuple[str, ...]
    goal_tags: tuple[str, ...]
    overlap: int
    score: float
    focus_match: bool = False


@dataclass
class Ranking:
    suggestions: list[Suggestion] = field(default_factory=list)
    # Mentors who match but have no room: shown as full, never offered a Request button.
    full: list[Candidate] = field(default_factory=list)
    # True when a topic was given and nobody's tags matched it.
    no_topic_match: bool = False


# A matched topic tag outweighs everything else; a goal tag counts a third as much; free capacity and
# shared working hours break ties between equally relevant mentors.
TOPIC_WEIGHT = 30.0
GOAL_WEIGHT = 10.0
FOCUS_WEIGHT = 8.0
FREE_WEIGHT = 2.0
FREE_CAP = 3
OVERLAP_WEIGHT_PER_HOUR = 1.0


def score(seeker: Seeker, c: Candidate, on: date) -> Suggestion:
    topic_words, goal_words = terms(seeker.topic), terms(seeker.goals)
    topic_tags = tuple(t for t in c.tags if tag_matches(t, topic_words))
    goal_tags = tuple(t for t in c.tags if t not in topic_tags and tag_matches(t, goal_words))
    focus_match = any(f in topic_words for f in c.focuses)
    overlap = overlap_minutes(seeker.zone, seeker.hours, c.zone, c.hours, on)
    total = (
        TOPIC_WEIGHT * len(topic_tags)
        + GOAL_WEIGHT * len(goal_tags)
        + (FOCUS_WEIGHT if focus_match else 0.0)
        + FREE_WEIGHT * min(c.free, FREE_CAP)
        + OVERLAP_WEIGHT_PER_HOUR * overlap / 60
    )
    return Suggestion(c, topic_tags, goal_tags, overlap, round(total, 3), focus_match)


def rank(seeker: Seeker, candidates: Iterable[Candidate], on: date, limit: int = 5) -> Ranking:
    """Available mentors with room, best first; with a topic, only those relevant to it (if any are)."""
    eligible = [
        c
        for c in candidates
        if c.available and c.member_id != seeker.member_id and c.member_id not in seeker.excluded
    ]
    scored = [score(seeker, c, on) for c in eligible]
    relevant = [s for s in scored if s.topic_tags or s.focus_match]
    result = Ranking()
    if terms(seeker.topic):
        if relevant:
            scored = relevant
        else:
            result.no_topic_match = True
    ordered = sorted(scored, key=lambda s: (-s.score, s.candidate.name, s.candidate.member_id))
    result.suggestions = [s for s in ordered if not s.candidate.full][:limit]
    result.full = [s.candidate for s in ordered if s.candidate.full]
    return result


def names(cands: Sequence[Candidate]) -> list[str]:
    return [c.name for c in cands]
