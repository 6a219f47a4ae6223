"""Typed app-command options → the core's text grammar, so every command runs the same use-case as typing.

Only string assembly lives here; parsing and rules stay in `bot.interactions`."""

from __future__ import annotations


def mention(user_id: str | int | None) -> str:
    text = str(user_id or "").strip()
    return f"<@{text}>" if text.isdigit() else ""


def join(*parts: str | None) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def with_other(other: str | None) -> str:
    """The core picks one of several mentorships with `with @someone`."""
    m = mention(other)
    return f"with {m}" if m else ""


def pair_text(mentee: int, goal: str, by: str | None, focus: str | None, mentor: int | None = None) -> str:
    return join(
        "pair",
        mention(mentor) if mentor else "",
        mention(mentee),
        goal,
        f"by {by}" if by and by.strip() else "",
        f"focus {focus}" if focus and focus.strip() else "",
    )


def mentor_text(sub: str, rest: str | None = None, other: str | None = None) -> str:
    return join(sub, rest, with_other(other))


def pause_text(until: str | None, length: str | None) -> str:
    """`until friday` or `for 2 weeks`; a value typed with its own "for"/"until" keeps it."""
    for value, word in ((until, "until"), (length, "for")):
        text = (value or "").strip()
        if text:
            first = text.split()[0].lower()
            return text if first in ("for", "until", "till", "til") else f"{word} {text}"
    return ""


def checkin_text(kind: str, text: str | None, other: str | None) -> str:
    """`/checkin [@other] [notes|missed] text`: the core reads the mentorship from a leading mention."""
    said = {"update": join("update:", text), "notes": join("notes", text), "missed": "missed", "overview": ""}
    body = said[kind]
    return join(mention(other), body)


def agenda_text(question: str | None, other: str | None) -> str:
    if question and question.strip():
        return join("add", mention(other), question)
    return mention(other)


def action_add_text(text: str, owner: int | None, due: str | None, other: str | None) -> str:
    return join(
        "add",
        text,
        f"owner {mention(owner)}" if owner else "",
        f"(due: {due.strip()})" if due and due.strip() else "",
        with_other(other),
    )


def timezone_text(zone: str | None, hours: str | None) -> str:
    if hours and hours.strip():
        return join("hours", hours)
    return (zone or "").strip()


def channel_ref(channel_id: int, channel_name: str) -> str:
    """A channel as the core's grammar takes it, in Slack's `<#id|name>` form when the name is known."""
    name = "".join(c for c in channel_name if c not in "|<>")
    return f"<#{channel_id}|{name}>" if name else f"<#{channel_id}>"


def oh_create_text(
    channel_id: int, channel_name: str, cadence: str, topic: str | None, hosts: list[int]
) -> str:
    """`create <#channel|name> <cadence> [topic T] [hosts @a @b]`: the name (which the core's grammar
    takes in Slack's `<#id|name>` form) lets replies say #general rather than #601."""
    mentions = [mention(h) for h in dict.fromkeys(hosts)]
    return join(
        "create",
        channel_ref(channel_id, channel_name),
        cadence,
        f"topic {topic}" if topic and topic.strip() else "",
        join("hosts", *mentions) if mentions else "",
    )


def oh_text(sub: str, number: int | None = None, rest: str | None = None) -> str:
    """`<sub> [N] [rest]`: N is a series (next, rsvp, ask, recap, …) or a question (upvote, answered, …)."""
    return join(sub, str(number) if number is not None else "", rest)


def oh_edit_text(series: int | None, field: str, value: str | None, hosts: list[int]) -> str:
    """`edit [N] <field> <value>`; for hosts the value is the mentions."""
    return join("edit", str(series) if series is not None else "", field, value, *map(mention, hosts))


# ---- finding a mentor: `/mentor profile|available|find|request|requests|claim` -------------------


def profile_text(member: int | None, show: bool) -> str:
    """`profile @who` shows theirs, `profile show` yours; an empty text opens your profile form."""
    return mention(member) if member else "show" if show else ""


def request_text(mentor: int | None, goal: str | None, by: str | None) -> str:
    """`request [@mentor] [goal [by DATE]]`; without a goal the core opens the intake form (which asks
    for the date too, so `by` alone is left to the form)."""
    if not goal or not goal.strip():
        return mention(mentor) if mentor else ""
    return join(mention(mentor) if mentor else "", goal, f"by {by}" if by and by.strip() else "")


def requests_text(
    action: str,
    number: int | None = None,
    member: int | None = None,
    note: str | None = None,
    channel: tuple[int, str] | None = None,
    days: int | None = None,
) -> str:
    """`requests <action> [N] [@member] [note]`, `requests channel <#c>`, `requests wait <days>d`."""
    if action == "channel":
        return join("channel", channel_ref(*channel) if channel else "")
    if action == "wait":
        return join("wait", f"{days}d" if days is not None else "")
    return join(action, str(number) if number is not None else "", mention(member) if member else "", note)


def digest_text(every: str, channel: tuple[int, str] | None) -> str:
    """`digest <#channel|name> weekly|monthly` or `digest off`."""
    if every == "off":
        return "digest off"
    return join("digest", channel_ref(*channel) if channel else "", every)


def dashboard_grant_text(member_id: int, allow: bool) -> str:
    """`dashboard grant <@id>` or `dashboard revoke <@id>`."""
    return join("dashboard", "grant" if allow else "revoke", mention(member_id))
