"""Abuse (issue 13): per-person rate limits on what people add, decided by the injected clock and
answered kindly; text that shows nothing (only zero-width, direction or blank characters) is refused
everywhere it would be stored. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.officehours.tables import OfficeHoursQuestion
from bot.persistence.tables import ActionItem, AgendaItem, StatusUpdate
from bot.services import ratelimit
from bot.validation import shows_something
from tests.harness import Harness, render

INVISIBLE = [
    "\u200b\u200b\u200b",  # zero-width spaces
    "\u202e\u202d\u2066\u2069",  # bidi overrides and isolates
    "\u200d\u200c\ufeff \u2060",  # joiners, BOM, word joiner, a space
    "\u3164\u2800\u115f",  # Hangul filler, braille blank, Hangul choseong filler
    "\u0301\u0308",  # combining marks with nothing to combine with
    "\u00ad\u180e",  # soft hyphen, Mongolian vowel separator
]


async def active_pair(h: Harness) -> None:
    await h.pair("ann", "bo")
    assert (await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")).ok


async def count(h: Harness, column) -> int:
    async with h.app.core.sessions() as s:
        return int(await s.scalar(select(func.count(column))) or 0)


def test_what_shows_something() -> None:
    for text in INVISIBLE:
        assert not shows_something(text), repr(text)
    for text in ("ok", "\u200b!", "\u202eabc", "é", "名前", "🙂", "1"):
        assert shows_something(text), repr(text)


@pytest.mark.parametrize("blank", INVISIBLE)
@pytest.mark.parametrize(
    "template",
    [
        "/checkin {}",
        "/agenda add {}",
        "/actions add {}",
        "/mentor end {}",
        "/mentor reflect {}",
        "/checkin notes {}",
    ],
)
async def test_text_that_shows_nothing_is_refused(h: Harness, template: str, blank: str) -> None:
    await active_pair(h)
    reply = await h.say("bo", template.format(blank))
    assert not reply.ok
    text = render(reply.message)
    assert "can't reach" not in text and "bug" not in text
    assert await count(h, StatusUpdate.id) == 0
    assert await count(h, AgendaItem.id) == 0
    assert await count(h, ActionItem.id) == 0


async def test_invisible_thread_replies_and_questions_are_refused(h: Harness) -> None:
    await active_pair(h)
    announce = h.chat.with_text("Next check-in")[0]
    actor = h.actor("bo", channel_id=announce.to.channel_id, thread_id=announce.thread_id)  # type: ignore[union-attr]
    answer = await h.app.router.thread_message(actor, "\u200b\u202e", "evt-blank")
    assert answer is not None and not answer.ok and "invisible" in render(answer.message)
    assert await count(h, StatusUpdate.id) == 0
    h.admins.add("hana")
    assert (await h.say("hana", "/officehours create #help weekly on friday at 17:00 topic Q&A")).ok
    for blank in INVISIBLE:
        asked = await h.say("bo", f"/officehours ask {blank}")
        assert not asked.ok, repr(blank)
    topic = await h.say("hana", "/officehours edit 1 topic \u200b\u200b")
    assert not topic.ok and "invisible" in render(topic.message)
    assert await count(h, OfficeHoursQuestion.id) == 0


async def test_a_flood_of_thread_updates_is_limited_per_person_and_the_clock_lifts_it(h: Harness) -> None:
    await active_pair(h)
    announce = h.chat.with_text("Next check-in")[0]
    bo = h.actor("bo", channel_id=announce.to.channel_id, thread_id=announce.thread_id)  # type: ignore[union-attr]
    ann = h.actor("ann", channel_id=announce.to.channel_id, thread_id=announce.thread_id)  # type: ignore[union-attr]
    hourly = ratelimit.UPDATES[0].count
    answers = [await h.app.router.thread_message(bo, f"update {i}", f"evt-{i}") for i in range(hourly + 30)]
    refused = [a for a in answers if a is not None and not a.ok]
    assert len(refused) == 30
    assert "20 status updates per 1 hour" in render(refused[0].message)
    assert "try again in 60 minutes" in render(refused[0].message) or "1 hour" in render(refused[0].message)
    assert await count(h, StatusUpdate.id) == hourly
    # The limit is per person: the other one still posts.
    other = await h.app.router.thread_message(ann, "my own update", "evt-ann")
    assert other is not None and other.ok
    # Slash commands count against the same limit.
    slash = await h.say("bo", "/checkin one more")
    assert not slash.ok and "status updates" in render(slash.message)
    # The injected clock decides: an hour later there is room again.
    await h.advance("1h")
    later = await h.app.router.thread_message(bo, "after the break", "evt-late")
    assert later is not None and later.ok, render(later.message)
    assert await count(h, StatusUpdate.id) == hourly + 2


async def test_office_hours_questions_are_limited_per_person(h: Harness) -> None:
    h.admins.add("hana")
    assert (await h.say("hana", "/officehours create #help weekly on friday at 17:00 topic Q&A")).ok
    hourly = ratelimit.OFFICE_HOURS_QUESTIONS[0].count
    results = [
        await h.say("bo", f"/officehours ask question number {i}?", flush=False) for i in range(hourly + 5)
    ]
    assert [r.ok for r in results] == [True] * hourly + [False] * 5
    assert "office-hours questions" in render(results[-1].message)
    assert (await h.say("cy", "/officehours ask mine?")).ok
    assert await count(h, OfficeHoursQuestion.id) == hourly + 1


async def test_action_items_and_agenda_questions_are_limited_per_person(h: Harness) -> None:
    await active_pair(h)
    agenda = [await h.say("bo", f"/agenda add q{i}", flush=False) for i in range(22)]
    assert [r.ok for r in agenda].count(True) == 20  # the agenda's own cap (20 a check-in) comes first
    limit = ratelimit.ACTION_ITEMS[0].count
    for i in range(limit):
        assert (await h.say("ann", f"/actions add item {i}", flush=False)).ok
        assert (await h.say("ann", f"/actions done {i + 1}", flush=False)).ok
    over = await h.say("ann", "/actions add one too many")
    assert not over.ok and "action items per 1 hour" in render(over.message)
