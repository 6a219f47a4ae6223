"""A member's own settings: time zone and working hours."""

from __future__ import annotations

import re
from datetime import time

from bot import wording
from bot.domain.errors import ParseError
from bot.domain.timeparse import Invalid, read_time_of_day, read_time_range
from bot.messages import Reply
from bot.services import zonenames
from bot.services.members import Actor, actor_member
from bot.services.unit import UnitOfWork
from bot.validation import COMMAND_MAX, ZONE_NAME_MAX, storable


def resolve_zone(text: str) -> str:
    """An IANA name from what was typed; see `zonenames.resolve_zone` (raises AskBack or ParseError)."""
    raw = storable(text.strip(), "A time zone name", COMMAND_MAX)
    if len(raw) > ZONE_NAME_MAX:
        # The zone loader turns an over-long name into an OSError: refuse it as the input it is.
        raise ParseError(wording.zone_name_bad(raw))
    return zonenames.resolve_zone(raw)


async def set_timezone(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    _ws, me = await actor_member(uow, actor)
    zone = resolve_zone(text)
    me.tz, me.tz_source = zone, "user"
    return Reply(wording.timezone_set(zone, uow.now, text))


async def show_timezone(uow: UnitOfWork, actor: Actor) -> Reply:
    _ws, me = await actor_member(uow, actor)
    return Reply(wording.timezone_show(me, uow.now))


async def set_hours(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    """Working hours from "9-17", "9 to 5" (09:00–17:00), "8:30am-4:30pm", "from 9 to 5"."""
    _ws, me = await actor_member(uow, actor)
    cleaned = " ".join(w for w in text.lower().split() if w not in ("from", "between"))
    cleaned = cleaned.replace(" and ", " to ")
    try:
        start, end = read_time_range(cleaned)
    except Invalid:
        start, end = _overnight(cleaned, text)
    me.work_start_minute, me.work_end_minute = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    return Reply(wording.hours_set(start, end))


_HOURS = re.compile(r"^\s*(?P<a>[^-–]+?)\s*(?:-|–|to)\s*(?P<b>.+?)\s*$")


def _overnight(cleaned: str, text: str) -> tuple[time, time]:
    """Night shifts written in 24-hour time ("22-6", "22:00-06:00") wrap past midnight."""
    match = _HOURS.match(cleaned)
    try:
        if not match:
            raise Invalid()
        start, end = read_time_of_day(match["a"]), read_time_of_day(match["b"])
    except Invalid as exc:
        raise ParseError(wording.hours_bad(text)) from exc
    if start == end:
        raise ParseError(wording.hours_bad(text))
    return start, end
