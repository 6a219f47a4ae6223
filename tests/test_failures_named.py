"""Every failure named right (issue 13): input the database cannot store is the person's to fix and
says what to change; dates and numbers at the ends of their ranges are refused with the range; nothing
here may answer "try again" (an outage) or "a bug on my side". Run on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot import wording
from bot.persistence.tables import Member, StatusUpdate
from tests.harness import Harness, render

OUTAGE = "can't reach my database"
BUG = "bug on my side"


def assert_users_to_fix(reply_text: str, *fragments: str) -> None:
    assert OUTAGE not in reply_text and BUG not in reply_text, reply_text
    assert "went wrong" not in reply_text, reply_text
    for fragment in fragments:
        assert fragment in reply_text, (fragment, reply_text)


async def active_pair(h: Harness) -> None:
    await h.pair("ann", "bo")
    assert (await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")).ok


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/checkin shipped it\x00 today", "NUL"),
        ("/agenda add what about\x00 this", "NUL"),
        ("/actions add write\x00 it up", "NUL"),
        ("/mentor end thanks\x00", "NUL"),
        ("/checkin half a surrogate \ud800 here", "control character"),
        ("/checkin " + "x" * 200_000, "at most 100,000 characters"),
        ("/checkin " + "y" * 4001, "at most 4,000 characters"),
        ("/checkin <@" + "U" * 100 + "> hello", "longer than any real one"),
        ("/mentor next @" + "a" * 80, "longer than any real one"),
        ("/mentor pause until 9999-12-31", "too far away"),
        ("/mentor vacation until 9999-12-31", "too far away"),
        ("/actions add tidy the backlog due 9999-12-31", "too far away"),
        ("/actions add tidy the backlog due 0001-01-01", "too far away"),
        ("/timezone " + "Europe/" + "x" * 293, "isn't a time zone name"),
        ("/timezone Europe/\x00Berlin", "NUL"),
        ("/mentor reschedule 9999-12-31 10:00", "too far away"),
        ("/mentor reminders 99999999999w", "reminder"),
    ],
)
async def test_input_the_database_cannot_store_is_the_persons_to_fix(
    h: Harness, line: str, says: str
) -> None:
    await active_pair(h)
    reply = await h.say("bo", line)
    assert not reply.ok, line
    assert_users_to_fix(render(reply.message), says)
    # Nothing was stored, and the bot keeps working for the same person.
    async with h.app.core.sessions() as s:
        assert await s.scalar(select(func.count(StatusUpdate.id))) == 0
    assert (await h.say("bo", "/checkin shipped it")).ok


@pytest.mark.parametrize(
    "line",
    [
        "/mentor reschedule 9999-12-31 10:00",
        "/mentor reschedule 9999-12-31 23:59",
        "/mentor cadence on 9999-12-31 at 10:00",
        "/mentor cadence on 9999-12-31 at 23:30 for 60 min",
    ],
)
async def test_one_off_times_at_the_end_of_the_calendar_are_refused(h: Harness, line: str) -> None:
    await h.pair("ann", "bo")
    assert (await h.say("ann", "/mentor cadence on 2026-12-03 at 15:00")).ok
    reply = await h.say("ann", line)
    assert not reply.ok, line
    assert_users_to_fix(render(reply.message))
    assert (await h.say("ann", "/mentor next")).ok


async def test_a_pair_target_at_the_end_of_the_calendar_is_refused_with_the_range(h: Harness) -> None:
    reply = await h.say("ann", "/mentor pair @bo ship it by 9999-12-31")
    assert not reply.ok
    assert_users_to_fix(render(reply.message), "too far away")


@pytest.mark.parametrize(
    "control_id",
    [
        "mentorship:end:99999999999999999999999",
        "mentorship:end:9223372036854775808",
        "actions:done:18446744073709551616",
        "checkin:notes:²",
        "oh:rsvp:99999999999999999999",
        "match:accept:1" + "0" * 40,
        "actions:done:-1",
        "actions:done:",
        "a" * 5000,
    ],
)
async def test_button_and_form_ids_beyond_64_bits_are_stale_buttons_not_outages(
    h: Harness, control_id: str
) -> None:
    await active_pair(h)
    pressed = await h.press("bo", control_id)
    assert not pressed.ok
    assert_users_to_fix(render(pressed.message), "out of date")
    submitted = await h.app.router.form(h.actor("bo"), control_id, {"text": "bye"})
    assert not submitted.ok
    assert_users_to_fix(render(submitted.message), "out of date")


async def test_the_largest_valid_id_is_simply_not_found(h: Harness) -> None:
    await active_pair(h)
    pressed = await h.press("bo", "mentorship:end:9223372036854775807")
    assert not pressed.ok
    assert_users_to_fix(render(pressed.message), "couldn't find that mentorship")


async def test_form_values_with_nul_bytes_are_refused_and_nothing_is_stored(h: Harness) -> None:
    await active_pair(h)
    reply = await h.app.router.form(
        h.actor("bo"), "checkin:update:1", {"progress": "done\x00", "blockers": "", "next": ""}
    )
    assert not reply.ok
    assert_users_to_fix(render(reply.message), "NUL")


async def test_a_platform_identity_that_cannot_be_stored_is_refused_or_cleaned(h: Harness) -> None:
    from dataclasses import replace

    long_user = replace(h.actor("bo"), user_id="U" * 65)
    reply = await h.app.router.command(long_user, "checkin", "")
    assert not reply.ok and OUTAGE not in render(reply.message)
    # A display name with a NUL byte is cleaned, not refused: it is the platform's, not the person's.
    named = replace(h.actor("zed"), display_name="Zed\x00 Zero")
    assert (await h.app.router.command(named, "timezone", "")).ok
    async with h.app.core.sessions() as s:
        assert await s.scalar(select(Member.display_name).where(Member.external_id == "zed")) == "Zed Zero"


async def test_the_safety_net_names_an_unstorable_value_as_input_not_outage(h: Harness) -> None:
    """Whatever slips past validation and is refused by the database is still the person's to fix."""
    from bot.interactions.failures import Failure, classify
    from bot.messages import reply as make_reply

    async def store_too_long(uow):  # an id longer than its column, bypassing the grammar
        uow.session.add(
            Member(
                workspace_id=1, external_id="x" * 300, display_name="x", is_admin=False, created_at=uow.now
            )
        )
        await uow.session.flush()
        return make_reply("stored")

    await h.say("ann", "/timezone")
    answer = await h.app.router._guard(store_too_long)
    text = render(answer.message)
    if h.app.engine.dialect.name == "postgresql":
        assert not answer.ok and text == wording.input_unstorable()
    else:  # SQLite stores any length: nothing to refuse
        assert answer.ok
    assert classify(OverflowError("Python int too large")) is Failure.BUG  # not bound by a driver


async def test_a_bug_is_answered_honestly_with_a_reference_and_logged(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(uow):
        raise KeyError("missing")

    answer = await h.app.router._guard(broken)
    text = render(answer.message)
    assert not answer.ok and BUG in text and OUTAGE not in text
    ref = text.split("reference `")[1].split("`")[0]
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)


# Input at the edges of every area's grammar and forms: none of it may be answered as an outage or a bug.
EDGE_LINES = [
    "/officehours create #help on 9999-12-31 at 10:00 topic X",
    "/officehours edit 1 cadence on 9999-12-31 at 23:30",
    "/officehours edit 1 remind 99999999999999999999m",
    "/officehours edit 1 join \u200b",
    "/officehours recap 1 \u200b",
    "/officehours ask 99999999999999999999 a question",
    "/officehours next 99999999999999999999",
    "/officehours upvote 999999999999",
    "/mentor requests wait 99999999999999999999",
    "/mentor requests wait ²",
    "/mentor requests channel <#" + "C" * 80 + "|x>",
    "/mentor requests accept 99999999999999999999",
    "/mentor claim 99999999999",
    "/mentor profile @" + "x" * 70,
    "/actions done 999999999999",
    "/actions add x due in 99999 years",
    "/mentor cadence every 99999999 weeks on tuesday at 10",
    "/mentor cadence every day at 10 for 99999999 min",
    "/mentor reschedule in 9999 days",
    "/mentor reminders 99999999999999999999m",
    "/timezone hours 9-99999999999999",
    "/timezone ../../../../etc/passwd",
    "/timezone \ud800",
]
EDGE_FORMS = [
    ("match:profile:0", {"tags": "rust", "focus": "career", "capacity": "²", "cadence": "", "note": ""}),
    ("match:profile:0", {"tags": "rust", "focus": "career", "capacity": "9" * 30, "cadence": "", "note": ""}),
    (
        "match:profile:0",
        {"tags": "rust", "focus": "career", "capacity": "2", "cadence": "on 9999-12-31 at 10:00"},
    ),
    ("match:profile:0", {"tags": "rust", "focus": "career", "capacity": "2", "timezone": "x" * 300}),
    ("match:new:0", {"goal": "Lead the design of our payments API migration", "by": "9999-12-31"}),
    (
        "match:new:0",
        {"goal": "Lead the design of our payments API migration", "cadence": "on 9999-12-31 at 10:00"},
    ),
    ("oh:recap:1", {"text": "\u200b"}),
    ("oh:ask:99999999999", {"text": "hi"}),
    ("actions:add:1", {"text": "x", "due": "9999-12-31", "owner": ""}),
    ("actions:add:1", {"text": "x", "due": "", "owner": "<@" + "U" * 90 + ">"}),
]


async def test_edge_input_in_every_area_is_never_an_outage_or_a_bug(h: Harness) -> None:
    h.admins.add("ann")
    await h.pair("ann", "bo")
    assert (await h.say("ann", "/mentor cadence on 2026-12-03 at 15:00")).ok
    assert (await h.say("ann", "/officehours create #help every week on friday at 17:00 topic Q")).ok
    for line in EDGE_LINES:
        reply = await h.say("ann", line)
        assert_users_to_fix(render(reply.message))
    for form_id, values in EDGE_FORMS:
        reply = await h.app.router.form(h.actor("ann"), form_id, values)
        assert not reply.ok, form_id
        assert_users_to_fix(render(reply.message))
    await h.advance("30d")  # and nothing planned from them breaks delivery
    assert (await h.say("ann", "/mentor next")).ok
