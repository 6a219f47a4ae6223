"""Input validation at the edge, in one place: what a person may type, press or submit.

The router runs `command_text`, `form_values` and `button_id` on everything that arrives, before any
use-case sees it; the grammar runs `platform_id` on every mention and channel; use-cases run
`user_text` on each piece of text they store (with their own length limit) and `date_within` /
`number_within` on the dates and numbers they keep. Every check raises `ParseError` with a message that
says what is wrong and what would work, so input the database cannot store never reaches it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from bot import wording
from bot.domain.errors import ParseError

if TYPE_CHECKING:
    from bot.domain.recurrence import Recurrence
    from bot.services.members import Actor

# Column widths (bot/persistence/tables.py): platform ids are String(64), message ids String(128).
PLATFORM_ID_MAX = 64
MESSAGE_ID_MAX = 128
DISPLAY_NAME_MAX = 200
# A whole command line or form field (a bound against abuse only): each use-case applies its own,
# smaller limit to what it keeps, and names it.
COMMAND_MAX = 100_000
FIELD_MAX = 8000
# Object ids in buttons and forms are BIGINT primary keys (SQLite INTEGER: the same 64-bit range).
ID_MAX = 2**63 - 1
# Integer columns are 32-bit on PostgreSQL.
INT32_MAX = 2**31 - 1
# Dates people give (pause until, due, target, reschedule): far enough for any plan, near enough that
# planning arithmetic never leaves the calendar.
DATE_YEARS_AHEAD = 5
DATE_YEARS_BACK = 1
ZONE_NAME_MAX = 64

_PLATFORM_ID = re.compile(r"[\w.\-]{1,64}")  # console names may be any script (@zoë); platform ids are ASCII
_BUTTON_ID = re.compile(r"[0-9]{1,19}")
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+\-/]{1,64}")
# Unicode's control characters (category Cc) except tab, newline and carriage return, and surrogates
# (category Cs): PostgreSQL text cannot hold a NUL, and lone surrogates are not UTF-8.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Letters that render as blank space although Unicode calls them letters or symbols.
_BLANK_LOOKALIKES = frozenset("\u2800\u3164\u115f\u1160\uffa0\u180e\u17b4\u17b5")
_VISIBLE_CATEGORIES = ("L", "N", "P", "S")


def _unstorable(text: str) -> bool:
    """Control characters other than newline and tab, and lone surrogates (not valid UTF-8)."""
    return _UNSTORABLE.search(text) is not None


def shows_something(text: str) -> bool:
    """Whether any character would be seen: letters, digits, punctuation or symbols, not only spaces,
    zero-width characters, direction marks, combining marks or blank look-alikes."""
    return any(
        unicodedata.category(ch)[0] in _VISIBLE_CATEGORIES and ch not in _BLANK_LOOKALIKES for ch in text
    )


def storable(text: str, what: str, limit: int = FIELD_MAX) -> str:
    """`text` unchanged when the database can keep it; ParseError naming `what` otherwise."""
    if _unstorable(text):
        raise ParseError(wording.bad_characters(what))
    if len(text) > limit:
        raise ParseError(wording.text_too_long(what, limit, len(text)))
    return text


def user_text(text: str, what: str, limit: int, *, required: bool = True) -> str:
    """Text a person wants kept (an update, a question, a goal): stripped, storable, within `limit`
    characters, and — when `required`, or when anything was typed at all — showing something."""
    text = storable(text.strip(), what, limit)
    if text and not shows_something(text):
        raise ParseError(wording.shows_nothing(what))
    return text


def command_text(text: str) -> str:
    return storable(text, "That command", COMMAND_MAX)


def form_values(values: dict[str, str]) -> dict[str, str]:
    return {
        storable(str(k), "A form field name", PLATFORM_ID_MAX): storable(str(v), "A form field", FIELD_MAX)
        for k, v in values.items()
    }


def button_id(ident: str) -> int | None:
    """The object id at the end of `scope:verb:id` (0: none): ASCII digits within the 64-bit id range."""
    if not _BUTTON_ID.fullmatch(ident):
        return None
    value = int(ident)
    return value if value <= ID_MAX else None


def whole_number(text: str, max_digits: int = 9) -> int | None:
    """ASCII digits only (str.isdigit also accepts "²", which int() refuses), at most `max_digits`."""
    raw = text.strip()
    if not raw or len(raw) > max_digits or not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw)


def platform_id(ident: str, what: str = "mention") -> str:
    """A user or channel id from a mention: as the platforms make them, and no longer than its column."""
    if not _PLATFORM_ID.fullmatch(ident):
        raise ParseError(wording.id_bad(what))
    return ident


def zone_name(raw: str) -> str:
    """A plausible IANA zone name (the zone loader turns an over-long one into an OSError)."""
    if len(raw) > ZONE_NAME_MAX or not _ZONE_NAME.fullmatch(raw.replace(" ", "_")):
        raise ParseError(wording.zone_name_bad(raw))
    return raw


def number_within(value: int, low: int, high: int, what: str) -> int:
    if not low <= value <= high:
        raise ParseError(wording.number_out_of_range(what, low, high, str(value)))
    return value


def date_within(value: date, today: date, what: str, *, years_ahead: int = DATE_YEARS_AHEAD) -> date:
    """A date a person gave, no more than `years_ahead` years after (or a year before) `today`."""
    earliest = today.replace(year=today.year - DATE_YEARS_BACK) if today.year > 1 else today
    latest = _years_later(today, years_ahead)
    if not earliest <= value <= latest:
        raise ParseError(wording.date_out_of_range(what, value, earliest, latest))
    return value


def moment_within(at: datetime, now: datetime, what: str) -> datetime:
    """An instant a person gave (a rescheduled check-in), within the same range as `date_within`."""
    date_within(at.astimezone(UTC).date(), now.astimezone(UTC).date(), what)
    return at


def cadence_within(rec: Recurrence, now: datetime, what: str) -> Recurrence:
    """A rhythm whose first occurrence after `now` is within range (`on 9999-12-31` is refused): every
    later date is computed from the first, so planning arithmetic stays inside the calendar."""
    try:
        first = rec.next_after(now)
    except (OverflowError, ValueError):
        first = datetime.max.replace(tzinfo=UTC)
    if first is not None:
        moment_within(first, now, what)
    return rec


def _years_later(day: date, years: int) -> date:
    year = min(day.year + years, 9999)
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def clean_actor(actor: Actor) -> Actor:
    """What the platform says about who acted: ids that fit their columns, a name that can be stored.

    Ids that do not fit raise ParseError (no real platform sends them); a name is cleaned, not refused."""
    for ident in (actor.workspace_id, actor.user_id):
        if not ident or len(ident) > PLATFORM_ID_MAX or _unstorable(ident):
            raise ParseError(wording.request_unusable())
    for optional in (actor.channel_id, actor.thread_id):
        if optional is not None and (len(optional) > PLATFORM_ID_MAX or _unstorable(optional)):
            raise ParseError(wording.request_unusable())
    name = "".join(ch for ch in actor.display_name if not _unstorable(ch))[:DISPLAY_NAME_MAX]
    workspace_name = "".join(ch for ch in actor.workspace_name if not _unstorable(ch))[:DISPLAY_NAME_MAX]
    tz = actor.tz if actor.tz and len(actor.tz) <= ZONE_NAME_MAX and not _unstorable(actor.tz) else None
    if (name, workspace_name, tz) == (actor.display_name, actor.workspace_name, actor.tz):
        return actor
    return replace(actor, display_name=name, workspace_name=workspace_name, tz=tz)
