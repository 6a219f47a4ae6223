"""Deleting a workspace's data a grace period after the app left it (uninstalled, or the bot removed
from the guild), unless it comes back first.

The adapters call `mark_workspace_removed` / `mark_workspace_restored` on the platform's events; the
dispatcher's sweep calls `purge_due` on start and hourly."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select, update

from bot.calendar.tables import CalendarEventVersion, CalendarFeed
from bot.insight.tables import DashboardGrant, DashboardToken
from bot.matching.tables import MentorProfile, MentorRequest, RequestClaim
from bot.officehours.tables import (
    OfficeHours,
    OfficeHoursHost,
    OfficeHoursQuestion,
    OfficeHoursRsvp,
    OfficeHoursSession,
    OfficeHoursVote,
)
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
from bot.privacy.tables import WorkspaceRemoval
from bot.services.members import find_workspace
from bot.services.unit import Core, UnitOfWork

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30


async def mark_workspace_removed(
    core: Core,
    platform: str,
    workspace_id: str,
    *,
    retention: timedelta = timedelta(days=DEFAULT_RETENTION_DAYS),
) -> None:
    """The app was uninstalled from (or the bot left) this workspace: its data is deleted `retention`
    from now unless `mark_workspace_restored` comes first. Calling it again keeps the first date."""
    async with core.unit() as uow:
        await mark_removed(uow, platform, workspace_id, retention=retention)


async def mark_removed(
    uow: UnitOfWork, platform: str, workspace_id: str, *, retention: timedelta = timedelta(days=30)
) -> None:
    """`mark_workspace_removed` inside a unit of work the caller holds (the router's lifecycle events);
    a workspace the bot never stored anything for has nothing to delete (no row is created)."""
    ws = await find_workspace(uow, platform, workspace_id)
    if ws is not None and await uow.session.get(WorkspaceRemoval, ws.id) is None:
        uow.session.add(
            WorkspaceRemoval(workspace_id=ws.id, removed_at=uow.now, purge_after=uow.now + retention)
        )


async def mark_workspace_restored(core: Core, platform: str, workspace_id: str) -> bool:
    """Re-installed (or re-invited) within the grace period: nothing will be deleted. Returns whether a
    deletion was pending."""
    async with core.unit() as uow:
        return await mark_restored(uow, platform, workspace_id)


async def mark_restored(uow: UnitOfWork, platform: str, workspace_id: str) -> bool:
    """`mark_workspace_restored` inside a unit of work the caller holds (creates no workspace row)."""
    ws = await find_workspace(uow, platform, workspace_id)
    if ws is None:
        return False
    result = await uow.session.execute(
        delete(WorkspaceRemoval)
        .where(WorkspaceRemoval.workspace_id == ws.id)
        .returning(WorkspaceRemoval.workspace_id)
    )
    return result.first() is not None


async def delete_workspace(uow: UnitOfWork, ws: Workspace) -> None:
    """Every row of the workspace, children before parents: foreign keys between members and the rows
    that name them do not cascade, and PostgreSQL checks them as each cascade runs."""
    s = uow.session
    ms = select(Mentorship.id).where(Mentorship.workspace_id == ws.id)
    checkins = select(CheckIn.id).where(CheckIn.mentorship_id.in_(ms))
    series = select(OfficeHours.id).where(OfficeHours.workspace_id == ws.id)
    sessions = select(OfficeHoursSession.id).where(OfficeHoursSession.office_hours_id.in_(series))
    questions = select(OfficeHoursQuestion.id).where(OfficeHoursQuestion.session_id.in_(sessions))
    requests = select(MentorRequest.id).where(MentorRequest.workspace_id == ws.id)
    await s.execute(delete(OfficeHoursVote).where(OfficeHoursVote.question_id.in_(questions)))
    await s.execute(
        update(OfficeHoursQuestion).where(OfficeHoursQuestion.id.in_(questions)).values(carried_from_id=None)
    )
    await s.execute(delete(OfficeHoursQuestion).where(OfficeHoursQuestion.session_id.in_(sessions)))
    await s.execute(delete(OfficeHoursRsvp).where(OfficeHoursRsvp.session_id.in_(sessions)))
    await s.execute(delete(OfficeHoursSession).where(OfficeHoursSession.office_hours_id.in_(series)))
    await s.execute(delete(OfficeHoursHost).where(OfficeHoursHost.office_hours_id.in_(series)))
    await s.execute(delete(OfficeHours).where(OfficeHours.workspace_id == ws.id))
    await s.execute(delete(RequestClaim).where(RequestClaim.request_id.in_(requests)))
    await s.execute(delete(MentorRequest).where(MentorRequest.workspace_id == ws.id))
    await s.execute(delete(MentorProfile).where(MentorProfile.workspace_id == ws.id))
    await s.execute(delete(AgendaItem).where(AgendaItem.checkin_id.in_(checkins)))
    await s.execute(delete(StatusUpdate).where(StatusUpdate.checkin_id.in_(checkins)))
    await s.execute(delete(ActionItem).where(ActionItem.mentorship_id.in_(ms)))
    await s.execute(delete(Reflection).where(Reflection.mentorship_id.in_(ms)))
    await s.execute(delete(CheckIn).where(CheckIn.mentorship_id.in_(ms)))
    await s.execute(delete(Mentorship).where(Mentorship.workspace_id == ws.id))
    await s.execute(delete(OutboxRow).where(OutboxRow.workspace_id == ws.id))
    await s.execute(delete(CalendarFeed).where(CalendarFeed.workspace_id == ws.id))
    await s.execute(delete(CalendarEventVersion).where(CalendarEventVersion.workspace_id == ws.id))
    await s.execute(delete(WorkspaceRemoval).where(WorkspaceRemoval.workspace_id == ws.id))
    await s.execute(delete(DashboardGrant).where(DashboardGrant.workspace_id == ws.id))
    await s.execute(delete(DashboardToken).where(DashboardToken.workspace_id == ws.id))
    await s.execute(delete(Member).where(Member.workspace_id == ws.id))
    erase = uow.core.erasers.get(ws.platform)
    if erase is not None:
        # The adapter's own rows (Slack's installation holds the workspace's bot token).
        await erase(s, ws.external_id)
    await s.execute(delete(Workspace).where(Workspace.id == ws.id))


async def purge_due(core: Core) -> int:
    """Delete every workspace whose grace period has run out, with everything in it (Slack installations
    and their tokens too). Returns how many were deleted."""
    async with core.unit() as uow:
        due = list(
            await uow.session.scalars(
                select(WorkspaceRemoval.workspace_id).where(WorkspaceRemoval.purge_after <= uow.now)
            )
        )
    purged = 0
    for workspace_pk in due:
        async with core.unit() as uow:
            ws = await uow.session.get(Workspace, workspace_pk)
            if ws is None:
                continue
            await delete_workspace(uow, ws)
            log.info(
                "deleted the data of %s workspace %s after its retention period", ws.platform, ws.external_id
            )
            purged += 1
    return purged
