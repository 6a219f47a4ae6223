"""Discord-only use-cases over the core's tables: the server's mentorship channel (kept in
`Workspace.settings`, so no migration), and the read-only look-ups autocomplete and the DM fallback need."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from adapters.discord.actors import PLATFORM
from bot import wording
from bot.domain.matching import WAITING_STATES
from bot.domain.states import MentorshipState
from bot.messages import ChannelLink, Reply, reply
from bot.persistence.matching_tables import MentorRequest
from bot.persistence.tables import (
    Member,
    Mentorship,
    OfficeHours,
    OfficeHoursQuestion,
    OfficeHoursSession,
    Workspace,
)
from bot.services.members import Actor, actor_member
from bot.services.unit import Core

CHANNEL_KEY = "discord_channel_id"
OPEN = (MentorshipState.PROPOSED.value, MentorshipState.ACTIVE.value, MentorshipState.PAUSED.value)


async def set_mentorship_channel(core: Core, actor: Actor, channel_id: str, channel_name: str) -> Reply:
    """`/mentor setup #channel`: where mentorship threads are opened. Admins only."""
    async with core.unit() as uow:
        ws, me = await actor_member(uow, actor)
        if not me.is_admin:
            return reply(wording.admins_only("/mentor setup"), ok=False)
        # A new dict, so SQLAlchemy sees the JSON column change.
        ws.settings = {**(ws.settings or {}), CHANNEL_KEY: channel_id}
    return reply(
        "Mentorship threads will be opened in ",
        ChannelLink(channel_id, channel_name),
        ". Make sure I can view it, send messages, create private threads and post in threads there.",
    )


async def forget_mentorship_channel(core: Core, guild_id: str, channel_id: str) -> list[str] | None:
    """When `channel_id` is the server's mentorship channel: clear the setting and return the homes
    (threads) of its open mentorships, which were deleted with it; None when it is another channel."""
    async with core.unit() as uow:
        ws = await uow.session.scalar(
            select(Workspace).where(Workspace.platform == PLATFORM, Workspace.external_id == guild_id)
        )
        if ws is None or str((ws.settings or {}).get(CHANNEL_KEY)) != channel_id:
            return None
        ws.settings = {k: v for k, v in (ws.settings or {}).items() if k != CHANNEL_KEY}
        homes = await uow.session.scalars(
            select(Mentorship.home_channel)
            .where(
                Mentorship.workspace_id == ws.id,
                Mentorship.state.in_(OPEN),
                Mentorship.home_channel.is_not(None),
            )
            .distinct()
        )
        return [h for h in homes if h]


async def _workspace(core: Core, guild_id: str) -> Workspace | None:
    async with core.unit() as uow:
        return await uow.session.scalar(
            select(Workspace).where(Workspace.platform == PLATFORM, Workspace.external_id == guild_id)
        )


async def mentorship_channel(core: Core, guild_id: str) -> str | None:
    ws = await _workspace(core, guild_id)
    value = (ws.settings or {}).get(CHANNEL_KEY) if ws else None
    return str(value) if value else None


@dataclass(frozen=True)
class Choice:
    name: str
    other_user_id: str


async def mentorship_choices(
    core: Core, guild_id: str, user_id: str, typed: str, limit: int = 25
) -> list[Choice]:
    """The caller's mentorships for the `with` option: the value is the other person's id."""
    mentor, mentee = aliased(Member), aliased(Member)
    async with core.unit() as uow:
        rows = (
            await uow.session.execute(
                select(Mentorship, mentor, mentee)
                .join(Workspace, Workspace.id == Mentorship.workspace_id)
                .join(mentor, mentor.id == Mentorship.mentor_id)
                .join(mentee, mentee.id == Mentorship.mentee_id)
                .where(
                    Workspace.platform == PLATFORM,
                    Workspace.external_id == guild_id,
                    or_(mentor.external_id == user_id, mentee.external_id == user_id),
                    Mentorship.state.in_((*OPEN, MentorshipState.CONCLUDED.value)),
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
        out.append(Choice(name[:100], other.external_id))
    return out[:limit]


async def home_of(core: Core, guild_id: str, user_id: str) -> str | None:
    """The home thread of the user's most recently active open mentorship (the DM fallback's target)."""
    mentor, mentee = aliased(Member), aliased(Member)
    async with core.unit() as uow:
        return await uow.session.scalar(
            select(Mentorship.home_channel)
            .join(Workspace, Workspace.id == Mentorship.workspace_id)
            .join(mentor, mentor.id == Mentorship.mentor_id)
            .join(mentee, mentee.id == Mentorship.mentee_id)
            .where(
                Workspace.platform == PLATFORM,
                Workspace.external_id == guild_id,
                or_(mentor.external_id == user_id, mentee.external_id == user_id),
                Mentorship.state.in_(OPEN),
                Mentorship.home_channel.is_not(None),
            )
            .order_by(Mentorship.last_activity_at.desc())
            .limit(1)
        )


async def series_choices(core: Core, guild_id: str, typed: str, limit: int = 25) -> list[tuple[str, int]]:
    """The server's running office hours for the `series` option: (label, number)."""
    async with core.unit() as uow:
        rows = await uow.session.scalars(
            select(OfficeHours)
            .join(Workspace, Workspace.id == OfficeHours.workspace_id)
            .where(
                Workspace.platform == PLATFORM,
                Workspace.external_id == guild_id,
                OfficeHours.state == "active",
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
        out.append((name[:100], oh.id))
    return out[:limit]


async def question_choices(core: Core, guild_id: str, typed: str, limit: int = 25) -> list[tuple[str, int]]:
    """Open questions of upcoming sessions, newest first, for the `question` option: (label, number)."""
    async with core.unit() as uow:
        rows = (
            await uow.session.execute(
                select(OfficeHoursQuestion, Member)
                .join(OfficeHoursSession, OfficeHoursSession.id == OfficeHoursQuestion.session_id)
                .join(OfficeHours, OfficeHours.id == OfficeHoursSession.office_hours_id)
                .join(Workspace, Workspace.id == OfficeHours.workspace_id)
                .join(Member, Member.id == OfficeHoursQuestion.author_id)
                .where(
                    Workspace.platform == PLATFORM,
                    Workspace.external_id == guild_id,
                    OfficeHoursQuestion.state == "open",
                    OfficeHoursSession.state == "upcoming",
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
        out.append((name[:100], q.id))
    return out[:limit]


async def request_choices(
    core: Core, guild_id: str, user_id: str, everyone: bool, typed: str, limit: int = 25
) -> list[tuple[str, int]]:
    """Waiting requests the caller sees in `/mentor requests` (theirs, to them, open ones; admins:
    all), newest first, for the `number` option: (label, number)."""
    mentee, mentor = aliased(Member), aliased(Member)
    query = (
        select(MentorRequest, mentee, mentor)
        .join(Workspace, Workspace.id == MentorRequest.workspace_id)
        .join(mentee, mentee.id == MentorRequest.mentee_id)
        .outerjoin(mentor, mentor.id == MentorRequest.mentor_id)
        .where(
            Workspace.platform == PLATFORM,
            Workspace.external_id == guild_id,
            MentorRequest.state.in_([s.value for s in WAITING_STATES]),
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
    async with core.unit() as uow:
        rows = (await uow.session.execute(query)).all()
    needle = typed.strip().lower().lstrip("#")
    out = []
    for req, who, to in rows:
        name = f"#{req.id} {who.display_name} → {to.display_name if to else 'anyone'}: {req.goal}"
        if needle and needle not in name.lower():
            continue
        out.append((name[:100], req.id))
    return out[:limit]
