"""`/officehours …`, its buttons (`oh:rsvp:7`) and forms, mapped onto the office-hours use-cases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot import wording
from bot.domain.errors import ParseError
from bot.domain.recurrence import split_cadence
from bot.interactions.grammar import parse_number, split_mentions, subcommand, take_channel, take_option
from bot.messages import Form, FormField, Reply, reply
from bot.services import officehours
from bot.services.members import Actor
from bot.services.unit import UnitOfWork

if TYPE_CHECKING:  # the router imports areas at build time; this is for types only
    from bot.interactions.router import Router


def _number_first(rest: str) -> tuple[int | None, str]:
    """`3 text…` → (3, "text…"); otherwise (None, rest)."""
    head, _, tail = rest.strip().partition(" ")
    number = parse_number(head) if head else None
    return (number, tail.strip()) if number is not None else (None, rest.strip())


def _required_number(rest: str, usage: str) -> int:
    number, _ = _number_first(rest)
    if number is None:
        raise ParseError(wording.oh_number_needed(usage, rest))
    return number


async def command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    sub, rest = subcommand(text)
    if sub in ("", "help"):
        return Reply(wording.help_message("officehours", None))
    if sub == "create":
        return await _create(uow, actor, rest)
    if sub == "list":
        return await officehours.list_series(uow, actor)
    if sub == "hosts":
        p = split_mentions(rest)
        return await officehours.host_allowlist(uow, actor, " ".join(p.words).lower(), tuple(p.mentions))
    number, body = _number_first(rest)
    if (
        sub in ("ask", "recap")
        and number is not None
        and not await officehours.series_exists(uow, actor, number)
    ):
        # "ask 2 quick questions": a leading number that names no series is part of the text.
        number, body = None, rest.strip()
    if sub == "next":
        return await officehours.show_next(uow, actor, number)
    if sub in ("rsvp", "going"):
        return await officehours.rsvp(uow, actor, number)
    if sub == "ask":
        return await officehours.ask(uow, actor, number, body)
    if sub in ("questions", "queue"):
        return await officehours.list_questions(uow, actor, number)
    if sub == "upvote":
        return await officehours.upvote(uow, actor, _required_number(rest, "upvote"))
    if sub == "withdraw":
        return await officehours.withdraw(uow, actor, _required_number(rest, "withdraw"))
    if sub == "answered":
        return await officehours.answered(uow, actor, _required_number(rest, "answered"))
    if sub == "recap":
        if not body:
            raise ParseError(wording.oh_recap_missing())
        return await officehours.record_recap(uow, actor, number, body)
    if sub == "edit":
        p = split_mentions(body)
        field, _, value = " ".join(p.words).partition(" ")
        if not field or (not value.strip() and field.lower() != "hosts"):
            raise ParseError(wording.oh_edit_fields(field or "(nothing)"))
        return await officehours.edit(uow, actor, number, field.lower(), value.strip(), tuple(p.mentions))
    if sub == "skip":
        return await officehours.skip(uow, actor, number)
    if sub == "cancel":
        return await officehours.cancel(uow, actor, number)
    if sub == "stats":
        return await officehours.stats(uow, actor, number)
    raise ParseError(wording.unknown_sub("officehours", sub))


async def _create(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    channel_id, channel_name, remaining = take_channel(rest)
    if channel_id is None:
        raise ParseError(wording.oh_channel_missing())
    p = split_mentions(remaining)
    words = p.words
    if words and words[-1].lower() == "hosts":
        words = words[:-1]
    elif "hosts" in (w.lower() for w in words):
        idx = [w.lower() for w in words].index("hosts")
        words = words[:idx] + words[idx + 1 :]
    words, topic = take_option(words, "topic", max_words=40)
    phrase = " ".join(words)
    if not phrase:
        raise ParseError(wording.oh_cadence_missing())
    if topic is None:
        # "monthly on the first thursday at 17:00 career growth": the words after the cadence are the topic.
        phrase, topic = split_cadence(phrase, "UTC", uow.now)
    req = officehours.CreateRequest(channel_id, channel_name, phrase, topic or "", tuple(p.mentions))
    return await officehours.create(uow, actor, req)


def ask_form(session_id: int) -> Form:
    return Form(
        f"oh:ask:{session_id}",
        "Ask a question",
        (
            FormField(
                "text",
                "Your question",
                multiline=True,
                max_length=officehours.QUESTION_MAX,
                placeholder="What would you like the hosts to cover?",
            ),
        ),
        submit_label="Queue it",
    )


def recap_form(series_id: int) -> Form:
    return Form(
        f"oh:recap:{series_id}",
        "Office hours recap",
        (
            FormField(
                "text", "What was covered, links shared", multiline=True, max_length=officehours.RECAP_MAX
            ),
        ),
        submit_label="Post recap",
    )


async def action(uow: UnitOfWork, actor: Actor, verb: str, ident: int) -> Reply:
    if verb == "rsvp":
        return await officehours.rsvp(uow, actor, None, session_id=ident)
    if verb == "ask":
        return Reply(wording.form_message(ask_form(ident)))
    if verb == "upvote":
        return await officehours.upvote(uow, actor, ident)
    if verb == "answered":
        return await officehours.answered(uow, actor, ident)
    if verb == "recap":
        return Reply(wording.form_message(recap_form(ident)))
    if verb in ("hostyes", "hostno"):
        return await officehours.answer_invite(uow, actor, ident, accept=verb == "hostyes")
    return reply(wording.BUTTON_STALE, ok=False)


async def form(uow: UnitOfWork, actor: Actor, verb: str, ident: int, values: Mapping[str, str]) -> Reply:
    text = (values.get("text") or "").strip()
    if verb == "ask":
        return await officehours.ask(uow, actor, None, text, session_id=ident)
    if verb == "recap":
        if not text:
            raise ParseError(wording.oh_recap_missing())
        return await officehours.record_recap(uow, actor, ident, text)
    return reply(wording.BUTTON_STALE, ok=False)


def register(router: Router) -> None:
    router.add_command("officehours", command)
    router.action_scopes["oh"] = action
    router.form_scopes["oh"] = form
    router.thread_fallbacks.append(officehours.thread_question)
