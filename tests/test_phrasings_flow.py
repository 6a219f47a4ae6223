"""Issue 11's table end to end on the console core: every row understood (and shown back, with the zone
it was read in) or asked back (a question with buttons whose answer is applied), and the third outcome, a
refusal that quotes what was not understood and shows something close that works.

Now is Monday 30 Nov 2026, 08:00 UTC; ann (the mentor) is in Europe/Berlin, bo (the mentee) in
America/New_York unless a test says otherwise."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from adapters.console.printer import TextRenderer
from bot.messages import Buttons, Message, Timestamp
from bot.persistence.tables import ActionItem, CheckIn, Member, Mentorship
from tests.harness import Harness, render


def buttons(message: Message) -> list[tuple[str, str]]:
    return [
        (b.label, b.action_id)
        for block in message.blocks
        if isinstance(block, Buttons)
        for b in block.buttons
    ]


async def zoned(h: Harness, ann: str = "Europe/Berlin", bo: str = "America/New_York") -> None:
    assert (await h.say("ann", f"/timezone {ann}")).ok
    assert (await h.say("bo", f"/timezone {bo}")).ok


async def active(h: Harness) -> None:
    await zoned(h)
    await h.pair()
    assert (await h.say("ann", "/mentor cadence every week on wednesday at 16:00")).ok


async def items(h: Harness) -> list[ActionItem]:
    async with h.app.core.unit() as uow:
        return list(await uow.session.scalars(select(ActionItem).order_by(ActionItem.id)))


async def member(h: Harness, name: str) -> Member:
    async with h.app.core.unit() as uow:
        found = await uow.session.scalar(select(Member).where(Member.external_id == name))
        assert found is not None
        return found


async def next_checkin(h: Harness) -> CheckIn:
    async with h.app.core.unit() as uow:
        c = await uow.session.scalar(
            select(CheckIn).where(CheckIn.state == "upcoming").order_by(CheckIn.scheduled_at.desc())
        )
        assert c is not None
        return c


async def mentorship(h: Harness) -> Mentorship:
    async with h.app.core.unit() as uow:
        m = await uow.session.scalar(select(Mentorship))
        assert m is not None
        return m


# ---- the three outcomes ----------------------------------------------------------------------------


async def test_understood_is_shown_back_with_the_zone_it_was_read_in(h: Harness) -> None:
    await zoned(h)
    await h.pair()
    text = await h.text("ann", "/mentor cadence every 6 weeks on fridays at 3")
    assert "every 6 weeks on Friday at 15:00 (Europe/Berlin)" in text
    moved = await h.text("ann", "/mentor reschedule to tomorrow 4pm")
    assert "Europe/Berlin" in moved and "Moved this one check-in" in moved
    assert (await next_checkin(h)).scheduled_at == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


async def test_asked_back_with_buttons_and_the_answer_is_applied_once(h: Harness) -> None:
    asked = await h.say("ann", "/timezone IST")
    assert not asked.ok and "IST" in render(asked.message)
    labels = buttons(asked.message)
    assert [label.split(" ")[0] for label, _ in labels] == ["Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin"]
    applied = await h.press("ann", labels[0][1])
    assert applied.ok and "Asia/Kolkata" in render(applied.message)
    assert (await member(h, "ann")).tz == "Asia/Kolkata"
    again = await h.press("ann", labels[1][1])
    assert not again.ok and "already been answered" in render(again.message)
    assert (await member(h, "ann")).tz == "Asia/Kolkata"
    # Someone else cannot answer ann's question.
    assert not (await h.press("bo", labels[2][1])).ok


async def test_refused_quotes_the_part_and_shows_what_works(h: Harness) -> None:
    await active(h)
    for line, quoted, example in [
        ("/mentor cadence every blue moon", "every blue moon", "every 2 weeks on Tuesday"),
        ("/mentor reschedule to someday", "to someday", "reschedule to tomorrow 4pm"),
        ("/mentor pause until the cows come home", "until the cows come home", "pause for 2 weeks"),
        ("/actions snooze 1 until someday", "until someday", "snooze 4 until monday"),
        ("/mentor reminders banana", "banana", "/mentor reminders 24h 1h"),
        ("/timezone hours whenever", "whenever", "/timezone hours 9-17"),
    ]:
        if "snooze" in line:
            await h.say("ann", "/actions add draft the plan")
        result = await h.say("ann", line)
        text = render(result.message)
        assert not result.ok, line
        assert quoted in text and example in text, text


# ---- the rows of the issue -------------------------------------------------------------------------


async def test_action_item_mentions_stay_in_the_text_and_the_owner_is_the_speaker(h: Harness) -> None:
    await active(h)
    text = await h.text("bo", "/actions add send CV to @ann by friday")
    assert "send CV to @ann" in text and "Fri 4 Dec 2026" in text and "owner" not in text
    for line in [
        "/actions add review the deck before friday",
        "/actions add review the deck due friday",
        "/actions add review the deck (due fri)",
    ]:
        assert (await h.say("bo", line)).ok, line
    owned = await h.text("ann", "/actions add read the book owner @bo by eow")
    assert "owner @bo" in owned
    saved = await items(h)
    bo = await member(h, "bo")
    assert [(i.text, i.owner_id == bo.id, i.due_date) for i in saved] == [
        ("send CV to @ann", True, date(2026, 12, 4)),
        ("review the deck", True, date(2026, 12, 4)),
        ("review the deck", True, date(2026, 12, 4)),
        ("review the deck", True, date(2026, 12, 4)),
        ("read the book", True, date(2026, 12, 4)),
    ]


async def test_a_bare_hour_is_the_afternoon(h: Harness) -> None:
    await zoned(h)
    await h.pair()
    assert "at 15:00 (Europe/Berlin)" in await h.text("ann", "/mentor cadence every 6 weeks on fridays at 3")


async def test_reschedule_in_its_many_forms(h: Harness) -> None:
    await active(h)
    berlin = ZoneInfo("Europe/Berlin")
    for line, expected in [
        ("/mentor reschedule to tomorrow 4pm", datetime(2026, 12, 1, 16, 0)),
        ("/mentor reschedule next session to thursday 3pm", datetime(2026, 12, 3, 15, 0)),
        ("/mentor move next to tue 10am", datetime(2026, 12, 1, 10, 0)),
        ("/mentor postpone to wednesday 11am", datetime(2026, 12, 2, 11, 0)),
        ("/mentor please push the next session by an hour", datetime(2026, 12, 2, 12, 0)),
        ("/mentor reschedule today at midnight", datetime(2026, 12, 1, 0, 0)),
    ]:
        result = await h.say("ann", line)
        assert result.ok, (line, render(result.message))
        assert (await next_checkin(h)).scheduled_at.astimezone(berlin).replace(tzinfo=None) == expected, line


async def test_pause_for_a_while_and_until_a_month(h: Harness) -> None:
    await active(h)
    for line, back in [
        ("/mentor pause for 2 weeks", date(2026, 12, 14)),
        ("/mentor vacation for 10 days", date(2026, 12, 10)),
        ("/mentor take a break until march", date(2027, 3, 1)),
    ]:
        text = await h.text("ann", line)
        assert (await mentorship(h)).paused_until == back, (line, text)
        assert "back on" in text
        assert (await h.say("ann", "/mentor resume")).ok


async def test_time_zones_people_type(h: Harness) -> None:
    for typed, zone in [
        ("EST", "America/New_York"),
        ("CET", "Europe/Berlin"),
        ("PST", "America/Los_Angeles"),
        ("frankfurt", "Europe/Berlin"),
        ("bangalore", "Asia/Kolkata"),
    ]:
        text = await h.text("ann", f"/timezone {typed}")
        assert f"Time zone set to {zone}" in text and typed in text
    offset = await h.say("ann", "/timezone UTC+2")
    assert not offset.ok and "Etc/GMT-2" in [zone.split(" ")[0] for zone, _ in buttons(offset.message)]


async def test_working_hours_9_to_5(h: Harness) -> None:
    assert "09:00–17:00" in await h.text("ann", "/timezone hours 9 to 5")
    ann = await member(h, "ann")
    assert (ann.work_start_minute, ann.work_end_minute) == (9 * 60, 17 * 60)


async def test_done_several_and_snooze_to_a_day_or_by_an_amount(h: Harness) -> None:
    await active(h)
    for n in range(4):
        await h.say("bo", f"/actions add step {n + 1} by friday")
    done = await h.say("bo", "/actions done 1 2 3")
    assert done.ok
    assert [i.state for i in await items(h)] == ["done", "done", "done", "open"]
    assert (await h.say("bo", "/actions snooze 4 until monday")).ok
    assert (await items(h))[3].due_date == date(2026, 12, 7)
    assert (await h.say("bo", "/actions snooze 4 a week")).ok
    assert (await items(h))[3].due_date == date(2026, 12, 14)
    partly = render((await h.say("bo", "/actions drop 4 99")).message)
    assert "#99" in partly and [i.state for i in await items(h)][3] == "dropped"


async def test_office_hours_topic_after_the_cadence_and_questions_by_q_number(h: Harness) -> None:
    h.admins.add("ann")
    await zoned(h)
    created = await h.text(
        "ann", "/officehours create #general monthly on the first thursday at 17:00 career growth"
    )
    assert "career growth" in created, created
    await h.advance("3d")
    assert (await h.say("bo", "/officehours ask how do I ask for a raise?")).ok
    assert (await h.say("ann", "/officehours answered Q1")).ok


async def test_a_mentor_accepts_a_request_with_mentor_accept(h: Harness) -> None:
    await zoned(h)
    await h.app.router.form(h.actor("ann"), "match:profile:0", {"tags": "rust", "capacity": "3"})
    assert (await h.say("bo", "/mentor request @ann learn rust well enough to ship a service")).ok
    accepted = await h.say("ann", "/mentor accept")
    assert accepted.ok, render(accepted.message)
    assert (await mentorship(h)).state == "active"


async def test_several_waiting_requests_are_asked_about(h: Harness) -> None:
    await zoned(h)
    await h.app.router.form(h.actor("ann"), "match:profile:0", {"tags": "rust", "capacity": "3"})
    assert (await h.say("bo", "/mentor request @ann learn rust well enough to ship a service")).ok
    assert (await h.say("cy", "/mentor request @ann get better at code review this quarter")).ok
    asked = await h.say("ann", "/mentor accept")
    assert not asked.ok and len(buttons(asked.message)) == 2
    chosen = await h.press("ann", buttons(asked.message)[1][1])
    assert chosen.ok, render(chosen.message)
    async with h.app.core.unit() as uow:
        m = await uow.session.scalar(select(Mentorship))
        cy = await uow.session.scalar(select(Member).where(Member.external_id == "cy"))
        assert m is not None and cy is not None and m.mentee_id == cy.id


async def test_unicode_mentions(h: Harness) -> None:
    await zoned(h)
    text = await h.text("ann", "/mentor pair @zoë learn rust")
    assert "@zoë" in text and "learn rust" in text and "ë learn" not in text


async def test_short_forms_are_understood(h: Harness) -> None:
    await active(h)
    for line in [
        "/actions add draft the plan by 1/14",
        "/actions add send the notes eod",
        "/actions add update the doc by end of week",
        "/mentor reminders 1 day",
        "/mentor reminders 1d and 2h",
        "/mentor reschedule tomorrow 4-5pm",
    ]:
        result = await h.say("ann", line)
        assert result.ok, (line, render(result.message))
    assert [i.due_date for i in await items(h)] == [date(2027, 1, 14), date(2026, 11, 30), date(2026, 12, 4)]
    assert (await mentorship(h)).reminder_leads == [1440, 120]


async def test_did_you_mean(h: Harness) -> None:
    unknown = render((await h.say("ann", "/mentr next")).message)
    assert "Did you mean `/mentor next`?" in unknown
    sub = render((await h.say("ann", "/mentor reshedule to friday 3pm")).message)
    assert "Did you mean `/mentor reschedule to friday 3pm`?" in sub


# ---- default zone and the other person's hours -----------------------------------------------------


async def test_without_a_zone_the_first_time_bearing_command_asks_for_it(h: Harness) -> None:
    h.zone = None  # the console tells no zone
    await h.say("bo", "/timezone America/New_York")
    await h.pair()
    asked = await h.say("ann", "/mentor cadence every monday at 8am")
    assert not asked.ok and "Which time zone" in render(asked.message)
    assert (await mentorship(h)).cadence_rule is None  # nothing applied yet
    labels = buttons(asked.message)
    assert labels[0][0] == "America/New_York" and labels[-1][0] == "UTC"
    applied = await h.press("ann", labels[0][1])
    assert applied.ok and "every week on Monday at 08:00 (America/New_York)" in render(applied.message)


async def test_a_time_outside_the_other_persons_hours_is_flagged_with_one_that_suits_both(h: Harness) -> None:
    await zoned(h)
    await h.pair()
    result = await h.say("ann", "/mentor cadence every weekday at 9")
    text = render(result.message)
    assert "03:00 EST for @bo" in text and "suits you both" in text
    [(label, action)] = [b for b in buttons(result.message) if "instead" in b[0]]
    suggested = re.search(r"Use (\d\d:\d\d)", label)
    assert suggested is not None
    applied = await h.press("ann", action)
    assert applied.ok and f"at {suggested.group(1)} (Europe/Berlin)" in render(applied.message)
    c = await next_checkin(h)
    assert 7 <= c.scheduled_at.astimezone(ZoneInfo("America/New_York")).hour < 22


def test_the_console_shows_each_reader_their_own_date() -> None:
    renderer = TextRenderer(
        [ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago")], datetime(2027, 3, 1, tzinfo=UTC)
    )
    shown = renderer.timestamp(Timestamp(datetime(2027, 3, 7, 19, 0, tzinfo=UTC)))
    assert shown == "Mon 8 Mar, 09:00 +14 / Sun 7 Mar, 08:00 SST"
