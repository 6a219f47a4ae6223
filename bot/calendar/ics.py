"""Writes iCalendar (RFC 5545) files with the `icalendar` library: a feed or a single occurrence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from bot.calendar.events import CalendarEvent

PRODID = "-//mentorbot//calendar//EN"
MIME = "text/calendar"


def _zone_range(events: Sequence[CalendarEvent]) -> tuple[date, date]:
    """The years the VTIMEZONEs must cover. Bounded (a year either side) rather than icalendar's
    default 1970–2038: smaller files, and readers built on dateutil's tzical (vobject) misread the long
    RDATE lists of the unbounded form."""
    starts = [e.start for e in events]
    return (min(starts) - timedelta(days=366)).date(), (max(starts) + timedelta(days=366)).date()


def to_ics(events: Sequence[CalendarEvent], now: datetime, *, name: str = "", method: str = "") -> bytes:
    """A VCALENDAR with one VEVENT per event, times written in each event's zone (TZID) with a
    VTIMEZONE for every zone used. `method` "PUBLISH" for a single file people import; empty for a
    subscribed feed. `now` (aware) is each event's DTSTAMP."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("name", name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for e in events:
        ev = Event()
        ev.add("uid", e.uid)
        ev.add("dtstamp", now)
        ev.add("dtstart", e.start.astimezone(e.zone))
        ev.add("dtend", e.end.astimezone(e.zone))
        ev.add("sequence", e.sequence)
        ev.add("status", e.status.value)
        ev.add("summary", e.summary)
        if e.description:
            ev.add("description", e.description)
        if e.location:
            ev.add("location", e.location)
        if e.url:
            ev.add("url", e.url)
        cal.add_component(ev)
    if events:
        first, last = _zone_range(events)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return bytes(cal.to_ical())
