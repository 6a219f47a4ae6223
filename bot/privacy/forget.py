"""`/mentor forget me`: delete what the person wrote, end their mentorships kindly for the other person,
withdraw what was going to be sent to them, revoke their calendar feed, and leave in what the other
person keeps only "a former member"."""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from bot.calendar.tables import CalendarFeed
from bot.domain.states import OPEN_MENTORSHIP_STATES, OutboxStatus
from bot.insight.tables import DashboardGrant
from bot.matching.support import topic_request
from bot.matching.tables import MentorProfile, MentorRequest
from bot.officehours.tables import OfficeHoursHost, OfficeHoursQuestion, OfficeHoursRsvp, OfficeHoursVote
from bot.persistence.tables import (
    ActionItem,
    AgendaItem,
    CheckIn,
    Member,
    Mentorship,
    OutboxRow,
    Reflection,
    StatusUpdate,
    Workspace,
)
from bot.privacy import wording
from bot.services import mentorships
from bot.services.unit import UnitOfWork
from bot.wording.common import FORGOTTEN_PREFIX


def is_forgotten(member: Member) -> bool:
    return member.external_id.startswith(FORGOTTEN_PREFIX)


async def open_mentorships(uow: UnitOfWork, me: Member) -> list[Mentorship]:
    return list(
        await uow.session.scalars(
            select(Mentorship)
            .where(
                or_(Mentorship.mentor_id == me.id, Mentorship.mentee_id == me.id),
                Mentorship.state.in_(list(OPEN_MENTORSHIP_STATES)),
            )
            .order_by(Mentorship.id)
        )
    )


def _about(row: OutboxRow, member_id: int) -> bool:
    """Whether a pending row would be sent to this person (a DM, a reminder, an export)."""
    payload = row.payload or {}
    # "to" is "dm:<id>" on mentorship notices and the member id itself on request notices.
    return payload.get("member_id") == member_id or payload.get("to") in (f"dm:{member_id}", member_id)


async def withdraw_rows_for(uow: UnitOfWork, ws: Workspace, member_id: int) -> int:
    """Withdraw what was still to be sent to this person, and delete the record of what was (its
    `sent_ref` names their DM channel). A row being sent right now (claimed) is left to finish."""
    rows = await uow.session.scalars(select(OutboxRow).where(OutboxRow.workspace_id == ws.id))
    count = 0
    for row in rows:
        if not _about(row, member_id) or row.status == OutboxStatus.CLAIMED.value:
            continue
        count += row.status == OutboxStatus.PENDING.value
        await uow.session.delete(row)
    return count


async def forget(uow: UnitOfWork, ws: Workspace, me: Member) -> None:
    """Everything above, in one transaction. Mentorships end through `mentorships.conclude` (the same
    use-case as `/mentor end`), so their schedules are reconciled and their future rows withdrawn."""
    s = uow.session
    for m in await open_mentorships(uow, me):
        await mentorships.conclude(uow, ws, me, m, "", departing=True)
    await s.flush()
    # Their texts.
    await s.execute(delete(StatusUpdate).where(StatusUpdate.author_id == me.id))
    await s.execute(delete(AgendaItem).where(AgendaItem.author_id == me.id))
    await s.execute(delete(Reflection).where(Reflection.member_id == me.id))
    await s.execute(delete(ActionItem).where(ActionItem.owner_id == me.id))
    await s.execute(update(CheckIn).where(CheckIn.recorded_by_id == me.id).values(takeaways=""))
    mine = select(OfficeHoursQuestion.id).where(OfficeHoursQuestion.author_id == me.id)
    await s.execute(
        update(OfficeHoursQuestion)
        .where(OfficeHoursQuestion.carried_from_id.in_(mine))
        .values(carried_from_id=None)
    )
    await s.execute(delete(OfficeHoursVote).where(OfficeHoursVote.question_id.in_(mine)))
    await s.execute(delete(OfficeHoursQuestion).where(OfficeHoursQuestion.author_id == me.id))
    await s.execute(delete(OfficeHoursVote).where(OfficeHoursVote.member_id == me.id))
    await s.execute(delete(OfficeHoursRsvp).where(OfficeHoursRsvp.member_id == me.id))
    await s.execute(delete(OfficeHoursHost).where(OfficeHoursHost.member_id == me.id))
    await s.execute(delete(MentorProfile).where(MentorProfile.member_id == me.id))
    for request in await s.scalars(select(MentorRequest).where(MentorRequest.mentee_id == me.id)):
        # Its reminder and expiry go with it.
        await uow.withdraw(topic_request(request), prefix=True)
    await s.execute(delete(MentorRequest).where(MentorRequest.mentee_id == me.id))
    await s.execute(update(MentorRequest).where(MentorRequest.mentor_id == me.id).values(decision_note=""))
    await s.execute(
        update(MentorRequest).where(MentorRequest.suggested_id == me.id).values(suggested_id=None)
    )
    # Their feed: revoked by deleting it outright, hash and all.
    await s.execute(delete(CalendarFeed).where(CalendarFeed.member_id == me.id))
    # Their access to the program dashboard, and any they gave (the grant stays; who gave it goes).
    await s.execute(delete(DashboardGrant).where(DashboardGrant.member_id == me.id))
    await s.execute(
        update(DashboardGrant).where(DashboardGrant.granted_by_id == me.id).values(granted_by_id=None)
    )
    await withdraw_rows_for(uow, ws, me.id)
    # What the other person keeps names "a former member", with no platform id to link it back.
    me.display_name = wording.FORMER_MEMBER
    me.external_id = f"{FORGOTTEN_PREFIX}{me.id}"
    me.tz = me.tz_source = None
    me.work_start_minute = me.work_end_minute = None
    me.is_admin = False
    await s.flush()
