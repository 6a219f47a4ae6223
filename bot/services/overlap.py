"""Whether a meeting time suits the other person: a Berlin mentor's "every weekday at 9" is 03:00 in New
York. The confirmation says so and offers the nearest time inside both people's working hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.dates import local_to_utc, to_local
from bot.persistence.tables import Member
from bot.services.members import valid_zone

# Without working hours, a time counts as unreasonable between 22:00 and 07:00.
QUIET_START = 22 * 60
QUIET_END = 7 * 60
STEP = timedelta(minutes=30)


@dataclass(frozen=True)
class Clash:
    """An occurrence outside `other`'s hours, and a time (the speaker's wall clock) that suits both."""

    at: datetime
    other: Member
    other_zone: ZoneInfo
    hours: tuple[int, int]
    suggestion: time | None


def hours_of(member: Member) -> tuple[int, int]:
    """(start, end) in minutes after midnight: their working hours, or 07:00–22:00 when none are set."""
    if member.work_start_minute is not None and member.work_end_minute is not None:
        return member.work_start_minute, member.work_end_minute
    return QUIET_END, QUIET_START


def _inside(minute: int, length: int, hours: tuple[int, int]) -> bool:
    start, end = hours
    finish = minute + length
    if start < end:
        return start <= minute and finish <= end
    # Overnight hours ("22-6") wrap past midnight.
    return minute >= start or finish <= end


def suits(at: datetime, length: timedelta, member: Member, zone: ZoneInfo) -> bool:
    local = to_local(at, zone)
    return _inside(local.hour * 60 + local.minute, int(length.total_seconds() // 60), hours_of(member))


def first_clash(
    instants: list[datetime], length: timedelta, me: Member, my_zone: ZoneInfo, other: Member
) -> Clash | None:
    """The first of `instants` outside the other person's hours (None when all suit them, or when their
    zone is unknown), with the nearest time on the speaker's clock that suits both."""
    other_zone = valid_zone(other.tz)
    if other_zone is None:
        return None
    for at in instants:
        if suits(at, length, other, other_zone):
            continue
        return Clash(
            at,
            other,
            other_zone,
            hours_of(other),
            _nearest_shared(at, length, me, my_zone, other, other_zone),
        )
    return None


def _nearest_shared(
    at: datetime, length: timedelta, me: Member, my_zone: ZoneInfo, other: Member, other_zone: ZoneInfo
) -> time | None:
    """The speaker's wall time, on the same day and closest to the original, that suits both."""
    local = to_local(at, my_zone)
    best: tuple[timedelta, time] | None = None
    day_start = local.replace(hour=0, minute=0)
    for step in range(48):
        candidate = day_start + STEP * step
        instant = local_to_utc(candidate, my_zone)
        if suits(instant, length, me, my_zone) and suits(instant, length, other, other_zone):
            distance = abs(candidate - local)
            if best is None or distance < best[0]:
                best = (distance, candidate.time())
    return best[1] if best else None
