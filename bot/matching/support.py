"""What the matching use-cases and their deliveries share: settings, profiles, capacity, suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from bot.domain.matching import DEFAULT_WORK, WAITING_STATES, Candidate, Ranking, RequestState, Seeker, rank
from bot.domain.states import OPEN_MENTORSHIP_STATES
from bot.matching.tables import MentorProfile, MentorRequest
from bot.persistence.tables import Member, Mentorship, Workspace
from bot.services.members import zone_of
from bot.services.transaction import Tx

DEFAULT_ANSWER_DAYS = 5
# After the reminder the mentor gets this long before the request expires and the mentee hears back.
EXPIRY_GRACE = timedelta(days=2)
SUGGESTIONS = 5


def topic_request(req: MentorRequest) -> str:
    return f"r:{req.id}"


def settings_of(ws: Workspace) -> dict[str, Any]:
    value = (ws.settings or {}).get("matching")
    return dict(value) if isinstance(value, dict) else {}


def update_settings(ws: Workspace, **changes: Any) -> None:
    # A new dict, so SQLAlchemy sees the JSON column change.
    settings = dict(ws.settings or {})
    settings["matching"] = {**settings_of(ws), **changes}
    ws.settings = settings


def answer_window(ws: Workspace) -> timedelta:
    days = settings_of(ws).get("answer_days", DEFAULT_ANSWER_DAYS)
    return timedelta(days=days if isinstance(days, int) and days > 0 else DEFAULT_ANSWER_DAYS)


def requests_channel(ws: Workspace) -> tuple[str, str] | None:
    """(channel id, name) of the community's requests channel, when one is set."""
    channel = settings_of(ws).get("channel")
    if not channel:
        return None
    return str(channel), str(settings_of(ws).get("channel_name") or channel)


def hours_of(member: Member) -> tuple[int, int]:
    if member.work_start_minute is None or member.work_end_minute is None:
        return DEFAULT_WORK
    return member.work_start_minute, member.work_end_minute


async def profile_of(tx: Tx, member: Member) -> MentorProfile | None:
    return await tx.session.scalar(select(MentorProfile).where(MentorProfile.member_id == member.id))


async def mentoring_count(tx: Tx, member_id: int) -> int:
    """Mentorships that take one of the mentor's slots: proposed, active or paused."""
    count = await tx.session.scalar(
        select(func.count(Mentorship.id)).where(
            Mentorship.mentor_id == member_id,
            Mentorship.state.in_(list(OPEN_MENTORSHIP_STATES)),
        )
    )
    return int(count or 0)


async def is_full(tx: Tx, profile: MentorProfile) -> bool:
    return await mentoring_count(tx, profile.member_id) >= profile.capacity


def candidate(profile: MentorProfile, member: Member, active: int) -> Candidate:
    return Candidate(
        member_id=member.id,
        name=member.display_name,
        tags=tuple(profile.tags or ()),
        focuses=tuple(profile.focuses or ()),
        capacity=profile.capacity,
        active=active,
        available=profile.available,
        zone=zone_of(member),
        hours=hours_of(member),
    )


async def candidates(tx: Tx, ws: Workspace) -> list[Candidate]:
    rows = (
        await tx.session.execute(
            select(MentorProfile, Member)
            .join(Member, Member.id == MentorProfile.member_id)
            .where(MentorProfile.workspace_id == ws.id, Member.workspace_id == ws.id)
        )
    ).all()
    counts: dict[int, int] = {
        int(mentor_id): int(n)
        for mentor_id, n in await tx.session.execute(
            select(Mentorship.mentor_id, func.count(Mentorship.id))
            .where(
                Mentorship.workspace_id == ws.id,
                Mentorship.state.in_(list(OPEN_MENTORSHIP_STATES)),
            )
            .group_by(Mentorship.mentor_id)
        )
    }
    return [candidate(p, m, int(counts.get(m.id, 0))) for p, m in rows]


async def taken_mentors(tx: Tx, mentee: Member) -> set[int]:
    """Mentors this mentee is paired with or already waiting on: suggesting them again helps no one."""
    paired = await tx.session.scalars(
        select(Mentorship.mentor_id).where(
            Mentorship.mentee_id == mentee.id,
            Mentorship.state.in_(list(OPEN_MENTORSHIP_STATES)),
        )
    )
    waiting = await tx.session.scalars(
        select(MentorRequest.mentor_id).where(
            MentorRequest.mentee_id == mentee.id,
            MentorRequest.state.in_(list(WAITING_STATES)),
            MentorRequest.mentor_id.is_not(None),
        )
    )
    return {int(x) for x in [*paired, *waiting] if x is not None}


async def goals_of(tx: Tx, mentee: Member) -> str:
    """What the mentee is working towards: their mentorships' goals and their requests' goals."""
    ms = await tx.session.scalars(select(Mentorship.goals).where(Mentorship.mentee_id == mentee.id))
    rs = await tx.session.scalars(select(MentorRequest.goal).where(MentorRequest.mentee_id == mentee.id))
    return " ".join([*ms, *rs])


async def suggestions_for(
    tx: Tx, ws: Workspace, mentee: Member, topic: str, exclude: set[int] | None = None
) -> Ranking:
    seeker = Seeker(
        member_id=mentee.id,
        topic=topic,
        goals=await goals_of(tx, mentee),
        zone=zone_of(mentee),
        hours=hours_of(mentee),
        excluded=frozenset(await taken_mentors(tx, mentee) | (exclude or set())),
    )
    return rank(seeker, await candidates(tx, ws), tx.now.date(), SUGGESTIONS)


async def waiting_requests(tx: Tx, mentee: Member) -> list[MentorRequest]:
    rows = await tx.session.scalars(
        select(MentorRequest)
        .where(
            MentorRequest.mentee_id == mentee.id,
            MentorRequest.state.in_(list(WAITING_STATES)),
        )
        .order_by(MentorRequest.id)
    )
    return list(rows)


async def requests_involving(tx: Tx, ws: Workspace, me: Member, everyone: bool) -> list[MentorRequest]:
    q = select(MentorRequest).where(MentorRequest.workspace_id == ws.id)
    if not everyone:
        q = q.where(
            or_(
                MentorRequest.mentee_id == me.id,
                MentorRequest.mentor_id == me.id,
                MentorRequest.state == RequestState.OPEN,
            )
        )
    return list(await tx.session.scalars(q.order_by(MentorRequest.id.desc()).limit(60)))


async def transition(tx: Tx, req: MentorRequest, from_states: Sequence[str], **values: Any) -> bool:
    """Move the request on only if it is still in one of `from_states`; False when someone else (another
    mentor's claim, the expiry, a second press) changed it first. Both sides of a race run this update,
    so on PostgreSQL the second waits for the first's commit and then finds nothing to change."""
    result = await tx.session.execute(
        update(MentorRequest)
        .where(MentorRequest.id == req.id, MentorRequest.state.in_(list(from_states)))
        .values(**values)
        .returning(MentorRequest.id)
        .execution_options(synchronize_session=False)
    )
    changed = result.first() is not None
    await tx.session.refresh(req)
    return changed
