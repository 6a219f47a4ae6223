"""Who may see or change a mentorship, and how a command picks one of several."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select

from bot import wording
from bot.domain.errors import AskWhich, NotAllowed, NotFound, UserError
from bot.domain.states import OPEN_MENTORSHIP_STATES, MentorshipState
from bot.persistence.tables import Member, Mentorship, Workspace
from bot.services.members import find_member
from bot.services.unit import UnitOfWork


@dataclass(frozen=True)
class MentorshipId:
    """A mentorship named by its id (a button or form), not by the other person: it selects exactly
    that mentorship, checked against the actor and their workspace, or nothing."""

    id: int


# What picks the mentorship a use-case acts on: the other person's platform id (typed commands), an
# exact id (buttons and forms), or None (the only one).
Selector = str | MentorshipId | None


def is_party(member: Member, m: Mentorship) -> bool:
    return member.id in (m.mentor_id, m.mentee_id)


def can_access(member: Member, m: Mentorship) -> bool:
    """Only the two people of a mentorship, and admins of its workspace, may see or change it."""
    return m.workspace_id == member.workspace_id and (is_party(member, m) or member.is_admin)


def require_access(member: Member, m: Mentorship) -> None:
    if not can_access(member, m):
        raise NotAllowed(wording.not_yours())


def other_party_id(member: Member, m: Mentorship) -> int:
    return m.mentee_id if member.id == m.mentor_id else m.mentor_id


async def mentorships_of(
    uow: UnitOfWork, member: Member, states: Sequence[str] = tuple(OPEN_MENTORSHIP_STATES)
) -> list[Mentorship]:
    rows = await uow.session.scalars(
        select(Mentorship)
        .where(
            Mentorship.workspace_id == member.workspace_id,
            or_(Mentorship.mentor_id == member.id, Mentorship.mentee_id == member.id),
            Mentorship.state.in_([str(s) for s in states]),
        )
        .order_by(Mentorship.id)
    )
    return list(rows)


async def get_mentorship(uow: UnitOfWork, member: Member, mentorship_id: int) -> Mentorship:
    """By id, scoped to the member's workspace: another tenant's id answers "not found"."""
    m = await uow.session.get(Mentorship, mentorship_id)
    if m is None or m.workspace_id != member.workspace_id:
        raise NotFound(wording.mentorship_not_found())
    require_access(member, m)
    return m


async def pick(
    uow: UnitOfWork,
    ws: Workspace,
    me: Member,
    other_user_id: Selector,
    states: Sequence[MentorshipState] = tuple(OPEN_MENTORSHIP_STATES),
    example: str = "/mentor next",
) -> Mentorship:
    """The mentorship a command is about: the one a button names, the only one, or the one with the
    mentioned person. Raises NotFound / NotAllowed / UserError with what to do instead."""
    if isinstance(other_user_id, MentorshipId):
        m = await get_mentorship(uow, me, other_user_id.id)
        if m.state not in {str(s) for s in states}:
            raise UserError(wording.BUTTON_STALE)
        return m
    mine = await mentorships_of(uow, me, states)
    if other_user_id is not None:
        other = await find_member(uow, ws, other_user_id)
        if other is None:
            raise NotFound(wording.no_mentorship_with(other_user_id))
        with_other = [m for m in mine if other.id in (m.mentor_id, m.mentee_id) and other.id != me.id]
        if len(with_other) > 1:
            # Each mentors the other: the person alone does not say which; never guess.
            roles = [(m.id, m.mentor_id == me.id, m.focus) for m in with_other]
            raise UserError(wording.which_direction(other.display_name, roles))
        if with_other:
            return with_other[0]
        await _refuse_if_other_state(uow, me, other, states)
        if me.is_admin:
            theirs = await mentorships_of(uow, other, states)
            if len(theirs) == 1:
                return theirs[0]
            if len(theirs) > 1:
                names = await _names(uow, theirs, other)
                raise UserError(wording.which_mentorship(names, example))
        raise NotFound(wording.no_mentorship_with(other.display_name))
    if not mine:
        await _refuse_if_other_state(uow, me, None, states)
        raise NotFound(wording.no_mentorships(bool(states) and MentorshipState.ACTIVE in states))
    if len(mine) > 1:
        names = await _names(uow, mine, me)
        # Asked back with a button per mentorship, each running the command as typed `with @them`.
        choices = tuple(
            (wording.mentorship_choice(name, focus), f"with <@{uid}>") for uid, name, focus in names
        )
        raise AskWhich(wording.which_mentorship(names, "{typed}"), choices, example)
    return mine[0]


async def _refuse_if_other_state(
    uow: UnitOfWork, me: Member, other: Member | None, states: Sequence[MentorshipState]
) -> None:
    """None of `me`'s mentorships (with `other`) is in `states`, but one is in another: say which state
    it is in ("it has ended", "it is paused") rather than that there is none. Raises NotFound."""
    theirs = [
        m
        for m in await mentorships_of(uow, me, tuple(MentorshipState))
        if other is None or (other.id in (m.mentor_id, m.mentee_id) and other.id != me.id)
    ]
    if not theirs:
        return
    # The most recent one (ids grow with time) is what a person means after ending or pausing it.
    m = max(theirs, key=lambda x: x.id)
    partner = await uow.session.get(Member, other_party_id(me, m))
    assert partner is not None
    # NotFound still: callers that look elsewhere when none fits (accept → mentor requests) keep doing so.
    raise NotFound(wording.mentorship_in_state(partner.display_name, MentorshipState(m.state)))


async def _names(uow: UnitOfWork, ms: list[Mentorship], me: Member) -> list[tuple[str, str, str]]:
    """(other person's platform id, their name, focus) for each mentorship, as seen by `me`."""
    out = []
    for m in ms:
        other = await uow.session.get(Member, other_party_id(me, m))
        assert other is not None
        out.append((other.external_id, other.display_name, m.focus))
    return out
