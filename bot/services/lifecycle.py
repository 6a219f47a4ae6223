"""What happens when the platform changes under a mentorship: a member leaves the workspace, the bot
is removed from a workspace (or comes back), a pair's home is archived or deleted.

Every function finds what it needs and never creates a workspace or member row: events about people
or places the bot has never seen change nothing."""

from __future__ import annotations

import logging

from sqlalchemy import delete, or_, select, update

from bot.domain.states import CheckInState, MentorshipState, OutboxStatus
from bot.outbox import Planned
from bot.persistence.tables import CheckIn, Mentorship, OutboxRow, Workspace
from bot.services import planning
from bot.services.members import find_member, find_workspace
from bot.services.mentorships import _notice, resume_mentorship
from bot.services.unit import UnitOfWork

log = logging.getLogger(__name__)

REMOVED_AT = "removed_at"
PAUSED_BY_REMOVAL = "paused_by_removal"
OPEN_STATES = (MentorshipState.ACTIVE.value, MentorshipState.PAUSED.value, MentorshipState.PROPOSED.value)


def is_removed(ws: Workspace) -> bool:
    return bool((ws.settings or {}).get(REMOVED_AT))


async def _pause(uow: UnitOfWork, m: Mentorship) -> None:
    m.state = MentorshipState.PAUSED.value
    m.paused_until = None
    await planning.cancel_upcoming(uow, m, CheckInState.CANCELLED)
    await uow.withdraw(planning.topic_mentorship(m), kinds=("mentorship.silence", "mentorship.resume"))


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
            Mentorship.state == MentorshipState.ACTIVE.value,
        )
    )
    paused = 0
    for m in list(rows):
        await _pause(uow, m)
        other = m.mentee_id if m.mentor_id == me.id else m.mentor_id
        await _notice(uow, ws, m, "member_left", f"dm:{other}", by_id=me.id)
        paused += 1
    if paused:
        log.info("%s member %s left %s: %d mentorship(s) paused", platform, user_id, workspace_id, paused)
    return paused


async def workspace_removed(uow: UnitOfWork, platform: str, workspace_id: str) -> bool:
    """The bot was uninstalled from (or kicked out of) a workspace: stop planning there and keep the
    data. Active mentorships are paused (and remembered, so a reinstall resumes them) and every
    pending outbox row is withdrawn. Returns False when the workspace was unknown or already removed."""
    ws = await find_workspace(uow, platform, workspace_id)
    if ws is None or is_removed(ws):
        return False
    rows = await uow.session.scalars(
        select(Mentorship).where(
            Mentorship.workspace_id == ws.id, Mentorship.state == MentorshipState.ACTIVE.value
        )
    )
    paused = []
    for m in list(rows):
        await _pause(uow, m)
        paused.append(m.id)
    withdrawn = await uow.session.execute(
        update(OutboxRow)
        .where(OutboxRow.workspace_id == ws.id, OutboxRow.status == OutboxStatus.PENDING.value)
        .values(status=OutboxStatus.WITHDRAWN.value, last_error="the bot was removed from the workspace")
        .returning(OutboxRow.id)
    )
    ws.settings = {**(ws.settings or {}), REMOVED_AT: uow.now.isoformat(), PAUSED_BY_REMOVAL: paused}
    log.warning(
        "%s workspace %s removed the bot: planning stopped, %d mentorship(s) paused, %d message(s) withdrawn;"
        " the data stays until an admin deletes it",
        platform,
        workspace_id,
        len(paused),
        len(withdrawn.all()),
    )
    return True


async def workspace_returned(uow: UnitOfWork, platform: str, workspace_id: str) -> bool:
    """The bot is back in a workspace it was removed from: the mentorships the removal paused resume.
    Returns False when there was nothing to undo."""
    ws = await find_workspace(uow, platform, workspace_id)
    if ws is None or not is_removed(ws):
        return False
    settings = dict(ws.settings or {})
    ids = [int(i) for i in settings.pop(PAUSED_BY_REMOVAL, [])]
    settings.pop(REMOVED_AT, None)
    ws.settings = settings
    for mid in ids:
        m = await uow.session.get(Mentorship, mid)
        if m is not None and m.state == MentorshipState.PAUSED.value and m.paused_until is None:
            await resume_mentorship(uow, ws, m)
            if await planning.upcoming_checkin(uow, m) is None:
                await _restore_next_slot(uow, ws, m)
    log.info("%s workspace %s is back: %d mentorship(s) resumed", platform, workspace_id, len(ids))
    return True


async def _restore_next_slot(uow: UnitOfWork, ws: Workspace, m: Mentorship) -> None:
    """The removal cancelled the check-in at the cadence's next slot; put that one back on the calendar
    (its withdrawn rows make way for the new plan)."""
    rec = planning.recurrence_of(m)
    slot = rec.next_after(uow.now) if rec is not None else None
    if slot is None:
        return
    c = await uow.session.scalar(
        select(CheckIn).where(
            CheckIn.mentorship_id == m.id,
            CheckIn.slot_at == slot,
            CheckIn.state == CheckInState.CANCELLED.value,
        )
    )
    if c is None:
        return
    c.state = CheckInState.UPCOMING.value
    await uow.session.execute(
        delete(OutboxRow).where(
            OutboxRow.topic == planning.topic_checkin(c), OutboxRow.status == OutboxStatus.WITHDRAWN.value
        )
    )
    await planning.plan_checkin(uow, ws, m, c)


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
        if is_removed(ws) or m.state == MentorshipState.PROPOSED.value:
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
    payload = {"mentorship_id": m.id, "checkin_id": c.id, "scheduled_at": c.scheduled_at.isoformat()}
    base = f"checkin:{c.id}:{planning.stamp(c.scheduled_at)}"
    key = f"{base}:announce:rehome:{planning.stamp(uow.now)}:{uow.now.microsecond}"
    await uow.plan(ws, Planned("checkin.announce", key, planning.topic_checkin(c), uow.now, payload))
