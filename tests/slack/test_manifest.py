"""manifest.yml declares every command, scope, event and interactivity setting the adapter relies on."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.slack.listeners import CHANNEL_GONE
from adapters.slack.manifest import slash_commands_yaml
from adapters.slack.run import BOT_SCOPES, EVENTS_PATH, REDIRECT_PATH
from bot.app import command_registry
from bot.cli import main

SLASH_COMMANDS = command_registry().names()

MANIFEST = Path(__file__).parents[2] / "manifest.yml"


def items_under(text: str, key: str) -> list[str]:
    """The `- item` lines of a YAML list under `key:` (the manifest keeps lists simple)."""
    match = re.search(rf"^(\s*){key}:\n((?:\1\s+(?:- .*|#.*)\n)+)", text, re.M)
    assert match, f"no list under {key}"
    return [line.strip()[2:] for line in match.group(2).splitlines() if line.strip().startswith("- ")]


def test_manifest_declares_commands_scopes_events_and_interactivity() -> None:
    text = MANIFEST.read_text()
    commands = re.findall(r"^\s*- command: (/\S+)$", text, re.M)
    assert commands == [f"/{c}" for c in SLASH_COMMANDS]
    assert len(re.findall(r"^\s+should_escape: true$", text, re.M)) == len(SLASH_COMMANDS)
    assert items_under(text, "bot") == BOT_SCOPES
    events = items_under(text, "bot_events")
    assert {"app_home_opened", "message.mpim", "message.im", "message.channels", "message.groups"} <= set(
        events
    )
    # Every lifecycle event the listeners act on is subscribed (app_uninstalled/tokens_revoked need none).
    assert set(CHANNEL_GONE) | {"user_change"} <= set(events)
    assert "org_deploy_enabled: true" in text
    assert re.search(r"interactivity:\n\s+is_enabled: true\n\s+request_url: \S+/slack/events", text)
    assert "home_tab_enabled: true" in text
    assert len(re.findall(rf"url: https://\S+{EVENTS_PATH}$", text, re.M)) == len(SLASH_COMMANDS) + 2
    assert REDIRECT_PATH in text


def test_manifest_slash_commands_are_the_registry() -> None:
    """A command added, renamed or re-described in the registry must reach manifest.yml (paste the
    output of `mentorbot manifest slack`)."""
    assert slash_commands_yaml(command_registry()) in MANIFEST.read_text()


def test_a_drifted_manifest_is_caught() -> None:
    registry = command_registry()
    registry.commands["mentor"] = replace(registry.commands["mentor"], description="Something else")
    assert slash_commands_yaml(registry) not in MANIFEST.read_text()


def test_the_manifest_command_prints_the_block_to_paste(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest", "slack", "--base-url", "https://bot.example.org"]) == 0
    printed = capsys.readouterr().out
    assert printed == "  slash_commands:\n" + slash_commands_yaml(
        command_registry(), "https://bot.example.org"
    )
    assert "- command: /officehours" in printed
