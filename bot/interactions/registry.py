"""The one list of what people can type: every slash command, its sub-commands, their help lines,
synonyms and where they appear on Discord.

Each area declares its commands and registers them (`register(registry)` in its commands module); the
composition root (bot/app.py) calls those. Everything that lists commands is derived from here:
- the text router's dispatch (bot/interactions/router.py) and its "did you mean" guesses;
- the help pages (`/mentor help`, `/mentor help pair`) and the unknown-command reply;
- Slack's slash commands and the `slash_commands` block of manifest.yml (adapters/slack/manifest.py; a
  test fails when the file drifts);
- Discord's app-command tree (adapters/discord/commands.py builds its groups from here and a test fails
  when a sub-command has no Discord form, or a group passes Discord's limit of 25).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.domain import phrases

if TYPE_CHECKING:
    from bot.messages import Reply
    from bot.services.members import Actor
    from bot.services.unit import UnitOfWork

# (uow, actor, the text after the command or sub-command) → the reply
CommandHandler = Callable[["UnitOfWork", "Actor", str], Awaitable["Reply"]]
# (uow, actor, verb, id) for a button `scope:verb:id`
ButtonHandler = Callable[["UnitOfWork", "Actor", str, int], Awaitable["Reply"]]
# (uow, actor, verb, id, values) for a form `scope:verb:id`
FormHandler = Callable[["UnitOfWork", "Actor", str, int, Mapping[str, str]], Awaitable["Reply"]]
# (uow, actor with channel and thread, text, platform message id) → a reply, or None when not theirs
ThreadHandler = Callable[["UnitOfWork", "Actor", str, str], Awaitable["Reply | None"]]

# Discord's limits on an app command (https://discord.com/developers/docs/interactions/application-commands)
DISCORD_MAX_OPTIONS = 25
DISCORD_DESCRIPTION_MAX = 100

HelpLine = tuple[str, str]
# (text after the command, the registry) → (the word naming the sub-command, the rest)
Splitter = Callable[[str, "CommandRegistry"], tuple[str, str]]  # (usage after the command, what it does)


@dataclass(frozen=True)
class Sub:
    """A sub-command: `/mentor pair …` is Sub("pair") of Command("mentor").

    `summary` is one line (≤ 100 characters: Discord's description limit); `help` the lines of the help
    page, usage first. `discord` names the Discord sub-command that carries it as `group name` (default:
    the command's group and the sub-command's own name); several subs may share one Discord sub-command
    with a choice (`/mentor data action:export`), None keeps it off Discord's menus (still typed as text).
    """

    name: str
    summary: str
    help: tuple[HelpLine, ...]
    handler: CommandHandler
    synonyms: tuple[str, ...] = ()
    discord: str | None = ""


@dataclass(frozen=True)
class Command:
    """A slash command. `description` and `usage_hint` are Slack's (manifest.yml) and Discord's text;
    `help` the lines shown before the sub-commands' on the help page; `hint` the examples shown when a
    sub-command is not known. A command with sub-commands dispatches on its first word (after filler and
    synonyms, see `words`), then falls back to `handler` when it has one."""

    name: str
    description: str
    usage_hint: str
    handler: CommandHandler | None = None
    help: tuple[HelpLine, ...] = ()
    hint: str = ""
    footer: str = ""
    # Reads the sub-command word and the rest, filler and phrases taken out ("please move …" →
    # ("move", "…")); default: the first word.
    split: Splitter | None = None


@dataclass
class CommandRegistry:
    """All commands, sub-commands, button/form scopes and thread fallbacks of a running app."""

    commands: dict[str, Command] = field(default_factory=dict)
    subs: dict[str, dict[str, Sub]] = field(default_factory=dict)
    buttons: dict[str, ButtonHandler] = field(default_factory=dict)
    forms: dict[str, FormHandler] = field(default_factory=dict)
    thread_fallbacks: list[ThreadHandler] = field(default_factory=list)
    # Discord groups that are no text command (`/program` for admins): name → description.
    discord_groups_described: dict[str, str] = field(default_factory=dict)

    def add_command(self, command: Command) -> None:
        if command.name in self.commands:
            raise ValueError(f"/{command.name} is registered twice")
        self.commands[command.name] = command
        self.subs.setdefault(command.name, {})

    def add_sub(self, command: str, sub: Sub) -> None:
        """Raises ValueError when the name or a synonym is taken, or the summary is longer than Discord
        shows, so a clash is found at start-up, not by a person typing."""
        subs = self.subs.setdefault(command, {})
        taken = {name for s in subs.values() for name in (s.name, *s.synonyms)}
        clash = taken & {sub.name, *sub.synonyms}
        if clash:
            raise ValueError(f"/{command} {sorted(clash)[0]} is registered twice")
        if len(sub.summary) > DISCORD_DESCRIPTION_MAX:
            raise ValueError(f"/{command} {sub.name}: summary longer than {DISCORD_DESCRIPTION_MAX}")
        subs[sub.name] = sub

    def add_button(self, scope: str, handler: ButtonHandler) -> None:
        self.buttons[scope] = handler

    def add_form(self, scope: str, handler: FormHandler) -> None:
        self.forms[scope] = handler

    # ---- reading -------------------------------------------------------------------------------

    def names(self) -> tuple[str, ...]:
        return tuple(self.commands)

    def sub(self, command: str, word: str) -> Sub | None:
        """The sub-command `word` names, by name or synonym."""
        subs = self.subs.get(command, {})
        if word in subs:
            return subs[word]
        return next((s for s in subs.values() if word in s.synonyms), None)

    def words(self, command: str) -> tuple[str, ...]:
        """Every word that names a sub-command of `command` (names and synonyms)."""
        return tuple(name for s in self.subs.get(command, {}).values() for name in (s.name, *s.synonyms))

    def guess(self, command: str, word: str) -> str | None:
        """The sub-command a typo most likely meant (`paier` → `pair`), by its real name."""
        found = phrases.did_you_mean(word, self.words(command))
        if found is None:
            return None
        sub = self.sub(command, found)
        return sub.name if sub else found

    def guess_command(self, word: str) -> str | None:
        return phrases.did_you_mean(word, self.names())

    def help_lines(self, command: str, sub: str | None = None) -> list[HelpLine]:
        """The help page's lines: the command's own, then each sub-command's in registration order; with
        `sub`, that sub-command's lines (all of them when it is not known)."""
        found = self.sub(command, sub) if sub else None
        if found is not None:
            return list(found.help)
        cmd = self.commands.get(command)
        lines = list(cmd.help) if cmd else []
        for s in self.subs.get(command, {}).values():
            lines.extend(s.help)
        return lines

    def discord_placement(self, command: str, sub: Sub) -> tuple[str, str] | None:
        """(Discord group, sub-command name) that carries `sub`, or None when it is text only."""
        if sub.discord is None:
            return None
        if not sub.discord:
            return command, sub.name
        group, _, name = sub.discord.partition(" ")
        return (group, name) if name else (command, group)

    def discord_groups(self) -> dict[str, dict[str, list[Sub]]]:
        """Discord group → its sub-command names → the subs each carries, in registration order."""
        groups: dict[str, dict[str, list[Sub]]] = {}
        for command, subs in self.subs.items():
            for s in subs.values():
                placed = self.discord_placement(command, s)
                if placed is not None:
                    groups.setdefault(placed[0], {}).setdefault(placed[1], []).append(s)
        return groups

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands.values())
