"""A stateful model test of the calendar feed: random reschedules, skips, notes, cadence changes, pauses,
ends and clock advances across March's DST changes, the feed read back with vobject after every step.

Promises checked each time: every check-in on record in the feed says what the database says (instant,
end, status); every event is written in the cadence's zone at the cadence's local time unless moved;
a UID's SEQUENCE never goes down and goes up exactly when its start, end or status changed; an ended
mentorship has no future events. Examples: `MENTORBOT_MODEL_EXAMPLES` (default 25, shared with the
schedule model) divided by five, each up to 12 steps.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import vobject
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule
from sqlalchemy import select

from bot.calendar import feed
from bot.persistence.tables import CheckIn
from tests.harness import Harness, render
from tests.model_support import EXAMPLES, ModelOnDatabase
from tests.test_calendar import START, check_against_database, instant

BERLIN = ZoneInfo("Europe/Berlin")
MOVES = ["thursday 15:00", "tomorrow 11:00", "friday 9:00", "in 3 days 18:00"]
ADVANCES = ["5h", "1d", "3d", "8d"]
CADENCES = ["weekly on monday at 10:00", "every 2 weeks on thursday at 15:00", "weekly on tuesday at 7:30"]


class Feed(ModelOnDatabase):
    prefix = "f"

    def __init__(self) -> None:
        super().__init__()
        self.token = ""
        self.ended = False
        self.ended_at: datetime | None = None
        # UID → (fingerprint, sequence) as last served.
        self.seen: dict[str, tuple[str, int]] = {}
        self.phrase = CADENCES[0]

    @initialize()
    def start(self) -> None:
        async def go() -> None:
            self.h = await Harness.create(
                await self.database_url(), start=START, public_url="https://bot.example.org"
            )
            await self.h.say("ana", "/timezone Europe/Berlin")
            await self.h.say("bo", "/timezone America/New_York")
            await self.h.pair("ana", "bo", "learn testing")
            await self.h.say("ana", f"/mentor cadence {self.phrase}")
            reply = render((await self.h.say("bo", "/mentor calendar")).message)
            match = re.search(r"/calendar/([A-Za-z0-9_\-]+)\.ics", reply)
            assert match, reply
            self.token = match[1]

        self.run(go())

    def do(self, user: str, line: str) -> None:
        self.run(self.h.say(user, line))

    @precondition(lambda self: not self.ended)
    @rule(when=st.sampled_from(MOVES), who=st.sampled_from(["ana", "bo"]))
    def reschedule(self, when: str, who: str) -> None:
        self.do(who, f"/mentor reschedule {when}")

    @precondition(lambda self: not self.ended)
    @rule(who=st.sampled_from(["ana", "bo"]))
    def skip(self, who: str) -> None:
        self.do(who, "/mentor skip")

    @precondition(lambda self: not self.ended)
    @rule(phrase=st.sampled_from(CADENCES))
    def cadence(self, phrase: str) -> None:
        self.phrase = phrase
        self.do("ana", f"/mentor cadence {phrase}")

    @precondition(lambda self: not self.ended)
    @rule()
    def notes(self) -> None:
        self.do("ana", "/checkin notes we talked")

    @precondition(lambda self: not self.ended)
    @rule(resume=st.booleans())
    def pause(self, resume: bool) -> None:
        self.do("bo", "/mentor pause")
        if resume:
            self.do("bo", "/mentor resume")

    @precondition(lambda self: not self.ended)
    @rule()
    def end(self) -> None:
        self.do("ana", "/mentor end thanks")
        self.ended = True
        self.ended_at = self.h.clock.now()

    @rule(amount=st.sampled_from(ADVANCES))
    def advance(self, amount: str) -> None:
        self.run(self.h.advance(amount))

    @invariant()
    def feed_matches_the_database(self) -> None:
        async def go() -> None:
            data = await feed.render_feed(self.h.app.core, self.token)
            assert data is not None
            events = list(getattr(vobject.readOne(data.decode()), "vevent_list", []))
            async with self.h.app.core.unit() as uow:
                rows = list(await uow.session.scalars(select(CheckIn)))
            by_uid = {
                f"checkin-{c.mentorship_id}-{c.slot_at.strftime('%Y%m%dT%H%MZ')}@mentorbot": c for c in rows
            }
            check_against_database(events, by_uid)
            for e in events:
                uid, sequence = e.uid.value, int(e.sequence.value)
                start = instant(e)
                assert e.dtstart.params.get("X-VOBJ-ORIGINAL-TZID") == ["Europe/Berlin"]
                c = by_uid.get(uid)
                if c is None or c.scheduled_at == c.slot_at:
                    # On the cadence: its local time in Berlin is the slot's (DST or not).
                    assert e.dtstart.value.astimezone(BERLIN).hour == start.astimezone(BERLIN).hour
                end = e.dtend.value.astimezone(UTC)
                fingerprint = f"{start.isoformat()}|{end.isoformat()}|{e.status.value}"
                if uid in self.seen:
                    old_fingerprint, old_sequence = self.seen[uid]
                    assert sequence >= old_sequence
                    assert (sequence > old_sequence) == (fingerprint != old_fingerprint)
                self.seen[uid] = (fingerprint, sequence)
                if self.ended_at is not None:
                    # The end of the mentorship removed every event from then on.
                    assert start < self.ended_at

        self.run(go())


Feed.TestCase.settings = settings(
    max_examples=max(1, EXAMPLES // 5),
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestFeed = Feed.TestCase
