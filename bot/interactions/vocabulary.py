"""The words around a sub-command: filler ("please …", "can you …") and phrases that name one ("take a
break", "go on vacation", "change the cadence to …"). The sub-commands and their synonyms themselves are
declared with each command (bot/interactions/registry.py)."""

from __future__ import annotations

from bot.interactions.grammar import subcommand
from bot.interactions.registry import CommandRegistry

# Words before the sub-command that change nothing: "/mentor please move the next session to …".
_LEADING_FILLER = frozenset(
    {"please", "pls", "plz", "can", "could", "you", "kindly", "set", "i", "want", "to", "let's", "lets", "we"}
)
_ACTIONS_FILLER = frozenset({"please", "pls", "mark"})


def _canonical(registry: CommandRegistry, command: str, word: str) -> str:
    sub = registry.sub(command, word)
    return sub.name if sub else word


def mentor_sub(text: str, registry: CommandRegistry) -> tuple[str, str]:
    """The `/mentor` sub-command people meant (its registered name, or the word as typed when it names
    none) and the rest: filler and synonyms taken out
    ("please move the next session to …" → ("reschedule", "the next session to …"))."""
    sub, rest = subcommand(text)
    while sub in _LEADING_FILLER and rest:
        sub, rest = subcommand(rest)
    if sub == "take" and rest.lower().startswith(("a break", "break")):
        sub, rest = "pause", rest.lower().removeprefix("a ").removeprefix("break").strip()
    if sub == "go" and rest.lower().startswith("on "):
        sub, rest = subcommand(rest[3:])
    if sub in ("change", "update", "edit") and rest:
        # "change cadence to every tuesday", "update reminders 1 day"; else "change to friday 4pm" moves
        following, tail = subcommand(rest)
        found = registry.sub("mentor", following)
        if found is not None and following == found.name:
            tail_words = tail.split()
            if tail_words[:1] in (["to"], ["is"]):
                tail = " ".join(tail_words[1:])
            return following, tail
    if sub == "every":
        return "cadence", f"every {rest}".strip()
    return _canonical(registry, "mentor", sub), rest


def actions_sub(text: str, registry: CommandRegistry) -> tuple[str, str]:
    """The `/actions` sub-command people meant ("complete 3" → ("done", "3")) and the rest."""
    sub, rest = subcommand(text)
    while sub in _ACTIONS_FILLER and rest:
        sub, rest = subcommand(rest)
    return _canonical(registry, "actions", sub), rest
