"""What the schedule is made of: topics and keys of outbox rows, recurrences, and the check-in queries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from bot.domain.recurrence import Recurrence, recurrence_from_rule
from bot.domain.states import ActionState, CheckInState
from bot.persistence.tables import ActionItem, CheckIn, Member, Mentorship
from bot.services.members import zone_of
from bot.services.transaction import Tx

SILENCE = timedelta(weeks=6)
# Notes can be recorded for a day after a session ends; then it counts as missed.
NOTES_WINDOW = timedelta(hours=24)
# Overdue action items are followed up 2 days after the due date, then after a week, then weekly.
ACTION_FOLLOWUPS = (timedelta(days=0), timedelta(days=2), timedelta(days=7))
ACTION_FOLLOWUP_EVERY = timedelta(days=7)


def topic_mentorship(m: Mentorship) -> str:
    return f"m:{m.id}"


def topic_checkin(c: CheckIn) -> str:
    return f"m:{c.mentorship_id}/c:{c.id}"


def topic_action(a: ActionItem) -> str:
    return f"m:{a.mentorship_id}/a:{a.id}"


def stamp(at: datetime) -> str:
    return at.strftime("%Y%m%dT%H%MZ")


def recurrence_of(m: Mentorship) -> Recurrence | None:
    if not m.cadence_rule:
        return None
    return recurrence_from_rule(m.cadence_rule, m.duration_minutes, m.cadence_phrase or "")


async def upcoming_checkin(uow: Tx, m: Mentorship) -> CheckIn | None:
    """The latest check-in still open: the next one, else one in progress or waiting for its notes."""
    return await uow.session.scalar(
        select(CheckIn)
        .where(CheckIn.mentorship_id == m.id, CheckIn.state == CheckInState.UPCOMING)
        .order_by(CheckIn.scheduled_at.desc())
        .limit(1)
    )


async def last_started(uow: Tx, m: Mentorship) -> CheckIn | None:
    """The latest check-in whose time has come (the one notes and new action items belong to)."""
    return await uow.session.scalar(
        select(CheckIn)
        .where(
            CheckIn.mentorship_id == m.id,
            CheckIn.scheduled_at <= uow.now,
            CheckIn.state.in_([CheckInState.UPCOMING, CheckInState.HELD, CheckInState.MISSED]),
        )
        .order_by(CheckIn.scheduled_at.desc())
        .limit(1)
    )


async def next_open_checkin(uow: Tx, m: Mentorship) -> CheckIn | None:
    """The upcoming check-in that has not started yet (the one agendas and updates are for)."""
    c = await upcoming_checkin(uow, m)
    if c is not None and c.scheduled_at > uow.now:
        return c
    return None


def record_activity(m: Mentorship, now: datetime) -> None:
    """Something happened between the two: the "has it gone quiet?" check restarts from now.

    The check itself is planned by the reconcile step (`bot.services.schedules`), which sees the change."""
    m.last_activity_at = now


def local_morning(day: date, member: Member) -> datetime:
    """09:00 on `day` in the member's zone, as an aware datetime."""
    return datetime.combine(day, time(9, 0), tzinfo=zone_of(member))


async def open_actions(uow: Tx, m: Mentorship) -> list[ActionItem]:
    rows = await uow.session.scalars(
        select(ActionItem)
        .where(ActionItem.mentorship_id == m.id, ActionItem.state == ActionState.OPEN)
        .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id)
    )
    return list(rows)
