"""Program health of one workspace, computed from dates, states and counts (never from what people wrote).

Periods are UTC weeks (Monday to Sunday) or UTC calendar months. Every query is scoped by the workspace's
id, so one community never sees another's numbers. A program of 500 mentorships takes a handful of
queries that select only the columns named here (see bench/dashboard.py for the timings)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.matching import WAITING_STATES, RequestState
from bot.domain.states import ActionState, CheckInState, MentorshipState, Stage
from bot.insight.health import (
    ActionStats,
    AtRisk,
    Bucket,
    Health,
    MatchingStats,
    NudgeRow,
    PairSummary,
    SessionStats,
)
from bot.matching.tables import MentorProfile, MentorRequest
from bot.officehours.tables import OfficeHours, OfficeHoursQuestion, OfficeHoursRsvp, OfficeHoursSession
from bot.persistence.tables import ActionItem, CheckIn, Member, Mentorship, OutboxRow, Workspace

# A pair with no activity for this long is "silent" (the bot's own nudge comes at six weeks).
SILENT_AFTER = timedelta(days=28)
PERIODS = {"week": 12, "month": 6}
OPEN_STATES = (MentorshipState.ACTIVE.value, MentorshipState.PAUSED.value)
RECORDED: tuple[str, ...] = (CheckInState.HELD, CheckInState.MISSED, CheckInState.SKIPPED)
# The series of the dashboard: open proposals, pairs running (active or paused), pairs that ended.
TIMELINE_SERIES = ("proposed", "running", "ended")
SESSION_LIMIT = 12


def period_start(day: date, period: str) -> date:
    """The Monday of `day`'s week, or the first of its month."""
    if period == "month":
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def period_starts(today: date, period: str, count: int | None = None) -> list[date]:
    """The last `count` period starts, oldest first, the current period last."""
    n = count or PERIODS[period]
    starts = [period_start(today, period)]
    while len(starts) < n:
        first = starts[0]
        prev = period_start(first - timedelta(days=1), period)
        starts.insert(0, prev)
    return starts


def _next_start(start: date, period: str) -> date:
    if period == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=7)


def _day(at: datetime) -> date:
    return _aware(at).astimezone(UTC).date()


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


@dataclass(frozen=True)
class _Pair:
    id: int
    mentor_id: int
    mentee_id: int
    state: str
    stage: str
    focus: str
    created_at: datetime
    activated_at: datetime | None
    ended_at: datetime | None
    last_activity_at: datetime


async def workspace_health(
    session: AsyncSession, workspace_id: int, now: datetime, period: str = "week"
) -> Health:
    """Everything the dashboard and the digest show, for the workspace with this id.

    Raises KeyError for an unknown workspace id and ValueError for a period other than week/month."""
    if period not in PERIODS:
        raise ValueError(f"period must be week or month, not {period!r}")
    ws = await session.get(Workspace, workspace_id)
    if ws is None:
        raise KeyError(workspace_id)
    today = _day(now)
    starts = period_starts(today, period)
    window_start = datetime.combine(starts[0], datetime.min.time(), UTC)

    pairs = await _pairs(session, workspace_id)
    by_state = Counter(p.state for p in pairs)
    by_stage = Counter(p.stage for p in pairs if p.state in OPEN_STATES)
    checkins = await _checkins(session, workspace_id)
    items = await _items(session, workspace_id)
    at_risk = await _at_risk(session, pairs, checkins, items, now, today)
    return Health(
        workspace_id=ws.id,
        workspace_name=ws.name,
        platform=ws.platform,
        generated_at=now,
        period=period,
        by_state={s.value: by_state.get(s.value, 0) for s in MentorshipState},
        by_stage={s.value: by_stage.get(s.value, 0) for s in Stage},
        mentorships_over_time=_timeline(pairs, starts, period),
        checkins=_checkin_buckets(checkins, starts, period, now),
        at_risk=at_risk,
        actions=_action_stats(items, starts, period, today, window_start),
        matching=await _matching(session, workspace_id, pairs, window_start),
        office_hours=await _sessions(session, workspace_id, now),
    )


async def _pairs(session: AsyncSession, workspace_id: int) -> list[_Pair]:
    rows = await session.execute(
        select(
            Mentorship.id,
            Mentorship.mentor_id,
            Mentorship.mentee_id,
            Mentorship.state,
            Mentorship.stage,
            Mentorship.focus,
            Mentorship.created_at,
            Mentorship.activated_at,
            Mentorship.ended_at,
            Mentorship.last_activity_at,
        ).where(Mentorship.workspace_id == workspace_id)
    )
    return [_Pair(**dict(row._mapping)) for row in rows]


def _timeline(pairs: list[_Pair], starts: list[date], period: str) -> list[Bucket]:
    """How many pairs were proposed, running and ended at the end of each period (from their dates)."""
    out = []
    for start in starts:
        end = datetime.combine(_next_start(start, period), datetime.min.time(), UTC)
        counts = dict.fromkeys(TIMELINE_SERIES, 0)
        for p in pairs:
            if _aware(p.created_at) >= end:
                continue
            if p.ended_at is not None and _aware(p.ended_at) < end:
                counts["ended"] += 1
            elif p.activated_at is not None and _aware(p.activated_at) < end:
                counts["running"] += 1
            elif p.state in (MentorshipState.PROPOSED.value, *OPEN_STATES):
                counts["proposed"] += 1
            else:
                counts["ended"] += 1
        out.append(Bucket(start, counts))
    return out


async def _checkins(session: AsyncSession, workspace_id: int) -> list[tuple[int, datetime, str]]:
    rows = await session.execute(
        select(CheckIn.mentorship_id, CheckIn.scheduled_at, CheckIn.state)
        .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
        .where(Mentorship.workspace_id == workspace_id, CheckIn.state.in_(RECORDED))
        .order_by(CheckIn.mentorship_id, CheckIn.scheduled_at)
    )
    return [(m_id, _aware(at), state) for m_id, at, state in rows]


def _checkin_buckets(
    checkins: list[tuple[int, datetime, str]], starts: list[date], period: str, now: datetime
) -> list[Bucket]:
    index = {s: i for i, s in enumerate(starts)}
    counts = [dict.fromkeys(RECORDED, 0) for _ in starts]
    for _m, at, state in checkins:
        if at > now:
            continue
        i = index.get(period_start(_day(at), period))
        if i is not None:
            counts[i][state] += 1
    return [Bucket(s, c) for s, c in zip(starts, counts, strict=True)]


@dataclass(frozen=True)
class _Item:
    mentorship_id: int
    state: str
    due_date: date | None
    created_at: datetime
    closed_at: datetime | None


async def _items(session: AsyncSession, workspace_id: int) -> list[_Item]:
    rows = await session.execute(
        select(
            ActionItem.mentorship_id,
            ActionItem.state,
            ActionItem.due_date,
            ActionItem.created_at,
            ActionItem.closed_at,
        )
        .join(Mentorship, Mentorship.id == ActionItem.mentorship_id)
        .where(Mentorship.workspace_id == workspace_id)
    )
    return [_Item(m, s, d, _aware(c), _aware(x) if x else None) for m, s, d, c, x in rows]


def _overdue(item: _Item, today: date) -> bool:
    return item.state == ActionState.OPEN.value and item.due_date is not None and item.due_date < today


def _action_stats(
    items: list[_Item], starts: list[date], period: str, today: date, window_start: datetime
) -> ActionStats:
    index = {s: i for i, s in enumerate(starts)}
    per = [{"opened": 0, "closed": 0} for _ in starts]
    for item in items:
        i = index.get(period_start(_day(item.created_at), period))
        if i is not None:
            per[i]["opened"] += 1
        if item.closed_at is not None:
            j = index.get(period_start(_day(item.closed_at), period))
            if j is not None:
                per[j]["closed"] += 1
    days = [
        (item.closed_at - item.created_at).total_seconds() / 86400
        for item in items
        if item.state == ActionState.DONE.value and item.closed_at is not None
    ]
    return ActionStats(
        opened=sum(1 for i in items if i.created_at >= window_start),
        closed=sum(1 for i in items if i.closed_at is not None and i.closed_at >= window_start),
        open_now=sum(1 for i in items if i.state == ActionState.OPEN.value),
        overdue=sum(1 for i in items if _overdue(i, today)),
        median_days_to_close=_median(days),
        per_period=[Bucket(s, c) for s, c in zip(starts, per, strict=True)],
    )


async def _at_risk(
    session: AsyncSession,
    pairs: list[_Pair],
    checkins: list[tuple[int, datetime, str]],
    items: list[_Item],
    now: datetime,
    today: date,
) -> list[AtRisk]:
    recorded: dict[int, list[str]] = defaultdict(list)
    for m_id, at, state in checkins:
        if at <= now and state != CheckInState.SKIPPED.value:
            recorded[m_id].append(state)
    overdue = Counter(i.mentorship_id for i in items if _overdue(i, today))
    found: list[tuple[_Pair, tuple[str, ...], int]] = []
    for p in pairs:
        if p.state != MentorshipState.ACTIVE.value:
            continue
        reasons = []
        last_two = recorded.get(p.id, [])[-2:]
        if len(last_two) == 2 and all(s == CheckInState.MISSED.value for s in last_two):
            reasons.append("missed-twice")
        silent = now - _aware(p.last_activity_at)
        if silent >= SILENT_AFTER:
            reasons.append("silent")
        if overdue.get(p.id):
            reasons.append("overdue")
        if reasons:
            found.append((p, tuple(reasons), silent.days))
    ids = {i for p, _, _ in found for i in (p.mentor_id, p.mentee_id)}
    names: dict[int, str] = {}
    if ids:
        rows = await session.execute(select(Member.id, Member.display_name).where(Member.id.in_(ids)))
        names = {i: n for i, n in rows}
    found.sort(key=lambda f: (-len(f[1]), _aware(f[0].last_activity_at), f[0].id))
    return [
        AtRisk(
            mentorship_id=p.id,
            mentor_name=names.get(p.mentor_id, "?"),
            mentee_name=names.get(p.mentee_id, "?"),
            focus=p.focus,
            reasons=reasons,
            last_activity_at=_aware(p.last_activity_at),
            silent_days=days,
            overdue_items=overdue.get(p.id, 0),
        )
        for p, reasons, days in found
    ]


async def _matching(
    session: AsyncSession, workspace_id: int, pairs: list[_Pair], window_start: datetime
) -> MatchingStats:
    profiles = list(
        await session.execute(
            select(MentorProfile.member_id, MentorProfile.capacity, MentorProfile.available).where(
                MentorProfile.workspace_id == workspace_id
            )
        )
    )
    open_per_mentor = Counter(p.mentor_id for p in pairs if p.state in OPEN_STATES)
    offering = [(m, cap) for m, cap, available in profiles if available]
    requests = list(
        await session.execute(
            select(
                MentorRequest.state,
                MentorRequest.created_at,
                MentorRequest.decided_at,
                MentorRequest.mentorship_id,
            ).where(MentorRequest.workspace_id == workspace_id)
        )
    )
    waiting = [s.value for s in WAITING_STATES]
    matched_hours = [
        (_aware(decided) - _aware(created)).total_seconds() / 3600
        for state, created, decided, m_id in requests
        if m_id is not None and decided is not None
    ]
    return MatchingStats(
        mentors=len(offering),
        capacity=sum(cap for _, cap in offering),
        capacity_used=sum(min(open_per_mentor.get(m, 0), cap) for m, cap in offering),
        requests_waiting=sum(1 for r in requests if r[0] in waiting),
        median_hours_to_match=_median(matched_hours),
        matched=len(matched_hours),
        requests_expired=sum(
            1 for r in requests if r[0] == RequestState.EXPIRED.value and _aware(r[1]) >= window_start
        ),
    )


async def _sessions(session: AsyncSession, workspace_id: int, now: datetime) -> list[SessionStats]:
    """The most recent sessions (held, skipped, cancelled, and the next upcoming one), newest first."""
    rows = list(
        await session.execute(
            select(
                OfficeHoursSession.id,
                OfficeHours.id,
                OfficeHours.topic,
                OfficeHoursSession.scheduled_at,
                OfficeHoursSession.state,
            )
            .join(OfficeHours, OfficeHours.id == OfficeHoursSession.office_hours_id)
            .where(OfficeHours.workspace_id == workspace_id)
            .order_by(OfficeHoursSession.scheduled_at.desc())
            .limit(SESSION_LIMIT)
        )
    )
    ids = [r[0] for r in rows]
    if not ids:
        return []
    rsvps = dict(
        (
            await session.execute(
                select(OfficeHoursRsvp.session_id, func.count())
                .where(OfficeHoursRsvp.session_id.in_(ids))
                .group_by(OfficeHoursRsvp.session_id)
            )
        ).all()
    )
    asked: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    questions = await session.execute(
        select(OfficeHoursQuestion.session_id, OfficeHoursQuestion.state).where(
            OfficeHoursQuestion.session_id.in_(ids), OfficeHoursQuestion.state != "withdrawn"
        )
    )
    for s_id, state in questions:
        asked[s_id] += 1
        if state == "answered":
            answered[s_id] += 1
    return [
        SessionStats(s_id, oh_id, topic, _aware(at), state, rsvps.get(s_id, 0), asked[s_id], answered[s_id])
        for s_id, oh_id, topic, at, state in rows
    ]


async def pair_summary(
    session: AsyncSession, workspace_id: int, mentorship_id: int, now: datetime
) -> PairSummary | None:
    """The mentorship with this id in this workspace, or None (another workspace's id answers None)."""
    m = await session.get(Mentorship, mentorship_id)
    if m is None or m.workspace_id != workspace_id:
        return None
    names = dict(
        (
            await session.execute(
                select(Member.id, Member.display_name).where(Member.id.in_([m.mentor_id, m.mentee_id]))
            )
        ).all()
    )
    counts = dict(
        (
            await session.execute(
                select(CheckIn.state, func.count())
                .where(CheckIn.mentorship_id == m.id)
                .group_by(CheckIn.state)
            )
        ).all()
    )
    items = await session.execute(
        select(ActionItem.state, ActionItem.due_date).where(ActionItem.mentorship_id == m.id)
    )
    today = _day(now)
    open_items = overdue = 0
    for state, due in items:
        if state == ActionState.OPEN.value:
            open_items += 1
            overdue += due is not None and due < today
    nudges = [
        NudgeRow(names.get(int(payload.get("member_id", 0)), "?"), _aware(due_at), status)
        for payload, due_at, status in await session.execute(
            select(OutboxRow.payload, OutboxRow.due_at, OutboxRow.status)
            .where(OutboxRow.topic == f"m:{m.id}", OutboxRow.kind == "insight.nudge")
            .order_by(OutboxRow.due_at.desc(), OutboxRow.id)
        )
    ]
    return PairSummary(
        mentorship_id=m.id,
        mentor_name=names.get(m.mentor_id, "?"),
        mentee_name=names.get(m.mentee_id, "?"),
        focus=m.focus,
        state=m.state,
        stage=m.stage,
        created_at=_aware(m.created_at),
        activated_at=_aware(m.activated_at) if m.activated_at else None,
        ended_at=_aware(m.ended_at) if m.ended_at else None,
        last_activity_at=_aware(m.last_activity_at),
        checkins={s: int(counts.get(CheckInState(s), 0)) for s in (*RECORDED, CheckInState.UPCOMING)},
        open_items=open_items,
        overdue_items=overdue,
        nudges=nudges,
    )
