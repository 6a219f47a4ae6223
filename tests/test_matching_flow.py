"""Finding a mentor through the core, on a simulated clock: profiles, suggestions, the request lifecycle."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.domain.states import OutboxStatus
from bot.matching.tables import MentorProfile, MentorRequest
from bot.messages import Reply
from bot.persistence.tables import CheckIn, Mentorship, OutboxRow
from tests.harness import Harness, render

GOAL = "Lead the design of our payments API migration"


async def profile(h: Harness, user: str, tags: str, capacity: int = 2, **extra: str) -> Reply:
    values = {"tags": tags, "capacity": str(capacity), **extra}
    reply = await h.app.router.form(h.actor(user), "match:profile:0", values)
    await h.pump.flush()
    assert reply.ok, render(reply.message)
    return reply


async def submit(h: Harness, user: str, mentor_member_id: int, **values: str) -> Reply:
    reply = await h.app.router.form(h.actor(user), f"match:new:{mentor_member_id}", values)
    await h.pump.flush()
    return reply


async def member_id(h: Harness, user: str) -> int:
    from bot.persistence.tables import Member

    async with h.app.core.sessions() as s:
        return int((await s.scalars(select(Member.id).where(Member.external_id == user))).one())


async def requests(h: Harness) -> list[MentorRequest]:
    async with h.app.core.sessions() as s:
        return list((await s.scalars(select(MentorRequest).order_by(MentorRequest.id))).all())


async def mentorships(h: Harness) -> list[Mentorship]:
    async with h.app.core.sessions() as s:
        return list((await s.scalars(select(Mentorship).order_by(Mentorship.id))).all())


async def test_profile_opens_as_a_form_and_saves(h: Harness) -> None:
    reply = await h.say("ann", "/mentor profile")
    assert reply.message.form is not None and reply.message.form.form_id == "match:profile:0"
    assert len(reply.message.form.fields) <= 5  # Discord modals take at most five fields
    saved = await profile(
        h, "ann", "Rust, #system design, rust", 2, focus="technical", cadence="every 2 weeks on thu 16:00"
    )
    text = render(saved.message)
    assert "rust, system design" in text and "2 of 2 free" in text
    shown = await h.text("bo", "/mentor profile @ann")
    assert "Mentor profile: ann" in shown and "every 2 weeks on thu 16:00" in shown
    again = await h.say("ann", "/mentor profile")
    assert again.message.form is not None and again.message.form.fields[0].initial == "rust, system design"


async def test_find_ranks_by_tags_and_offers_request_buttons(h: Harness) -> None:
    await profile(h, "ann", "rust, system design")
    await profile(h, "cy", "career growth, python")
    await profile(h, "dee", "rust, go", capacity=1)
    text = await h.text("bo", "/mentor find rust")
    assert "Mentors for “rust”" in text
    assert "@ann" in text and "@dee" in text and "@cy" not in text
    assert f"match:request:{await member_id(h, 'ann')}" in text


async def test_the_whole_request_accept_flow_starts_a_mentorship_with_the_intake(h: Harness) -> None:
    await profile(h, "ann", "rust, system design", capacity=1)
    ann = await member_id(h, "ann")
    form = await h.press("bo", f"match:request:{ann}")
    assert form.message.form is not None and form.message.form.form_id == f"match:new:{ann}"
    sent = await submit(
        h,
        "bo",
        ann,
        goal=GOAL,
        by="2027-03-31",
        constraints="4 hours a week",
        tried="read the RFCs",
        cadence="every 2 weeks on tue 10am",
    )
    assert sent.ok, render(sent.message)
    ack = render(sent.message)
    assert "Request #1 sent to @ann" in ack and "within 5 days" in ack and "Mon 7 Dec" in ack
    card = h.chat.dms("ann")
    assert len(card) == 1 and GOAL in card[0].text and "match:accept:1" in card[0].text
    assert "match:redirect:1" in card[0].text and "4 hours a week" in card[0].text
    accepted = await h.press("ann", "match:accept:1")
    assert accepted.ok, render(accepted.message)
    assert "last free slot" in render(accepted.message)
    (m,) = await mentorships(h)
    assert m.state == "active" and m.goals == GOAL and m.target_date == date(2027, 3, 31)
    assert "accepted your request #1" in h.chat.dms("bo")[-1].text
    welcome = h.chat.with_text("Welcome to your mentorship")
    kickoff = h.chat.with_text("Where this mentorship starts")
    assert len(welcome) == 1 and len(kickoff) == 1 and kickoff[0].where == welcome[0].where
    assert "The first session would be Tue 1 Dec, 10:00 UTC" in kickoff[0].text
    # Ann is full now: not suggested, shown as full.
    found = await h.text("cy", "/mentor find rust")
    assert "Full right now" in found and "match:request" not in found
    # The proposed rhythm is one press away.
    confirmed = await h.press("ann", "match:cadence:1")
    assert confirmed.ok, render(confirmed.message)
    async with h.app.core.sessions() as s:
        (c,) = (await s.scalars(select(CheckIn))).all()
    assert c.scheduled_at.isoformat() == "2026-12-01T10:00:00+00:00"
    # Nothing about the request is left to send.
    async with h.app.core.sessions() as s:
        left = (
            await s.scalars(
                select(OutboxRow).where(
                    OutboxRow.kind.like("match.%"), OutboxRow.status == OutboxStatus.PENDING.value
                )
            )
        ).all()
    assert left == []


async def test_unanswered_request_is_reminded_once_then_expires_with_new_suggestions(h: Harness) -> None:
    await profile(h, "ann", "rust")
    await profile(h, "dee", "rust, go")
    ann = await member_id(h, "ann")
    sent = await submit(h, "bo", ann, goal=GOAL + " in rust")
    assert sent.ok, render(sent.message)
    h.chat.clear()
    await h.advance("4d")
    assert h.chat.sent == []
    await h.advance("1d")
    reminders = h.chat.dms("ann")
    assert len(reminders) == 1 and "Still waiting" in reminders[0].text
    await h.advance("1d")
    assert len(h.chat.dms("bo")) == 0
    await h.advance("1d")
    expired = h.chat.dms("bo")
    assert len(expired) == 1 and "didn't get to your request #1 in time" in expired[0].text
    assert "@dee" in expired[0].text and f"match:request:{ann}" not in expired[0].text
    assert len(h.chat.dms("ann")) == 1  # exactly one reminder
    (req,) = await requests(h)
    assert req.state == "expired"
    late = await h.press("ann", "match:accept:1")
    assert not late.ok and "already expired" in render(late.message)


async def test_decline_with_a_kind_message_and_suggest_someone_else(h: Harness) -> None:
    await profile(h, "ann", "rust")
    await profile(h, "dee", "rust")
    await profile(h, "cy", "rust")
    ann, dee = await member_id(h, "ann"), await member_id(h, "dee")
    await submit(h, "bo", ann, goal=GOAL)
    form = await h.press("ann", "match:decline:1")
    assert form.message.form is not None
    declined = await h.app.router.form(
        h.actor("ann"), "match:decline:1", {"text": "Full this quarter, sorry!"}
    )
    await h.pump.flush()
    assert declined.ok
    note = h.chat.dms("bo")[-1].text
    assert "can't take on request #1" in note and "Full this quarter, sorry!" in note and "@dee" in note
    await submit(h, "bo", dee, goal=GOAL)
    redirected = await h.app.router.form(
        h.actor("dee"), "match:redirect:2", {"who": "@cy", "text": "Cy knows this best"}
    )
    await h.pump.flush()
    assert redirected.ok, render(redirected.message)
    pointed = h.chat.dms("bo")[-1].text
    assert "someone else would fit" in pointed and "They suggest @cy" in pointed
    assert [r.state for r in await requests(h)] == ["declined", "declined"]
    assert await mentorships(h) == []


async def test_open_requests_in_the_channel_are_claimed_once(h: Harness) -> None:
    h.admins.add("mo")
    nochan = await h.say("bo", "/mentor request")
    assert not nochan.ok and "no requests channel" in render(nochan.message)
    set_chan = await h.say("mo", "/mentor requests channel #mentor-requests")
    assert set_chan.ok, render(set_chan.message)
    await profile(h, "ann", "rust")
    await profile(h, "dee", "rust")
    form = await h.say("bo", "/mentor request")
    assert form.message.form is not None and form.message.form.form_id == "match:new:0"
    sent = await submit(h, "bo", 0, goal=GOAL)
    assert sent.ok and "posted for any mentor to claim" in render(sent.message)
    posted = h.chat.to("channel:mentor-requests")
    assert len(posted) == 1 and "match:claim:1" in posted[0].text
    won = await h.press("dee", "match:claim:1")
    assert won.ok, render(won.message)
    lost = await h.press("ann", "match:claim:1")
    assert not lost.ok and "dee claimed this request a moment before you" in render(lost.message)
    (m,) = await mentorships(h)
    assert m.goals == GOAL and m.state == "active"
    assert "claimed your request #1" in h.chat.dms("bo")[-1].text
    listing = await h.text("mo", "/mentor requests")
    assert "Claimed or accepted" in listing and "#1" in listing


async def test_profile_and_capacity_edges(h: Harness) -> None:
    await profile(h, "ann", "rust", capacity=1)
    ann = await member_id(h, "ann")
    await h.pair("ann", "cy")  # a proposed-and-accepted mentorship fills her only slot
    full = await h.press("bo", f"match:request:{ann}")
    assert not full.ok and "ann is full" in render(full.message)
    await profile(h, "ann", "rust", capacity=2)
    ok = await h.press("bo", f"match:request:{ann}")
    assert ok.ok and ok.message.form is not None
    off = await h.say("ann", "/mentor available off")
    assert off.ok
    assert "@ann" not in await h.text("bo", "/mentor find rust")
    unavailable = await h.press("bo", f"match:request:{ann}")
    assert not unavailable.ok and "isn't taking requests" in render(unavailable.message)
    async with h.app.core.sessions() as s:
        (p,) = (await s.scalars(select(MentorProfile))).all()
    assert p.available is False and p.capacity == 2


async def test_typed_accept_finds_the_request_when_the_mentor_already_has_a_running_mentorship(
    h: Harness,
) -> None:
    await profile(h, "ann", "rust, system design", capacity=2)
    await h.pair("ann", "cy")
    ann = await member_id(h, "ann")
    sent = await submit(h, "bo", ann, goal=GOAL, by="2027-03-31", cadence="every 2 weeks on tue 10am")
    assert sent.ok, render(sent.message)
    accepted = await h.say("ann", "/mentor accept")
    assert accepted.ok, render(accepted.message)
    assert [m.state for m in await mentorships(h)] == ["active", "active"]
