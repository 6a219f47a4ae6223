"""Office hours: create → announce → RSVP → ask, upvote, withdraw → reminder → start → answered → recap
→ carry-over, on a simulated clock, plus permissions and cancellation."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.domain.states import OutboxStatus
from bot.officehours.tables import OfficeHoursQuestion
from bot.persistence.tables import OutboxRow
from tests.harness import Harness, render

CREATE = "/officehours create #help monthly on the first thursday at 17:00 topic Career Q&A hosts @hana"


async def create(h: Harness) -> None:
    h.admins.add("hana")
    reply = await h.say("hana", CREATE)
    assert reply.ok, render(reply.message)


async def test_the_whole_cycle(h: Harness) -> None:
    await create(h)
    created = render((await h.say("hana", "/officehours list")).message)
    assert "#1 Career Q&A in #help" in created and "Thu 3 Dec" in created
    assert not h.chat.with_text("Office hours: Career Q&A")
    await h.advance("10h")  # announced three days ahead: Mon 30 Nov 17:00 for Thu 3 Dec 17:00 UTC
    announcement = h.chat.with_text("Office hours: Career Q&A")
    assert len(announcement) == 1 and announcement[0].where == "channel:help" and announcement[0].thread_id
    assert "[RSVP (0 going) → :press oh:rsvp:1]" in announcement[0].text

    assert (await h.press("ann", "oh:rsvp:1")).ok
    assert (await h.press("bo", "oh:rsvp:1")).ok
    await h.advance("1m")
    assert h.chat.edits and "RSVP (2 going)" in h.chat.edits[-1][2]

    q1 = await h.say("ann", "/officehours ask How do I write a promotion packet?")
    assert "Queued as Q1" in render(q1.message)
    await h.say("bo", "/officehours ask What should a staff engineer spend time on?")
    thread = announcement[0]
    asked_in_thread = await h.app.router.thread_message(
        h.actor("cy", channel_id="help", thread_id=thread.thread_id),
        "Is it ok to ask about side projects?",
        "m-1",
    )
    assert asked_in_thread is not None and "Queued as Q3" in render(asked_in_thread.message)
    again = await h.app.router.thread_message(
        h.actor("cy", channel_id="help", thread_id=thread.thread_id),
        "Is it ok to ask about side projects?",
        "m-1",
    )
    assert again is None  # the same platform message delivered twice is one question
    assert (await h.press("cy", "oh:upvote:2")).ok
    assert (await h.say("ann", "/officehours upvote 2")).ok
    own = await h.say("bo", "/officehours upvote 2")
    assert not own.ok and "your own question" in render(own.message)
    assert (await h.say("cy", "/officehours withdraw 3")).ok
    queue = render((await h.say("ann", "/officehours questions")).message)
    assert queue.index("Q2") < queue.index("Q1") and "Q3" not in queue  # votes first

    await h.advance("69h 59m")  # Thu 3 Dec 16:00: the reminder hour
    reminders = [d for d in h.chat.sent if d.where in ("dm:ann", "dm:bo") and "starts" in d.text]
    assert {d.where for d in reminders} == {"dm:ann", "dm:bo"}
    assert "How do I write a promotion packet?" in next(d.text for d in reminders if d.where == "dm:ann")
    await h.advance("1h")
    start = h.chat.with_text("Starting now: Career Q&A")
    assert len(start) == 1 and start[0].text.index("Q2") < start[0].text.index("Q1")

    not_host = await h.say("ann", "/officehours answered 2")
    assert not not_host.ok and "Only the hosts" in render(not_host.message)
    assert (await h.press("hana", "oh:answered:2")).ok
    await h.advance("1h")  # the session ends: the hosts are asked for a recap
    assert h.chat.with_text("thanks for hosting")
    recap = await h.say("hana", "/officehours recap Promotion packets and staff work; slides in the thread.")
    assert recap.ok
    post = h.chat.with_text("Recap: Career Q&A")
    assert (
        len(post) == 1 and "Answered (1)" in post[0].text and "Carried over to next time (1)" in post[0].text
    )
    carried = h.chat.with_text("carries over to the next session")
    assert [d.where for d in carried] == ["dm:ann"]
    async with h.app.core.sessions() as s:
        rows = (await s.scalars(select(OfficeHoursQuestion).order_by(OfficeHoursQuestion.id))).all()
    assert [(q.id, q.session_id, q.state) for q in rows][-1] == (4, 2, "open")
    nxt = render((await h.say("ann", "/officehours next")).message)
    assert "Thu 7 Jan" in nxt and "How do I write a promotion packet?" in nxt

    stats = render((await h.say("hana", "/officehours stats")).message)
    assert "2 RSVP'd · 3 asked · 1 answered" in stats


async def test_without_a_recap_the_summary_still_goes_out(h: Harness) -> None:
    await create(h)
    await h.say("ann", "/officehours ask Anything on interviewing?")
    await h.advance("6d")
    post = h.chat.with_text("Recap: Career Q&A")
    assert len(post) == 1 and "Carried over to next time (1)" in post[0].text


async def test_cancel_tells_everyone_who_rsvpd_and_withdraws_reminders(h: Harness) -> None:
    await create(h)
    await h.press("ann", "oh:rsvp:1")
    refused = await h.say("ann", "/officehours cancel")
    assert not refused.ok and "Only the hosts" in render(refused.message)
    done = await h.say("hana", "/officehours cancel 1")
    assert "told the 1" in render(done.message)
    assert h.chat.with_text("has been cancelled") and h.chat.dms("ann")
    async with h.app.core.sessions() as s:
        pending = (
            await s.scalars(select(OutboxRow).where(OutboxRow.status == OutboxStatus.PENDING.value))
        ).all()
    assert not [r for r in pending if r.kind.startswith("oh.")]
    h.chat.clear()
    await h.advance("40d")
    assert not h.chat.sent


async def test_skip_moves_questions_to_the_next_session(h: Harness) -> None:
    await create(h)
    await h.press("bo", "oh:rsvp:1")
    await h.say("ann", "/officehours ask Still relevant next month?")
    reply = render((await h.say("hana", "/officehours skip")).message)
    assert "Thu 7 Jan" in reply
    assert h.chat.with_text("is skipped")
    assert "Still relevant next month?" in render((await h.say("ann", "/officehours questions")).message)


async def test_bad_input_gets_specific_replies(h: Harness) -> None:
    h.admins.add("hana")
    cases = [
        ("/officehours create monthly on the first thursday at 17:00", "Name the channel"),
        ("/officehours create #help", "Say when"),
        ("/officehours create #help every blue moon", "every blue moon"),
        ("/officehours next", "No office hours are running"),
    ]
    for line, expected in cases:
        reply = await h.say("hana", line)
        assert not reply.ok and expected in render(reply.message), line
    not_host = await h.say("ann", "/officehours create #help monthly on the 1st at 9 hosts @hana")
    assert not not_host.ok and "by the people they allow" in render(not_host.message)
    await create(h)
    long = await h.say("ann", "/officehours ask " + "x" * 1001)
    assert not long.ok and "at most 1,000 characters" in render(long.message)
    assert not (await h.say("ann", "/officehours upvote first")).ok
    assert (await h.press("ann", "oh:ask:1")).message.form is not None
    other_ws = await h.say("ann", "/officehours upvote 1", workspace="W2")
    assert not other_ws.ok


async def test_two_series_need_a_number(h: Harness) -> None:
    await create(h)
    await h.say(
        "hana", "/officehours create #eng every week on wed at 15:00 topic Code review clinic hosts @hana"
    )
    ambiguous = await h.say("ann", "/officehours rsvp")
    assert not ambiguous.ok and "Say which by number" in render(ambiguous.message)
    assert (await h.say("ann", "/officehours rsvp 2")).ok
    in_channel = await h.app.router.command(h.actor("bo", channel_id="eng"), "officehours", "rsvp")
    assert in_channel.ok and "Code review clinic" in render(in_channel.message)


async def test_a_year_of_monthly_office_hours(h: Harness) -> None:
    await create(h)
    await h.advance("365d")
    announcements = h.chat.with_text("Office hours: Career Q&A")
    recaps = h.chat.with_text("Recap: Career Q&A")
    assert 12 <= len(announcements) <= 13 and 12 <= len(recaps) <= 13
    async with h.app.core.sessions() as s:
        failed = (
            await s.scalars(select(OutboxRow).where(OutboxRow.status == OutboxStatus.FAILED.value))
        ).all()
    assert not failed


async def test_a_leading_number_is_text_unless_it_names_a_series(h: Harness) -> None:
    await create(h)
    reply = await h.say("ann", "/officehours ask 2 quick questions about on-call")
    assert reply.ok, render(reply.message)
    queue = render((await h.say("ann", "/officehours questions 1")).message)
    assert "2 quick questions about on-call" in queue


# ---- a skipped session takes no recap and no RSVPs (tester's report) ---------------------------------


async def test_a_recap_after_a_skipped_session_goes_to_the_last_one_that_took_place(h: Harness) -> None:
    await create(h)
    await h.advance("4d")  # Thu 3 Dec 17:00 to 18:00: held
    await h.advance("2d")
    assert (await h.say("hana", "/officehours skip")).ok  # Thu 7 Jan
    await h.advance_to(datetime(2027, 1, 8, 12, 0, tzinfo=UTC))
    h.chat.clear()
    saved = await h.text("hana", "/officehours recap here is the recap")
    assert "the recap of the session on Thu 3 Dec" in saved, saved
    post = h.chat.with_text("Recap: Career Q&A")
    assert len(post) == 1 and "here is the recap" in post[0].text


async def test_a_recap_with_only_skipped_sessions_says_there_is_none(h: Harness) -> None:
    await create(h)
    assert (await h.say("hana", "/officehours skip")).ok  # Thu 3 Dec
    await h.advance("4d")
    refused = await h.say("hana", "/officehours recap here is the recap")
    assert not refused.ok and "hasn't had a session yet" in render(refused.message)
    again = await h.say("hana", "/officehours recap here is the recap")
    assert not again.ok and "Recap updated" not in render(again.message)


async def test_a_skipped_or_cancelled_sessions_announcement_loses_its_rsvp_button(h: Harness) -> None:
    await create(h)
    await h.advance("10h")  # announced
    await h.press("ann", "oh:rsvp:1")
    await h.advance("1m")
    _channel, rsvp_edited, text = h.chat.edits[-1]
    assert "RSVP (1 going)" in text
    assert (await h.say("hana", "/officehours skip")).ok
    await h.advance("1m")
    _channel, skipped, text = h.chat.edits[-1]
    assert skipped == rsvp_edited and "skipped" in text and "RSVP" not in text, text
    # The next one, announced and then the whole series cancelled: the same.
    await h.advance("36d")  # Mon 4 Jan 17:00: the Thu 7 Jan one is announced
    assert "RSVP (0 going)" in h.chat.with_text("Office hours: Career Q&A")[-1].text
    assert (await h.say("hana", "/officehours cancel 1")).ok
    _channel, cancelled, text = h.chat.edits[-1]
    assert cancelled != skipped and "cancelled" in text and "RSVP" not in text, text


async def test_the_same_create_twice_is_refused_naming_the_series(h: Harness) -> None:
    await create(h)
    again = await h.say("hana", CREATE)
    text = render(again.message)
    assert not again.ok and "#1 Career Q&A already runs in #help" in text and "/officehours edit 1" in text
    listed = render((await h.say("hana", "/officehours list")).message)
    assert "#2" not in listed
    # Another channel, or another time, is another series.
    assert (await h.say("hana", CREATE.replace("#help", "#career"))).ok


async def test_invited_co_hosts_are_named_apart_until_they_accept(h: Harness) -> None:
    h.admins.add("hana")
    created = await h.text("hana", CREATE + " @cy")
    assert "hosted by @hana (invited: @cy)" in created, created
    listed = await h.text("ann", "/officehours list")
    assert "@hana (invited: @cy)" in listed, listed
    await h.advance("10h")
    [announcement] = h.chat.with_text("Office hours: Career Q&A")
    assert "with @hana." in announcement.text and "@cy" not in announcement.text
    assert (await h.press("cy", "oh:hostyes:1")).ok
    assert "@cy & @hana ·" in await h.text("ann", "/officehours list")


async def test_cancelling_or_changing_the_allowlist_twice_says_it_was_already_so(h: Harness) -> None:
    await create(h)
    assert (await h.say("hana", "/officehours cancel 1")).ok
    again = await h.say("hana", "/officehours cancel 1")
    assert not again.ok and "already cancelled" in render(again.message)
    assert "may now create" in await h.text("hana", "/officehours hosts allow @cy")
    assert "may already create" in await h.text("hana", "/officehours hosts allow @cy")
    assert "may no longer create" in await h.text("hana", "/officehours hosts remove @cy")
    assert "wasn't on the list" in await h.text("hana", "/officehours hosts remove @cy")
