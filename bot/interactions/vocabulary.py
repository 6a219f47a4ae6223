"""The words people use for commands: synonyms ("move" for reschedule), filler ("please …") and the
sub-commands that "did you mean" compares typos against."""

from __future__ import annotations

from bot.interactions.grammar import subcommand

# What people type for a `/mentor` sub-command, mapped to the one it means.
MENTOR_SYNONYMS = {
    "move": "reschedule",
    "postpone": "reschedule",
    "push": "reschedule",
    "shift": "reschedule",
    "rebook": "reschedule",
    "resched": "reschedule",
    "delay": "reschedule",
    "change": "reschedule",
    "vacation": "vacation",
    "holiday": "vacation",
    "holidays": "vacation",
    "away": "vacation",
    "ooo": "vacation",
    "break": "pause",
    "unpause": "resume",
    "continue": "resume",
    "restart": "resume",
    "approve": "accept",
    "yes": "accept",
    "reject": "decline",
    "schedule": "cadence",
    "rhythm": "cadence",
    "frequency": "cadence",
    "repeat": "cadence",
    "when": "next",
    "upcoming": "next",
    "reminder": "reminders",
    "remind": "reminders",
    "finish": "end",
    "close": "end",
    "mine": "list",
    "ls": "list",
}
MENTOR_SUBS = (
    "pair",
    "accept",
    "decline",
    "list",
    "cadence",
    "next",
    "pause",
    "vacation",
    "resume",
    "skip",
    "reschedule",
    "end",
    "conclude",
    "reflect",
    "keep-in-touch",
    "stage",
    "reminders",
    "help",
)
# Words before the sub-command that change nothing: "/mentor please move the next session to …".
_LEADING_FILLER = frozenset(
    {"please", "pls", "plz", "can", "could", "you", "kindly", "set", "i", "want", "to", "let's", "lets", "we"}
)
ACTION_SUBS = ("add", "list", "done", "drop", "snooze", "help")
ACTION_SYNONYMS = {
    "new": "add",
    "create": "add",
    "todo": "add",
    "complete": "done",
    "completed": "done",
    "finish": "done",
    "finished": "done",
    "close": "done",
    "check": "done",
    "tick": "done",
    "remove": "drop",
    "delete": "drop",
    "cancel": "drop",
    "postpone": "snooze",
    "defer": "snooze",
    "later": "snooze",
    "show": "list",
    "ls": "list",
}
# Sub-commands whose times and dates are read in the speaker's zone, so that zone must be known first.


def mentor_sub(text: str) -> tuple[str, str]:
    """The `/mentor` sub-command people meant and the rest: filler and synonyms taken out
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
        if following in MENTOR_SUBS:
            tail_words = tail.split()
            if tail_words[:1] in (["to"], ["is"]):
                tail = " ".join(tail_words[1:])
            return following, tail
    if sub == "every":
        return "cadence", f"every {rest}".strip()
    return MENTOR_SYNONYMS.get(sub, sub), rest


def actions_sub(text: str) -> tuple[str, str]:
    """The `/actions` sub-command people meant ("complete 3" → ("done", "3")) and the rest."""
    sub, rest = subcommand(text)
    while sub in ("please", "pls", "mark") and rest:
        sub, rest = subcommand(rest)
    return ACTION_SYNONYMS.get(sub, sub), rest
