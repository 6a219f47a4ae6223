"""Where a person's mentorship lives on a platform, and which homes and threads exist there."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from bot.domain.states import OPEN_MENTORSHIP_STATES
from bot.officehours.tables import OfficeHours, OfficeHoursSession
from bot.persistence.tables import CheckIn, Member, Mentorship, Workspace
from bot.queries.sessions import Sessions, mentorships_of

_OPEN = [str(s) for s in OPEN_MENTORSHIP_STATES]


async def recent_home(sessions: Sessions, platform: str, workspace_id: str, user_id: str) -> str | None:
    """The home channel of the user's most recently active open mentorship; None without one."""
    query, _mentor, _mentee = mentorships_of(platform, workspace_id, user_id, OPEN_MENTORSHIP_STATES)
    async with sessions() as session:
        return await session.scalar(
            query.with_only_columns(Mentorship.home_channel)
            .where(Mentorship.home_channel.is_not(None))
            .order_by(Mentorship.last_activity_at.desc())
            .limit(1)
        )


@dataclass
class Home:
    """A channel the bot posts in: who may read it (empty for a community channel everyone reads) and
    the threads opened in it."""

    members: set[str] = field(default_factory=set)
    threads: set[str] = field(default_factory=set)


async def homes_with_threads(sessions: Sessions, platform: str) -> dict[str, Home]:
    """Every mentorship home on the platform with its two people and its check-in threads, plus the
    channels where office-hours sessions were announced with their threads; keyed by channel id."""
    homes: dict[str, Home] = {}
    async with sessions() as session:
        rows = await session.execute(
            select(Mentorship.home_channel, Member.external_id, CheckIn.thread_id)
            .join(Workspace, Workspace.id == Mentorship.workspace_id)
            .join(Member, Member.id.in_([Mentorship.mentor_id, Mentorship.mentee_id]))
            .outerjoin(CheckIn, CheckIn.mentorship_id == Mentorship.id)
            .where(Workspace.platform == platform, Mentorship.home_channel.is_not(None))
        )
        for channel_id, user_id, thread_id in rows:
            if channel_id is None:
                continue
            home = homes.setdefault(channel_id, Home())
            home.members.add(user_id)
            if thread_id:
                home.threads.add(thread_id)
        announced = await session.execute(
            select(OfficeHoursSession.announce_channel, OfficeHoursSession.thread_id)
            .join(OfficeHours, OfficeHours.id == OfficeHoursSession.office_hours_id)
            .join(Workspace, Workspace.id == OfficeHours.workspace_id)
            .where(Workspace.platform == platform, OfficeHoursSession.thread_id.is_not(None))
        )
        for channel_id, thread_id in announced:
            if channel_id is not None and thread_id is not None:
                homes.setdefault(channel_id, Home()).threads.add(thread_id)
    return homes
