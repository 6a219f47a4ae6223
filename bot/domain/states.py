"""States and labels of the domain, with the transitions that are allowed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar


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


class SeriesState(StrEnum):
    """An office-hours series."""

    ACTIVE = "active"
    CANCELLED = "cancelled"


class HostState(StrEnum):
    """A host of an office-hours series: invited hosts accept before they host."""

    INVITED = "invited"
    ACCEPTED = "accepted"


class SessionState(StrEnum):
    """One office-hours session."""

    UPCOMING = "upcoming"
    HELD = "held"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class QuestionState(StrEnum):
    """A question asked for an office-hours session."""

    OPEN = "open"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"
    # Not taken in its session: a copy waits in the next one.
    CARRIED = "carried"


# A mentee has one to three mentors at once, told apart by focus.
MAX_MENTORS_PER_MENTEE = 3
SUGGESTED_FOCUSES = ("technical", "career", "personal", "leadership")

OPEN_MENTORSHIP_STATES = (MentorshipState.PROPOSED, MentorshipState.ACTIVE, MentorshipState.PAUSED)

S = TypeVar("S", bound=StrEnum)


class StateError(ValueError):
    """A move an entity's lifecycle does not allow: a bug in the caller, never a person's mistake (the
    use-cases check what a person asked for first and answer in words)."""


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    """The states of one kind of entity and the moves between them; a state missing from `moves` is
    final. `move` is the one way services change such a state."""

    name: str
    states: type[S]
    moves: Mapping[S, frozenset[S]]

    def allows(self, current: S | str, target: S | str) -> bool:
        return self.states(target) in self.moves.get(self.states(current), frozenset())

    def move(self, current: S | str, target: S) -> S:
        """`target`, when the lifecycle allows the move from `current`; raises StateError otherwise."""
        if not self.allows(current, target):
            raise StateError(f"a {self.name} cannot go from {current} to {target}")
        return target


# Proposed, then accepted (active) or declined; an active one pauses and resumes; pausing again while
# paused sets a new end. Concluded and declined are final: a pair that wants to go on starts a new
# mentorship (`/mentor pair`), so a concluded one never becomes active again.
MENTORSHIP = Lifecycle(
    "mentorship",
    MentorshipState,
    {
        MentorshipState.PROPOSED: frozenset(
            {MentorshipState.ACTIVE, MentorshipState.DECLINED, MentorshipState.CONCLUDED}
        ),
        MentorshipState.ACTIVE: frozenset({MentorshipState.PAUSED, MentorshipState.CONCLUDED}),
        MentorshipState.PAUSED: frozenset(
            {MentorshipState.ACTIVE, MentorshipState.PAUSED, MentorshipState.CONCLUDED}
        ),
    },
)

# An upcoming session is held, skipped or cancelled (its series cancelled, or its slot no longer the
# cadence's); a cancelled one comes back when its slot is the cadence's again. Held and skipped are final.
SESSION = Lifecycle(
    "session",
    SessionState,
    {
        SessionState.UPCOMING: frozenset({SessionState.HELD, SessionState.SKIPPED, SessionState.CANCELLED}),
        SessionState.CANCELLED: frozenset({SessionState.UPCOMING}),
    },
)

# An open question is answered, withdrawn by its author, or carried to the next session; all final.
QUESTION = Lifecycle(
    "question",
    QuestionState,
    {QuestionState.OPEN: frozenset({QuestionState.ANSWERED, QuestionState.WITHDRAWN, QuestionState.CARRIED})},
)


def can_move(current: MentorshipState, target: MentorshipState) -> bool:
    return MENTORSHIP.allows(current, target)


def parse_stage(text: str) -> Stage | None:
    key = text.strip().lower().replace("_", " ").replace("-", " ")
    for stage in Stage:
        if stage.value.replace("-", " ") == key or stage.name.lower().replace("_", " ") == key:
            return stage
    aliases = {"start": Stage.GETTING_STARTED, "started": Stage.GETTING_STARTED, "closing": Stage.CLOSE_IN}
    return aliases.get(key)
