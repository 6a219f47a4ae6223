"""What happens when the platform changes under a mentorship: a member leaves the workspace, the bot
is removed from a workspace (or comes back), a pair's home is archived or deleted.

Every function finds what it needs and never creates a workspace or member row: events about people
or places the bot has never seen change nothing. Schedules follow from state (bot/services/schedules.py):
these functions change state and reconcile the owners concerned."""

from __future__ import annotations

import logging

from sqlalchemy import or_, select, update

from bot import payloads as kinds
from bot.domain.matching import WAITING_STATES
from bot.domain.states import MENTORSHIP, MentorshipState, OutboxStatus, SeriesState
from bot.matching.tables import MentorRequest
from bot.officehours.tables import OfficeHours
from bot.outbox import REMOVED_AT, planning_stopped
from bot.persistence.tables import CheckIn, Mentorship, OutboxRow, Workspace
from bot.services import planning, schedules
from bot.services.members import find_member, find_workspace
from bot.services.mentorships import _notice
from bot.services.unit import UnitOfWork

log = logging.getLogger(__name__)

OPEN_STATES = (MentorshipState.ACTIVE, MentorshipState.PAUSED, MentorshipState.PROPOSED)


async def member_left(uow: UnitOfWork, platform: str, workspace_id: str, user_id: str) -> int:
    """A member left the workspace (or was deactivated): their active mentorships are paused and the
    other person is told by DM; nothing is deleted. Returns how many mentorships were paused."""
    ws = await find_workspace(uow, platform, workspace_id)
    if ws is None:
        return 0
    me = await find_member(uow, ws, user_id)
    if me is None:
        return 0
    rows = await uow.session.scalars(
        select(Mentorship).where(
            Mentorship.workspace_id == ws.id,
            or_(Mentorship.mentor_id == me.id, Mentorship.mentee_id == me.id),
            Mentorship.state == MentorshipState.ACTIVE,
        )
    )
    paused = 0
    for m in list(rows):
        m.state = MENTORSHIP.move(m.state, MentorshipState.PAUSED)
        m.paused_until = None
        await schedules.reconcile_mentorship(uow, ws, m)
        other = m.mentee_id if m.mentor_id == me.id else m.mentor_id
        await _notice(uow, ws, m, "member_left", f"dm:{other}", by_id=me.id)
        paused += 1
    if paused:
        log.info("%s member %s left %s: %d mentorship(s) paused", platform, user_id, workspace_id, paused)
    return paused


async def workspace_removed(uow: UnitOfWork, platform: str, workspace_id: str) -> bool:
    """The bot was uninstalled from (or removed from) a workspace: stop planning there and keep the data.

    The workspace is marked (`settings["removed_at"]`), after which the outbox plans nothing there and
    every reconcile withdraws its owners' rows (bot.outbox.planning_stopped); the rows pending now are
    withdrawn. Returns False when the workspace was unknown or already removed."""
    ws = await find_workspace(uow, platform, workspace_id)
    if ws is None or planning_stopped(ws):
        return False
    ws.settings = {**(ws.settings or {}), REMOVED_AT: uow.now.isoformat()}
    withdrawn = await uow.session.execute(
        update(OutboxRow)
        .where(OutboxRow.workspace_id == ws.id, OutboxRow.status == OutboxStatus.PENDING.value)
        .values(status=OutboxStatus.WITHDRAWN.value, last_error="the bot was removed from the workspace")
        .returning(OutboxRow.id)
    )
    log.warning(
        "%s workspace %s removed the bot: planning stopped there (%d message(s) withdrawn);"
        " the data stays until an admin deletes it",
        platform,
        workspace_id,
        len(withdrawn.all()),
    )
    return True


async def workspace_returned(uow: UnitOfWork, platform: str, workspace_id: str) -> bool:
    """The bot is back in a workspace it was removed from: every schedule there is reconciled, which
    revives what the removal withdrew. Returns False when there was nothing to undo."""
    ws = await find_workspace(uow, platform, workspace_id)
    if ws is None or not planning_stopped(ws):
        return False
    ws.settings = {k: v for k, v in (ws.settings or {}).items() if k != REMOVED_AT}
    await uow.session.flush()
    await reconcile_workspace(uow, ws)
    log.info("%s workspace %s is back: its schedules are planned again", platform, workspace_id)
    return True


async def reconcile_workspace(uow: UnitOfWork, ws: Workspace) -> None:
    """Reconcile every schedule owner of one workspace (mentorships, office hours, mentor requests)."""
    ms = await uow.session.scalars(
        select(Mentorship).where(
            Mentorship.workspace_id == ws.id,
            Mentorship.state.in_([MentorshipState.ACTIVE, MentorshipState.PAUSED]),
        )
    )
    for m in list(ms):
        await schedules.reconcile_mentorship(uow, ws, m)
    series = await uow.session.scalars(
        select(OfficeHours).where(OfficeHours.workspace_id == ws.id, OfficeHours.state == SeriesState.ACTIVE)
    )
    for oh in list(series):
        await schedules.reconcile_series(uow, ws, oh)
    requests = await uow.session.scalars(
        select(MentorRequest).where(
            MentorRequest.workspace_id == ws.id, MentorRequest.state.in_(list(WAITING_STATES))
        )
    )
    for req in list(requests):
        await schedules.reconcile_request(uow, ws, req)


async def home_lost(uow: UnitOfWork, platform: str, workspace_id: str, channel_id: str) -> int:
    """A pair's home (a channel, group DM or thread) was archived or deleted: forget it, so the next
    post opens a new one; the new home gets a note saying why, and an upcoming check-in whose thread
    was there is announced again. Returns how many mentorships lost their home."""
    ws = await find_workspace(uow, platform, workspace_id)
    if ws is None:
        return 0
    rows = await uow.session.scalars(
        select(Mentorship).where(
            Mentorship.workspace_id == ws.id,
            Mentorship.home_channel == channel_id,
            Mentorship.state.in_(OPEN_STATES),
        )
    )
    moved = 0
    for m in list(rows):
        m.home_channel = None
        moved += 1
        if m.state == MentorshipState.PROPOSED:
            continue
        await _notice(uow, ws, m, "home_moved", "home")
        c = await planning.upcoming_checkin(uow, m)
        if c is not None and c.thread_channel is not None:
            await _reannounce(uow, ws, m, c)
    if moved:
        log.info(
            "%s home %s in %s is gone: %d mentorship(s) re-homed", platform, channel_id, workspace_id, moved
        )
    return moved


async def _reannounce(uow: UnitOfWork, ws: Workspace, m: Mentorship, c: CheckIn) -> None:
    c.thread_channel, c.thread_id = None, None
    if c.scheduled_at <= uow.now:
        return
    base = f"checkin:{c.id}:{planning.stamp(c.scheduled_at)}"
    key = f"{base}:announce:rehome:{planning.stamp(uow.now)}:{uow.now.microsecond}"
    # Its own topic, outside the mentorship's schedule (which reconcile keeps to the one announcement it
    # planned); the handler still drops it if the check-in is moved or cancelled before it goes out.
    topic = f"{planning.topic_mentorship(m)}:rehome"
    await uow.plan(ws, kinds.CheckinAnnounce(m.id, c.id, c.scheduled_at).plan(key, topic, uow.now))
