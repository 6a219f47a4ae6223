"""The spec checker catches what it should; the grammar mapping; and `run_gateway`'s exit codes."""

from __future__ import annotations

from pathlib import Path

from adapters.discord import grammar
from adapters.discord.run import run_gateway
from bot.settings import Settings
from tests.discord.fakeapi import FakeDiscord, Recorded
from tests.discord.spec import check_all, check_limits, validate_request


def test_spec_accepts_a_good_message_and_rejects_bad_ones() -> None:
    good = Recorded(
        "POST",
        "/channels/1/messages",
        {},
        {
            "content": "hi",
            "nonce": "abc",
            "enforce_nonce": True,
            "allowed_mentions": {"parse": [], "users": ["12"]},
        },
    )
    assert check_all([good]) == []
    int_ids = Recorded("POST", "/channels/1/messages", {}, {"allowed_mentions": {"users": [12]}})
    assert validate_request(int_ids)
    assert validate_request(Recorded("POST", "/channels/1/messages", {}, {"content": 5}))
    assert validate_request(Recorded("DELETE", "/users/@me/channels", {}, None))
    assert validate_request(Recorded("GET", "/no/such/path", {}, None))
    assert validate_request(Recorded("POST", "/webhooks/1/t", {"nope": "1"}, {"content": "x"}))
    assert (
        validate_request(Recorded("POST", "/interactions/1/t/callback", {"with_response": "1"}, {"type": 5}))
        == []
    )


def test_limits_are_checked() -> None:
    row = {"type": 1, "components": [{"type": 2, "style": 2, "label": "x" * 81, "custom_id": "y" * 101}] * 6}
    body = {"content": "x" * 2001, "components": [row] * 6, "embeds": [{}] * 11}
    errors = check_limits(Recorded("POST", "/channels/1/messages", {}, body))
    assert len(errors) >= 6


def test_grammar_mapping() -> None:
    assert grammar.pair_text(2, "ready for promotion", "June", "career") == (
        "pair <@2> ready for promotion by June focus career"
    )
    assert grammar.pair_text(2, "goal", None, None, mentor=1) == "pair <@1> <@2> goal"
    assert grammar.mentor_text("cadence", "every week", "7") == "cadence every week with <@7>"
    assert grammar.mentor_text("next", None, None) == "next"
    assert grammar.checkin_text("notes", "went well", "7") == "<@7> notes went well"
    assert grammar.checkin_text("update", "shipped", None) == "update: shipped"
    # An update that starts like a keyword stays an update.
    assert grammar.checkin_text("update", "notes from the book", None) == "update: notes from the book"
    assert grammar.agenda_text("why?", None) == "add why?"
    added = grammar.action_add_text("Do it", 3, "friday", "7")
    assert added == "add Do it owner <@3> (due: friday) with <@7>"
    assert grammar.timezone_text("Europe/Berlin", None) == "Europe/Berlin"
    assert grammar.timezone_text(None, "9-17") == "hours 9-17"


async def test_run_gateway_reports_a_rejected_token(api: FakeDiscord, tmp_path: Path) -> None:
    api.reject_token = True
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}", data_dir=tmp_path, discord_token="bad"
    )
    assert await run_gateway(settings) == 2
    assert await run_gateway(Settings(database_url="sqlite+aiosqlite://", data_dir=tmp_path)) == 2
