"""Schedules never go silent: the six edits of issue #10 that used to leave nothing planned, and the
reconcile step, the self-healing sweep and the doctor that make the whole class impossible."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from bot.domain.states import CheckInState, OutboxStatus
from bot.officehours.tables import OfficeHoursSession
from bot.persistence.tables import CheckIn, OutboxRow
from bot.services import schedules
from tests.harness import Harness, render

START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # Monday


@pytest.fixture
async def berlin(database_url: str) -> AsyncIterator[Harness]:
    """ana mentors bo, both in Berlin, on Monday 1 March 2027 at 09:00 CET."""
    h = await Harness.create(database_url, start=START)
    await h.say("ana", "/timezone Europe/Berlin")
    await h.say("bo", "/timezone Europe/Berlin")
    await h.pair("ana", "bo", "learn testing")
    yield h
    await h.close()


async def upcoming(h: Harness) -> list[CheckIn]:
    async with h.app.core.sessions() as s:
        rows = await s.scalars(
            select(CheckIn).where(CheckIn.state == CheckInState.UPCOMING.value).order_by(CheckIn.scheduled_at)
        )
        return list(rows)


async def pending(h: Harness, kind: str) -> list[OutboxRow]:
    async with h.app.core.sessions() as s:
        rows = await s.scalars(
            select(OutboxRow)
            .where(OutboxRow.kind == kind, OutboxRow.status == OutboxStatus.PENDING.value)
            .order_by(OutboxRow.due_at)
        )
        return list(rows)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def test_notes_during_the_session_schedule_the_next_one_announced_when_it_ends(berlin: Harness) -> None:
    h = berlin
    assert (await h.say("ana", "/mentor cadence weekly on tuesday at 10:00")).ok
    await h.advance_to(at("2027-03-02T09:10"))  # ten minutes into Tue 2 Mar 10:00 CET
    assert (await h.say("ana", "/checkin notes we covered test pyramids")).ok
    nxt = await upcoming(h)
    assert [c.scheduled_at for c in nxt] == [at("2027-03-09T09:00")]
    h.chat.clear()
    await h.advance_to(at("2027-03-02T09:29"))
    assert not h.chat.with_text("Next check-in"), "not announced while the session still runs"
    await h.advance("2h")
    announced = h.chat.with_text("Next check-in")
    assert len(announced) == 1 and "Tue 9 Mar" in announced[0].text
    text = await h.text("ana", "/mentor next")
    assert "Tue 9 Mar" in text and "No check-in is scheduled" not in text


async def test_changing_the_reminders_keeps_a_lead_that_was_already_on(berlin: Harness) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on thursday at 10:00")
    assert (await h.say("ana", "/mentor reminders 24h")).ok
    remind = await pending(h, "checkin.remind")
    assert sorted((r.due_at, r.payload["member_id"]) for r in remind) == [
        (at("2027-03-03T09:00"), 1),
        (at("2027-03-03T09:00"), 2),
    ]
    h.chat.clear()
    await h.advance_to(at("2027-03-03T09:01"))
    assert len(h.chat.dms("ana")) == 1 and len(h.chat.dms("bo")) == 1


async def test_rescheduling_there_and_back_keeps_everything(berlin: Harness) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on thursday at 10:00")
    assert (await h.say("ana", "/mentor reschedule thursday 15:00")).ok
    assert (await h.say("ana", "/mentor reschedule thursday 10:00")).ok
    [c] = await upcoming(h)
    assert c.scheduled_at == at("2027-03-04T09:00")
    remind = await pending(h, "checkin.remind")
    assert {r.due_at for r in remind} == {at("2027-03-03T09:00"), at("2027-03-04T08:00")}
    assert all(r.payload["scheduled_at"] == c.scheduled_at.isoformat() for r in remind)
    h.chat.clear()
    await h.advance_to(at("2027-03-04T09:31"))
    assert len(h.chat.dms("bo")) == 2  # 24 h and 1 h before 10:00
    assert h.chat.with_text("takeaways"), "the wrap-up comes at the end of the session"
    text = await h.text("bo", "/mentor next")
    assert "Thu 11 Mar" in text and "ago" not in text


async def test_pause_and_resume_before_the_next_date_keeps_that_date(berlin: Harness) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on thursday at 10:00")
    assert (await h.say("bo", "/mentor pause")).ok
    assert await upcoming(h) == [] and await pending(h, "checkin.remind") == []
    resumed = await h.text("bo", "/mentor resume")
    assert "Welcome back! Next check-in: Thu 4 Mar" in resumed
    [c] = await upcoming(h)
    assert c.scheduled_at == at("2027-03-04T09:00")
    assert len(await pending(h, "checkin.remind")) == 4


async def test_the_same_cadence_again_with_a_length_keeps_the_date_and_takes_the_length(
    berlin: Harness,
) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on thursday at 10:00")
    assert (await h.say("ana", "/mentor cadence weekly on thursday at 10:00 for 45 min")).ok
    [c] = await upcoming(h)
    assert c.scheduled_at == at("2027-03-04T09:00") and c.duration_minutes == 45
    [wrapup] = await pending(h, "checkin.wrapup")
    assert wrapup.due_at == at("2027-03-04T09:45")
    text = await h.text("ana", "/mentor next")
    assert "Thu 4 Mar" in text and "45 min" in text


async def test_office_hours_announce_lead_edit_is_announced_with_every_reminder(berlin: Harness) -> None:
    h = berlin
    h.admins.add("hana")
    created = await h.say(
        "hana", "/officehours create #help monthly on the first thursday at 17:00 topic Career hosts @hana"
    )
    assert created.ok, render(created.message)
    assert (await h.say("hana", "/officehours edit 1 announce 2d")).ok
    [announce] = await pending(h, "oh.announce")
    assert announce.due_at == at("2027-03-02T17:00")  # Thu 4 Mar 17:00 UTC (hana has no zone), 2 days ahead
    assert len(await pending(h, "oh.remind_all")) == 1
    await h.advance_to(at("2027-03-02T17:01"))
    assert h.chat.with_text("Office hours: Career")
    await h.advance_to(at("2027-03-04T16:01"))
    assert h.chat.dms("hana"), "the hosts' brief an hour before"


async def test_a_database_that_went_silent_heals_on_start_and_the_doctor_lists_it(berlin: Harness) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on thursday at 10:00")
    # What an older version could leave behind: the check-in cancelled, every row withdrawn.
    async with h.app.core.sessions.begin() as s:
        await s.execute(update(CheckIn).values(state=CheckInState.CANCELLED.value))
        await s.execute(update(OutboxRow).where(OutboxRow.status == "pending").values(status="withdrawn"))
    found = await schedules.reconcile_everything(h.app.core, fix=False)
    assert [r.owner for r in found] == ["mentorship #1"]
    assert "1 occurrence(s) changed" in found[0].describe()
    assert await upcoming(h) == [], "a dry run changes nothing"
    await h.restart()
    await h.pump.flush()  # the dispatcher's first run after a start sweeps
    [c] = await upcoming(h)
    assert c.scheduled_at == at("2027-03-04T09:00")
    assert len(await pending(h, "checkin.remind")) == 4
    assert await schedules.reconcile_everything(h.app.core, fix=False) == []


async def test_a_withdrawn_row_is_revived_but_a_sent_one_is_never_sent_again(berlin: Harness) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on thursday at 10:00")
    await h.advance_to(at("2027-03-03T09:01"))  # the 24 h reminders went out
    sent_before = len(h.chat.sent)
    await h.say("ana", "/mentor reschedule thursday 15:00")
    await h.say("ana", "/mentor reschedule thursday 10:00")
    await h.pump.flush()
    assert not h.chat.duplicate_keys()
    assert len(await pending(h, "checkin.remind")) == 2  # only the 1 h ones are still ahead
    assert len(h.chat.sent) > sent_before  # the two moves were announced in the thread


async def test_office_hours_cadence_edit_moves_an_unannounced_session_and_keeps_its_questions(
    berlin: Harness,
) -> None:
    h = berlin
    h.admins.add("hana")
    await h.say("hana", "/officehours create #help monthly on the first thursday at 17:00 hosts @hana")
    assert (await h.say("bo", "/officehours ask how do I start?")).ok
    assert (await h.say("hana", "/officehours edit 1 cadence monthly on the second thursday at 17:00")).ok
    async with h.app.core.sessions() as s:
        sessions = list(await s.scalars(select(OfficeHoursSession).order_by(OfficeHoursSession.id)))
    assert [(x.state, x.scheduled_at) for x in sessions] == [
        ("cancelled", at("2027-03-04T17:00")),
        ("upcoming", at("2027-03-11T17:00")),
    ]
    questions = render((await h.say("hana", "/officehours questions")).message)
    assert "how do I start?" in questions


# ---- what a fresh tester broke (each a regression test) ------------------------------------------------


async def test_a_reminder_due_the_moment_it_is_planned_is_sent(berlin: Harness) -> None:
    h = berlin  # Mon 1 Mar 09:00 CET: a check-in tomorrow at 09:00 makes the 24 h reminder due right now
    await h.say("ana", "/mentor cadence weekly on tuesday at 9:00")
    assert len([d for d in h.chat.dms("bo") if "Check-in coming up" in d.text]) == 1


async def test_a_cadence_changed_and_changed_back_is_announced_again_and_the_other_thread_says_it_is_off(
    berlin: Harness,
) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on tuesday at 10:00")
    await h.advance("1m")
    await h.say("bo", "/mentor cadence weekly on thursday at 9:00")
    thursday_thread = h.chat.with_text("Next check-in")[-1].thread_id
    assert thursday_thread is not None
    await h.advance("1m")
    h.chat.clear()
    await h.say("ana", "/mentor cadence weekly on tuesday at 10:00")
    back = h.chat.with_text("This check-in is back on")
    assert len(back) == 1 and "Tue 2 Mar" in back[0].text, [d.text for d in h.chat.sent]
    off = [d for d in h.chat.sent if d.where == f"thread:{thursday_thread}"]
    assert len(off) == 1 and "This check-in is off: the next one is" in off[0].text
    saved = await h.app.router.thread_message(
        h.actor("bo", channel_id="home-ana-bo", thread_id=thursday_thread),
        "a question about mocks",
        "late-1",
    )
    assert saved is not None and "saved your update for the next one" in render(saved.message)


async def test_two_commands_in_the_same_instant_each_send_their_message(berlin: Harness) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on tuesday at 10:00")
    await h.advance_to(at("2027-03-02T09:10"))
    h.chat.clear()
    await h.say("bo", "/checkin notes we talked about mocks", flush=False)
    await h.say("ana", "/checkin notes we talked about mocks and fixtures")
    assert len(h.chat.with_text("Check-in summary")) == 4  # the first and the updated one, to both


async def test_a_pause_during_a_session_sends_nothing_late_about_it_after_resuming(berlin: Harness) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on tuesday at 10:00")
    await h.advance_to(at("2027-03-02T09:10"))
    await h.say("bo", "/mentor pause")
    await h.advance("8d")
    h.chat.clear()
    await h.say("ana", "/mentor resume")
    await h.advance("1h")
    assert not [d for d in h.chat.sent if "late" in d.text.lower() or "missed" in d.text.lower()]


async def test_a_lead_time_that_already_passed_keeps_the_reminder_it_can_still_make(berlin: Harness) -> None:
    h = berlin
    h.admins.add("hana")
    await h.say("hana", "/officehours create #help monthly on the first thursday at 17:00 hosts @hana")
    await h.advance_to(at("2027-03-04T15:30"))  # 90 minutes before
    await h.say("hana", "/officehours edit 1 remind 2h")
    [remind] = await pending(h, "oh.remind_all")
    assert remind.due_at == at("2027-03-04T16:00")


async def test_skip_and_reschedule_during_a_session_act_on_the_next_one(berlin: Harness) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on tuesday at 10:00")
    await h.advance_to(at("2027-03-02T09:10"))
    skipped = await h.text("bo", "/mentor skip")
    assert "Skipped the check-in of Tue 9 Mar" in skipped and "Tue 16 Mar" in skipped


async def test_pausing_again_while_paused_sets_the_new_end(berlin: Harness) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on tuesday at 10:00")
    await h.say("bo", "/mentor pause until 2027-03-10")
    assert "Paused until Mon 15 Mar 2027" in await h.text("ana", "/mentor pause until 2027-03-15")
    [resume] = await pending(h, "mentorship.resume")
    assert resume.key.endswith("2027-03-15")


async def test_missing_check_ins_nudges_once_per_streak(berlin: Harness) -> None:
    h = berlin
    await h.say("ana", "/mentor cadence weekly on tuesday at 10:00")
    await h.advance("40d")  # five sessions pass with no notes
    nudges = [d for d in h.chat.dms("bo") if "last two check-ins" in d.text.lower()]
    assert len(nudges) == 1


async def test_the_next_check_in_is_on_the_calendar_from_the_moment_one_starts(berlin: Harness) -> None:
    """Shrunk from the model test: at the very start of a session, with nothing said, the next one exists."""
    h = berlin
    await h.say("ana", "/mentor cadence weekly on tuesday at 10:00")
    await h.advance("1h")
    await h.advance("8d")  # Tue 9 Mar 10:00 CET, the second session's start
    assert [c.scheduled_at for c in await upcoming(h) if c.scheduled_at > h.clock.now()] == [
        at("2027-03-16T09:00")
    ]


async def test_a_zone_change_moves_a_due_follow_up_rather_than_keeping_a_second_one(berlin: Harness) -> None:
    """Shrunk from the model test: an item due today for someone in New York; they move to Tokyo, where
    today's 09:00 has passed. The due-date nudge goes out now, and one follow-up stays ahead."""
    h = berlin
    await h.say("bo", "/timezone America/New_York")
    await h.say("bo", "/actions add write the test plan due 2027-03-01")
    h.chat.clear()
    await h.say("bo", "/timezone Asia/Tokyo")
    assert [d for d in h.chat.dms("bo") if "write the test plan" in d.text]
    ahead = [r for r in await pending(h, "action.followup") if r.due_at > h.clock.now()]
    assert [r.due_at for r in ahead] == [at("2027-03-03T00:00")]  # 2 days on, 09:00 in Tokyo


# ---- a moved check-in survives a pause (tester's report: pause then resume threw the move away) ------


@pytest.fixture
async def moved(database_url: str) -> AsyncIterator[Harness]:
    """ann mentors bo weekly on Tuesday at 16:00 (UTC); the first one, Tue 1 Dec, moved to Fri 4 Dec 15:00."""
    h = await Harness.create(database_url)
    await h.pair("ann", "bo")
    assert (await h.say("ann", "/mentor cadence weekly on tuesday at 16:00")).ok
    moved = await h.text("ann", "/mentor reschedule friday 3pm")
    assert "Fri 4 Dec" in moved, moved
    yield h
    await h.close()


@pytest.mark.parametrize(
    "pauses", [["/mentor pause"], ["/mentor take a break for 2 days"], ["/mentor pause", "/mentor pause"]]
)
async def test_pause_and_resume_keep_a_moved_check_in_still_ahead(moved: Harness, pauses: list[str]) -> None:
    h = moved
    for line in pauses:
        assert (await h.say("bo", line)).ok
    resumed = await h.text("ann", "/mentor resume")
    assert "Next check-in: Fri 4 Dec, 15:00" in resumed, resumed
    assert [c.scheduled_at for c in await upcoming(h)] == [at("2026-12-04T15:00")]
    assert "Fri 4 Dec, 15:00" in await h.text("bo", "/mentor next")
    # Again: a second pause and resume keep it too, and a resume twice changes nothing.
    await h.say("bo", "/mentor pause")
    assert "Fri 4 Dec, 15:00" in await h.text("bo", "/mentor resume")
    await h.say("bo", "/mentor resume")
    assert [c.scheduled_at for c in await upcoming(h)] == [at("2026-12-04T15:00")]
    # Held at the moved time, the cadence goes on from the slot after it.
    await h.advance_to(at("2026-12-04T15:10"))
    assert (await h.say("ann", "/checkin notes good talk")).ok
    assert [c.scheduled_at for c in await upcoming(h)][-1] == at("2026-12-08T16:00")


async def test_a_pause_ending_before_the_moved_time_keeps_it(moved: Harness) -> None:
    h = moved
    assert (await h.say("bo", "/mentor pause until dec 3")).ok
    await h.advance_to(at("2026-12-03T12:00"))  # back on Thu 3 Dec at 09:00
    assert "Fri 4 Dec, 15:00" in await h.text("ann", "/mentor next")
    assert [c.scheduled_at for c in await upcoming(h)] == [at("2026-12-04T15:00")]


async def test_a_pause_past_the_moved_time_goes_on_with_the_cadence(moved: Harness) -> None:
    h = moved
    assert (await h.say("bo", "/mentor vacation for 10 days")).ok
    await h.advance_to(at("2026-12-10T12:00"))
    assert "Tue 15 Dec, 16:00" in await h.text("ann", "/mentor next")
    assert [c.scheduled_at for c in await upcoming(h)] == [at("2026-12-15T16:00")]
