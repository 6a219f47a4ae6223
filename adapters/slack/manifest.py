"""The `slash_commands` block of manifest.yml, derived from the command registry, so the file Slack
reads and the commands the core knows cannot drift apart (tests/slack/test_manifest.py compares them;
`mentorbot manifest slack` prints the block to paste)."""

from __future__ import annotations

import json

from bot.interactions.registry import CommandRegistry

EXAMPLE_BASE = "https://mentorbot.example.com"
EVENTS_PATH = "/slack/events"


def slash_commands_yaml(registry: CommandRegistry, base_url: str = EXAMPLE_BASE, indent: str = "    ") -> str:
    """The manifest's `slash_commands:` list items, one command per entry, as YAML lines ending in a
    newline. `should_escape` makes Slack send mentions as <@U123|name>, which the core's grammar reads.
    Strings are JSON-quoted where YAML needs quotes (JSON strings are valid YAML)."""
    lines: list[str] = []
    for command in registry:
        lines += [
            f"{indent}- command: /{command.name}",
            f"{indent}  url: {base_url}{EVENTS_PATH}",
            f"{indent}  description: {command.description}",
            f"{indent}  usage_hint: {json.dumps(command.usage_hint, ensure_ascii=False)}",
            f"{indent}  should_escape: true",
        ]
    return "\n".join(lines) + "\n"
