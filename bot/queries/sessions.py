"""What a read takes — the session factory alone (a read plans nothing, so it needs no unit of work) — and
the filters reads share."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.persistence.tables import Member, Mentorship, Workspace

Sessions = async_sessionmaker[AsyncSession]


def in_workspace(platform: str, workspace_id: str) -> ColumnElement[bool]:
    """The filter on a query joined to `Workspace`: the one the platform calls `workspace_id`."""
    return and_(Workspace.platform == platform, Workspace.external_id == workspace_id)


def mentorships_of(
    platform: str, workspace_id: str, user_id: str, states: Iterable[str]
) -> tuple[Select[Mentorship, Member, Member], type[Member], type[Member]]:
    """Mentorships the user is part of in `states`, with (mentorship, mentor, mentee) rows, and the two
    aliases for further filters or columns (`query.with_only_columns(...)` keeps the joins)."""
    mentor, mentee = aliased(Member), aliased(Member)
    query = (
        select(Mentorship, mentor, mentee)
        .join(Workspace, Workspace.id == Mentorship.workspace_id)
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .join(mentee, mentee.id == Mentorship.mentee_id)
        .where(
            in_workspace(platform, workspace_id),
            or_(mentor.external_id == user_id, mentee.external_id == user_id),
            Mentorship.state.in_([str(s) for s in states]),
        )
    )
    return query, mentor, mentee
