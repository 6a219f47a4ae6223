"""Every rejection of the command grammar is a friendly, specific reply that shows what works."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.interactions.grammar import leading_mention, parse_number, split_mentions, take_option
from bot.persistence.tables import StatusUpdate
from tests.harness import Harness, render


def test_mentions_in_every_platform_form() -> None:
    p = split_mentions("pair <@U123|bo> <@!456> <@789> @cy_d ready by June")
    assert p.mentions == ["U123", "456", "789", "cy_d"] and p.text == "pair ready by June"
    assert split_mentions("mail me@example.com").mentions == []
    assert split_mentions("add ship it @bo with @ann").selected == "ann"
    assert leading_mention("@bo shipped it") == ("bo", "shipped it")
    assert leading_mention("shipped @bo") == (None, "shipped @bo")


def test_numbers_and_trailing_options() -> None:
    assert parse_number("#12") == 12 and parse_number("12") == 12 and parse_number("twelve") is None
    assert take_option(["learn", "by", "doing", "by", "June"], "by") == (["learn", "by", "doing"], "June")
    assert take_option(["no", "option"], "by") == (["no", "option"], None)


REJECTIONS = [
    ("/frobnicate", "I don't know `/frobnicate`"),
    ("/mentor fly", "isn't something I know"),
    ("/mentor pair", "Mention the person"),
    ("/mentor pair @ann", "can't mentor yourself"),
    ("/mentor pair @a @b @c", "Mention one mentee"),
    ("/mentor cadence", "Tell me the rhythm"),
    ("/mentor cadence every blue moon", "every blue moon"),
    ("/mentor reschedule", "Tell me when"),
    ("/mentor stage rockstar", "isn't a stage"),
    ("/mentor reminders soon", "lead times"),
    ("/mentor vacation", "Until when?"),
    ("/actions done", "I need the item's number"),
    ("/actions done first", "“first”"),
    ("/actions add", "Say what needs doing"),
    ("/actions frob 1", "isn't something I know"),
    ("/agenda add", "Add the question itself"),
    ("/checkin notes", "Add the takeaways"),
    ("/timezone Mars/Olympus", "I don't know the time zone"),
    ("/timezone Europe/Berln", "Europe/Berlin"),
    ("/timezone hours whenever", "working hours"),
]


@pytest.mark.parametrize(("line", "expected"), REJECTIONS)
async def test_each_rejection_says_what_would_work(h: Harness, line: str, expected: str) -> None:
    await h.pair("ann", "bo")
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    reply = await h.say("ann", line)
    text = render(reply.message)
    assert not reply.ok, text
    assert expected in text, text
    assert any(hint in text for hint in ("`", "e.g.", "Did you mean", "Try "))


async def test_a_by_that_is_not_a_date_stays_part_of_the_goal(h: Harness) -> None:
    reply = await h.say("ann", "/mentor pair @cy learn by doing by last tuesday of never")
    text = render(reply.message)
    assert reply.ok, text
    assert "Goal: learn by doing by last tuesday of never" in text and "Target" not in text


async def test_cadence_rejection_quotes_input_and_gives_two_examples(h: Harness) -> None:
    await h.pair()
    text = render((await h.say("ann", "/mentor cadence every blue moon")).message)
    assert '"every blue moon"' in text or "“every blue moon”" in text
    assert text.count('"') >= 6  # the input plus two quoted examples
    assert "every 2 weeks on Tuesday at 10:00" in text


async def test_dates_in_the_past_are_refused(h: Harness) -> None:
    await h.pair()
    reply = await h.say("ann", "/actions add Write it up due 2026-01-05")
    assert not reply.ok and "already passed" in render(reply.message)
    reply = await h.say("ann", "/mentor pause until 2026-11-01")
    assert not reply.ok and "not in the future" in render(reply.message)
    reply = await h.say("ann", "/mentor reschedule 2026-11-01 10:00")
    assert not reply.ok


async def test_help_for_every_command(h: Harness) -> None:
    for command in ("mentor", "checkin", "agenda", "actions", "timezone"):
        text = await h.text("ann", f"/{command} help")
        assert f"/{command}" in text and "—" in text
    assert "cadence <phrase>" in await h.text("ann", "/mentor cadence help")


async def test_oversized_update_is_refused_and_nothing_is_damaged(h: Harness) -> None:
    await h.pair()
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    await h.say("bo", "/checkin a small honest update")
    reply = await h.say("bo", "/checkin " + "x" * 50_000)
    assert not reply.ok and "at most 4,000 characters" in render(reply.message)
    async with h.app.core.sessions() as s:
        assert await s.scalar(select(func.count(StatusUpdate.id))) == 1
    assert "a small honest update" in await h.text("ann", "/checkin")


async def test_too_many_open_action_items_get_a_limit_message(h: Harness) -> None:
    await h.pair()
    for i in range(50):
        assert (await h.say("ann", f"/actions add item {i}", flush=False)).ok
    reply = await h.say("ann", "/actions add one too many")
    assert not reply.ok and "50 open action items" in render(reply.message)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(["mentor", "checkin", "agenda", "actions", "timezone"]), text=st.text(max_size=80)
)
async def test_any_text_gets_a_reply_never_an_exception(h: Harness, command: str, text: str) -> None:
    reply = await h.app.router.command(h.actor("zed"), command, text)
    rendered = render(reply.message)
    assert rendered.strip()
    assert "Something went wrong on my side" not in rendered, (command, text)
