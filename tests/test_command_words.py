"""What a fresh tester typed that did the wrong thing, each now a plain regression test: a command must
never quietly do something other than what was said (skip another check-in, file an update as notes,
cancel an RSVP someone wanted), and help must not swallow text that merely starts with "help"."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.domain.states import ActionState, CheckInState
from bot.officehours.tables import OfficeHoursRsvp
from bot.persistence.tables import ActionItem, CheckIn, StatusUpdate
from bot.services import zonenames
from tests.harness import Harness, render
from tests.test_officehours import create

WEEKLY = "/mentor cadence every week on Tuesday at 10:00"  # from Mon 30 Nov: Tue 1, 8, 15 Dec …


async def skipped_days(h: Harness) -> list[int]:
    async with h.app.core.sessions() as s:
        rows = await s.scalars(select(CheckIn).where(CheckIn.state == CheckInState.SKIPPED.value))
        return sorted(c.scheduled_at.day for c in rows)


async def test_skip_with_a_date_skips_that_one_or_refuses(h: Harness) -> None:
    await h.pair()
    await h.say("ann", WEEKLY)
    refused = await h.say("ann", "/mentor skip the one on dec 15")
    assert not refused.ok and "Only the next check-in can be skipped" in render(refused.message)
    for nonsense in ("/mentor skip everything", "/mentor skip 2", "/mentor cancel everything"):
        reply = await h.say("ann", nonsense)
        assert not reply.ok and "one check-in at a time" in render(reply.message), nonsense
    assert await skipped_days(h) == []
    assert (await h.say("ann", "/mentor skip the one on dec 1")).ok
    assert await skipped_days(h) == [1]
    assert (await h.say("ann", "/mentor skip next week")).ok  # the next one is now Tue 8 Dec
    assert await skipped_days(h) == [1, 8]
    assert (await h.say("ann", "/mentor cancel the next session")).ok
    assert await skipped_days(h) == [1, 8, 15]


async def test_a_bare_cancel_asks_whether_the_check_in_or_the_mentorship(h: Harness) -> None:
    await h.pair()
    await h.say("ann", WEEKLY)
    asked = await h.say("ann", "/mentor cancel")
    text = render(asked.message)
    assert not asked.ok and "just the next check-in, or the whole mentorship" in text
    assert await skipped_days(h) == []
    [action] = re.findall(r"\[Skip the next check-in → :press (\S+?)\]", text)
    second = render((await h.say("ann", "/mentor cancel")).message)
    [later] = re.findall(r"\[Skip the next check-in → :press (\S+?)\]", second)
    assert (await h.press("ann", action)).ok
    assert await skipped_days(h) == [1]
    # The second prompt was for Tue 1 Dec too: pressed now, it refuses rather than skip Tue 8 Dec.
    late = await h.press("ann", later)
    assert not late.ok and "Only the next check-in can be skipped" in render(late.message)
    assert await skipped_days(h) == [1]


async def test_updates_that_start_like_keywords_stay_updates(h: Harness) -> None:
    await h.pair()
    await h.say("ann", WEEKLY)
    await h.advance("1d 2h")  # the Tuesday session has started
    for line in (
        "done with the draft",
        "held off on the refactor",
        "help needed on the migration",
        "update the docs next",
    ):
        reply = await h.say("bo", f"/checkin {line}")
        assert reply.ok and "/checkin" not in render(reply.message).splitlines()[0], line
    await h.say("bo", "/checkin update: notes from the book")
    async with h.app.core.sessions() as s:
        texts = list(await s.scalars(select(StatusUpdate.text).order_by(StatusUpdate.id)))
        held = await s.scalar(select(CheckIn).where(CheckIn.state == CheckInState.HELD.value))
    assert texts == [
        "done with the draft",
        "held off on the refactor",
        "help needed on the migration",
        "update the docs next",
        "notes from the book",
    ]
    assert held is None  # none of them recorded notes
    assert "/checkin" in await h.text("bo", "/checkin help")


async def test_actions_filler_reopen_and_undo_words(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/actions add write the plan")
    assert (await h.say("ann", "/actions mark 1 done")).ok
    async with h.app.core.sessions() as s:
        assert await s.scalar(select(ActionItem.state)) == ActionState.DONE.value
    assert "There's no `/actions undone`" not in await h.text("ann", "/actions reopen 1")
    async with h.app.core.sessions() as s:
        assert await s.scalar(select(ActionItem.state)) == ActionState.OPEN.value
    assert "is still open" in await h.text("ann", "/actions undo 1")
    unskip = await h.text("ann", "/mentor unskip")
    assert "There's no `/mentor unskip`" in unskip and "Did you mean" not in unskip


async def test_help_for_a_word_that_is_no_sub_command_says_so(h: Harness) -> None:
    text = await h.text("ann", "/mentor help paier")
    assert "`/mentor` has no “paier”. Did you mean `/mentor pair`?" in text and "/mentor cadence" in text
    assert "/mentor pair" in await h.text("ann", "/mentor help pair")


async def test_typed_rsvp_says_what_the_person_wants(h: Harness) -> None:
    await create(h)

    async def going() -> bool:
        async with h.app.core.sessions() as s:
            return await s.scalar(select(OfficeHoursRsvp)) is not None

    assert (await h.say("bo", "/officehours rsvp no")).ok and not await going()
    assert (await h.say("bo", "/officehours rsvp")).ok and await going()
    again = await h.text("bo", "/officehours rsvp yes")
    assert "already going" in again and await going()
    odd = await h.say("bo", "/officehours rsvp abc")
    assert not odd.ok and "rsvp no" in render(odd.message) and await going()
    assert (await h.say("bo", "/officehours rsvp cancel")).ok and not await going()
    assert (await h.say("bo", "/officehours going")).ok and await going()
    # The announcement's button still toggles.
    assert (await h.press("bo", "oh:rsvp:1")).ok and not await going()


async def test_a_list_of_updates_that_is_cut_says_so(h: Harness) -> None:
    await h.pair()
    await h.say("ann", WEEKLY)
    for i in range(7):
        await h.say("bo", f"/checkin progress report {i}")
    shown = await h.text("bo", "/checkin")
    assert "the last 5 of 7" in shown and "progress report 6" in shown and "progress report 1" not in shown


async def test_a_suggestion_shows_mentions_as_names_not_raw_ids(h: Harness) -> None:
    text = await h.text("ann", "/mentor paier <@UBEN|ben> learn rust")
    assert "Did you mean `/mentor pair @ben learn rust`?" in text
    assert "Did you mean `/mentor next @someone`?" in await h.text("ann", "/mentr next <@123456>")


async def test_working_hours_with_a_typo_are_still_working_hours(h: Harness) -> None:
    assert await h.text("ann", "/timezone hour 9-17") == "Working hours set to 09:00–17:00."


async def test_a_due_date_said_explicitly_must_be_a_date(h: Harness) -> None:
    await h.pair()
    refused = await h.say("ann", "/actions add write it up (due: someday)")
    assert not refused.ok and "couldn't read “someday” as a due date" in render(refused.message)
    async with h.app.core.sessions() as s:
        assert await s.scalar(select(ActionItem)) is None
    assert "due" in await h.text("ann", "/actions add write it up (due: friday)")
    assert (await h.say("ann", "/actions add fix the (broken) build")).ok  # brackets in text stay text


async def test_office_hours_counts_are_in_good_english(h: Harness) -> None:
    await create(h)
    await h.say("bo", "/officehours ask How do I prepare a promotion case?")
    await h.advance("4d")  # Thu 3 Dec 17:00 has been and gone
    stats = await h.text("hana", "/officehours stats")
    assert "In all: 1 session, 0 RSVPs, 1 question, 0 answered." in stats


async def test_an_update_in_a_skipped_check_ins_thread_goes_to_the_next_one(h: Harness) -> None:
    await h.pair()
    await h.say("ann", WEEKLY)
    await h.advance("1m")
    [announced] = h.chat.with_text("Next check-in")
    assert announced.thread_id is not None
    await h.say("ann", "/mentor skip")
    saved = await h.app.router.thread_message(
        h.actor("bo", channel_id=announced.where.removeprefix("channel:"), thread_id=announced.thread_id),
        "a question about mocks",
        "late-1",
    )
    assert saved is not None and "saved your update for the next one" in render(saved.message)
    assert "a question about mocks" in await h.text("bo", "/checkin")


async def test_a_one_word_typo_of_a_keyword_is_asked_about_not_posted(h: Harness) -> None:
    await h.pair()
    await h.say("ann", WEEKLY)
    asked = await h.say("bo", "/checkin mised")
    text = render(asked.message)
    assert not asked.ok and "Did you mean `/checkin missed`" in text
    async with h.app.core.sessions() as s:
        assert await s.scalar(select(StatusUpdate)) is None
    [post] = re.findall(r"\[Post it as an update → :press (\S+?)\]", text)
    assert (await h.press("bo", post)).ok
    async with h.app.core.sessions() as s:
        assert await s.scalar(select(StatusUpdate.text)) == "mised"
    assert (await h.say("bo", "/checkin shipped")).ok  # not close to a keyword: an update at once


def test_zone_autocomplete_offers_zones_and_cities_from_the_one_list() -> None:
    assert zonenames.suggestions("berl")[0] == ("Europe/Berlin", "Europe/Berlin")
    assert zonenames.suggestions("ber")[0] == ("Europe/Berlin", "Europe/Berlin")  # before Bermuda, Canberra
    assert zonenames.suggestions("est")[0] == ("EST — America/New_York", "America/New_York")
    assert "Asia/Kolkata" in [zone for _label, zone in zonenames.suggestions("bang")]
    assert zonenames.suggestions("")[0] == ("UTC", "UTC") and len(zonenames.suggestions("")) == 25
    assert zonenames.suggestions("zzzz") == []
    zones = [zone for _label, zone in zonenames.suggestions("a")]
    assert len(zones) == len(set(zones)) <= 25  # one entry per zone, within Discord's 25


async def test_the_agenda_moves_on_when_its_check_in_is_skipped_or_called_off(h: Harness) -> None:
    await h.pair()
    await h.say("ann", WEEKLY)
    await h.say("bo", "/agenda add question one")
    await h.say("ann", "/mentor cadence weekly on thursday at 10:00")  # Tuesday's is called off
    assert "question one" in await h.text("bo", "/agenda")
    await h.say("bo", "/agenda add question two")
    await h.say("ann", "/mentor skip")
    agenda = await h.text("bo", "/agenda")
    assert "question one" in agenda and "question two" in agenda


async def test_the_pair_hears_what_a_setting_means_and_who_changed_it(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence weekly on Sunday at 2:30")
    [posted] = h.chat.with_text("set the cadence")
    assert "at 14:30" in posted.text and "2:30." not in posted.text
    await h.say("bo", "/mentor reminders off")
    [told] = h.chat.with_text("turned reminders off for both of you")
    assert told.where.startswith("channel:")
    await h.say("ann", "/mentor reminders 1 day")
    assert h.chat.with_text("set reminders for both of you: 1 day before")
    await h.say("ann", "/mentor reminders 1 day")  # the same again: nothing new to tell
    assert len(h.chat.with_text("set reminders for both of you")) == 1


async def test_a_move_said_twice_moves_once_and_tells_the_pair_once(h: Harness) -> None:
    await h.pair()
    await h.say("ann", WEEKLY)
    assert "Moved" in await h.text("ann", "/mentor please move the next session to friday 3pm")
    again = await h.text("ann", "/mentor please move the next session to friday 3pm")
    assert "already at Fri 4 Dec, 15:00" in again and "Moved" not in again
    await h.advance("1m")
    assert len(h.chat.with_text("moved the check-in of")) == 1
