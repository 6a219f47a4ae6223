"""Autocomplete: what a person may pick for an option, as (label, value) pairs, filtered by what they
typed. Labels are at most 100 characters (Discord's limit for a choice's name)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from bot.domain.matching import WAITING_STATES
from bot.domain.states import (
    OPEN_MENTORSHIP_STATES,
    MentorshipState,
    QuestionState,
    SeriesState,
    SessionState,
)
from bot.matching.tables import MentorRequest
from bot.officehours.tables import OfficeHours, OfficeHoursQuestion, OfficeHoursSession
from bot.persistence.tables import Member, Mentorship, Workspace
from bot.queries.sessions import Sessions

LABEL_MAX = 100


@dataclass(frozen=True)
class Choice:
    name: str
    other_user_id: str


async def mentorship_choices(
    sessions: Sessions, platform: str, workspace_id: str, user_id: str, typed: str, limit: int = 25
) -> list[Choice]:
    """The user's open and concluded mentorships, most recently active first: the value is the other
    person's platform id."""
    mentor, mentee = aliased(Member), aliased(Member)
    states = [str(s) for s in (*OPEN_MENTORSHIP_STATES, MentorshipState.CONCLUDED)]
    async with sessions() as session:
        rows = (
            await session.execute(
                select(Mentorship, mentor, mentee)
                .join(Workspace, Workspace.id == Mentorship.workspace_id)
                .join(mentor, mentor.id == Mentorship.mentor_id)
                .join(mentee, mentee.id == Mentorship.mentee_id)
                .where(
                    Workspace.platform == platform,
                    Workspace.external_id == workspace_id,
                    or_(mentor.external_id == user_id, mentee.external_id == user_id),
                    Mentorship.state.in_(states),
                )
                .order_by(Mentorship.last_activity_at.desc())
            )
        ).all()
    out: list[Choice] = []
    needle = typed.strip().lower()
    for m, mr, me in rows:
        other, role = (me, "mentee") if mr.external_id == user_id else (mr, "mentor")
        name = f"{other.display_name} ({role}, {m.state})" + (f" — {m.goals}" if m.goals else "")
        if needle and needle not in name.lower():
            continue
        out.append(Choice(name[:LABEL_MAX], other.external_id))
    return out[:limit]


async def series_choices(
    sessions: Sessions, platform: str, workspace_id: str, typed: str, limit: int = 25
) -> list[tuple[str, int]]:
    """The workspace's running office hours: (label, series number)."""
    async with sessions() as session:
        rows = await session.scalars(
            select(OfficeHours)
            .join(Workspace, Workspace.id == OfficeHours.workspace_id)
            .where(
                Workspace.platform == platform,
                Workspace.external_id == workspace_id,
                OfficeHours.state == SeriesState.ACTIVE,
            )
            .order_by(OfficeHours.id)
        )
        series = list(rows)
    needle = typed.strip().lower().lstrip("#")
    out = []
    for oh in series:
        name = f"#{oh.id} {oh.topic or 'Office hours'} in #{oh.channel_name or oh.channel_id}"
        if needle and needle not in name.lower():
            continue
        out.append((name[:LABEL_MAX], oh.id))
    return out[:limit]


async def question_choices(
    sessions: Sessions, platform: str, workspace_id: str, typed: str, limit: int = 25
) -> list[tuple[str, int]]:
    """Open questions of upcoming sessions, newest first: (label, question number)."""
    async with sessions() as session:
        rows = (
            await session.execute(
                select(OfficeHoursQuestion, Member)
                .join(OfficeHoursSession, OfficeHoursSession.id == OfficeHoursQuestion.session_id)
                .join(OfficeHours, OfficeHours.id == OfficeHoursSession.office_hours_id)
                .join(Workspace, Workspace.id == OfficeHours.workspace_id)
                .join(Member, Member.id == OfficeHoursQuestion.author_id)
                .where(
                    Workspace.platform == platform,
                    Workspace.external_id == workspace_id,
                    OfficeHoursQuestion.state == QuestionState.OPEN,
                    OfficeHoursSession.state == SessionState.UPCOMING,
                )
                .order_by(OfficeHoursQuestion.id.desc())
            )
        ).all()
    needle = typed.strip().lower()
    out = []
    for q, author in rows:
        name = f"Q{q.id} {q.text} — {author.display_name}"
        if needle and needle not in name.lower():
            continue
        out.append((name[:LABEL_MAX], q.id))
    return out[:limit]


async def request_choices(
    sessions: Sessions,
    platform: str,
    workspace_id: str,
    user_id: str,
    everyone: bool,
    typed: str,
    limit: int = 25,
) -> list[tuple[str, int]]:
    """Waiting mentor requests the user sees in `/mentor requests` (theirs, to them, open ones;
    `everyone` for admins: all), newest first: (label, request number)."""
    mentee, mentor = aliased(Member), aliased(Member)
    query = (
        select(MentorRequest, mentee, mentor)
        .join(Workspace, Workspace.id == MentorRequest.workspace_id)
        .join(mentee, mentee.id == MentorRequest.mentee_id)
        .outerjoin(mentor, mentor.id == MentorRequest.mentor_id)
        .where(
            Workspace.platform == platform,
            Workspace.external_id == workspace_id,
            MentorRequest.state.in_(list(WAITING_STATES)),
        )
        .order_by(MentorRequest.id.desc())
        .limit(100)
    )
    if not everyone:
        query = query.where(
            or_(
                mentee.external_id == user_id,
                mentor.external_id == user_id,
                MentorRequest.mentor_id.is_(None),
            )
        )
    async with sessions() as session:
        rows = (await session.execute(query)).all()
    needle = typed.strip().lower().lstrip("#")
    out = []
    for req, who, to in rows:
        name = f"#{req.id} {who.display_name} → {to.display_name if to else 'anyone'}: {req.goal}"
        if needle and needle not in name.lower():
            continue
        out.append((name[:LABEL_MAX], req.id))
    return out[:limit]
