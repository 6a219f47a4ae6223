"""Matching: each bad input with its reply, who may do what, tenancy, and claims that race."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.clock import SimulatedClock
from bot.matching.tables import MentorRequest, RequestClaim
from bot.persistence.tables import Mentorship
from tests.conftest import on_postgres
from tests.fakes import FakeChat
from tests.harness import START, Harness, render
from tests.test_matching_flow import GOAL, member_id, profile, submit


async def reply_text(h: Harness, user: str, line: str) -> tuple[bool, str]:
    r = await h.say(user, line)
    return r.ok, render(r.message)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"tags": "", "capacity": "2"}, "at least one area"),
        ({"tags": ",".join(f"t{i}" for i in range(13)), "capacity": "2"}, "Up to 12 tags"),
        ({"tags": "rust", "capacity": "lots"}, "a number from 1 to 10"),
        ({"tags": "rust", "capacity": "0"}, "a number from 1 to 10"),
        ({"tags": "rust", "capacity": "11"}, "a number from 1 to 10"),
        ({"tags": "rust", "capacity": "2", "focus": "astrology"}, "isn't a focus I know"),
        ({"tags": "rust", "capacity": "2", "cadence": "whenever"}, "whenever"),
        ({"tags": "rust", "capacity": "2", "timezone": "Qwzxv"}, "Qwzxv"),
        ({"tags": "rust", "capacity": "2", "note": "x" * 501}, "at most 500"),
    ],
)
async def test_bad_profile_input_gets_a_friendly_reply(
    h: Harness, values: dict[str, str], expected: str
) -> None:
    r = await h.app.router.form(h.actor("ann"), "match:profile:0", values)
    assert not r.ok and expected in render(r.message), render(r.message)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"goal": ""}, "The goal is the one thing a request needs"),
        ({"goal": "rust"}, "“rust” is a start! Mentors say yes more often to a specific goal"),
        ({"goal": "get better"}, "e.g. “Get comfortable reviewing Rust PRs"),
        ({"goal": GOAL, "by": "someday"}, "someday"),
        ({"goal": GOAL, "by": "2020-01-01"}, "has already passed"),
        ({"goal": GOAL, "cadence": "when the moon is full"}, "moon"),
        ({"goal": GOAL, "constraints": "x" * 1001}, "at most 1,000"),
    ],
)
async def test_bad_intake_gets_a_friendly_reply(h: Harness, values: dict[str, str], expected: str) -> None:
    await profile(h, "ann", "rust")
    r = await submit(h, "bo", await member_id(h, "ann"), **values)
    assert not r.ok and expected in render(r.message), render(r.message)
    assert await h.app.dispatcher.next_due_at() is None  # nothing was planned


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/mentor available maybe", "`/mentor available on` or `/mentor available off` (not “maybe”)"),
        ("/mentor available on", "You don't have a mentor profile yet"),
        ("/mentor profile frobnicate", "isn't something I know"),
        ("/mentor profile @nobody", "has no mentor profile"),
        ("/mentor request @ann @cy", "Ask one mentor at a time"),
        ("/mentor request @bo", "can't ask yourself"),
        ("/mentor request @cy", "cy hasn't set up a mentor profile"),
        ("/mentor request @ann rust", "is a start!"),
        ("/mentor requests accept", "I need the request's number"),
        ("/mentor requests accept 99", "couldn't find request #99"),
        ("/mentor requests frob", "isn't something I know"),
        ("/mentor requests channel general", "I need a channel"),
        ("/mentor requests wait 2h", "whole days from 1 to 30"),
        ("/mentor claim x", "I need the request's number"),
    ],
)
async def test_bad_commands_get_a_friendly_reply(h: Harness, line: str, expected: str) -> None:
    await profile(h, "ann", "rust")
    ok, text = await reply_text(h, "bo", line)
    assert not ok and expected in text, text


async def test_quick_request_with_goal_and_date_inline(h: Harness) -> None:
    await profile(h, "ann", "rust")
    ok, text = await reply_text(h, "bo", f"/mentor request @ann {GOAL} by 2027-03-31")
    assert ok and "Request #1 sent to @ann" in text and "By: Wed 31 Mar 2027" in text
    ok, text = await reply_text(h, "bo", f"/mentor request @ann {GOAL}")
    assert not ok and "already paired with ann or waiting" in text


async def test_only_the_mentor_answers_and_only_the_mentee_withdraws(h: Harness) -> None:
    await profile(h, "ann", "rust")
    await submit(h, "bo", await member_id(h, "ann"), goal=GOAL)
    for user, action in (("cy", "match:accept:1"), ("bo", "match:accept:1"), ("cy", "match:decline:1")):
        r = await h.press(user, action)
        assert not r.ok and "Only the mentee, the mentor" in render(r.message), (user, action)
    ok, text = await reply_text(h, "ann", "/mentor requests withdraw 1")
    assert not ok and "Only the mentee" in text
    ok, text = await reply_text(h, "bo", "/mentor requests withdraw 1")
    assert ok and "Withdrawn" in text
    assert "bo withdrew request #1" in h.chat.dms("ann")[-1].text.replace("@", "")
    ok, text = await reply_text(h, "ann", "/mentor requests accept 1")
    assert not ok and "already withdrawn" in text


async def test_admin_only_settings_and_hand_pairing(h: Harness) -> None:
    await profile(h, "ann", "rust")
    await profile(h, "dee", "rust")
    for line in (
        "/mentor requests all",
        "/mentor requests channel #x",
        "/mentor requests wait 3d",
        "/mentor requests assign 1 @dee",
    ):
        ok, text = await reply_text(h, "cy", line)
        assert not ok and "for workspace admins" in text, line
    h.admins.add("mo")
    ok, text = await reply_text(h, "mo", "/mentor requests wait 3d")
    assert ok and "3 days to answer" in text
    sent = await submit(h, "bo", await member_id(h, "ann"), goal=GOAL)
    assert "within 3 days" in render(sent.message)
    ok, text = await reply_text(h, "mo", "/mentor requests assign 1 @dee")
    assert ok, text
    assert "passed your request #1 to @dee" in h.chat.dms("bo")[-1].text
    assert "match:accept:1" in h.chat.dms("dee")[-1].text
    stale = await h.press("ann", "match:accept:1")
    assert not stale.ok
    r = await h.press("dee", "match:accept:1")
    assert r.ok, render(r.message)
    ok, text = await reply_text(h, "mo", "/mentor requests all")
    assert ok and "#1 @bo → @dee" in text and "accepted" in text


async def test_another_workspace_sees_no_request(h: Harness) -> None:
    await profile(h, "ann", "rust")
    await submit(h, "bo", await member_id(h, "ann"), goal=GOAL)
    r = await h.app.router.action(h.actor("ann", workspace="W2"), "match:accept:1")
    assert not r.ok and "couldn't find request #1" in render(r.message)
    r = await h.app.router.action(h.actor("bo", workspace="W2"), f"match:request:{await member_id(h, 'ann')}")
    assert not r.ok
    listing = await h.say("ann", "/mentor requests", workspace="W2")
    assert GOAL not in render(listing.message)
    found = await h.say("bo", "/mentor find rust", workspace="W2")
    assert "@ann" not in render(found.message)


async def test_the_mentor_can_not_claim_when_full_and_the_mentee_can_not_claim_their_own(h: Harness) -> None:
    h.admins.add("mo")
    await h.say("mo", "/mentor requests channel #reqs")
    await profile(h, "ann", "rust", capacity=1)
    await profile(h, "bo", "go")
    await h.pair("ann", "cy")
    await submit(h, "bo", 0, goal=GOAL)
    own = await h.press("bo", "match:claim:1")
    assert not own.ok and "can't ask yourself" in render(own.message)
    full = await h.press("ann", "match:claim:1")
    assert not full.ok and "You're full" in render(full.message)
    no_profile = await h.press("eve", "match:claim:1")
    assert not no_profile.ok and "mentor profile" in render(no_profile.message)


async def test_open_request_expires_with_a_reminder_in_the_channel(h: Harness) -> None:
    h.admins.add("mo")
    await h.say("mo", "/mentor requests channel #reqs")
    await submit(h, "bo", 0, goal=GOAL)
    await h.advance("5d")
    assert len([d for d in h.chat.to("channel:reqs") if "Still open" in d.text]) == 1
    await h.advance("2d")
    assert "No mentor claimed your request #1 in time" in h.chat.dms("bo")[-1].text


async def test_sequential_claims_give_one_winner_on_any_database(h: Harness) -> None:
    h.admins.add("mo")
    await h.say("mo", "/mentor requests channel #reqs")
    await profile(h, "ann", "rust")
    await profile(h, "dee", "rust")
    await submit(h, "bo", 0, goal=GOAL)
    first, second = await h.press("ann", "match:claim:1"), await h.press("dee", "match:claim:1")
    assert first.ok and not second.ok and "ann claimed this request" in render(second.message)


async def test_two_mentors_claiming_at_once_on_postgres_get_one_winner(h: Harness, database_url: str) -> None:
    """Two bot processes (two engines) handle two Claim presses at the same moment."""
    if not on_postgres():
        pytest.skip(
            "SQLite has one writer; the racing case is PostgreSQL's (sequential claims are tested above)"
        )
    h.admins.add("mo")
    await h.say("mo", "/mentor requests channel #reqs")
    mentors = [f"m{i}" for i in range(6)]
    for name in mentors:
        await profile(h, name, "rust")
    for n in range(3):
        await submit(h, f"mentee{n}", 0, goal=GOAL)
    clock = SimulatedClock(START)
    apps = [
        await build_app(database_url, {"console": FakeChat(clock)}, clock, migrate=False) for _ in range(2)
    ]
    try:
        for request_id in (1, 2, 3):
            a, b = mentors[(request_id - 1) * 2], mentors[(request_id - 1) * 2 + 1]
            results = await asyncio.gather(
                apps[0].router.action(h.actor(a), f"match:claim:{request_id}"),
                apps[1].router.action(h.actor(b), f"match:claim:{request_id}"),
            )
            assert sorted(r.ok for r in results) == [False, True], [render(r.message) for r in results]
            loser = next(r for r in results if not r.ok)
            assert "claimed this request a moment before you" in render(loser.message)
    finally:
        for app in apps:
            await app.close()
    async with h.app.core.sessions() as s:
        reqs = (await s.scalars(select(MentorRequest))).all()
        claims = (await s.scalars(select(RequestClaim))).all()
        ms = (await s.scalars(select(Mentorship))).all()
    assert [r.state for r in reqs] == ["claimed"] * 3 and len(claims) == 3 and len(ms) == 3


async def test_a_mentor_who_cannot_be_reached_does_not_leave_the_mentee_waiting(h: Harness) -> None:
    from bot.ports import DeliveryError

    await profile(h, "ann", "rust")
    await profile(h, "dee", "rust")
    h.chat.failures.append(DeliveryError("cannot DM this user", permanent=True))
    sent = await submit(h, "bo", await member_id(h, "ann"), goal=GOAL)
    assert sent.ok
    told = h.chat.dms("bo")
    assert len(told) == 1 and "couldn't reach @ann" in told[0].text and "@dee" in told[0].text
    async with h.app.core.sessions() as s:
        (req,) = (await s.scalars(select(MentorRequest))).all()
    assert req.state == "expired"
    await h.advance("8d")
    assert len(h.chat.dms("bo")) == 1 and h.chat.dms("ann") == []  # no reminder, no second expiry


async def test_an_expiry_whose_send_failed_is_retried_not_lost(h: Harness) -> None:
    from bot.ports import DeliveryError

    await profile(h, "ann", "rust")
    await submit(h, "bo", await member_id(h, "ann"), goal=GOAL)
    await h.advance("5d")
    h.chat.failures.append(DeliveryError("rate limited", retry_after=60))
    await h.advance("2d")
    await h.advance("5m")
    expired = [d for d in h.chat.dms("bo") if "No answer yet" in d.text]
    assert len(expired) == 1


async def test_a_mentee_with_three_mentors_is_told_before_asking(h: Harness) -> None:
    await profile(h, "ann", "rust")
    for mentor in ("m1", "m2", "m3"):
        await h.pair(mentor, "bo")
    ok, text = await reply_text(h, "bo", f"/mentor request @ann {GOAL}")
    assert not ok and "already has 3 mentors" in text


async def test_accepting_beyond_capacity_is_refused_and_lowering_capacity_shows_full(h: Harness) -> None:
    await profile(h, "ann", "rust", capacity=1)
    ann = await member_id(h, "ann")
    await submit(h, "bo", ann, goal=GOAL)
    await submit(h, "cy", ann, goal=GOAL)
    first = await h.press("ann", "match:accept:1")
    assert first.ok and "last free slot" in render(first.message)
    second = await h.press("ann", "match:accept:2")
    assert not second.ok and "You're full — your capacity is 1" in render(second.message)
    declined = await h.say("ann", "/mentor requests decline 2 Full for now")
    assert declined.ok
    await profile(h, "ann", "rust", capacity=3)
    assert "2 of 3 free" in await h.text("ann", "/mentor profile show")
    await profile(h, "ann", "rust", capacity=1)
    assert "Capacity: full" in await h.text("ann", "/mentor profile show")
