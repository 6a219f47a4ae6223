"""Calendar feeds and "add to calendar" files, written with `icalendar` and read back here with an
independent parser (`vobject`), checked event by event against the database across the DST changes of
Berlin (last Sunday of March) and New York (second Sunday of March)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from sqlalchemy import select

from bot.calendar import feed
from bot.calendar.tables import CalendarFeed
from bot.clock import SimulatedClock
from bot.persistence.tables import CheckIn
from tests.harness import Harness, render

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
# Monday 1 March 2027; New York springs forward on 14 March, Berlin on 28 March.
START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
PUBLIC = "https://bot.example.org"


@pytest.fixture
async def cal(database_url: str) -> AsyncIterator[Harness]:
    harness = await Harness.create(database_url, start=START, public_url=PUBLIC)
    yield harness
    await harness.close()


def token_of(text: str) -> str:
    match = re.search(r"https://bot\.example\.org/calendar/([A-Za-z0-9_\-]+)\.ics", text)
    assert match, text
    return match[1]


def parse(data: bytes) -> list[vobject.base.Component]:
    calendar = vobject.readOne(data.decode())
    return list(getattr(calendar, "vevent_list", []))


def instant(event: vobject.base.Component) -> datetime:
    value = event.dtstart.value
    assert value.tzinfo is not None
    return value.astimezone(UTC)


async def subscribe(h: Harness, user: str) -> str:
    r = await h.say(user, "/mentor calendar")
    assert r.ok, render(r.message)
    return token_of(render(r.message))


async def fetch(h: Harness, token: str) -> list[vobject.base.Component]:
    data = await feed.render_feed(h.app.core, token)
    assert data is not None
    return parse(data)


async def weekly_pair(h: Harness) -> None:
    await h.say("ann", "/timezone Europe/Berlin")
    await h.say("bo", "/timezone America/New_York")
    await h.pair("ann", "bo")
    r = await h.say("ann", "/mentor cadence every week on Monday at 10:00")
    assert r.ok, render(r.message)


async def checkins_by_uid(h: Harness) -> dict[str, CheckIn]:
    async with h.app.core.unit() as uow:
        rows = list(await uow.session.scalars(select(CheckIn)))
    return {f"checkin-{c.mentorship_id}-{c.slot_at.strftime('%Y%m%dT%H%MZ')}@mentorbot": c for c in rows}


def check_against_database(events: list[vobject.base.Component], rows: dict[str, CheckIn]) -> None:
    """Every event that is a check-in on record says what the database says."""
    for event in events:
        c = rows.get(event.uid.value)
        if c is None:
            continue
        assert instant(event) == c.scheduled_at
        assert event.dtend.value.astimezone(UTC) == c.scheduled_at + timedelta(minutes=c.duration_minutes)
        cancelled = c.state in ("skipped", "cancelled")
        assert event.status.value == ("CANCELLED" if cancelled else "CONFIRMED")


async def test_feed_shows_the_next_checkins_at_local_times_across_both_dst_changes(cal: Harness) -> None:
    await weekly_pair(cal)
    ann_token, bo_token = await subscribe(cal, "ann"), await subscribe(cal, "bo")
    for token in (ann_token, bo_token):
        events = await fetch(cal, token)
        mondays = [e for e in events if e.uid.value.startswith("checkin-")]
        starts = [instant(e) for e in mondays]
        # Weekly at 10:00 Berlin: 09:00 UTC in winter, 08:00 UTC from 28 March.
        assert starts[:5] == [
            datetime(2027, 3, 1, 9, 0, tzinfo=UTC),
            datetime(2027, 3, 8, 9, 0, tzinfo=UTC),
            datetime(2027, 3, 15, 9, 0, tzinfo=UTC),
            datetime(2027, 3, 22, 9, 0, tzinfo=UTC),
            datetime(2027, 3, 29, 8, 0, tzinfo=UTC),
        ]
        for e in mondays:
            # Written in the cadence's zone, with a VTIMEZONE the reader resolves by itself.
            assert e.dtstart.params.get("X-VOBJ-ORIGINAL-TZID", e.dtstart.params.get("TZID")) == [
                "Europe/Berlin"
            ]
            assert e.dtstart.value.hour == 10 and e.dtstart.value.minute == 0
            assert e.status.value == "CONFIRMED"
            assert "mentorship-ann-bo" in e.location.value
        # Bo in New York sees 04:00 before 14 March, 05:00 in the weeks between the changes, 04:00 after.
        local = [s.astimezone(NEW_YORK).strftime("%d %H:%M") for s in starts[1:5]]
        assert local == ["08 04:00", "15 05:00", "22 05:00", "29 04:00"]
        check_against_database(events, await checkins_by_uid(cal))


async def test_reschedule_bumps_sequence_and_skip_cancels(cal: Harness) -> None:
    await weekly_pair(cal)
    token = await subscribe(cal, "bo")
    before = {e.uid.value: e for e in await fetch(cal, token)}
    first_uid = min((u for u in before if u.startswith("checkin-")), key=lambda u: instant(before[u]))
    assert int(before[first_uid].sequence.value) == 0
    r = await cal.say("ann", "/mentor reschedule 2027-03-01 15:00")
    assert r.ok, render(r.message)
    after = {e.uid.value: e for e in await fetch(cal, token)}
    moved = after[first_uid]
    assert int(moved.sequence.value) == 1
    assert instant(moved) == datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
    # Fetching again without a change keeps the version.
    again = {e.uid.value: e for e in await fetch(cal, token)}
    assert int(again[first_uid].sequence.value) == 1
    r = await cal.say("bo", "/mentor skip")
    assert r.ok, render(r.message)
    skipped = {e.uid.value: e for e in await fetch(cal, token)}
    assert skipped[first_uid].status.value == "CANCELLED"
    assert int(skipped[first_uid].sequence.value) == 2
    # The next occurrence kept its UID from when it was only projected, and is still confirmed.
    second = sorted((u for u in skipped if u.startswith("checkin-")), key=lambda u: instant(skipped[u]))[1]
    assert second in before and skipped[second].status.value == "CONFIRMED"
    assert int(skipped[second].sequence.value) == 0
    check_against_database(list(skipped.values()), await checkins_by_uid(cal))


async def test_ending_the_mentorship_removes_its_future_events(cal: Harness) -> None:
    await weekly_pair(cal)
    token = await subscribe(cal, "ann")
    assert any(e.uid.value.startswith("checkin-") for e in await fetch(cal, token))
    await cal.say("bo", "/mentor end thanks")
    events = await fetch(cal, token)
    assert [e for e in events if instant(e) > cal.clock.now()] == []


async def test_token_is_stored_hashed_reset_revokes_and_bad_input_gets_help(cal: Harness) -> None:
    await weekly_pair(cal)
    token = await subscribe(cal, "ann")
    assert len(token) >= 43
    async with cal.app.core.unit() as uow:
        rows = list(await uow.session.scalars(select(CalendarFeed)))
    assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    # Asking again cannot show the link (only its hash is kept) and does not revoke it.
    again = await cal.text("ann", "/mentor calendar")
    assert "calendar reset" in again and "calendar/" not in again
    assert await feed.render_feed(cal.app.core, token) is not None
    r = await cal.say("ann", "/mentor calendar reset")
    new = token_of(render(r.message))
    assert new != token
    assert "webcal://bot.example.org/calendar/" in render(r.message)
    assert await feed.render_feed(cal.app.core, token) is None
    assert await feed.render_feed(cal.app.core, new) is not None
    assert await feed.render_feed(cal.app.core, "x" * 500) is None
    bad = await cal.say("ann", "/mentor calendar sync")
    assert not bad.ok and "/mentor calendar reset" in render(bad.message)


async def test_without_a_public_url_the_command_says_how_to_set_it_up(h: Harness) -> None:
    r = await h.say("ann", "/mentor calendar")
    assert not r.ok and "MENTORBOT_PUBLIC_URL" in render(r.message)


async def test_announcement_carries_an_ics_of_that_occurrence(cal: Harness) -> None:
    await weekly_pair(cal)
    posts = [d for d in cal.chat.sent if "Next check-in" in d.text]
    assert posts
    files = posts[0].message.attachments
    assert [f.filename for f in files] == ["checkin.ics"] and files[0].mime == "text/calendar"
    (event,) = parse(files[0].content)
    rows = await checkins_by_uid(cal)
    assert event.uid.value in rows
    check_against_database([event], rows)
    # The feed carries the same event under the same UID and version.
    feed_events = {e.uid.value: e for e in await fetch(cal, await subscribe(cal, "bo"))}
    assert int(feed_events[event.uid.value].sequence.value) == int(event.sequence.value)


async def test_office_hours_rsvps_are_in_the_feed_and_their_announcement_has_a_file(cal: Harness) -> None:
    cal.admins.add("hana")
    await cal.say("hana", "/timezone America/New_York")
    r = await cal.say("hana", "/officehours create #help every week on Thursday at 17:00 topic Career Q&A")
    assert r.ok, render(r.message)
    await cal.advance("2d")
    announcements = [d for d in cal.chat.sent if d.message.attachments and "Career" in d.text]
    assert announcements and announcements[0].message.attachments[0].filename == "office-hours.ics"
    (announced,) = parse(announcements[0].message.attachments[0].content)
    r = await cal.say("bo", "/officehours rsvp")
    assert r.ok, render(r.message)
    events = await fetch(cal, await subscribe(cal, "bo"))
    sessions = [e for e in events if e.uid.value.startswith("officehours-")]
    assert [e.uid.value for e in sessions] == [announced.uid.value]
    assert sessions[0].dtstart.value.hour == 17
    assert sessions[0].dtstart.value.astimezone(NEW_YORK).hour == 17
    r = await cal.say("hana", "/officehours skip")
    assert r.ok, render(r.message)
    sessions = [
        e
        for e in await fetch(cal, await feed_token_reset(cal, "bo"))
        if e.uid.value.startswith("officehours-")
    ]
    assert sessions[0].status.value == "CANCELLED"


async def feed_token_reset(h: Harness, user: str) -> str:
    return token_of(render((await h.say(user, "/mentor calendar reset")).message))


def test_failure_limiter_refuses_after_ten_failures_until_the_window_passes() -> None:
    clock = SimulatedClock(START)
    limiter = feed.FailureLimiter(clock, limit=10, window=timedelta(minutes=10))
    for _ in range(9):
        limiter.failed("1.2.3.4")
        assert limiter.retry_after("1.2.3.4") is None
    limiter.failed("1.2.3.4")
    assert limiter.retry_after("1.2.3.4") == 600
    assert limiter.retry_after("5.6.7.8") is None
    clock.advance(timedelta(minutes=5))
    assert limiter.retry_after("1.2.3.4") == 300
    clock.advance(timedelta(minutes=5))
    assert limiter.retry_after("1.2.3.4") is None
