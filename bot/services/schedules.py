"""The reconcile step: one function per schedule owner makes the database match the desired future.

A schedule owner is a mentorship (its check-ins, their reminders and wrap-ups, the silence check, the
pause's end and its action items' follow-ups) or an office-hours series (its sessions and what surrounds
them). Use-cases and delivery handlers only change state — a cadence, a skip, a move, a pause, a lead
time, a due date — and the owner is then reconciled: from the current state we compute the next
occurrence and every outbox row around it, and `outbox.sync` creates what is missing, revives what was
withdrawn earlier, moves what changed and withdraws what no longer applies. Nothing else plans or
withdraws these kinds of rows, so no sequence of edits can leave a schedule silent.

Three things call it:
- use-cases that need the answer (the next check-in, for the reply) call `reconcile_mentorship`;
- every transaction, just before it commits, reconciles each owner whose schedule-relevant columns changed
  in it (`reconcile_touched`, fed by an ORM `after_flush` listener), so a use-case cannot forget;
- the dispatcher's sweep (`reconcile_everything`) on start and hourly, and `mentorbot doctor`, so a
  database that went silent under an older version, or through a bug, heals.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import event, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from bot import payloads as kinds
from bot.domain.matching import WAITING_STATES
from bot.domain.recurrence import Recurrence, recurrence_from_rule
from bot.domain.states import SESSION, CheckInState, MentorshipState, QuestionState, SeriesState, SessionState
from bot.insight.digest import digest_setting, reconcile_digest
from bot.matching.support import topic_request
from bot.matching.tables import MentorRequest
from bot.officehours.tables import OfficeHours, OfficeHoursQuestion, OfficeHoursSession
from bot.outbox import Planned, SyncResult
from bot.persistence.tables import ActionItem, AgendaItem, CheckIn, Member, Mentorship, Workspace
from bot.services import planning
from bot.services.transaction import Tx
from bot.services.unit import Core, UnitOfWork

log = logging.getLogger(__name__)

# The outbox kinds each owner's reconcile manages; other kinds (notices, summaries, updates) are events.
MENTORSHIP_KINDS = (
    "checkin.announce",
    "checkin.start",
    "checkin.remind",
    "checkin.wrapup",
    "checkin.followup",
    "mentorship.silence",
    "mentorship.resume",
    "action.followup",
)
SERIES_KINDS = ("oh.announce", "oh.remind_all", "oh.start", "oh.wrapup", "oh.recap")
REQUEST_KINDS = ("match.request", "match.posted", "match.remind", "match.expire")
# Hosts have two days to write a recap; then it is posted without their words, so nothing hangs.
RECAP_WAIT = timedelta(hours=48)
# How long after its start a held session may still have rows of its own to send (its recap).
FINISHING = timedelta(days=14)


# ---- the current occurrence ------------------------------------------------------------------------


class Occurrence(Protocol):
    """What check-ins and office-hours sessions share: a cadence slot, a (maybe moved) time, a length."""

    slot_at: datetime
    scheduled_at: datetime
    duration_minutes: int


OccurrenceT = TypeVar("OccurrenceT", bound=Occurrence)


def ends_at(o: Occurrence) -> datetime:
    return o.scheduled_at + timedelta(minutes=o.duration_minutes)


def is_slot(rec: Recurrence, at: datetime) -> bool:
    """Whether `at` is one of the cadence's own occurrences."""
    return rec.next_after(at - timedelta(seconds=1)) == at


@dataclass
class Timeline:
    """An owner's open occurrences (state "upcoming") split by `now`."""

    ended: list[Any]
    in_progress: list[Any]
    future: list[Any]


def split(open_items: Sequence[OccurrenceT], now: datetime) -> Timeline:
    ended = [o for o in open_items if ends_at(o) <= now]
    running = [o for o in open_items if o.scheduled_at <= now < ends_at(o)]
    future = [o for o in open_items if o.scheduled_at > now]
    return Timeline(ended, running, future)


def used_up(resolved: datetime | None, done: Sequence[Occurrence]) -> datetime | None:
    """The latest slot already used: the latest resolved one (held, missed, skipped) or one in `done`."""
    slots = [a for a in [resolved, *(o.slot_at for o in done)] if a is not None]
    return _aware(max(slots)) if slots else None


def choose_next(
    rec: Recurrence, now: datetime, anchor: datetime | None, future: Sequence[OccurrenceT]
) -> tuple[OccurrenceT | None, datetime | None]:
    """Which occurrence comes next: an existing one (maybe moved) or a fresh slot to materialize.

    `anchor` is the latest slot already used up (held, missed, skipped or over); an existing future one
    is kept when its slot is still the cadence's and comes after the anchor, unless the cadence now has an
    earlier slot. Returns (existing, None), (None, fresh slot) or (None, None) when the cadence has ended."""
    base = max(now, anchor) if anchor is not None else now
    fresh = rec.next_after(base)
    kept = [o for o in future if (anchor is None or o.slot_at > anchor) and is_slot(rec, o.slot_at)]
    best = min(kept, key=lambda o: o.slot_at, default=None)
    if best is not None and (fresh is None or best.slot_at <= fresh):
        return best, None
    return None, fresh


# ---- mentorships -------------------------------------------------------------------------------------


@dataclass
class Reconciled:
    """What one reconcile did: rows synced and occurrences created, revived or cancelled."""

    rows: SyncResult = field(default_factory=SyncResult)
    occurrences: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.rows.changed or self.occurrences)


async def reconcile_mentorship(tx: Tx, ws: Workspace, m: Mentorship) -> CheckIn | None:
    """Bring one mentorship's check-ins and rows to their desired state; returns the current check-in
    (in progress or next), or None when there is none (no cadence, paused, ended, cadence over)."""
    current, _ = await _reconcile_mentorship(tx, ws, m)
    return current


async def _reconcile_mentorship(tx: Tx, ws: Workspace, m: Mentorship) -> tuple[CheckIn | None, Reconciled]:
    done = Reconciled()
    with _quiet(tx, ("m", m.id)):
        now = tx.now
        open_ones = list(
            await tx.session.scalars(
                select(CheckIn)
                .where(CheckIn.mentorship_id == m.id, CheckIn.state == CheckInState.UPCOMING)
                .order_by(CheckIn.scheduled_at, CheckIn.id)
            )
        )
        t = split(open_ones, now)
        active = m.state == MentorshipState.ACTIVE
        rec = planning.recurrence_of(m) if active else None
        current: CheckIn | None = None
        if rec is not None:
            current, done.occurrences = await _next_checkin(tx, m, rec, t)
        for c in t.future:
            if c is not current:
                c.state = CheckInState.CANCELLED
                done.occurrences += 1
                if c.thread_id:
                    # Its thread is where both people look: say there that it is off, and what is next.
                    off = kinds.CheckinCalledOff(m.id, c.id, c.scheduled_at)
                    key = f"checkin:{c.id}:{planning.stamp(c.scheduled_at)}:called-off:{c.revision}"
                    await tx.plan(ws, off.plan(key, planning.topic_checkin(c), now))
        if current is not None and done.occurrences:
            await _carry_agenda(tx, m, current)
        desired: list[Planned] = []
        if active:
            if current is not None:
                if current.duration_minutes != m.duration_minutes:
                    current.duration_minutes = m.duration_minutes
                desired += await _checkin_rows(tx, m, current)
            for c in t.ended + t.in_progress:
                desired += _closing_rows(m, c)
            desired += _silence_rows(m, now)
            desired += await _action_rows(tx, m)
        elif m.state == MentorshipState.PAUSED and m.paused_until is not None:
            desired.append(await _resume_row(tx, m))
        done.rows = await tx.sync_rows(ws, planning.topic_mentorship(m), MENTORSHIP_KINDS, desired)
        await tx.session.flush()
    return current, done


async def _carry_agenda(tx: Tx, m: Mentorship, current: CheckIn) -> None:
    """Questions put on a check-in that will not happen (skipped, or called off by a cadence change or a
    pause) belong to the next one, as office hours carry open questions over."""
    gone = select(CheckIn.id).where(
        CheckIn.mentorship_id == m.id, CheckIn.state.in_([CheckInState.SKIPPED, CheckInState.CANCELLED])
    )
    await tx.session.execute(
        update(AgendaItem).where(AgendaItem.checkin_id.in_(gone)).values(checkin_id=current.id)
    )


async def _next_checkin(tx: Tx, m: Mentorship, rec: Recurrence, t: Timeline) -> tuple[CheckIn | None, int]:
    used = await tx.session.scalar(
        select(func.max(CheckIn.slot_at)).where(
            CheckIn.mentorship_id == m.id,
            CheckIn.state.in_([CheckInState.HELD, CheckInState.MISSED, CheckInState.SKIPPED]),
        )
    )
    anchor = used_up(used, t.ended + t.in_progress)
    kept, fresh = choose_next(rec, tx.now, anchor, [*t.future, *await _called_off_moves(tx, m)])
    if kept is not None and kept.state != CheckInState.UPCOMING.value:
        # A moved one called off by a pause comes back at the time people agreed on.
        kept.state = CheckInState.UPCOMING.value
        kept.revision += 1
        kept.created_at = tx.now
        kept.duration_minutes = m.duration_minutes
        await tx.session.flush()
        return kept, 1
    if kept is not None or fresh is None:
        return kept, 0
    # A slot used before (cancelled by a pause or a cadence change) comes back rather than being duplicated.
    c = await tx.session.scalar(
        select(CheckIn).where(CheckIn.mentorship_id == m.id, CheckIn.slot_at == fresh)
    )
    if c is None:
        c = CheckIn(mentorship_id=m.id, slot_at=fresh, takeaways="", created_at=tx.now, revision=0)
        tx.session.add(c)
    else:
        # It comes back after being called off: announced again, as a new revision.
        c.revision += 1
        c.created_at = tx.now
    c.scheduled_at = fresh
    c.duration_minutes = m.duration_minutes
    c.state = CheckInState.UPCOMING
    await tx.session.flush()
    return c, 1


async def _called_off_moves(tx: Tx, m: Mentorship) -> list[CheckIn]:
    """Check-ins that were moved and then called off (a pause, a cadence change) while the moved time
    is still ahead: `choose_next` may bring them back, moved, when their slot is the cadence's again."""
    return list(
        await tx.session.scalars(
            select(CheckIn).where(
                CheckIn.mentorship_id == m.id,
                CheckIn.state == CheckInState.CANCELLED.value,
                CheckIn.scheduled_at != CheckIn.slot_at,
                CheckIn.scheduled_at > tx.now,
            )
        )
    )


async def _checkin_rows(tx: Tx, m: Mentorship, c: CheckIn) -> list[Planned]:
    """The announcement, each person's reminders, the wrap-up and the follow-up of the current check-in."""
    at = c.scheduled_at
    base = f"checkin:{c.id}:{planning.stamp(at)}"
    topic = planning.topic_checkin(c)
    announce = kinds.CheckinAnnounce(m.id, c.id, at)
    rows = [announce.plan(_announce_key(base, c.revision), topic, await _announce_at(tx, m, c))]
    rows.append(kinds.CheckinStart(m.id, c.id, at).plan(f"{base}:start", topic, at, stale_if_late=True))
    return rows + _closing_rows(m, c)


def _reminder_rows(m: Mentorship, c: CheckIn) -> list[Planned]:
    """Each person's reminders. Stale once late: a started check-in keeps only those still pending (a
    platform outage kept them back; the dispatcher decides whether they fail and are reported)."""
    at = c.scheduled_at
    base = f"checkin:{c.id}:{planning.stamp(at)}"
    rows = []
    for lead in sorted(set(m.reminder_leads or []), reverse=True):
        due = at - timedelta(minutes=lead)
        for member_id in (m.mentee_id, m.mentor_id):
            remind = kinds.CheckinRemind(m.id, c.id, at, member_id, lead)
            key = f"{base}:remind:{lead}:{member_id}"
            rows.append(remind.plan(key, planning.topic_checkin(c), due, reminder=True))
    return rows


def _announce_key(base: str, revision: int) -> str:
    # Revision 0 keeps the key earlier versions used, so an upgrade announces nothing twice.
    return f"{base}:announce" + (f":{revision}" if revision else "")


def _closing_rows(m: Mentorship, c: CheckIn) -> list[Planned]:
    """What surrounds a check-in from its reminders on: those still pending, the wrap-up at its end (only
    while ahead) and the follow-up after it."""
    base = f"checkin:{c.id}:{planning.stamp(c.scheduled_at)}"
    topic = planning.topic_checkin(c)
    end = ends_at(c)
    wrapup = kinds.CheckinWrapup(m.id, c.id, c.scheduled_at)
    followup = kinds.CheckinFollowup(m.id, c.id, c.scheduled_at)
    return [
        *_reminder_rows(m, c),
        wrapup.plan(f"{base}:wrapup", topic, end, stale_if_late=True),
        # Stale when late too: after a pause it must not mark a session missed days later.
        followup.plan(f"{base}:followup", topic, end + planning.NOTES_WINDOW, stale_if_late=True),
    ]


async def _announce_at(tx: Tx, m: Mentorship, c: CheckIn) -> datetime:
    """When the next check-in is posted: when it was planned, but never before the previous one ends
    (notes recorded mid-session must not announce the next one while both people are still talking)."""
    prev = await tx.session.scalar(
        select(CheckIn)
        .where(
            CheckIn.mentorship_id == m.id,
            CheckIn.slot_at < c.slot_at,
            CheckIn.state.in_([CheckInState.HELD, CheckInState.MISSED, CheckInState.UPCOMING]),
        )
        .order_by(CheckIn.slot_at.desc())
        .limit(1)
    )
    at = _aware(c.created_at)
    return max(at, ends_at(prev)) if prev is not None else at


def _silence_rows(m: Mentorship, now: datetime) -> list[Planned]:
    """ "Has it gone quiet?" six weeks after the last activity, then every six weeks of silence."""
    first = _aware(m.last_activity_at) + planning.SILENCE
    steps = max(0, -(-(now - first) // planning.SILENCE)) if now >= first else 0
    nxt = first + steps * planning.SILENCE
    if nxt <= now:
        nxt += planning.SILENCE
    rows = [_silence(m, nxt, stale=False)]
    if nxt - planning.SILENCE >= first:
        # The one that fell due while nobody was sending stays if it is still pending.
        rows.append(_silence(m, nxt - planning.SILENCE, stale=True))
    return rows


def _silence(m: Mentorship, due: datetime, *, stale: bool) -> Planned:
    return kinds.MentorshipSilence(m.id).plan(
        f"silence:{m.id}:{planning.stamp(due)}", planning.topic_mentorship(m), due, stale_if_late=stale
    )


async def _resume_row(tx: Tx, m: Mentorship) -> Planned:
    """The pause's end: 09:00 on that date for whichever of the two reaches it first."""
    assert m.paused_until is not None
    people = [await tx.session.get(Member, pid) for pid in (m.mentor_id, m.mentee_id)]
    due = min(planning.local_morning(m.paused_until, p) for p in people if p is not None)
    return kinds.MentorshipResume(m.id).plan(
        f"resume:{m.id}:{m.paused_until.isoformat()}", planning.topic_mentorship(m), due
    )


async def _action_rows(tx: Tx, m: Mentorship) -> list[Planned]:
    """Each open action item with a due date: its next follow-up, and an overdue one still pending."""
    rows: list[Planned] = []
    items = await planning.open_actions(tx, m)
    owners = {pid: await tx.session.get(Member, pid) for pid in {i.owner_id for i in items if i.due_date}}
    for item in items:
        owner = owners.get(item.owner_id)
        if item.due_date is None or owner is None:
            continue
        first = planning.local_morning(item.due_date, owner)
        offsets = list(planning.ACTION_FOLLOWUPS)
        while first + offsets[-1] <= tx.now:
            offsets.append(offsets[-1] + planning.ACTION_FOLLOWUP_EVERY)
        n = next(i for i, off in enumerate(offsets) if first + off > tx.now)
        for k in (n - 1, n):
            if k >= 0:
                rows.append(
                    kinds.ActionFollowup(m.id, item.id, k).plan(
                        f"action:{item.id}:{item.due_date.isoformat()}:{k}",
                        planning.topic_action(item),
                        first + offsets[k],
                        stale_if_late=k < n,
                    )
                )
    return rows


# ---- office hours ------------------------------------------------------------------------------------


def topic_series(oh: OfficeHours) -> str:
    return f"oh:{oh.id}"


def topic_session(s: OfficeHoursSession) -> str:
    return f"oh:{s.office_hours_id}/s:{s.id}"


def series_recurrence(oh: OfficeHours) -> Recurrence:
    return recurrence_from_rule(oh.cadence_rule, oh.duration_minutes, oh.cadence_phrase)


async def reconcile_series(tx: Tx, ws: Workspace, oh: OfficeHours) -> OfficeHoursSession | None:
    """Bring one office-hours series' sessions and rows to their desired state; returns the current
    session (in progress or next), or None (cancelled, or the cadence is over)."""
    current, _ = await _reconcile_series(tx, ws, oh)
    return current


async def _reconcile_series(
    tx: Tx, ws: Workspace, oh: OfficeHours
) -> tuple[OfficeHoursSession | None, Reconciled]:
    done = Reconciled()
    with _quiet(tx, ("oh", oh.id)):
        now = tx.now
        open_ones = list(
            await tx.session.scalars(
                select(OfficeHoursSession)
                .where(
                    OfficeHoursSession.office_hours_id == oh.id,
                    OfficeHoursSession.state == SessionState.UPCOMING,
                )
                .order_by(OfficeHoursSession.scheduled_at, OfficeHoursSession.id)
            )
        )
        t = split(open_ones, now)
        active = oh.state == SeriesState.ACTIVE
        current: OfficeHoursSession | None = None
        if active:
            announced = [s for s in t.future if s.announce_message_id]
            if t.in_progress:
                current = t.in_progress[-1]
            elif announced:
                # People have seen it and RSVP'd: an announced session stays where it is.
                current = announced[0]
            else:
                current, done.occurrences = await _next_session(tx, oh, t)
        dropped = [s for s in t.future if s is not current]
        for s in dropped:
            s.state = SESSION.move(s.state, SessionState.CANCELLED)
            done.occurrences += 1
        if dropped and current is not None:
            # Questions already asked for a session that moved wait for the one that replaces it.
            await tx.session.execute(
                update(OfficeHoursQuestion)
                .where(
                    OfficeHoursQuestion.session_id.in_([s.id for s in dropped]),
                    OfficeHoursQuestion.state == QuestionState.OPEN,
                )
                .values(session_id=current.id)
                .execution_options(synchronize_session=False)
            )
        desired = _session_rows(oh, current, now) if current is not None else []
        # Sessions that are over finish on their own rows (recap request, recap): left as they are. So
        # is the last one held, however long ago: a late recap from its hosts still goes out.
        held = await tx.session.scalars(
            select(OfficeHoursSession.id).where(
                OfficeHoursSession.office_hours_id == oh.id,
                OfficeHoursSession.state == SessionState.HELD,
                OfficeHoursSession.scheduled_at > now - FINISHING,
            )
        )
        last_held = await tx.session.scalar(
            select(OfficeHoursSession.id)
            .where(OfficeHoursSession.office_hours_id == oh.id, OfficeHoursSession.state == "held")
            .order_by(OfficeHoursSession.scheduled_at.desc())
            .limit(1)
        )
        finishing = frozenset(
            [topic_session(s) for s in t.ended + [s for s in t.in_progress if s is not current]]
            + [f"oh:{oh.id}/s:{sid}" for sid in [*held, *([last_held] if last_held else [])]]
        )
        done.rows = await tx.sync_rows(ws, topic_series(oh), SERIES_KINDS, desired, keep_topics=finishing)
        await tx.session.flush()
    return current, done


async def _next_session(tx: Tx, oh: OfficeHours, t: Timeline) -> tuple[OfficeHoursSession | None, int]:
    rec = series_recurrence(oh)
    used = await tx.session.scalar(
        select(func.max(OfficeHoursSession.slot_at)).where(
            OfficeHoursSession.office_hours_id == oh.id,
            OfficeHoursSession.state.in_([SessionState.HELD, SessionState.SKIPPED]),
        )
    )
    kept, fresh = choose_next(rec, tx.now, used_up(used, t.ended), t.future)
    if kept is not None or fresh is None:
        return kept, 0
    s = await tx.session.scalar(
        select(OfficeHoursSession).where(
            OfficeHoursSession.office_hours_id == oh.id, OfficeHoursSession.slot_at == fresh
        )
    )
    if s is None:
        s = OfficeHoursSession(office_hours_id=oh.id, slot_at=fresh, recap="", created_at=tx.now, revision=0)
        tx.session.add(s)
    else:
        s.revision += 1
        s.created_at = tx.now
    s.scheduled_at = fresh
    s.duration_minutes = oh.duration_minutes
    # New, or a cancelled slot that is the cadence's again (SESSION allows cancelled → upcoming).
    s.state = SessionState.UPCOMING if s.state is None else SESSION.move(s.state, SessionState.UPCOMING)
    await tx.session.flush()
    return s, 1


def _session_rows(oh: OfficeHours, s: OfficeHoursSession, now: datetime) -> list[Planned]:
    at = s.scheduled_at
    base = f"oh:{s.id}:{planning.stamp(at)}"
    topic = topic_session(s)
    end = ends_at(s)
    announce = max(_aware(s.created_at), at - timedelta(minutes=oh.announce_lead_minutes))
    remind = at - timedelta(minutes=oh.reminder_lead_minutes)
    rows = [
        kinds.SessionAnnounce(oh.id, s.id, at).plan(_announce_key(base, s.revision), topic, announce),
        kinds.SessionRemindAll(oh.id, s.id, at).plan(f"{base}:remind", topic, remind, reminder=True),
        kinds.SessionStart(oh.id, s.id, at).plan(f"{base}:start", topic, at, stale_if_late=True),
        kinds.SessionWrapup(oh.id, s.id, at).plan(f"{base}:wrapup", topic, end),
    ]
    if s.recap:
        rows.append(kinds.SessionRecap(oh.id, s.id).plan(f"oh:{s.id}:recap", topic, end))
    else:
        timeout = kinds.SessionRecap(oh.id, s.id, at)
        rows.append(timeout.plan(f"{base}:recap-timeout", topic, end + RECAP_WAIT))
    return rows


# ---- mentor requests ---------------------------------------------------------------------------------


async def reconcile_request(tx: Tx, ws: Workspace, req: MentorRequest) -> SyncResult:
    """A request still waiting has its first message (to the mentor, or posted for any mentor), one
    reminder and the expiry; a decided one has none of them (decisions use conditional updates, so the
    use-cases call this themselves rather than relying on the flush listener)."""
    desired: list[Planned] = []
    if req.state in list(WAITING_STATES):
        topic = topic_request(req)
        base = f"req:{req.id}:{req.mentor_id or 'open'}:{planning.stamp(req.expires_at)}"
        first = kinds.RequestToMentor(req.id, req.mentor_id) if req.mentor_id else kinds.RequestPosted(req.id)
        remind = kinds.RequestRemind(req.id, req.mentor_id)
        expire = kinds.RequestExpire(req.id, req.mentor_id)
        # The first message goes out at once: any due time already passed means "now".
        desired = [
            first.plan(f"{base}:{first.kind}", topic, _aware(req.created_at)),
            remind.plan(f"{base}:remind", topic, _aware(req.remind_at), stale_if_late=True),
            expire.plan(f"{base}:expire", topic, _aware(req.expires_at)),
        ]
    return await tx.sync_rows(ws, topic_request(req), REQUEST_KINDS, desired)


# ---- reconciling what a transaction touched ----------------------------------------------------------

# Which columns, when changed, change what an owner's schedule should be.
_WATCHED: dict[type, tuple[str, ...]] = {
    Mentorship: (
        "state",
        "cadence_rule",
        "duration_minutes",
        "reminder_leads",
        "paused_until",
        "last_activity_at",
    ),
    CheckIn: ("state", "scheduled_at", "duration_minutes"),
    ActionItem: ("state", "due_date", "owner_id"),
    Member: ("tz",),
    OfficeHours: (
        "state",
        "cadence_rule",
        "duration_minutes",
        "announce_lead_minutes",
        "reminder_lead_minutes",
    ),
    OfficeHoursSession: ("state", "scheduled_at", "duration_minutes", "recap"),
    # The program digest's setting (`/mentor digest`): the workspace owns that schedule.
    Workspace: ("settings",),
}
_TOUCHED = "schedules.touched"
_QUIET = "schedules.quiet"

Owner = tuple[str, int]


def _owner_of(obj: object) -> Owner | None:
    if isinstance(obj, Mentorship):
        return ("m", obj.id)
    if isinstance(obj, CheckIn | ActionItem):
        return ("m", obj.mentorship_id)
    if isinstance(obj, Member):
        return ("member", obj.id)
    if isinstance(obj, OfficeHours):
        return ("oh", obj.id)
    if isinstance(obj, OfficeHoursSession):
        return ("oh", obj.office_hours_id)
    if isinstance(obj, Workspace):
        return ("digest", obj.id)
    return None


def _collect(session: Session, _flush_context: object) -> None:
    """after_flush: note the owners whose schedule-relevant columns changed in this flush."""
    touched: set[Owner] = session.info.setdefault(_TOUCHED, set())
    quiet: set[Owner] = session.info.get(_QUIET, set())
    new = set(session.new)
    for obj in list(new) + list(session.dirty):
        fields = _WATCHED.get(type(obj))
        if fields is None:
            continue
        if obj not in new:
            state = inspect(obj)
            if not any(state.attrs[f].history.has_changes() for f in fields):
                continue
        owner = _owner_of(obj)
        if owner is not None and owner[1] is not None and owner not in quiet:
            touched.add(owner)


def install() -> None:
    """Listen for schedule changes on every ORM session (idempotent)."""
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)


class _quiet:
    """While an owner is being reconciled, its own changes do not mark it touched again."""

    def __init__(self, tx: Tx, owner: Owner) -> None:
        self.info = tx.session.sync_session.info
        self.owner = owner

    def __enter__(self) -> None:
        self.info.setdefault(_QUIET, set()).add(self.owner)

    def __exit__(self, *exc: object) -> None:
        self.info.get(_QUIET, set()).discard(self.owner)
        self.info.get(_TOUCHED, set()).discard(self.owner)


async def reconcile_touched(tx: Tx) -> None:
    """Before commit: reconcile every owner this transaction changed (until nothing more changes)."""
    info = tx.session.sync_session.info
    await tx.session.flush()
    for _ in range(3):
        touched: set[Owner] = info.pop(_TOUCHED, set())
        if not touched:
            return
        for owner in sorted(touched):
            await _reconcile_owner(tx, owner)
        await tx.session.flush()
    log.error("schedules kept changing while reconciling: %s", sorted(info.get(_TOUCHED, set())))


async def _reconcile_owner(tx: Tx, owner: Owner) -> Reconciled:
    kind, ident = owner
    if kind == "member":
        done = Reconciled()
        ms = await tx.session.scalars(
            select(Mentorship).where(
                or_(Mentorship.mentor_id == ident, Mentorship.mentee_id == ident),
                Mentorship.state.in_([MentorshipState.ACTIVE, MentorshipState.PAUSED]),
            )
        )
        for theirs in list(ms):
            done = _merge(done, await _reconcile_owner(tx, ("m", theirs.id)))
        return done
    if kind == "m":
        m = await tx.session.get(Mentorship, ident)
        ws = await tx.session.get(Workspace, m.workspace_id) if m is not None else None
        if m is None or ws is None:
            return Reconciled()
        return (await _reconcile_mentorship(tx, ws, m))[1]
    if kind == "req":
        req = await tx.session.get(MentorRequest, ident)
        ws = await tx.session.get(Workspace, req.workspace_id) if req is not None else None
        if req is None or ws is None:
            return Reconciled()
        return Reconciled(await reconcile_request(tx, ws, req))
    if kind == "digest":
        ws = await tx.session.get(Workspace, ident)
        return Reconciled(await reconcile_digest(tx, ws)) if ws is not None else Reconciled()
    oh = await tx.session.get(OfficeHours, ident)
    ws = await tx.session.get(Workspace, oh.workspace_id) if oh is not None else None
    if oh is None or ws is None:
        return Reconciled()
    return (await _reconcile_series(tx, ws, oh))[1]


def _merge(a: Reconciled, b: Reconciled) -> Reconciled:
    return Reconciled(a.rows + b.rows, a.occurrences + b.occurrences)


# ---- the sweep and the doctor ------------------------------------------------------------------------


@dataclass(frozen=True)
class Repair:
    """One schedule that did not match its desired state, and what reconciling it changed."""

    owner: str
    workspace: str
    occurrences: int
    rows: SyncResult

    def describe(self) -> str:
        r = self.rows
        return (
            f"{self.owner} ({self.workspace}): {self.occurrences} occurrence(s) changed; rows "
            f"{r.created} created, {r.revived} revived, {r.moved} moved, {r.withdrawn} withdrawn"
        )


async def _owners(core: Core) -> list[Owner]:
    async with core.sessions() as session:
        ms = await session.scalars(
            select(Mentorship.id).where(
                Mentorship.state.in_([MentorshipState.ACTIVE, MentorshipState.PAUSED])
            )
        )
        series = await session.scalars(select(OfficeHours.id).where(OfficeHours.state == SeriesState.ACTIVE))
        requests = await session.scalars(
            select(MentorRequest.id).where(MentorRequest.state.in_(list(WAITING_STATES)))
        )
        digests = [ws.id for ws in await session.scalars(select(Workspace)) if digest_setting(ws) is not None]
        return (
            [("m", i) for i in ms]
            + [("oh", i) for i in series]
            + [("req", i) for i in requests]
            + [("digest", i) for i in digests]
        )


async def reconcile_everything(core: Core, *, fix: bool = True, batch: int = 100) -> list[Repair]:
    """Reconcile every active or paused mentorship and every active series; returns what needed repair.

    With `fix=False` (the doctor's dry run) every change is rolled back. Runs in transactions of `batch`
    owners, so a large community does not hold one long transaction."""
    owners = await _owners(core)
    repairs: list[Repair] = []
    for chunk in _chunks(owners, batch):
        uow = UnitOfWork(core)
        uow.dry_run = not fix
        async with uow:
            for owner in chunk:
                done = await _reconcile_owner(uow, owner)
                if done.changed:
                    ws_name = await _workspace_of(uow, owner)
                    label = _LABELS[owner[0]]
                    label = f"{label} #{owner[1]}"
                    repairs.append(Repair(label, ws_name, done.occurrences, done.rows))
    return repairs


_LABELS = {
    "m": "mentorship",
    "oh": "office hours",
    "req": "mentor request",
    "digest": "digest of workspace",
}


async def _workspace_of(tx: Tx, owner: Owner) -> str:
    if owner[0] == "m":
        ws_id = await tx.session.scalar(select(Mentorship.workspace_id).where(Mentorship.id == owner[1]))
    elif owner[0] == "digest":
        ws_id = owner[1]
    elif owner[0] == "req":
        ws_id = await tx.session.scalar(
            select(MentorRequest.workspace_id).where(MentorRequest.id == owner[1])
        )
    else:
        ws_id = await tx.session.scalar(select(OfficeHours.workspace_id).where(OfficeHours.id == owner[1]))
    ws = await tx.session.get(Workspace, ws_id) if ws_id is not None else None
    return f"{ws.platform}:{ws.external_id}" if ws is not None else "?"


def _chunks(items: list[Owner], size: int) -> Iterable[list[Owner]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _aware(at: datetime) -> datetime:
    # MAX() and some drivers hand back naive UTC; everything here compares aware datetimes.
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
