"""Command phrases in people's own words: "pause for 2 weeks", "reschedule the next session to thursday
3pm", "postpone by a day", "snooze 4 until monday", "send CV to @bo by friday (due fri)".

Each reader takes the words after the sub-command and returns what they mean, relative to the speaker's
own zone and "now"; it raises ParseError (quoting what was not understood, with an example close to what
was typed) or AskBack (two plausible readings). Mentions are already replaced by placeholders by the
caller where they matter (`MENTION_MARK`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.dates import (
    local_to_utc,
    parse_date,
    read_date,
    read_local_datetime,
    split_zone_suffix,
    to_local,
)
from bot.domain.errors import AskBack, ParseError
from bot.domain.timeparse import (
    Invalid,
    match_weekday,
    not_understood,
    parse_error,
    quote,
    read_duration,
    words_of,
)

PAUSE_EXAMPLES = ("pause for 2 weeks", "pause until jan 6")
RESCHEDULE_EXAMPLES = ("reschedule to tomorrow 4pm", "move next to fri 10am")
SNOOZE_EXAMPLES = ("snooze 4 until monday", "snooze 4 a week")
DUE_EXAMPLES = ("send CV by friday", "draft the plan due dec 12")

# Words people put around the thing they mean: "please move the next session to …".
_FILLER = frozenset(
    {"please", "pls", "plz", "kindly", "can", "could", "you", "we", "i", "the", "our", "my", "it"}
)
_SESSION_WORDS = frozenset(
    {
        "next",
        "session",
        "meeting",
        "check-in",
        "checkin",
        "call",
        "one",
        "this",
        "upcoming",
        "sync",
        "1:1",
        "1on1",
    }
)
_TARGET_WORDS = frozenset({"to", "for", "until", "till", "til", "on", "at"})


def _strip_leading(words: list[str], drop: Iterable[str]) -> list[str]:
    dropped = set(drop)
    while words and words[0] in dropped:
        words = words[1:]
    return words


def _months_later(words: list[str], today: date) -> date | None:
    """ "a month", "2 months", "for 3 months" → that many calendar months after today."""
    if len(words) == 2 and words[1] in ("month", "months"):
        try:
            return read_date(["in", *words], today)
        except Invalid:
            return None
    return None


def _as_delta(words: list[str]) -> timedelta | None:
    """ "2 weeks", "a week", "10 days", "a day" → timedelta; None when it is not a plain duration."""
    text = " ".join(words)
    text = re.sub(r"^(?:an?|one)\s+(?=[a-z])", "1 ", text)
    if not text or not text[0].isdigit():
        return None
    try:
        return read_duration(text)
    except Invalid:
        return None


# --- pause / vacation ------------------------------------------------------------------------------------


def read_pause_until(text: str, today: date) -> date | None:
    """The day a pause ends (things start again that morning), in the speaker's calendar.

    "for 2 weeks", "2 weeks", "10 days" → today plus that; "until march" → 1 March; "till jan 5",
    "until next monday", "until after new year" is not understood. Empty or "indefinitely" → None.
    Raises ParseError or AskBack.
    """
    words = _strip_leading(words_of(text), _FILLER)
    if not words or words in (
        ["indefinitely"],
        ["until", "further", "notice"],
        ["for", "now"],
        ["for", "a", "while"],
    ):
        return None
    if words[0] in ("for", "about", "around"):
        words = words[1:]
        if (later := _months_later(words, today)) is not None:
            return later
        delta = _as_delta(words)
        if delta is None:
            raise not_understood(text, PAUSE_EXAMPLES, "please say how long, like 2 weeks or 10 days")
        return today + timedelta(days=max(1, round(delta / timedelta(days=1))))
    if (later := _months_later(words, today)) is not None:
        return later
    delta = _as_delta(words)
    if delta is not None:
        return today + timedelta(days=max(1, round(delta / timedelta(days=1))))
    words = _strip_leading(words, ("until", "till", "til", "to", "back", "on", "through", "thru"))
    if words[:1] == ["the"] and words[1:2] == ["end"]:
        words = words[1:]
    try:
        return read_date(words, today, month_start=True)
    except Invalid as exc:
        raise not_understood(text, PAUSE_EXAMPLES, exc.reason) from None


# --- reschedule ------------------------------------------------------------------------------------------


def read_reschedule(text: str, tz: ZoneInfo, now: datetime, current: datetime | None) -> datetime:
    """The new start (aware UTC) of the next check-in from "to tomorrow 4pm", "next session to thursday
    3pm", "the next one to fri 10am", "by a day", "back 2 days", "an hour later", "today at midnight".

    Relative moves ("by 2 days", "a week later", "1 hour earlier") shift `current`, the check-in's start.
    A trailing IANA zone ("tomorrow 3pm America/New_York") reads the time there instead of in `tz`.
    Raises ParseError (quoting the text) or AskBack.
    """
    text, named = split_zone_suffix(text)
    tz = named or tz
    words = _strip_session_words(words_of(text))
    # "tomorrow same time", "to next week at the same time": the check-in's own time of day.
    joined = re.sub(r"\b(?:at\s+)?(?:the\s+)?same\s+time\b", " ", " ".join(words))
    words = joined.split()
    if current is not None and _strip_leading(words, _TARGET_WORDS) in (
        ["next", "week"],
        ["a", "week", "later"],
    ):
        return current + timedelta(weeks=1)  # "to next week": the same day and time a week on
    shift = _read_shift(words)
    if shift is not None:
        if current is None:
            raise parse_error(f"There's no check-in to move by {quote(text)}.", RESCHEDULE_EXAMPLES)
        return current + shift
    words = _strip_leading(words, _TARGET_WORDS | _FILLER)
    if not words:
        raise parse_error(f"To when? I couldn't find a date in {quote(text)}.", RESCHEDULE_EXAMPLES)
    try:
        try:
            local = read_local_datetime(" ".join(words), tz, now)
        except Invalid:
            if current is None:
                raise
            # "move it to wednesday": the same time of day as now planned, on the new day.
            day = read_date(words, to_local(now, tz).date())
            local = datetime.combine(day, to_local(current, tz).time())
        return local_to_utc(local, tz)
    except Invalid as exc:
        raise not_understood(text, RESCHEDULE_EXAMPLES, exc.reason) from None
    except OverflowError:
        raise not_understood(text, RESCHEDULE_EXAMPLES, "that date is out of range") from None


def _strip_session_words(words: list[str]) -> list[str]:
    """ "the next session to …", "our next one to …" lose their lead-in; "next tuesday" keeps its "next"."""
    while words and words[0] in _FILLER | _SESSION_WORDS:
        following = words[1] if len(words) > 1 else ""
        if words[0] in ("next", "this") and (match_weekday(following) is not None or following in _PERIODS):
            break
        words = words[1:]
    return words


_PERIODS = frozenset({"week", "month", "weekend", "year"})


def _read_shift(words: list[str]) -> timedelta | None:
    """ "by a day", "back 2 days", "2 days later", "an hour earlier", "forward a week", "+1d"."""
    sign = 1
    if words and words[0] in ("back", "later", "forward", "ahead", "out"):
        words = words[1:]
    if words and words[0] == "by":
        words = words[1:]
    if words and words[-1] in ("later", "back", "forward", "out"):
        words = words[:-1]
    elif words and words[-1] in ("earlier", "sooner", "before"):
        sign, words = -1, words[:-1]
    if len(words) == 1 and re.fullmatch(r"[+-][0-9]+[a-z]+", words[0]):
        sign = -1 if words[0][0] == "-" else 1
        words = [words[0][1:]]
    delta = _as_delta(words)
    return None if delta is None else sign * delta


# --- snooze ----------------------------------------------------------------------------------------------


def read_snooze(text: str, today: date, due: date | None) -> date:
    """The new due date from what follows the item number: "" (a day), "until monday", "to friday",
    "a week", "3 days", "for 2 days", "till next week". Relative amounts count from the later of the
    current due date and today. Raises ParseError or AskBack."""
    words = _strip_leading(words_of(text), _FILLER)
    base = max(due or today, today)
    if not words:
        return base + timedelta(days=1)
    if words[0] in ("for", "by"):
        words = words[1:]
    delta = _as_delta(words)
    if delta is not None:
        return base + timedelta(days=max(1, round(delta / timedelta(days=1))))
    words = _strip_leading(words, ("until", "till", "til", "to", "on"))
    try:
        return read_date(words, today)
    except Invalid as exc:
        raise not_understood(text, SNOOZE_EXAMPLES, exc.reason) from None


# --- numbers ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^(?:#|q|no\.?|item)?([0-9]{1,12})$", re.IGNORECASE)
_RANGE = re.compile(r"^#?([0-9]{1,6})[-–]#?([0-9]{1,6})$")
MAX_NUMBERS = 20


def read_numbers(text: str) -> tuple[list[int], str]:
    """Leading item numbers: "1 2 3", "1, 2 and 3", "#4", "Q3", "1-3" → ([1, 2, 3], rest of the text)."""
    numbers: list[int] = []
    tokens = text.replace(",", " , ").split()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        match, span = _NUMBER.match(token), _RANGE.match(token)
        if match:
            numbers.append(int(match.group(1)))
        elif span and 0 <= int(span.group(2)) - int(span.group(1)) < MAX_NUMBERS:
            numbers.extend(range(int(span.group(1)), int(span.group(2)) + 1))
        elif token.lower() in (",", "and", "&", "+") and numbers:
            pass
        else:
            break
        index += 1
    return list(dict.fromkeys(numbers))[:MAX_NUMBERS], " ".join(tokens[index:]).replace(" , ", ", ")


# --- action items ----------------------------------------------------------------------------------------

MENTION_MARK = "\x01"  # the caller puts this (followed by the mention's index) where each mention was
_OWNER_WORDS = {"owner", "owner:", "assign", "assigned", "assignee", "assignee:", "for"}
# After these a mention is what the item is about ("send CV to @bo"), never its owner.
_DUE_MARKERS = (
    "due by",
    "due on",
    "due:",
    "due",
    "by",
    "before",
    "deadline",
    "deadline:",
    "until",
    "till",
    "on",
)
_BARE_DUE = frozenset(
    {"today", "tonight", "tomorrow", "tmrw", "eod", "eow", "this week", "next week", "end of week"}
)


@dataclass(frozen=True)
class ActionPhrase:
    """What `/actions add …` said: the item's text (mentions kept as `MENTION_MARK`n), the index of the
    mention that names the owner (None: the speaker) and the due date (None: none)."""

    text: str
    owner: int | None
    due: date | None


def read_action(text: str, today: date) -> ActionPhrase:
    """Split an action item into text, owner and due date.

    The rule (documented in the README): the owner is the person typing, unless the item says otherwise
    with "owner @x", "assign(ed) to @x", "for @x" at the end of the text, or starts with "@x:" or
    "@x to …"; any other mention stays in the text ("send CV to @bo"). The due date is a trailing
    "by friday", "before friday", "due friday", "due: dec 3", "(due fri)", "deadline 1/14", "on friday",
    or a trailing "tomorrow", "eod", "next week". A trailing "by …" that is not a date stays in the
    text ("learn by doing"). Raises AskBack when the due date has two readings ("by 3/4").
    """
    body = " ".join(text.split())
    due: date | None = None
    paren = re.search(r"\(\s*((?:due|by|deadline)?:?)\s*([^()]+?)\s*\)\s*$", body, re.IGNORECASE)
    if paren and (parsed := _try_date(paren.group(2), today)) is not None:
        due, body = parsed, body[: paren.start()].rstrip()
    elif paren and paren.group(1).lower() == "due:":
        # "(due: …)" is a due date said explicitly (Discord's `due` option): unreadable is an error, not text.
        raise ParseError(
            f"I couldn't read “{paren.group(2)[:60]}” as a due date. Try friday, dec 12 or in 2 weeks."
        )
    words = body.split()
    owner: int | None = None
    words, owner = _take_owner(words)
    if due is None:
        words, due = _take_due(words, today)
    if owner is None:
        words, owner = _take_owner(words)
    text_out = " ".join(words).strip(" ,;-–")
    return ActionPhrase(text_out, owner, due)


def _mention_index(word: str) -> int | None:
    match = re.fullmatch(re.escape(MENTION_MARK) + r"([0-9]+)[,.;:]?", word)
    return int(match.group(1)) if match else None


def _take_owner(words: list[str]) -> tuple[list[str], int | None]:
    lowered = [word.lower() for word in words]
    # "@bo: send the deck", "@bo to send the deck", "@bo will send the deck"
    index = _mention_index(words[0]) if len(words) > 1 else None
    if index is not None and (words[0].endswith(":") or lowered[1] in ("to", "-", "will", "should", "must")):
        skip = 2 if lowered[1] in ("to", "-") and not words[0].endswith(":") else 1
        return words[skip:], index
    for position in range(len(words) - 1):
        index = _mention_index(words[position + 1])
        if index is None:
            continue
        word = lowered[position]
        if word in ("owner", "owner:", "assignee", "assignee:") or (
            word == "to" and position > 0 and lowered[position - 1] in ("assign", "assigned")
        ):
            start = position - 1 if word == "to" else position
            return words[:start] + words[position + 2 :], index
        if word == "for" and position + 2 == len(words) and position > 0:
            return words[:position], index
    # The older form "<text> @owner": a mention closing the text, after a word that does not take it
    # as its object ("send CV to @bo", "call @bo" keep it in the text).
    if (
        len(words) > 2
        and (index := _mention_index(words[-1])) is not None
        and lowered[-2] not in _OBJECT_WORDS
    ):
        return words[:-1], index
    return words, None


_OBJECT_WORDS = frozenset(
    {
        "to",
        "with",
        "from",
        "about",
        "for",
        "cc",
        "and",
        "&",
        "at",
        "of",
        "by",
        "on",
        "via",
        "ping",
        "call",
        "email",
        "ask",
        "tell",
        "thank",
        "message",
        "dm",
        "meet",
        "introduce",
        "help",
        "remind",
        "invite",
        "include",
        "loop",
        "text",
        "pay",
        "contact",
        "follow",
        "up",
        "see",
        "visit",
        "join",
        "pair",
    }
)


def _try_date(text: str, today: date) -> date | None:
    try:
        return parse_date(text, today)
    except AskBack:
        raise
    except ParseError:
        return None


def _take_due(words: list[str], today: date) -> tuple[list[str], date | None]:
    lowered = [word.lower() for word in words]
    # The earliest marker whose whole tail is a date: "by friday", "due by end of week".
    for start in range(max(1, len(words) - 7), len(words)):
        if lowered[start].rstrip(":") in {marker.rstrip(":") for marker in _DUE_MARKERS}:
            tail = " ".join([lowered[start].rstrip(":"), *words[start + 1 :]])
            parsed = _try_date(tail, today)
            if parsed is not None and not (
                lowered[start] == "on" and not _looks_like_when(lowered[start + 1 :])
            ):
                head = words[:start]
                if head and head[-1].lower() == "due":
                    head = head[:-1]
                return head, parsed
    for size in (3, 2, 1):
        if len(words) > size and " ".join(lowered[-size:]) in _BARE_DUE | {"end of week", "end of month"}:
            parsed = _try_date(" ".join(words[-size:]), today)
            if parsed is not None:
                return words[:-size], parsed
    return words, None


def _looks_like_when(words: Sequence[str]) -> bool:
    """ "on friday" is a date; "on the roadmap" is not (and does not parse anyway)."""
    return bool(words)


# --- did you mean ----------------------------------------------------------------------------------------


def did_you_mean(word: str, known: Iterable[str], cutoff: float = 0.7) -> str | None:
    """The known word closest to a typo ("mentr" → "mentor", "reshedule" → "reschedule"), if any."""
    matches = difflib.get_close_matches(word.lower(), list(known), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def local_today(tz: ZoneInfo, now: datetime) -> date:
    return to_local(now, tz).date()
