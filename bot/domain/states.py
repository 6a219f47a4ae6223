"""States and labels of the domain, with the transitions that are allowed."""

from __future__ import annotations

from enum import StrEnum


class MentorshipState(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    PAUSED = "paused"
    CONCLUDED = "concluded"
    DECLINED = "declined"


class Stage(StrEnum):
    GETTING_STARTED = "getting started"
    COACHING = "coaching"
    CLOSE_IN = "close-in"
    SUCCESSION = "succession"


class CheckInState(StrEnum):
    UPCOMING = "upcoming"
    HELD = "held"
    SKIPPED = "skipped"
    MISSED = "missed"
    CANCELLED = "cancelled"


class ActionState(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"
    MISSED = "missed"


# A mentee has one to three mentors at once, told apart by focus.
MAX_MENTORS_PER_MENTEE = 3
SUGGESTED_FOCUSES = ("technical", "career", "personal", "leadership")

OPEN_MENTORSHIP_STATES = (MentorshipState.PROPOSED, MentorshipState.ACTIVE, MentorshipState.PAUSED)

_MENTORSHIP_MOVES: dict[MentorshipState, set[MentorshipState]] = {
    MentorshipState.PROPOSED: {MentorshipState.ACTIVE, MentorshipState.DECLINED, MentorshipState.CONCLUDED},
    MentorshipState.ACTIVE: {MentorshipState.PAUSED, MentorshipState.CONCLUDED},
    MentorshipState.PAUSED: {MentorshipState.ACTIVE, MentorshipState.CONCLUDED},
    MentorshipState.CONCLUDED: set(),
    MentorshipState.DECLINED: set(),
}


def can_move(current: MentorshipState, target: MentorshipState) -> bool:
    return target in _MENTORSHIP_MOVES[current]


def parse_stage(text: str) -> Stage | None:
    key = text.strip().lower().replace("_", " ").replace("-", " ")
    for stage in Stage:
        if stage.value.replace("-", " ") == key or stage.name.lower().replace("_", " ") == key:
            return stage
    aliases = {"start": Stage.GETTING_STARTED, "started": Stage.GETTING_STARTED, "closing": Stage.CLOSE_IN}
    return aliases.get(key)
