"""Every id in a button or form resolves to exactly that object, checked against the actor and the
workspace (issue 13): never to "the other person's newest mentorship", never across tenants."""

from __future__ import annotations

from sqlalchemy import select

from bot.persistence.tables import CheckIn, Mentorship, StatusUpdate
from tests.harness import Harness, render


async def two_way(h: Harness) -> None:
    """ann mentors bo (#1, with weekly check-ins) and bo mentors ann (#2)."""
    await h.pair("ann", "bo")
    assert (await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")).ok
    r1 = await h.say("bo", "/mentor pair @ann public speaking")
    assert r1.ok, render(r1.message)
    r2 = await h.say("ann", "/mentor accept @bo")
    assert r2.ok, render(r2.message)
    async with h.app.core.sessions() as s:
        rows = list(await s.scalars(select(Mentorship).order_by(Mentorship.id)))
    assert [(m.id, m.state) for m in rows] == [(1, "active"), (2, "active")]


async def states(h: Harness) -> dict[int, str]:
    async with h.app.core.sessions() as s:
        return {m.id: m.state for m in await s.scalars(select(Mentorship))}


async def test_a_form_ends_exactly_the_mentorship_it_names(h: Harness) -> None:
    await two_way(h)
    ended = await h.app.router.form(h.actor("ann"), "mentorship:end:1", {"text": "we did it"})
    assert ended.ok, render(ended.message)
    assert await states(h) == {1: "concluded", 2: "active"}
    # The other direction, by its own id, from the other person.
    ended = await h.app.router.form(h.actor("ann"), "mentorship:end:2", {"text": "thanks"})
    assert ended.ok, render(ended.message)
    assert await states(h) == {1: "concluded", 2: "concluded"}


async def test_buttons_pause_and_update_exactly_the_mentorship_they_name(h: Harness) -> None:
    await two_way(h)
    paused = await h.press("bo", "mentorship:pause:2")
    assert paused.ok, render(paused.message)
    assert await states(h) == {1: "active", 2: "paused"}
    update = await h.app.router.form(
        h.actor("bo"), "checkin:update:1", {"progress": "read the book", "blockers": "", "next": ""}
    )
    assert update.ok, render(update.message)
    async with h.app.core.sessions() as s:
        rows = (await s.execute(select(CheckIn.mentorship_id, StatusUpdate.text).join(CheckIn))).all()
    assert [tuple(r) for r in rows] == [(1, "Progress: read the book")]


async def test_mentioning_a_person_who_is_in_two_mentorships_with_you_asks_instead_of_guessing(
    h: Harness,
) -> None:
    await two_way(h)
    for line in ("/mentor end @bo", "/mentor pause @bo", "/checkin @bo"):
        reply = await h.say("ann", line)
        assert not reply.ok and "#1: you mentor bo; #2: bo mentors you" in render(reply.message), line
    assert await states(h) == {1: "active", 2: "active"}


async def test_an_id_names_nothing_for_a_third_person_or_another_workspace(h: Harness) -> None:
    await two_way(h)
    for control in (
        "mentorship:end:1",
        "mentorship:reflect:2",
        "checkin:update:1",
        "agenda:add:2",
        "actions:add:1",
    ):
        by_stranger = await h.app.router.form(h.actor("cy"), control, {"text": "x", "progress": "x"})
        assert not by_stranger.ok and "Only the two people" in render(by_stranger.message), control
        elsewhere = await h.app.router.form(h.actor("ann", workspace="W2"), control, {"text": "x"})
        assert not elsewhere.ok and "couldn't find" in render(elsewhere.message), control
    for control in ("mentorship:pause:1", "mentorship:keep:2", "checkin:missed:1", "actions:add:2"):
        pressed = await h.press("cy", control)
        assert not pressed.ok, control
    assert await states(h) == {1: "active", 2: "active"}


async def test_an_admin_acts_on_exactly_the_named_mentorship(h: Harness) -> None:
    await two_way(h)
    h.admins.add("root")
    ended = await h.app.router.form(h.actor("root"), "mentorship:end:2", {"text": "closing this one"})
    assert ended.ok, render(ended.message)
    assert await states(h) == {1: "active", 2: "concluded"}


async def test_a_button_for_a_mentorship_in_another_state_is_stale(h: Harness) -> None:
    await two_way(h)
    again = await h.press("ann", "mentorship:accept:1")  # already active
    assert not again.ok and "out of date" in render(again.message)
    assert await states(h) == {1: "active", 2: "active"}


async def test_check_in_buttons_act_only_on_the_check_in_they_name(h: Harness) -> None:
    await h.pair("ann", "bo")
    assert (await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")).ok
    await h.advance("2d")  # check-in #1 (Tue 1 Dec) has happened; #2 is the next one
    old = await h.press("bo", "checkin:skip:1")
    assert not old.ok and "out of date" in render(old.message)
    await h.advance("7d")  # now #2 has happened too
    stale_notes = await h.app.router.form(h.actor("bo"), "checkin:notes:1", {"text": "late notes"})
    assert not stale_notes.ok and "out of date" in render(stale_notes.message)
    stale_missed = await h.press("bo", "checkin:missed:1")
    assert not stale_missed.ok and "out of date" in render(stale_missed.message)
    current = await h.app.router.form(h.actor("bo"), "checkin:notes:2", {"text": "we met"})
    assert current.ok, render(current.message)
