"""Use-cases around one check-in: status updates, the agenda, notes afterwards, thread replies."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from bot import payloads as kinds
from bot import validation, wording
from bot.domain.errors import NotFound, UserError
from bot.domain.states import CheckInState, MentorshipState, Stage
from bot.messages import Reply, reply
from bot.persistence.tables import AgendaItem, CheckIn, Member, Mentorship, StatusUpdate, Workspace
from bot.services import planning, ratelimit, schedules
from bot.services.access import Selector, can_access, pick, require_access
from bot.services.members import Actor, actor_member, find_member, find_workspace, zone_of
from bot.services.transaction import Tx
from bot.services.unit import UnitOfWork

UPDATE_MAX = 4000
QUESTION_MAX = 500
NOTES_MAX = 4000
AGENDA_MAX_ITEMS = 20

ACTIVE_OR_PAUSED = (MentorshipState.ACTIVE, MentorshipState.PAUSED)


async def _mentorship(
    uow: UnitOfWork, actor: Actor, other: Selector, example: str
) -> tuple[Workspace, Member, Mentorship]:
    ws, me = await actor_member(uow, actor)
    m = await pick(uow, ws, me, other, ACTIVE_OR_PAUSED, example)
    require_access(me, m)
    return ws, me, m


async def agenda_of(uow: Tx, c: CheckIn) -> list[AgendaItem]:
    return list(
        await uow.session.scalars(
            select(AgendaItem).where(AgendaItem.checkin_id == c.id).order_by(AgendaItem.id)
        )
    )


async def updates_of(uow: Tx, c: CheckIn) -> list[StatusUpdate]:
    return list(
        await uow.session.scalars(
            select(StatusUpdate)
            .where(StatusUpdate.checkin_id == c.id, StatusUpdate.deleted_at.is_(None))
            .order_by(StatusUpdate.id)
        )
    )


async def overview(uow: UnitOfWork, actor: Actor, other: Selector) -> Reply:
    """`/checkin` with no text: the next check-in, its agenda, and open action items."""
    ws, me, m = await _mentorship(uow, actor, other, "/checkin")
    mentor = await uow.session.get(Member, m.mentor_id)
    mentee = await uow.session.get(Member, m.mentee_id)
    assert mentor is not None and mentee is not None
    c = await schedules.reconcile_mentorship(uow, ws, m)
    agenda = await agenda_of(uow, c) if c else []
    updates = await updates_of(uow, c) if c else []
    actions = await planning.open_actions(uow, m)
    people = {mentor.id: mentor, mentee.id: mentee}
    return Reply(wording.checkin_overview(me, m, mentor, mentee, c, agenda, updates, actions, people))


async def post_update(uow: UnitOfWork, actor: Actor, text: str, other: Selector) -> Reply:
    """`/checkin <text>`: a status update into the next check-in's thread."""
    ws, me, m = await _mentorship(uow, actor, other, "/checkin")
    text = validation.user_text(text, "A status update", UPDATE_MAX)
    await ratelimit.enforce(uow, ratelimit.UPDATES, StatusUpdate.created_at, StatusUpdate.author_id == me.id)
    # During a session its updates belong to it; otherwise to the next one.
    c = await _in_progress(uow, m) or await schedules.reconcile_mentorship(uow, ws, m)
    if c is None:
        raise UserError(wording.no_checkin_for_update(m.state))
    update = StatusUpdate(checkin_id=c.id, author_id=me.id, text=text, created_at=uow.now)
    uow.session.add(update)
    await uow.session.flush()
    planning.record_activity(m, uow.now)
    post = kinds.CheckinUpdate(m.id, c.id, update.id)
    await uow.plan(ws, post.plan(f"update:{update.id}", planning.topic_checkin(c), uow.now))
    return Reply(wording.update_posted(c))


async def record_notes(uow: UnitOfWork, actor: Actor, notes: str, other: Selector) -> Reply:
    """After a session: it was held, here is what we took away; sends the follow-up summary."""
    ws, me, m = await _mentorship(uow, actor, other, "/checkin notes")
    notes = validation.user_text(notes, "Notes", NOTES_MAX)
    if not notes:
        raise UserError(wording.NOTES_MISSING)
    c = await _last_started(uow, m, me)
    first_time = c.state != CheckInState.HELD
    c.state = CheckInState.HELD
    c.takeaways = notes.strip()
    c.recorded_by_id = me.id
    if m.stage == Stage.GETTING_STARTED.value:
        m.stage = Stage.COACHING.value
    planning.record_activity(m, uow.now)
    # Each recording is its own summary: notes recorded twice in one clock tick are both sent.
    version = planning.stamp(uow.now) + uuid.uuid4().hex[:12]
    for person_id in (m.mentor_id, m.mentee_id):
        summary = kinds.CheckinSummary(m.id, c.id, person_id, updated=not first_time)
        key = f"summary:{c.id}:{person_id}:{version}"
        await uow.plan(ws, summary.plan(key, planning.topic_checkin(c), uow.now))
    return Reply(wording.notes_recorded(first_time))


async def mark_missed(uow: UnitOfWork, actor: Actor, other: Selector) -> Reply:
    ws, me, m = await _mentorship(uow, actor, other, "/checkin missed")
    c = await _last_started(uow, m, me)
    if c.state == CheckInState.HELD:
        raise UserError(wording.already_held())
    await missed(uow, ws, m, c)
    return Reply(wording.missed_ack())


async def missed(uow: Tx, ws: Workspace, m: Mentorship, c: CheckIn) -> bool:
    """Mark a check-in missed; two missed in a row nudge both people. Returns whether it nudged."""
    c.state = CheckInState.MISSED
    await uow.withdraw(planning.topic_checkin(c), kinds=("checkin.followup",))
    recent = list(
        await uow.session.scalars(
            select(CheckIn)
            .where(
                CheckIn.mentorship_id == m.id,
                CheckIn.state.in_([CheckInState.HELD, CheckInState.MISSED]),
                CheckIn.scheduled_at <= c.scheduled_at,
            )
            .order_by(CheckIn.scheduled_at.desc())
            .limit(3)
        )
    )
    missed_in_a_row = [r.state == CheckInState.MISSED for r in recent]
    # Once per streak: at the second miss in a row, not again at the third, fourth…
    if missed_in_a_row[:2] == [True, True] and missed_in_a_row[2:3] != [True]:
        for person_id in (m.mentor_id, m.mentee_id):
            nudge = kinds.MentorshipNotice(m.id, "missed_twice", f"dm:{person_id}")
            await uow.plan(
                ws, nudge.plan(f"missed2:{c.id}:{person_id}", planning.topic_mentorship(m), uow.now)
            )
        return True
    return False


async def _in_progress(uow: UnitOfWork, m: Mentorship) -> CheckIn | None:
    c = await planning.last_started(uow, m)
    if c is None or c.state != CheckInState.UPCOMING or schedules.ends_at(c) <= uow.now:
        return None
    return c


async def _last_started(uow: UnitOfWork, m: Mentorship, me: Member) -> CheckIn:
    c = await planning.last_started(uow, m)
    if c is None:
        nxt = await planning.next_open_checkin(uow, m)
        raise UserError(wording.no_started_checkin(nxt, zone_of(me)))
    return c


async def add_question(uow: UnitOfWork, actor: Actor, question: str, other: Selector) -> Reply:
    ws, me, m = await _mentorship(uow, actor, other, "/agenda add")
    question = validation.user_text(question, "A question", QUESTION_MAX)
    if not question:
        raise UserError(wording.agenda_empty_question())
    await ratelimit.enforce(
        uow, ratelimit.AGENDA_QUESTIONS, AgendaItem.created_at, AgendaItem.author_id == me.id
    )
    c = await schedules.reconcile_mentorship(uow, ws, m)
    if c is None:
        raise UserError(wording.no_checkin_for_agenda(m.state))
    if len(await agenda_of(uow, c)) >= AGENDA_MAX_ITEMS:
        raise UserError(wording.agenda_full(AGENDA_MAX_ITEMS))
    uow.session.add(AgendaItem(checkin_id=c.id, author_id=me.id, text=question, created_at=uow.now))
    planning.record_activity(m, uow.now)
    return Reply(wording.question_added(c, question))


async def show_agenda(uow: UnitOfWork, actor: Actor, other: Selector) -> Reply:
    ws, _me, m = await _mentorship(uow, actor, other, "/agenda")
    c = await schedules.reconcile_mentorship(uow, ws, m)
    if c is None:
        raise UserError(wording.no_checkin_for_agenda(m.state))
    items = await agenda_of(uow, c)
    authors = {a.author_id: await uow.session.get(Member, a.author_id) for a in items}
    return Reply(wording.agenda_list(c, items, authors))


async def _thread_checkin(uow: UnitOfWork, ws: Workspace, channel_id: str, thread_id: str) -> CheckIn | None:
    return await uow.session.scalar(
        select(CheckIn)
        .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
        .where(
            Mentorship.workspace_id == ws.id,
            CheckIn.thread_channel == channel_id,
            CheckIn.thread_id == thread_id,
        )
    )


async def thread_reply(uow: UnitOfWork, actor: Actor, text: str, external_id: str) -> Reply | None:
    """A message in a check-in's thread becomes a status update (once, however often it is delivered).

    Returns None when the thread is not a check-in's, so adapters stay quiet in other threads."""
    if actor.channel_id is None or actor.thread_id is None:
        return None
    # Find the check-in before anything else: a reply in someone else's thread touches nothing (no
    # directory call, no member or workspace row).
    known = await find_workspace(uow, actor.platform, actor.workspace_id)
    c = await _thread_checkin(uow, known, actor.channel_id, actor.thread_id) if known is not None else None
    if c is None:
        return None
    ws, me = await actor_member(uow, actor)
    m = await uow.session.get(Mentorship, c.mentorship_id)
    assert m is not None
    if not can_access(me, m):
        return Reply(wording.thread_not_yours())
    if await uow.session.scalar(select(StatusUpdate.id).where(StatusUpdate.external_id == external_id)):
        return None
    try:
        text = validation.user_text(text, "A status update", UPDATE_MAX)
        if not text:
            return None  # an attachment or sticker alone: nothing to keep
        await ratelimit.enforce(
            uow, ratelimit.UPDATES, StatusUpdate.created_at, StatusUpdate.author_id == me.id
        )
    except UserError as exc:
        return reply(exc.message, ok=False)
    moved_to = None
    if c.state in (CheckInState.CANCELLED, CheckInState.SKIPPED):
        # A thread of a check-in that is off or skipped: the update belongs to the one that replaced it.
        moved_to = await schedules.reconcile_mentorship(uow, ws, m)
    target = moved_to or c
    uow.session.add(
        StatusUpdate(
            checkin_id=target.id, author_id=me.id, text=text, external_id=external_id, created_at=uow.now
        )
    )
    planning.record_activity(m, uow.now)
    if moved_to is not None:
        return Reply(wording.thread_update_saved_for(moved_to))
    return Reply(wording.thread_update_saved())


async def thread_edit(uow: UnitOfWork, actor: Actor, external_id: str, text: str) -> bool:
    ws = await find_workspace(uow, actor.platform, actor.workspace_id)
    update = await _update_by_external(uow, ws, external_id) if ws is not None else None
    me = await find_member(uow, ws, actor.user_id) if ws is not None and update is not None else None
    if update is None or me is None or update.author_id != me.id:
        return False
    update.text = text.strip()[:UPDATE_MAX]
    update.edited_at = uow.now
    return True


async def thread_delete(uow: UnitOfWork, platform: str, workspace_id: str, external_id: str) -> bool:
    ws = await find_workspace(uow, platform, workspace_id)
    update = await _update_by_external(uow, ws, external_id) if ws is not None else None
    if update is None:
        return False
    update.deleted_at = uow.now
    return True


async def _update_by_external(uow: UnitOfWork, ws: Workspace, external_id: str) -> StatusUpdate | None:
    update = await uow.session.scalar(select(StatusUpdate).where(StatusUpdate.external_id == external_id))
    if update is None:
        return None
    c = await uow.session.get(CheckIn, update.checkin_id)
    m = await uow.session.get(Mentorship, c.mentorship_id) if c else None
    if m is None or m.workspace_id != ws.id:
        raise NotFound(wording.update_not_found())
    return update
