"""Plays the console's demo SCRIPT through the Discord adapter: each line becomes the app command (with
typed options), thread reply or clock step a Discord user would produce."""

from __future__ import annotations

import re
from typing import Any

from tests.discord.driver import Driver
from tests.discord.payloads import Person

SPEAKER = re.compile(r"^@(?P<name>\w+)\s+(?P<rest>.*)$")
MENTION = re.compile(r"@(\w+)")


def _pair_options(rest: str, people: dict[str, Person]) -> dict[str, Any]:
    match = re.fullmatch(
        r"@(\w+)\s+(?P<goal>.+?)(?:\s+by\s+(?P<by>.+?))?(?:\s+focus\s+(?P<focus>\S+))?", rest
    )
    assert match, rest
    return {"member": people[match[1]], "goal": match["goal"], "by": match["by"], "focus": match["focus"]}


def _action_add_options(rest: str, people: dict[str, Person]) -> dict[str, Any]:
    match = re.fullmatch(r"(?P<text>.+?)\s+@(?P<owner>\w+)(?:\s+due\s+(?P<due>.+))?", rest)
    assert match, rest
    return {"text": match["text"], "owner": people[match["owner"]], "due": match["due"]}


def to_command(line: str, people: dict[str, Person]) -> tuple[str, str | None, dict[str, Any]]:
    """`/mentor pair @ben goal by June focus career` → ("mentor", "pair", {member: ben, goal: …})."""
    command, _, rest = line.lstrip("/").partition(" ")
    rest = rest.strip()
    if command == "mentor":
        sub, _, arg = rest.partition(" ")
        arg = arg.strip()
        if sub == "pair":
            return "mentor", "pair", _pair_options(arg, people)
        named = {
            "cadence": "rule",
            "end": "reflection",
            "reflect": "text",
            "reschedule": "when",
            "decline": "reason",
        }
        return "mentor", sub, ({named[sub]: arg} if arg else {})
    if command == "agenda":
        sub, _, arg = rest.partition(" ")
        return "agenda", None, {"question": arg.strip()} if sub == "add" else {}
    if command == "checkin":
        sub, _, arg = rest.partition(" ")
        if sub in ("notes", "missed"):
            return "checkin", None, {"kind": sub, "text": arg.strip() or None}
        return "checkin", None, {"text": rest} if rest else {}
    if command == "actions":
        sub, _, arg = rest.partition(" ")
        if sub == "add":
            return "actions", "add", _action_add_options(arg.strip(), people)
        if sub in ("done", "drop", "snooze"):
            return "actions", sub, {"number": int(arg)}
        return "actions", "list", {}
    if command == "timezone":
        return "timezone", None, {"zone": rest}
    raise AssertionError(f"no Discord mapping for {line!r}")


async def play(dc: Driver, script: str, people: dict[str, Person]) -> list[tuple[str, str]]:
    """Returns (line, what the bot answered) for every command, for assertions."""
    transcript: list[tuple[str, str]] = []
    for raw in script.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(":advance"):
            await dc.advance(line.split()[1])
            continue
        if line.startswith(":tz"):
            _, name, zone = line.split()
            answer = await dc.command(people[name[1:]], "timezone", None, zone=zone)
            transcript.append((line, answer))
            continue
        match = SPEAKER.match(line)
        assert match, line
        who, rest = people[match["name"]], match["rest"]
        if thread := re.fullmatch(r">(\d+)\s+(.+)", rest):
            anchor = await dc.checkin_anchor(int(thread[1]))
            await dc.say(who, anchor["channel_id"], thread[2], reply_to=anchor)
            transcript.append((line, "(thread reply)"))
            continue
        name, sub, options = to_command(rest, people)
        transcript.append((line, await dc.command(who, name, sub, **options)))
    return transcript
