"""What the bot says when input cannot be kept, when someone goes too fast, and when it fails."""

from __future__ import annotations

from datetime import date, timedelta

from bot.wording.common import duration_text

TRY_AGAIN_DB = "I can't reach my database right now, so nothing was changed. Please try again in a minute."


def bad_characters(what: str) -> str:
    return (
        f"{what} contains a control character (such as a NUL byte) that I can't store. Nothing was "
        "changed — please retype it without pasting from a terminal or binary file."
    )


def shows_nothing(what: str) -> str:
    return (
        f"{what} looks empty: it is made only of invisible characters (zero-width or direction marks). "
        "Please type some words."
    )


def text_too_long(what: str, limit: int, got: int) -> str:
    return f"{what} can be at most {limit:,} characters; yours has {got:,}. Please shorten it and try again."


def id_bad(what: str) -> str:
    return (
        f"That {what} doesn't look like one I can use: it is longer than any real one. Pick the person or "
        "channel from the autocomplete list (e.g. `@sam`, `#mentoring`)."
    )


def number_out_of_range(what: str, low: int, high: int, got: str) -> str:
    return f"{what} must be between {low:,} and {high:,}; “{got}” is not. For example: {low + 1:,}."


def date_out_of_range(what: str, got: date, earliest: date, latest: date) -> str:
    return (
        f"{what} {got:%-d %b %Y} is too far away: pick a date between {earliest:%-d %b %Y} and "
        f"{latest:%-d %b %Y}, e.g. `in 3 weeks` or `{latest:%Y}-01-31`."
    )


def zone_name_bad(raw: str) -> str:
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    return (
        f"“{shown}” isn't a time zone name: those are short, like `Europe/Berlin` or `America/New_York`. "
        "Try `/timezone Berlin`."
    )


def input_unstorable() -> str:
    return (
        "I couldn't store that: part of it is too long, out of range, or has a character I can't keep. "
        "Nothing was changed — please shorten or retype it."
    )


def internal_error(ref: str) -> str:
    return (
        f"That failed because of a bug on my side (reference `{ref}`, logged for the admins). Nothing was "
        "changed. Trying again will most likely fail the same way; please tell an admin the reference."
    )


def slow_down(what: str, limit: int, window: timedelta, wait: timedelta) -> str:
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    later = f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes < 60 else duration_text(minutes)
    per = duration_text(int(window.total_seconds()) // 60)
    return (
        f"That's a lot at once: you can add {limit} {what} per {per}, and you've reached that. "
        f"Nothing was stored this time — please try again in {later}."
    )


def request_unusable() -> str:
    return "I couldn't read that request (an id in it is malformed). Nothing was changed."
