"""The shapes the insight queries return: plain frozen records, so pages, CSV and the digest share them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Bucket:
    """Counts for one period: `start` is a Monday (weeks) or the 1st (months), in UTC."""

    start: date
    counts: dict[str, int]


@dataclass(frozen=True)
class AtRisk:
    """A pair that needs a community manager's attention, with the reasons as codes.

    Reasons: "missed-twice" (the last two recorded check-ins were missed), "silent" (no activity for
    `silent_days` ≥ 28 days), "overdue" (`overdue_items` open action items past their due date)."""

    mentorship_id: int
    mentor_name: str
    mentee_name: str
    focus: str
    reasons: tuple[str, ...]
    last_activity_at: datetime
    silent_days: int
    overdue_items: int


@dataclass(frozen=True)
class ActionStats:
    """Action items created / closed (done or dropped) in the window, open and overdue now, and the
    median days from creation to done (None when none was done)."""

    opened: int
    closed: int
    open_now: int
    overdue: int
    median_days_to_close: float | None
    per_period: list[Bucket] = field(default_factory=list)


@dataclass(frozen=True)
class MatchingStats:
    """Mentor capacity (slots offered by available mentors, slots in use), requests waiting for an answer,
    the median hours from request to match (None without matches) and requests expired in the window."""

    mentors: int
    capacity: int
    capacity_used: int
    requests_waiting: int
    median_hours_to_match: float | None
    matched: int
    requests_expired: int


@dataclass(frozen=True)
class SessionStats:
    """One office-hours session: when (UTC), its state, RSVPs, questions asked and answered."""

    session_id: int
    series_id: int
    topic: str
    scheduled_at: datetime
    state: str
    rsvps: int
    asked: int
    answered: int


@dataclass(frozen=True)
class Health:
    """A workspace's program health at `generated_at` (UTC) over `periods` ("week" or "month" buckets)."""

    workspace_id: int
    workspace_name: str
    platform: str
    generated_at: datetime
    period: str
    by_state: dict[str, int]
    by_stage: dict[str, int]
    mentorships_over_time: list[Bucket]
    checkins: list[Bucket]
    at_risk: list[AtRisk]
    actions: ActionStats
    matching: MatchingStats
    office_hours: list[SessionStats]

    @property
    def active(self) -> int:
        return self.by_state.get("active", 0)


@dataclass(frozen=True)
class NudgeRow:
    """One "nudge both" DM in the outbox: to whom, when (UTC), and its outbox status."""

    to_name: str
    due_at: datetime
    status: str


@dataclass(frozen=True)
class PairSummary:
    """One mentorship as the dashboard shows it: dates (UTC), states and counts — nothing anyone wrote."""

    mentorship_id: int
    mentor_name: str
    mentee_name: str
    focus: str
    state: str
    stage: str
    created_at: datetime
    activated_at: datetime | None
    ended_at: datetime | None
    last_activity_at: datetime
    checkins: dict[str, int]
    open_items: int
    overdue_items: int
    nudges: list[NudgeRow]
