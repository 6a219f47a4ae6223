"""Use-cases of a mentorship's life: pair, accept, cadence, pause, resume, skip, reschedule, end."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from bot import payloads as kinds
from bot import validation, wording
from bot.domain.errors import NotAllowed, NotFound, UserError
from bot.domain.phrases import read_reschedule
from bot.domain.recurrence import parse_recurrence
from bot.domain.states import (
    MAX_MENTORS_PER_MENTEE,
    MENTORSHIP,
    OPEN_MENTORSHIP_STATES,
    CheckInState,
    MentorshipState,
    Stage,
)
from bot.messages import Reply
from bot.persistence.tables import CheckIn, Member, Mentorship, Reflection, Workspace
from bot.services import planning, schedules
from bot.services.access import Selector, is_party, mentorships_of, other_party_id, pick, require_access
from bot.services.members import Actor, actor_member, ensure_member, zone_of
from bot.services.transaction import Tx
from bot.services.unit import UnitOfWork

GOALS_MAX = 1000
FOCUS_MAX = 40
REFLECTION_MAX = 3000


@dataclass(frozen=True)
class PairRequest:
    mentee_user_id: str
    goals: str = ""
    target: date | None = None
    focus: str = ""
    # Set when an admin pairs two other people.
    mentor_user_id: str | None = None


async def _members(uow: UnitOfWork, m: Mentorship) -> tuple[Member, Member]:
    mentor = await uow.session.get(Member, m.mentor_id)
    mentee = await uow.session.get(Member, m.mentee_id)
    assert mentor is not None and mentee is not None
    return mentor, mentee


async def _notice(
    uow: UnitOfWork, ws: Workspace, m: Mentorship, event: str, to: str, **params: object
) -> None:
    """Plan a one-off notice (a DM or a post in the pair's home) rendered by the wording module."""
    # Every notice is its own event: two in the same instant (one clock tick) are both sent.
    key = f"notice:{m.id}:{event}:{to}:{planning.stamp(uow.now)}:{uuid.uuid4().hex[:12]}"
    notice = kinds.MentorshipNotice(m.id, event, to, dict(params))
    await uow.plan(ws, notice.plan(key, planning.topic_mentorship(m), uow.now))


async def pair(uow: UnitOfWork, actor: Actor, req: PairRequest) -> Reply:
    ws, me = await actor_member(uow, actor)
    if req.mentor_user_id is not None and req.mentor_user_id != actor.user_id:
        if not me.is_admin:
            raise NotAllowed(wording.pair_others_admin_only())
        mentor = await ensure_member(uow, ws, req.mentor_user_id)
    else:
        mentor = me
    mentee = await ensure_member(uow, ws, req.mentee_user_id)
    m = await create_mentorship(
        uow, ws, mentor, mentee, me, req.goals, req.target, req.focus, MentorshipState.PROPOSED
    )
    # Whoever did not ask is the one who must agree; an admin's pairing asks both.
    askees = [p for p in (mentor, mentee) if p.id != me.id]
    for person in askees:
        await _notice(uow, ws, m, "proposal", f"dm:{person.id}", proposer_id=me.id)
    return Reply(wording.pair_proposed(m, mentor, mentee, askees))


async def create_mentorship(
    uow: UnitOfWork,
    ws: Workspace,
    mentor: Member,
    mentee: Member,
    created_by: Member,
    goals: str,
    target: date | None,
    focus: str,
    state: MentorshipState,
) -> Mentorship:
    """A new mentorship after the rules every way of starting one shares (pairing, an accepted request)."""
    if mentee.id == mentor.id:
        raise UserError(wording.pair_self())
    if len(goals) > GOALS_MAX:
        raise UserError(wording.too_long("Goals", GOALS_MAX, len(goals)))
    focus = focus.strip().lower()[:FOCUS_MAX]
    existing = [m for m in await mentorships_of(uow, mentee) if m.mentor_id == mentor.id]
    if existing:
        raise UserError(wording.already_paired(mentor.display_name, mentee.display_name, existing[0].state))
    as_mentee = [m for m in await mentorships_of(uow, mentee) if m.mentee_id == mentee.id]
    if len(as_mentee) >= MAX_MENTORS_PER_MENTEE:
        raise UserError(wording.too_many_mentors(mentee.display_name, MAX_MENTORS_PER_MENTEE))
    if focus and any(m.focus == focus for m in as_mentee):
        raise UserError(wording.focus_taken(mentee.display_name, focus))
    m = Mentorship(
        workspace_id=ws.id,
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        created_by_id=created_by.id,
        goals=goals.strip(),
        target_date=target,
        focus=focus,
        stage=Stage.GETTING_STARTED.value,
        state=state,
        duration_minutes=30,
        reminder_leads=[1440, 60],
        keep_in_touch=False,
        created_at=uow.now,
        last_activity_at=uow.now,
    )
    uow.session.add(m)
    await uow.session.flush()
    return m


async def _pending_for(uow: UnitOfWork, ws: Workspace, me: Member, other: Selector) -> Mentorship:
    m = await pick(uow, ws, me, other, (MentorshipState.PROPOSED,), "/mentor accept")
    if not is_party(me, m):
        raise NotAllowed(wording.not_yours())
    if m.created_by_id == me.id:
        raise UserError(wording.cannot_accept_own())
    return m


async def accept(uow: UnitOfWork, actor: Actor, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    m = await _pending_for(uow, ws, me, other)
    await activate(uow, ws, m)
    mentor, mentee = await _members(uow, m)
    return Reply(wording.accepted(mentor, mentee))


async def activate(uow: UnitOfWork, ws: Workspace, m: Mentorship) -> None:
    """The mentorship starts: the silence check begins and the welcome opens the pair's home."""
    m.state = MENTORSHIP.move(m.state, MentorshipState.ACTIVE)
    m.activated_at = uow.now
    planning.record_activity(m, uow.now)
    welcome = kinds.MentorshipWelcome(m.id)
    await uow.plan(ws, welcome.plan(f"welcome:{m.id}", planning.topic_mentorship(m), uow.now))


async def decline(uow: UnitOfWork, actor: Actor, other: Selector, message: str) -> Reply:
    ws, me = await actor_member(uow, actor)
    m = await _pending_for(uow, ws, me, other)
    m.state = MENTORSHIP.move(m.state, MentorshipState.DECLINED)
    m.ended_at = uow.now
    await _notice(uow, ws, m, "declined", f"dm:{m.created_by_id}", by_id=me.id, message=message[:500])
    return Reply(wording.declined_ack())


async def list_mentorships(uow: UnitOfWork, actor: Actor, everyone: bool = False) -> Reply:
    ws, me = await actor_member(uow, actor)
    if everyone:
        if not me.is_admin:
            raise NotAllowed(wording.admins_only("/mentor list all"))
        ms = list(
            await uow.session.scalars(
                select(Mentorship)
                .where(Mentorship.workspace_id == ws.id, Mentorship.state.in_(OPEN_MENTORSHIP_STATES))
                .order_by(Mentorship.id)
            )
        )
    else:
        ms = await mentorships_of(uow, me)
    rows = []
    for m in ms:
        mentor, mentee = await _members(uow, m)
        nxt = await planning.next_open_checkin(uow, m)
        rows.append((m, mentor, mentee, nxt))
    return Reply(wording.mentorship_list(me, rows, everyone))


async def set_cadence(uow: UnitOfWork, actor: Actor, phrase: str, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    m = await pick(uow, ws, me, other, (MentorshipState.ACTIVE, MentorshipState.PAUSED), "/mentor cadence")
    require_access(me, m)
    rec = validation.cadence_within(
        parse_recurrence(phrase, zone_of(me), uow.now), uow.now, "The first check-in"
    )
    m.cadence_rule = rec.rule
    m.cadence_phrase = rec.phrase[:300]
    m.duration_minutes = int(rec.duration.total_seconds() // 60)
    planning.record_activity(m, uow.now)
    nxt = await schedules.reconcile_mentorship(uow, ws, m)
    mentor, mentee = await _members(uow, m)
    other_person = mentee if me.id == mentor.id else mentor
    await _notice(uow, ws, m, "cadence", "home", by_id=me.id)
    return Reply(
        wording.cadence_set(rec, rec.occurrences_after(uow.now, 3), other_person, m.state, nxt is not None),
        public=False,
    )


async def next_checkin(uow: UnitOfWork, actor: Actor, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    m = await pick(uow, ws, me, other, (MentorshipState.ACTIVE, MentorshipState.PAUSED), "/mentor next")
    require_access(me, m)
    mentor, mentee = await _members(uow, m)
    # Reading reconciles too: what this answers is what the database will do.
    c = await schedules.reconcile_mentorship(uow, ws, m)
    rec = planning.recurrence_of(m)
    return Reply(wording.next_checkin(m, mentor, mentee, c, rec, uow.now))


async def next_day(uow: UnitOfWork, actor: Actor, other: Selector) -> date | None:
    """The day of the next check-in in the actor's zone; None when there is none. For a question asked
    back, so its answer names that check-in and a later press cannot act on another one."""
    ws, me = await actor_member(uow, actor)
    m = await pick(uow, ws, me, other, (MentorshipState.ACTIVE,), "/mentor skip")
    require_access(me, m)
    c = await schedules.reconcile_mentorship(uow, ws, m)
    return c.scheduled_at.astimezone(zone_of(me)).date() if c is not None else None


async def pause(uow: UnitOfWork, actor: Actor, until: date | None, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    # Pausing again while paused sets a new end (or none).
    m = await pick(uow, ws, me, other, (MentorshipState.ACTIVE, MentorshipState.PAUSED), "/mentor pause")
    require_access(me, m)
    today = uow.now.astimezone(zone_of(me)).date()
    if until is not None and until <= today:
        raise UserError(wording.pause_date_past(until))
    m.state = MENTORSHIP.move(m.state, MentorshipState.PAUSED)
    m.paused_until = until
    await schedules.reconcile_mentorship(uow, ws, m)
    await _notice(uow, ws, m, "paused", "home", by_id=me.id, until=until.isoformat() if until else None)
    return Reply(wording.paused_ack(until))


async def resume_mentorship(uow: Tx, ws: Workspace, m: Mentorship) -> CheckIn | None:
    """Back to active: the cadence picks up with its next occurrence, open action items are followed up.

    Returns the check-in now on the calendar (None without a cadence, or when it has no more dates)."""
    m.state = MENTORSHIP.move(m.state, MentorshipState.ACTIVE)
    m.paused_until = None
    planning.record_activity(m, uow.now)
    return await schedules.reconcile_mentorship(uow, ws, m)


async def resume(uow: UnitOfWork, actor: Actor, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    try:
        m = await pick(uow, ws, me, other, (MentorshipState.PAUSED,), "/mentor resume")
    except (NotFound, UserError):
        # Nothing of theirs is paused: when the one meant is running, say so and when it meets next.
        if await mentorships_of(uow, me, (MentorshipState.PAUSED,)):
            raise
        try:
            running = await pick(uow, ws, me, other, (MentorshipState.ACTIVE,), "/mentor resume")
        except (NotFound, UserError):
            running = None
        if running is None:
            raise
        require_access(me, running)
        return Reply(wording.not_paused(await schedules.reconcile_mentorship(uow, ws, running)))
    require_access(me, m)
    c = await resume_mentorship(uow, ws, m)
    await _notice(uow, ws, m, "resumed", "home", by_id=me.id)
    return Reply(wording.resumed_ack(c, m.cadence_rule is not None))


async def skip(
    uow: UnitOfWork, actor: Actor, other: Selector, on: date | None = None, week: bool = False
) -> Reply:
    """Skip the next check-in. `on` (a date in the actor's zone; with `week`, any day of that Monday-to-
    Sunday week) must be the next check-in's: only the next one can be skipped, and a date that is not
    its is refused (UserError) rather than skipping another one."""
    ws, me = await actor_member(uow, actor)
    m = await pick(uow, ws, me, other, (MentorshipState.ACTIVE,), "/mentor skip")
    require_access(me, m)
    c = await schedules.reconcile_mentorship(uow, ws, m)
    if c is None:
        raise UserError(wording.nothing_to_skip())
    if on is not None:
        local = c.scheduled_at.astimezone(zone_of(me)).date()
        same = local.isocalendar()[:2] == on.isocalendar()[:2] if week else local == on
        if not same:
            raise UserError(wording.skip_only_next(c, on, zone_of(me)))
    c.state = CheckInState.SKIPPED
    nxt = await schedules.reconcile_mentorship(uow, ws, m)
    await _notice(uow, ws, m, "skipped", "home", by_id=me.id, skipped_at=c.scheduled_at.isoformat())
    return Reply(wording.skipped_ack(c, nxt))


async def reschedule(uow: UnitOfWork, actor: Actor, when_text: str, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    m = await pick(uow, ws, me, other, (MentorshipState.ACTIVE,), "/mentor reschedule")
    require_access(me, m)
    c = await schedules.reconcile_mentorship(uow, ws, m)
    if c is None:
        raise UserError(wording.nothing_to_reschedule())
    when = validation.moment_within(
        read_reschedule(when_text, zone_of(me), uow.now, c.scheduled_at), uow.now, "The new time"
    )
    if when <= uow.now:
        raise UserError(wording.reschedule_past())
    following = planning.recurrence_of(m)
    after_slot = following.next_after(c.slot_at) if following else None
    if after_slot is not None and when >= after_slot:
        raise UserError(wording.reschedule_past_next(after_slot, zone_of(me)))
    old = c.scheduled_at
    if when == old:
        # Said twice (a retry, a double submit): nothing moves and nobody is told again.
        return Reply(wording.reschedule_unchanged(when, zone_of(me)))
    c.scheduled_at = when
    planning.record_activity(m, uow.now)
    await schedules.reconcile_mentorship(uow, ws, m)
    await _notice(uow, ws, m, "rescheduled", "home", by_id=me.id, old=old.isoformat(), new=when.isoformat())
    return Reply(wording.rescheduled_ack(old, when))


async def end(uow: UnitOfWork, actor: Actor, feedback: str, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    m = await pick(uow, ws, me, other, tuple(OPEN_MENTORSHIP_STATES), "/mentor end")
    require_access(me, m)
    if not MENTORSHIP.allows(m.state, MentorshipState.CONCLUDED):
        raise UserError(wording.already_ended())
    if len(feedback) > REFLECTION_MAX:
        raise UserError(wording.too_long("Feedback", REFLECTION_MAX, len(feedback)))
    await conclude(uow, ws, me, m, feedback)
    return Reply(wording.ended_ack(bool(feedback.strip())))


async def conclude(
    uow: UnitOfWork, ws: Workspace, me: Member, m: Mentorship, feedback: str, *, departing: bool = False
) -> None:
    """End an open mentorship: its schedule is reconciled (future rows withdrawn), pending notices
    withdrawn, and both people told with the reflection prompt. `departing`: `me` is leaving mentorbot
    (forget me), so only the other person is told, in words that say so."""
    was_proposed = m.state == MentorshipState.PROPOSED
    m.state = MENTORSHIP.move(m.state, MentorshipState.CONCLUDED)
    m.ended_at = uow.now
    await schedules.reconcile_mentorship(uow, ws, m)
    # One-off notices still waiting (a proposal, a cadence change) no longer apply either.
    await uow.withdraw(planning.topic_mentorship(m), prefix=True)
    if feedback.strip() and is_party(me, m):
        uow.session.add(
            Reflection(mentorship_id=m.id, member_id=me.id, text=feedback.strip(), created_at=uow.now)
        )
    if departing:
        if not was_proposed:
            await _notice(uow, ws, m, "partner_left", f"dm:{other_party_id(me, m)}", by_id=me.id)
    elif not was_proposed:
        for person_id in (m.mentor_id, m.mentee_id):
            await _notice(
                uow,
                ws,
                m,
                "ended",
                f"dm:{person_id}",
                by_id=me.id,
                reflected=bool(feedback.strip()) and person_id == me.id,
            )
    else:
        await _notice(uow, ws, m, "withdrawn", f"dm:{other_party_id(me, m)}", by_id=me.id)


async def _concluded(uow: UnitOfWork, ws: Workspace, me: Member, other: Selector, example: str) -> Mentorship:
    m = await pick(uow, ws, me, other, (MentorshipState.CONCLUDED,), example)
    if not is_party(me, m):
        raise NotAllowed(wording.not_yours())
    return m


async def reflect(uow: UnitOfWork, actor: Actor, text: str, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    if not text.strip():
        raise UserError(wording.reflect_empty())
    if len(text) > REFLECTION_MAX:
        raise UserError(wording.too_long("A reflection", REFLECTION_MAX, len(text)))
    mine = await mentorships_of(uow, me, (MentorshipState.ACTIVE, MentorshipState.PAUSED))
    m = (
        mine[0]
        if len(mine) == 1 and other is None
        else await _concluded(uow, ws, me, other, "/mentor reflect")
    )
    uow.session.add(Reflection(mentorship_id=m.id, member_id=me.id, text=text.strip(), created_at=uow.now))
    return Reply(wording.reflection_saved())


async def keep_in_touch(uow: UnitOfWork, actor: Actor, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    m = await _concluded(uow, ws, me, other, "/mentor keep-in-touch")
    if not m.keep_in_touch:
        m.keep_in_touch = True
        await _notice(uow, ws, m, "keep_in_touch", f"dm:{other_party_id(me, m)}", by_id=me.id)
    return Reply(wording.keep_in_touch_ack())


async def set_stage(uow: UnitOfWork, actor: Actor, stage: Stage, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    m = await pick(uow, ws, me, other, (MentorshipState.ACTIVE, MentorshipState.PAUSED), "/mentor stage")
    require_access(me, m)
    m.stage = stage.value
    planning.record_activity(m, uow.now)
    return Reply(wording.stage_set(stage))


async def set_reminders(uow: UnitOfWork, actor: Actor, leads: list[timedelta], other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    m = await pick(uow, ws, me, other, (MentorshipState.ACTIVE, MentorshipState.PAUSED), "/mentor reminders")
    require_access(me, m)
    minutes = sorted({int(d.total_seconds() // 60) for d in leads}, reverse=True)
    if any(x < 5 or x > 14 * 1440 for x in minutes) or len(minutes) > 4:
        raise UserError(wording.reminders_bad())
    changed = list(m.reminder_leads or []) != minutes
    m.reminder_leads = minutes
    await schedules.reconcile_mentorship(uow, ws, m)
    if changed:
        # The setting is the pair's: the other person hears that it changed.
        await _notice(uow, ws, m, "reminders", "home", by_id=me.id, minutes=minutes)
    return Reply(wording.reminders_set(minutes))


async def auto_resume(uow: Tx, ws: Workspace, m: Mentorship) -> CheckIn | None:
    """The pause-until date arrived: resume; returns the check-in now on the calendar."""
    return await resume_mentorship(uow, ws, m)
