"""The app-command tree stays within what Discord accepts: `/mentor` is full (25 options), so new
commands go elsewhere (e.g. `/program`); a tree past a limit would fail to sync in production."""

from __future__ import annotations

from typing import Any

from bot.app import command_registry
from tests.discord.driver import Driver
from tests.discord.spec import MAX_OPTIONS, command_limits


def synced(dc: Driver) -> list[dict[str, Any]]:
    [put] = [r for r in dc.api.requests if r.method == "PUT" and r.path.endswith("/commands")]
    assert isinstance(put.body, list)
    return put.body


async def test_the_synced_tree_is_within_discords_limits(dc: Driver) -> None:
    commands = synced(dc)
    assert command_limits(commands) == []
    by_name = {c["name"]: c for c in commands}
    assert len(by_name["mentor"]["options"]) <= MAX_OPTIONS
    # The program's commands: a group of their own, shown only to people who may manage the server.
    program = by_name["program"]
    assert {o["name"] for o in program["options"]} == {"digest", "dashboard", "viewer"}
    assert int(program["default_member_permissions"]) == 0x20
    assert "digest" not in {o["name"] for o in by_name["mentor"]["options"]}
    # Where the command registry (#15) places the program's sub-commands is where they are.
    declared = command_registry().discord_groups()["program"]
    assert set(declared) <= {o["name"] for o in program["options"]}


def test_the_check_catches_a_tree_past_the_limits() -> None:
    sub = {"type": 1, "name": "x", "description": "d"}
    group = {"type": 1, "name": "big", "description": "d", "options": [sub] * 26}
    too_many = [{"type": 1, "name": f"c{i}", "description": "d"} for i in range(101)]
    long_text = {
        "type": 1,
        "name": "t",
        "description": "d" * 101,
        "options": [{**sub, "description": "e" * 3999}],
    }
    assert any("26 options > 25" in e for e in command_limits([group]))
    assert any("101 chat-input commands" in e for e in command_limits(too_many))
    assert any("characters > 4000" in e for e in command_limits([long_text]))
    assert any(
        "name 'Bad Name'" in e for e in command_limits([{"type": 1, "name": "Bad Name", "description": "d"}])
    )
