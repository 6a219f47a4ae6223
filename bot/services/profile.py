"""A member's own settings: time zone and working hours."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from zoneinfo import available_timezones

from bot import wording
from bot.domain.errors import ParseError
from bot.domain.timeparse import parse_time_of_day
from bot.messages import Reply
from bot.services.members import Actor, actor_member, valid_zone
from bot.services.unit import UnitOfWork
from bot.validation import COMMAND_MAX, storable, zone_name


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(
        sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    )


def resolve_zone(text: str) -> str:
    """An IANA name from what was typed: exact, any case, or a city ("berlin", "new york")."""
    raw = storable(text.strip(), "A time zone name", COMMAND_MAX)
    if raw.upper() == "UTC":
        return "UTC"
    zone_name(raw)
    if valid_zone(raw) and "/" in raw:
        return raw
    key = raw.lower().replace(" ", "_")
    for zone in _zones():
        if zone.lower() == key or zone.lower().rsplit("/", 1)[-1] == key:
            return zone
    guesses = difflib.get_close_matches(key, [z.lower() for z in _zones()], n=2, cutoff=0.6)
    guesses += difflib.get_close_matches(
        key, [z.lower().rsplit("/", 1)[-1] for z in _zones()], n=2, cutoff=0.75
    )
    names = []
    for g in guesses:
        names += [z for z in _zones() if z.lower() == g or z.lower().rsplit("/", 1)[-1] == g]
    raise ParseError(wording.unknown_zone(raw, list(dict.fromkeys(names))[:3]))


async def set_timezone(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    _ws, me = await actor_member(uow, actor)
    zone = resolve_zone(text)
    me.tz, me.tz_source = zone, "user"
    return Reply(wording.timezone_set(zone, uow.now))


async def show_timezone(uow: UnitOfWork, actor: Actor) -> Reply:
    _ws, me = await actor_member(uow, actor)
    return Reply(wording.timezone_show(me, uow.now))


_HOURS = re.compile(r"^\s*(?P<a>[^-–]+?)\s*(?:-|–|to)\s*(?P<b>.+?)\s*$")


async def set_hours(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    _ws, me = await actor_member(uow, actor)
    match = _HOURS.match(text)
    if not match:
        raise ParseError(wording.hours_bad(text))
    try:
        start, end = parse_time_of_day(match["a"]), parse_time_of_day(match["b"])
    except ParseError as exc:
        raise ParseError(wording.hours_bad(text)) from exc
    a, b = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    if a == b:
        raise ParseError(wording.hours_bad(text))
    me.work_start_minute, me.work_end_minute = a, b
    return Reply(wording.hours_set(start, end))
