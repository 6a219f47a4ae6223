"""What goes into a person's calendar: their check-ins (the ones on record and the cadence's next ones)
and the office-hours sessions they RSVP'd to, each with a stable UID and a SEQUENCE that grows whenever
its time or status changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from bot.calendar import wording
from bot.calendar.tables import CalendarEventVersion
from bot.domain.states import CheckInState, MentorshipState, SessionState
from bot.officehours.tables import OfficeHours, OfficeHoursRsvp, OfficeHoursSession
from bot.persistence.tables import CheckIn, Member, Mentorship, Workspace
from bot.services import planning, schedules
from bot.services.members import zone_of
from bot.services.transaction import Tx

# How far back the feed keeps past events, and how far ahead it projects a cadence.
HISTORY = timedelta(days=90)
HORIZON = timedelta(days=120)
PROJECTED_MAX = 12
UID_DOMAIN = "mentorbot"


class EventStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT. `start`/`end` are aware UTC instants; `zone` is the IANA zone the event is written in
    (the cadence's own, so 10:00 stays 10:00 across DST); `sequence` is filled by `versioned`."""

    uid: str
    start: datetime
    end: datetime
    zone: ZoneInfo
    summary: str
    description: str
    location: str
    status: EventStatus = EventStatus.CONFIRMED
    url: str = ""
    sequence: int = 0

    @property
    def fingerprint(self) -> str:
        return f"{self.start.isoformat()}|{self.end.isoformat()}|{self.status.value}"


def checkin_uid(m: Mentorship, slot_at: datetime) -> str:
    """Stable for one occurrence of the cadence: a moved check-in keeps the UID of its slot."""
    return f"checkin-{m.id}-{planning.stamp(slot_at)}@{UID_DOMAIN}"


def session_uid(s: OfficeHoursSession) -> str:
    return f"officehours-{s.office_hours_id}-{planning.stamp(s.slot_at)}@{UID_DOMAIN}"


def home_link(ws: Workspace, channel: str | None) -> str:
    """A link that opens the pair's home in the platform's app, where the platform has one."""
    if not channel:
        return ""
    if ws.platform == "slack":
        return f"https://slack.com/app_redirect?team={ws.external_id}&channel={channel}"
    if ws.platform == "discord":
        return f"https://discord.com/channels/{ws.external_id}/{channel}"
    return ""


def _checkin_status(state: str) -> EventStatus:
    if state in (CheckInState.SKIPPED, CheckInState.CANCELLED):
        return EventStatus.CANCELLED
    return EventStatus.CONFIRMED


def checkin_event(
    ws: Workspace,
    m: Mentorship,
    mentor: Member,
    mentee: Member,
    slot_at: datetime,
    start: datetime,
    minutes: int,
    state: str,
) -> CalendarEvent:
    rec = planning.recurrence_of(m)
    zone = rec.tz if rec is not None else zone_of(mentor)
    return CalendarEvent(
        uid=checkin_uid(m, slot_at),
        start=start,
        end=start + timedelta(minutes=minutes),
        zone=zone,
        summary=wording.checkin_summary(mentor, mentee),
        description=wording.checkin_description(m),
        location=wording.home_location(ws, mentor, mentee, m.focus),
        status=_checkin_status(state),
        url=home_link(ws, m.home_channel),
    )


def session_event(ws: Workspace, oh: OfficeHours, s: OfficeHoursSession) -> CalendarEvent:
    zone = schedules.series_recurrence(oh).tz
    cancelled = s.state in (SessionState.SKIPPED, SessionState.CANCELLED)
    return CalendarEvent(
        uid=session_uid(s),
        start=s.scheduled_at,
        end=s.scheduled_at + timedelta(minutes=s.duration_minutes),
        zone=zone,
        summary=wording.session_summary(oh),
        description=wording.session_description(oh),
        location=wording.session_location(ws, oh),
        status=EventStatus.CANCELLED if cancelled else EventStatus.CONFIRMED,
        url=home_link(ws, s.announce_channel or oh.channel_id),
    )


async def mentorship_events(
    tx: Tx, ws: Workspace, m: Mentorship, mentor: Member, mentee: Member
) -> list[CalendarEvent]:
    """The check-ins on record from `HISTORY` ago on, and the cadence's next occurrences after the last
    one on record. An ended mentorship keeps only what happened before it ended."""
    since = tx.now - HISTORY
    rows = list(
        await tx.session.scalars(
            select(CheckIn)
            .where(CheckIn.mentorship_id == m.id, CheckIn.scheduled_at >= since)
            .order_by(CheckIn.slot_at)
        )
    )
    ended = m.state in (MentorshipState.CONCLUDED, MentorshipState.DECLINED)
    out: list[CalendarEvent] = []
    for c in rows:
        if ended and m.ended_at is not None and c.scheduled_at >= m.ended_at:
            continue
        out.append(
            checkin_event(ws, m, mentor, mentee, c.slot_at, c.scheduled_at, c.duration_minutes, c.state)
        )
    rec = planning.recurrence_of(m)
    if m.state != MentorshipState.ACTIVE or rec is None:
        return out
    known = {c.slot_at for c in rows}
    upcoming = [c.slot_at for c in rows if c.state == CheckInState.UPCOMING]
    after = max([tx.now, *upcoming])
    for slot in rec.occurrences_after(after, PROJECTED_MAX):
        if slot > tx.now + HORIZON:
            break
        if slot in known:
            continue
        out.append(
            checkin_event(ws, m, mentor, mentee, slot, slot, m.duration_minutes, CheckInState.UPCOMING)
        )
    return out


async def events_for(tx: Tx, ws: Workspace, member: Member) -> list[CalendarEvent]:
    """Everything in this person's feed, sorted by start; SEQUENCE not yet set (see `versioned`)."""
    out: list[CalendarEvent] = []
    ms = await tx.session.scalars(
        select(Mentorship).where(
            Mentorship.workspace_id == ws.id,
            or_(Mentorship.mentor_id == member.id, Mentorship.mentee_id == member.id),
            Mentorship.state.in_([MentorshipState.ACTIVE, MentorshipState.PAUSED, MentorshipState.CONCLUDED]),
        )
    )
    for m in list(ms):
        mentor = await tx.session.get(Member, m.mentor_id)
        mentee = await tx.session.get(Member, m.mentee_id)
        assert mentor is not None and mentee is not None
        out += await mentorship_events(tx, ws, m, mentor, mentee)
    sessions = await tx.session.execute(
        select(OfficeHoursSession, OfficeHours)
        .join(OfficeHoursRsvp, OfficeHoursRsvp.session_id == OfficeHoursSession.id)
        .join(OfficeHours, OfficeHours.id == OfficeHoursSession.office_hours_id)
        .where(
            OfficeHoursRsvp.member_id == member.id,
            OfficeHours.workspace_id == ws.id,
            OfficeHoursSession.scheduled_at >= tx.now - HISTORY,
        )
    )
    out += [session_event(ws, oh, s) for s, oh in sessions.all()]
    return sorted(out, key=lambda e: (e.start, e.uid))


async def versioned(tx: Tx, ws: Workspace, events: Sequence[CalendarEvent]) -> list[CalendarEvent]:
    """The events with their SEQUENCE: 0 the first time an event goes out, one more each time its
    start, end or status differs from the version last sent (RFC 5545 §3.8.7.4)."""
    if not events:
        return []
    uids = [e.uid for e in events]
    known = {
        v.uid: v
        for v in await tx.session.scalars(
            select(CalendarEventVersion).where(CalendarEventVersion.uid.in_(uids))
        )
    }
    out: list[CalendarEvent] = []
    for e in events:
        v = known.get(e.uid)
        if v is None:
            v = CalendarEventVersion(
                uid=e.uid, workspace_id=ws.id, fingerprint=e.fingerprint, sequence=0, updated_at=tx.now
            )
            tx.session.add(v)
            known[e.uid] = v
        elif v.fingerprint != e.fingerprint:
            v.fingerprint, v.sequence, v.updated_at = e.fingerprint, v.sequence + 1, tx.now
        out.append(replace(e, sequence=v.sequence))
    await tx.session.flush()
    return out
