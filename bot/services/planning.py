"""Turning a cadence into check-ins and a check-in into the outbox rows that surround it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from bot.domain.recurrence import Recurrence, recurrence_from_rule
from bot.domain.states import ActionState, CheckInState, MentorshipState
from bot.outbox import Planned
from bot.persistence.tables import ActionItem, CheckIn, Member, Mentorship, Workspace
from bot.services.members import zone_of
from bot.services.unit import Tx

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
    return await uow.session.scalar(
        select(CheckIn)
        .where(CheckIn.mentorship_id == m.id, CheckIn.state == CheckInState.UPCOMING.value)
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
            CheckIn.state.in_(
                [CheckInState.UPCOMING.value, CheckInState.HELD.value, CheckInState.MISSED.value]
            ),
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


async def schedule_next(uow: Tx, ws: Workspace, m: Mentorship, after: datetime) -> CheckIn | None:
    """Materialize the cadence's next occurrence after `after` and plan everything around it."""
    if m.state != MentorshipState.ACTIVE.value:
        return None
    rec = recurrence_of(m)
    if rec is None:
        return None
    slot = rec.next_after(max(after, uow.now))
    if slot is None:
        return None
    existing = await uow.session.scalar(
        select(CheckIn).where(CheckIn.mentorship_id == m.id, CheckIn.slot_at == slot)
    )
    if existing is not None:
        return existing if existing.state == CheckInState.UPCOMING.value else None
    c = CheckIn(
        mentorship_id=m.id,
        slot_at=slot,
        scheduled_at=slot,
        duration_minutes=m.duration_minutes,
        state=CheckInState.UPCOMING.value,
        takeaways="",
        created_at=uow.now,
    )
    uow.session.add(c)
    await uow.session.flush()
    await plan_checkin(uow, ws, m, c)
    return c


async def plan_checkin(uow: Tx, ws: Workspace, m: Mentorship, c: CheckIn) -> None:
    """The announcement, the reminders to each person, the wrap-up and the follow-up of one check-in."""
    at = c.scheduled_at
    base = f"checkin:{c.id}:{stamp(at)}"
    topic = topic_checkin(c)
    payload = {"mentorship_id": m.id, "checkin_id": c.id, "scheduled_at": at.isoformat()}
    await uow.plan(ws, Planned("checkin.announce", f"{base}:announce", topic, uow.now, payload))
    for lead in sorted(set(m.reminder_leads or []), reverse=True):
        due = at - timedelta(minutes=lead)
        if due <= uow.now:
            continue
        for member_id in (m.mentee_id, m.mentor_id):
            await uow.plan(
                ws,
                Planned(
                    "checkin.remind",
                    f"{base}:remind:{lead}:{member_id}",
                    topic,
                    due,
                    {**payload, "member_id": member_id, "lead_minutes": lead},
                ),
            )
    end = at + timedelta(minutes=c.duration_minutes)
    await uow.plan(ws, Planned("checkin.wrapup", f"{base}:wrapup", topic, end, payload))
    await uow.plan(ws, Planned("checkin.followup", f"{base}:followup", topic, end + NOTES_WINDOW, payload))


async def withdraw_checkin(uow: Tx, c: CheckIn) -> None:
    await uow.withdraw(topic_checkin(c))


async def cancel_upcoming(uow: Tx, m: Mentorship, state: CheckInState) -> CheckIn | None:
    """Take the next check-in off the calendar (skipped, cancelled) and withdraw what surrounds it."""
    c = await upcoming_checkin(uow, m)
    if c is None:
        return None
    c.state = state.value
    await withdraw_checkin(uow, c)
    return c


async def touch(uow: Tx, ws: Workspace, m: Mentorship) -> None:
    """Record activity and push the "has it gone quiet?" check six weeks out."""
    m.last_activity_at = uow.now
    await uow.withdraw(topic_mentorship(m), kinds=("mentorship.silence",))
    if m.state == MentorshipState.ACTIVE.value:
        due = uow.now + SILENCE
        await uow.plan(
            ws,
            Planned(
                "mentorship.silence",
                f"silence:{m.id}:{stamp(due)}",
                topic_mentorship(m),
                due,
                {"mentorship_id": m.id},
            ),
        )


def local_morning(day: date, member: Member) -> datetime:
    """09:00 on `day` in the member's zone, as an aware datetime."""
    return datetime.combine(day, time(9, 0), tzinfo=zone_of(member))


async def plan_action_followup(uow: Tx, ws: Workspace, a: ActionItem, owner: Member) -> None:
    """The next reminder of an open action item with a due date, if one is still ahead."""
    if a.due_date is None or a.state != ActionState.OPEN.value:
        return
    first = local_morning(a.due_date, owner)
    offsets = list(ACTION_FOLLOWUPS)
    while first + offsets[-1] <= uow.now:
        offsets.append(offsets[-1] + ACTION_FOLLOWUP_EVERY)
    for n, offset in enumerate(offsets):
        due = first + offset
        if due > uow.now:
            await uow.plan(
                ws,
                Planned(
                    "action.followup",
                    f"action:{a.id}:{a.due_date.isoformat()}:{n}",
                    topic_action(a),
                    due,
                    {"mentorship_id": a.mentorship_id, "action_id": a.id, "n": n},
                ),
            )
            return


async def open_actions(uow: Tx, m: Mentorship) -> list[ActionItem]:
    rows = await uow.session.scalars(
        select(ActionItem)
        .where(ActionItem.mentorship_id == m.id, ActionItem.state == ActionState.OPEN.value)
        .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id)
    )
    return list(rows)
