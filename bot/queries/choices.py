"""Autocomplete: what a person may pick for an option, as (label, value) pairs, filtered by what they
typed. Labels are at most 100 characters (Discord's limit for a choice's name)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

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
from bot.queries.sessions import Sessions, in_workspace, mentorships_of

LABEL_MAX = 100
T = TypeVar("T")


@dataclass(frozen=True)
class Choice:
    name: str
    other_user_id: str


async def mentorship_choices(
    sessions: Sessions, platform: str, workspace_id: str, user_id: str, typed: str, limit: int = 25
) -> list[Choice]:
    """The user's open and concluded mentorships, most recently active first: the value is the other
    person's platform id."""
    query, _mentor, _mentee = mentorships_of(
        platform, workspace_id, user_id, (*OPEN_MENTORSHIP_STATES, MentorshipState.CONCLUDED)
    )
    async with sessions() as session:
        rows = (await session.execute(query.order_by(Mentorship.last_activity_at.desc()))).all()
    labelled = []
    for m, mr, me in rows:
        other, role = (me, "mentee") if mr.external_id == user_id else (mr, "mentor")
        labelled.append(
            (f"{other.display_name} ({role}, {m.state})" + (f" — {m.goals}" if m.goals else ""), other)
        )
    return [Choice(name, other.external_id) for name, other in matching(labelled, typed, limit)]


async def series_choices(
    sessions: Sessions, platform: str, workspace_id: str, typed: str, limit: int = 25
) -> list[tuple[str, int]]:
    """The workspace's running office hours: (label, series number)."""
    async with sessions() as session:
        rows = await session.scalars(
            select(OfficeHours)
            .join(Workspace, Workspace.id == OfficeHours.workspace_id)
            .where(in_workspace(platform, workspace_id), OfficeHours.state == SeriesState.ACTIVE)
            .order_by(OfficeHours.id)
        )
        series = list(rows)
    labelled = [
        (f"#{oh.id} {oh.topic or 'Office hours'} in #{oh.channel_name or oh.channel_id}", oh.id)
        for oh in series
    ]
    return matching(labelled, typed.lstrip("# "), limit)


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
                    in_workspace(platform, workspace_id),
                    OfficeHoursQuestion.state == QuestionState.OPEN,
                    OfficeHoursSession.state == SessionState.UPCOMING,
                )
                .order_by(OfficeHoursQuestion.id.desc())
            )
        ).all()
    return matching([(f"Q{q.id} {q.text} — {author.display_name}", q.id) for q, author in rows], typed, limit)


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
        .where(in_workspace(platform, workspace_id), MentorRequest.state.in_(list(WAITING_STATES)))
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
    labelled = [
        (f"#{req.id} {who.display_name} → {to.display_name if to else 'anyone'}: {req.goal}", req.id)
        for req, who, to in rows
    ]
    return matching(labelled, typed.lstrip("# "), limit)


def matching(labelled: Iterable[tuple[str, T]], typed: str, limit: int) -> list[tuple[str, T]]:
    """The (label, value) pairs whose label contains what was typed (any case), labels cut to Discord's
    100 characters, at most `limit`."""
    needle = typed.strip().lower()
    return [(name[:LABEL_MAX], value) for name, value in labelled if not needle or needle in name.lower()][
        :limit
    ]
