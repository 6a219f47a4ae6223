"""Human-readable English formatting of instants, dates and durations (independent of the process locale)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

# strftime's %a/%b follow the process locale; the bot always speaks English.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_local(dt: datetime, tz: ZoneInfo, with_zone: bool = True, show_year: bool = False) -> str:
    """ "Tue 1 Dec, 10:00 CET" for an aware instant shown in `tz`; the year only when `show_year`."""
    if dt.tzinfo is None:
        raise ValueError("format_local needs an aware datetime")
    local = dt.astimezone(tz)
    day = _day_month(local.date(), show_year)
    text = f"{day}, {local.hour:02d}:{local.minute:02d}"
    if with_zone:
        text += f" {local.tzname()}"
    return text


def format_date(d: date) -> str:
    """ "Thu 3 Dec 2026"."""
    return _day_month(d, show_year=True)


def _day_month(d: date, show_year: bool) -> str:
    text = f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}"
    return f"{text} {d.year}" if show_year else text


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _amount(seconds: float) -> str:
    """Rounded to the most natural single unit: minutes, hours, days, weeks, months (30 days), years."""
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return _plural(minutes, "minute")
    hours = round(seconds / 3600)
    if hours < 24:
        return _plural(hours, "hour")
    days = round(seconds / 86400)
    if days < 14:
        return _plural(days, "day")
    if days < 60:
        return _plural(round(days / 7), "week")
    if days < 730:
        return _plural(round(days / 30), "month")
    return _plural(round(days / 365), "year")


def humanize_delta(delta: timedelta) -> str:
    """ "in 2 days", "in 3 hours", "in 45 minutes", "2 days ago"; "now" under half a minute."""
    seconds = delta.total_seconds()
    if abs(seconds) < 30:
        return "now"
    amount = _amount(abs(seconds))
    return f"in {amount}" if seconds > 0 else f"{amount} ago"


def format_duration(duration: timedelta) -> str:
    """ "30 min", "1 h", "1 h 30 min", "2 days 3 h" (rounded to whole minutes)."""
    total = round(duration.total_seconds() / 60)
    sign = "-" if total < 0 else ""
    days, rest = divmod(abs(total), 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_plural(days, "day"))
    if hours:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    return sign + " ".join(parts)
