"""CSV export of a program's metadata: one file per mentorship, check-in, action item and office-hours
session. Dates, states and counts only (never goals, updates, takeaways, reflections or questions);
times are ISO 8601 in UTC."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.states import QuestionState
from bot.officehours.tables import OfficeHours, OfficeHoursQuestion, OfficeHoursRsvp, OfficeHoursSession
from bot.persistence.tables import ActionItem, CheckIn, Member, Mentorship, StatusUpdate, Workspace

FILES = ("mentorships", "checkins", "action_items", "office_hours_sessions")
Cell = str | int | bool | date | datetime | None
Table = list[Sequence[Cell]]
# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date | int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(rows: Table) -> str:
    """RFC 4180 text (CRLF line ends), formula-looking cells defused with a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


async def export_tables(session: AsyncSession, workspace_id: int) -> dict[str, Table]:
    """Header row first in each table; raises KeyError for an unknown workspace id."""
    if await session.get(Workspace, workspace_id) is None:
        raise KeyError(workspace_id)
    return {
        "mentorships": await _mentorships(session, workspace_id),
        "checkins": await _checkins(session, workspace_id),
        "action_items": await _items(session, workspace_id),
        "office_hours_sessions": await _office_hours(session, workspace_id),
    }


async def _mentorships(session: AsyncSession, ws_id: int) -> Table:
    names = dict(
        (
            await session.execute(select(Member.id, Member.display_name).where(Member.workspace_id == ws_id))
        ).all()
    )
    counts = Counter[tuple[int, str]]()
    for m_id, state, n in await session.execute(
        select(CheckIn.mentorship_id, CheckIn.state, func.count())
        .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
        .where(Mentorship.workspace_id == ws_id)
        .group_by(CheckIn.mentorship_id, CheckIn.state)
    ):
        counts[(m_id, state)] = n
    rows: Table = [
        (
            "mentorship_id", "mentor", "mentee", "focus", "state", "stage", "cadence", "created_at",
            "activated_at", "ended_at", "last_activity_at", "checkins_held", "checkins_missed",
            "checkins_skipped",
        )
    ]  # fmt: skip
    for m in await session.scalars(
        select(Mentorship).where(Mentorship.workspace_id == ws_id).order_by(Mentorship.id)
    ):
        rows.append(
            (
                m.id, names.get(m.mentor_id), names.get(m.mentee_id), m.focus, m.state, m.stage,
                m.cadence_phrase, m.created_at, m.activated_at, m.ended_at, m.last_activity_at,
                counts[(m.id, "held")], counts[(m.id, "missed")], counts[(m.id, "skipped")],
            )
        )  # fmt: skip
    return rows


async def _checkins(session: AsyncSession, ws_id: int) -> Table:
    updates = dict(
        (
            await session.execute(
                select(StatusUpdate.checkin_id, func.count())
                .join(CheckIn, CheckIn.id == StatusUpdate.checkin_id)
                .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
                .where(Mentorship.workspace_id == ws_id, StatusUpdate.deleted_at.is_(None))
                .group_by(StatusUpdate.checkin_id)
            )
        ).all()
    )
    rows: Table = [("checkin_id", "mentorship_id", "scheduled_at", "duration_minutes", "state", "updates")]
    for c_id, m_id, at, minutes, state in await session.execute(
        select(
            CheckIn.id, CheckIn.mentorship_id, CheckIn.scheduled_at, CheckIn.duration_minutes, CheckIn.state
        )
        .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
        .where(Mentorship.workspace_id == ws_id)
        .order_by(CheckIn.mentorship_id, CheckIn.scheduled_at)
    ):
        rows.append((c_id, m_id, at, minutes, state, updates.get(c_id, 0)))
    return rows


async def _items(session: AsyncSession, ws_id: int) -> Table:
    rows: Table = [
        ("action_item_id", "mentorship_id", "owner", "state", "due_date", "created_at", "closed_at")
    ]
    for i_id, m_id, owner, mentor_id, state, due, created, closed in await session.execute(
        select(
            ActionItem.id, ActionItem.mentorship_id, ActionItem.owner_id, Mentorship.mentor_id,
            ActionItem.state, ActionItem.due_date, ActionItem.created_at, ActionItem.closed_at,
        )
        .join(Mentorship, Mentorship.id == ActionItem.mentorship_id)
        .where(Mentorship.workspace_id == ws_id)
        .order_by(ActionItem.id)
    ):  # fmt: skip
        rows.append((i_id, m_id, "mentor" if owner == mentor_id else "mentee", state, due, created, closed))
    return rows


async def _office_hours(session: AsyncSession, ws_id: int) -> Table:
    rows: Table = [
        ("session_id", "series_id", "topic", "scheduled_at", "state", "rsvps", "questions_asked", "answered")
    ]
    rsvps = dict(
        (
            await session.execute(
                select(OfficeHoursRsvp.session_id, func.count())
                .join(OfficeHoursSession, OfficeHoursSession.id == OfficeHoursRsvp.session_id)
                .join(OfficeHours, OfficeHours.id == OfficeHoursSession.office_hours_id)
                .where(OfficeHours.workspace_id == ws_id)
                .group_by(OfficeHoursRsvp.session_id)
            )
        ).all()
    )
    asked = Counter[int]()
    answered = Counter[int]()
    for s_id, question_state in await session.execute(
        select(OfficeHoursQuestion.session_id, OfficeHoursQuestion.state)
        .join(OfficeHoursSession, OfficeHoursSession.id == OfficeHoursQuestion.session_id)
        .join(OfficeHours, OfficeHours.id == OfficeHoursSession.office_hours_id)
        .where(OfficeHours.workspace_id == ws_id, OfficeHoursQuestion.state != QuestionState.WITHDRAWN)
    ):
        asked[s_id] += 1
        answered[s_id] += question_state == QuestionState.ANSWERED
    for s_id, oh_id, topic, at, state in await session.execute(
        select(
            OfficeHoursSession.id, OfficeHours.id, OfficeHours.topic, OfficeHoursSession.scheduled_at,
            OfficeHoursSession.state,
        )
        .join(OfficeHours, OfficeHours.id == OfficeHoursSession.office_hours_id)
        .where(OfficeHours.workspace_id == ws_id)
        .order_by(OfficeHoursSession.scheduled_at)
    ):  # fmt: skip
        rows.append((s_id, oh_id, topic, at, state, rsvps.get(s_id, 0), asked[s_id], answered[s_id]))
    return rows


__all__ = ["FILES", "export_tables", "to_csv"]
