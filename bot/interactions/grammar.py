"""The text grammar shared by every platform: mentions, numbers, and trailing options such as `by DATE`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.validation import platform_id

# Slack and Discord send <@U123|name> / <@123> / <@!123>; the console and people typing send @name.
# Names are any letters in any script (`@zoë`, `@łukasz`); "@3pm" or "@ 10:00" is a time, not a person.
MENTION = re.compile(
    r"<@!?(?P<id>[A-Za-z0-9_.\-]+)(?:\|[^>]*)?>"
    r"|(?<![\w<@])@(?![0-9]{1,2}(?:[:.][0-9]{2})?(?:am|pm|h)?\b)(?P<name>[\w.\-]*\w)"
)
SELECTOR = re.compile(r"(?i)(?<!\S)with\s+(?=<@|@)")
# "#12", "12", and "Q3" (how office-hours questions are shown).
NUMBER = re.compile(r"^(?:#|[Qq])?(\d{1,12})$")


@dataclass
class Parsed:
    """A command's words with the mentions taken out (kept in order) and the rest as text."""

    words: list[str]
    # Mentions in order, except the one after "with", which picks the mentorship (`selected`).
    mentions: list[str] = field(default_factory=list)
    selected: str | None = None

    @property
    def text(self) -> str:
        return " ".join(self.words)


def split_mentions(text: str) -> Parsed:
    mentions: list[str] = []
    selected: list[str] = []
    marked = SELECTOR.sub("\x00", text)

    def take(match: re.Match[str]) -> str:
        ident = platform_id(match["id"] or match["name"].lower())
        start = match.start()
        if start > 0 and marked[start - 1] == "\x00":
            selected.append(ident)
        else:
            mentions.append(ident)
        return " "

    rest = MENTION.sub(take, marked).replace("\x00", " ")
    return Parsed(rest.split(), mentions, selected[0] if selected else None)


def leading_mention(text: str) -> tuple[str | None, str]:
    """A mention at the very start picks the mentorship (`/checkin @sam shipped it`), and so does `with
    @sam` at the very end (what a "which one?" button appends); the rest is text. A mention after "with"
    elsewhere (`paired with @dan on it`) stays in the text."""
    stripped = text.lstrip()
    match = MENTION.match(stripped)
    if match:
        return platform_id(match["id"] or match["name"].lower()), stripped[match.end() :].strip()
    for found in MENTION.finditer(text):
        if found.end() == len(text.rstrip()) and re.search(r"(?i)(?:^|\s)with\s+$", text[: found.start()]):
            head = re.sub(r"(?i)(?:^|\s)with\s+$", "", text[: found.start()])
            return platform_id(found["id"] or found["name"].lower()), head.strip()
    return None, text.strip()


def parse_number(word: str) -> int | None:
    match = NUMBER.match(word.strip())
    return int(match.group(1)) if match else None


def take_option(words: list[str], keyword: str, max_words: int = 6) -> tuple[list[str], str | None]:
    """Split off a trailing `keyword …` (the last occurrence): returns (words before, the option text)."""
    lowered = [w.lower() for w in words]
    for i in range(len(words) - 1, -1, -1):
        if lowered[i] == keyword and 0 < len(words) - i - 1 <= max_words:
            return words[:i], " ".join(words[i + 1 :])
    return words, None


def subcommand(text: str) -> tuple[str, str]:
    """First word (lower-cased) and the untouched rest."""
    stripped = text.strip()
    if not stripped:
        return "", ""
    head, _, rest = stripped.partition(" ")
    return head.lower(), rest.strip()


# Slack sends <#C123|name>, Discord <#123>; the console and people typing send #name.
CHANNEL = re.compile(
    r"<#(?P<id>[A-Za-z0-9]+)(?:\|(?P<name>[^>]*))?>|(?<![\w&#])#(?P<plain>[A-Za-z][A-Za-z0-9_\-]*)"
)


def take_channel(text: str) -> tuple[str | None, str, str]:
    """The first channel reference: (channel id, its name, the text without it)."""
    match = CHANNEL.search(text)
    if match is None:
        return None, "", text.strip()
    ident = platform_id(match["id"] or match["plain"], "channel")
    name = (match["name"] or match["plain"] or ident)[:200]
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    return ident, name, " ".join(rest.split())


def take_selector(text: str) -> tuple[str | None, str]:
    """The mention after "with" that picks the mentorship (`… with @sam`), and the text without it;
    other mentions stay where they are."""
    marked = SELECTOR.sub("\x00", text)
    found: list[str] = []

    def take(match: re.Match[str]) -> str:
        start = match.start()
        if start > 0 and marked[start - 1] == "\x00" and not found:
            found.append(match["id"] or match["name"].lower())
            return " "
        return match.group(0)

    rest = MENTION.sub(take, marked)
    rest = rest.replace("\x00", " ") if found else text
    return (found[0] if found else None), " ".join(rest.split())


def mark_mentions(text: str, mark: str) -> tuple[str, list[str]]:
    """Each mention replaced by `mark` followed by its index, and the mentioned ids in order
    ("send CV to <@U1>" → ("send CV to \x010", ["U1"]) with mark "\x01")."""
    found: list[str] = []

    def replace(match: re.Match[str]) -> str:
        found.append(match["id"] or match["name"].lower())
        return f" {mark}{len(found) - 1}"

    return " ".join(MENTION.sub(replace, text).split()), found
