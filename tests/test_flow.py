"""The life of a mentorship through the core, on a simulated clock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.domain.states import CheckInState, OutboxStatus
from bot.persistence.tables import CheckIn, Mentorship, OutboxRow
from tests.harness import Harness, render


async def rows(h: Harness, status: OutboxStatus | None = None, kind: str | None = None) -> list[OutboxRow]:
    async with h.app.core.sessions() as s:
        q = select(OutboxRow)
        if status is not None:
            q = q.where(OutboxRow.status == status.value)
        if kind is not None:
            q = q.where(OutboxRow.kind == kind)
        return list((await s.scalars(q.order_by(OutboxRow.id))).all())


async def checkins(h: Harness) -> list[CheckIn]:
    async with h.app.core.sessions() as s:
        return list((await s.scalars(select(CheckIn).order_by(CheckIn.scheduled_at))).all())


async def test_pair_asks_the_mentee_and_accepting_opens_a_home(h: Harness) -> None:
    reply = await h.say("ann", "/mentor pair @bo ready for promotion by June focus career")
    assert reply.ok
    text = render(reply.message)
    assert "Target: Wed 30 Jun 2027" in text and "Focus: career" in text
    proposal = h.chat.dms("bo")
    assert len(proposal) == 1 and "would like to mentor you" in proposal[0].text
    assert "mentorship:accept:1" in proposal[0].text
    accepted = await h.press("bo", "mentorship:accept:1")
    assert accepted.ok, render(accepted.message)
    welcome = h.chat.with_text("Welcome to your mentorship")
    assert len(welcome) == 1 and welcome[0].where.startswith("channel:home-")


async def test_proposer_cannot_accept_own_proposal_and_decline_tells_proposer(h: Harness) -> None:
    await h.say("ann", "/mentor pair @bo")
    own = await h.say("ann", "/mentor accept @bo")
    assert not own.ok and "other person accepts" in render(own.message)
    declined = await h.say("bo", "/mentor decline @ann not this quarter, sorry")
    assert declined.ok
    note = h.chat.dms("ann")[-1].text
    assert "declined" in note and "not this quarter, sorry" in note


async def test_cadence_shows_three_occurrences_and_plans_reminders(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/timezone Europe/Berlin")
    reply = await h.text("ann", "/mentor cadence every 2 weeks on tue 10am")
    assert "every 2 weeks on Tuesday at 10:00" in reply
    assert reply.count("  • ") == 3
    announced = h.chat.with_text("Next check-in")
    assert len(announced) == 1 and announced[0].thread_id is not None
    pending = await rows(h, OutboxStatus.PENDING, "checkin.remind")
    # 24 h and 1 h before, for each of the two people.
    assert len(pending) == 4
    (c,) = await checkins(h)
    assert c.scheduled_at == datetime.fromisoformat("2026-12-01T09:00:00+00:00")  # 10:00 CET


async def test_reminders_fall_due_as_the_clock_advances(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    await h.say("bo", "/agenda add How do I scope the design doc?")
    h.chat.clear()
    await h.advance("1d")  # Tue 08:00 UTC: the 24 h reminders went out on Monday 10:00
    bo = h.chat.dms("bo")
    assert (
        len(bo) == 1 and "How do I scope the design doc?" in bo[0].text and "specific questions" in bo[0].text
    )
    ann = h.chat.dms("ann")
    assert len(ann) == 1 and "Their questions" in ann[0].text
    await h.advance("3h")  # past 09:00 (1 h reminder) and 10:00 + 30 min (wrap-up)
    assert len(h.chat.dms("bo")) == 2
    assert h.chat.with_text("how did it go?")
    # The next occurrence is on the calendar as soon as this one ends.
    states = [(c.scheduled_at.date().isoformat(), c.state) for c in await checkins(h)]
    assert states == [("2026-12-01", "upcoming"), ("2026-12-08", "upcoming")]


async def test_status_update_goes_into_the_checkin_thread(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    announce = h.chat.with_text("Next check-in")[0]
    reply = await h.say("bo", "/checkin shipped the prototype")
    assert reply.ok
    post = h.chat.with_text("shipped the prototype")[-1]
    assert post.where == f"thread:{announce.thread_id}"


async def test_thread_replies_become_updates_once_and_follow_edits_and_deletes(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    announce = h.chat.with_text("Next check-in")[0]
    channel = announce.to.channel_id  # type: ignore[union-attr]
    actor = h.actor("bo", channel_id=channel, thread_id=announce.thread_id)
    for _ in range(3):  # a platform retrying the same event
        await h.app.router.thread_message(actor, "first draft done", "evt-1")
    await h.app.router.thread_edit(h.actor("bo"), "evt-1", "first draft done and reviewed")
    overview = await h.text("ann", "/checkin")
    assert overview.count("first draft done and reviewed") == 1
    await h.app.router.thread_delete("console", "W1", "evt-1")
    assert "first draft" not in await h.text("ann", "/checkin")
    stranger = h.actor("cy", channel_id=channel, thread_id=announce.thread_id)
    refused = await h.app.router.thread_message(stranger, "hi", "evt-2")
    assert refused is not None and "Only the two people" in render(refused.message)


async def test_notes_send_a_followup_summary_to_both(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    early = await h.say("ann", "/checkin notes too early")
    assert not early.ok and "hasn't started yet" in render(early.message)
    await h.advance("28h")
    await h.say("ann", "/checkin notes Agreed on a plan for the design review")
    await h.say("ann", "/actions add Write the design doc @bo due friday")
    summaries = h.chat.with_text("Check-in summary")
    assert {d.where for d in summaries} == {"dm:ann", "dm:bo"}
    assert "Agreed on a plan" in summaries[0].text
    (first, _second) = await checkins(h)
    assert first.state == CheckInState.HELD.value


async def test_no_notes_means_missed_and_two_missed_nudge_both(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    await h.advance("3d")  # Tue 1 Dec's check-in: no notes by Wed 10:30
    assert h.chat.with_text("marked it as missed")
    assert not h.chat.with_text("last two check-ins didn't happen")
    await h.advance("7d")
    nudges = h.chat.with_text("last two check-ins didn't happen")
    assert {d.where for d in nudges} == {"dm:ann", "dm:bo"}


async def test_skip_moves_to_the_following_occurrence_and_withdraws_reminders(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    reply = await h.text("bo", "/mentor skip")
    assert "Tue 8 Dec" in reply
    withdrawn = await rows(h, OutboxStatus.WITHDRAWN, "checkin.remind")
    assert len(withdrawn) == 4
    h.chat.clear()
    await h.advance("2d")
    assert not h.chat.dms("bo"), "no reminder for the skipped check-in"


async def test_reschedule_moves_one_occurrence_only(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    reply = await h.text("ann", "/mentor reschedule 2026-12-02 15:00")
    assert "Wed 2 Dec, 15:00" in reply
    too_late = await h.say("ann", "/mentor reschedule 2026-12-09 11:00")
    assert not too_late.ok and "following check-in" in render(too_late.message)
    await h.advance("3d")
    dates = [c.scheduled_at.isoformat() for c in await checkins(h)]
    assert dates == ["2026-12-02T15:00:00+00:00", "2026-12-08T10:00:00+00:00"]
    assert h.chat.with_text("This check-in moved to")


async def test_changing_the_cadence_withdraws_reminders_that_no_longer_apply(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    await h.say("ann", "/mentor cadence every week on Thursday at 15:00")
    withdrawn = await rows(h, OutboxStatus.WITHDRAWN, "checkin.remind")
    pending = await rows(h, OutboxStatus.PENDING, "checkin.remind")
    assert len(withdrawn) == 4 and len(pending) == 4
    h.chat.clear()
    await h.advance("2d")  # through Tuesday
    assert not [d for d in h.chat.sent if "Tue 1 Dec" in d.text]


async def test_pause_withdraws_everything_and_resume_picks_up(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    paused = await h.text("bo", "/mentor pause until dec 20")
    assert "Paused until Sun 20 Dec 2026: back on that day" in paused
    assert not await rows(h, OutboxStatus.PENDING, "checkin.remind")
    h.chat.clear()
    await h.advance("14d")
    assert not h.chat.dms("bo")
    await h.advance("7d")  # the pause ends on the 20th at 09:00
    assert h.chat.with_text("The pause is over")
    async with h.app.core.sessions() as s:
        m = await s.get(Mentorship, 1)
        assert m is not None and m.state == "active"
    assert (await checkins(h))[-1].scheduled_at.date().isoformat() == "2026-12-22"


async def test_end_asks_both_for_reflection_and_stops_everything(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    await h.say("ann", "/actions add Read the staff engineer book @bo due in 2 weeks")
    reply = await h.text("bo", "/mentor end thanks for everything")
    assert "feedback" in reply
    ended = h.chat.with_text("Your mentorship has concluded")
    assert {d.where for d in ended} == {"dm:ann", "dm:bo"}
    assert not await rows(h, OutboxStatus.PENDING)
    kept = await h.text("ann", "/mentor keep-in-touch")
    assert "keep in touch" in kept
    assert h.chat.dms("bo")[-1].text.startswith("@ann would like to keep in touch")
    again = await h.say("ann", "/mentor end")
    assert not again.ok


async def test_silence_for_six_weeks_suggests_pause_or_end(h: Harness) -> None:
    await h.pair()
    await h.advance(f"{6 * 7 + 1}d")
    quiet = h.chat.with_text("nothing has happened here since")
    assert len(quiet) == 1 and "mentorship:pause:1" in quiet[0].text


async def test_overdue_action_items_are_followed_up_until_done(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/actions add Draft the promotion case @bo due dec 2")
    await h.advance("3d")
    assert [d.text.split(".")[0] for d in h.chat.dms("bo") if "Draft the promotion" in d.text] == [
        "Due today: #1 Draft the promotion case"
    ]
    await h.advance("10d")
    followups = [d for d in h.chat.dms("bo") if "Draft the promotion case" in d.text]
    assert len(followups) == 3 and "days ago" in followups[-1].text
    await h.press("bo", "actions:done:1")
    await h.advance("30d")
    assert len([d for d in h.chat.dms("bo") if "Draft the promotion case" in d.text]) == 3


async def test_a_mentee_has_at_most_three_mentors_told_apart_by_focus(h: Harness) -> None:
    for mentor, focus in (("m1", "technical"), ("m2", "career"), ("m3", "personal")):
        await h.pair(mentor, "bo", f"focus {focus}")
    fourth = await h.say("m4", "/mentor pair @bo focus leadership")
    assert not fourth.ok and "3 mentors" in render(fourth.message)
    ambiguous = await h.say("bo", "/mentor next")
    text = render(ambiguous.message)
    assert not ambiguous.ok and "m1 (technical)" in text and "/mentor next with @m1" in text
    chosen = await h.say("bo", "/mentor next @m2")
    assert chosen.ok


async def test_counts_of_outbox_rows_stay_bounded_over_a_year(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every 2 weeks on tue 10am")
    await h.advance("365d")
    async with h.app.core.sessions() as s:
        n = await s.scalar(select(func.count(CheckIn.id)))
    # 26 or 27 fortnightly sessions in a year, each materialized only when its predecessor ended.
    assert n is not None and 26 <= n <= 28
    assert not await rows(h, OutboxStatus.FAILED)


async def test_two_mentors_of_one_mentee_need_different_focuses(h: Harness) -> None:
    await h.pair("m1", "bo", "focus career")
    clash = await h.say("m2", "/mentor pair @bo focus career")
    text = render(clash.message)
    assert not clash.ok and "focus technical" in text and "`focus career`" not in text


async def test_a_command_for_another_state_says_which_state_it_is_in(h: Harness) -> None:
    await h.pair("ann", "bo")
    assert "It isn't paused. Set a rhythm" in await h.text("ann", "/mentor resume")
    await h.say("ann", "/mentor cadence weekly on tuesday at 16:00")
    assert "It isn't paused — the next check-in is Tue 1 Dec, 16:00" in await h.text("bo", "/mentor resume")
    await h.say("bo", "/mentor pause")
    assert "is paused. `/mentor resume`" in await h.text("ann", "/mentor skip")
    assert (await h.say("ann", "/mentor end thanks")).ok
    for line in ("/mentor end", "/mentor end @bo", "/mentor resume", "/mentor next"):
        text = await h.text("ann", line)
        assert "has ended" in text and "yet" not in text, (line, text)


async def test_with_two_mentorships_the_command_as_typed_is_asked_back_with_a_button_each(h: Harness) -> None:
    await h.pair("ann", "bo")
    await h.pair("ann", "cy", "focus career")
    asked = await h.say("ann", "/mentor cadence every 2 weeks on Tuesday at 16:00")
    text = render(asked.message)
    assert not asked.ok and "`/mentor cadence every 2 weeks on Tuesday at 16:00 with @bo`" in text, text
    assert "[bo → :press ask:a:1]" in text and "[cy (career) → :press ask:b:1]" in text, text
    done = render((await h.press("ann", "ask:b:1")).message)
    assert "Cadence with @cy set: every 2 weeks on Tuesday at 16:00" in done, done
    asked = await h.text("ann", "/actions add read the book")
    assert "`/actions add read the book with @bo`" in asked, asked
    added = render((await h.press("ann", "ask:a:2")).message)
    assert "Added #1: read the book." in added, added
    asked = await h.text("ann", "/mentor reschedule friday")
    assert "`/mentor reschedule friday with @bo`" in asked, asked
    moved = render((await h.press("ann", "ask:b:3")).message)
    assert "Moved this one check-in from Tue 1 Dec, 16:00 UTC to Fri 4 Dec, 16:00" in moved, moved
    # /checkin and /agenda take the appended `with @x` too, and a mention inside the text stays there.
    asked = await h.text("ann", "/checkin paired with @dan on it")
    assert "`/checkin paired with @dan on it with @bo`" in asked, asked
    posted = render((await h.press("ann", "ask:b:4")).message)
    assert "Posted your update" in posted, posted
    assert "`/agenda with @bo`" in await h.text("ann", "/agenda")
    assert "Agenda for" in render((await h.press("ann", "ask:b:5")).message)
