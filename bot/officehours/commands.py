"""`/officehours …`, its buttons (`oh:rsvp:7`) and forms, mapped onto the office-hours use-cases."""

from __future__ import annotations

from collections.abc import Mapping

from bot import wording
from bot.domain.errors import ParseError
from bot.domain.recurrence import split_cadence
from bot.interactions.grammar import parse_number, split_mentions, take_channel, take_option
from bot.interactions.registry import Command, CommandRegistry, Sub
from bot.messages import Form, FormField, Reply, reply
from bot.officehours import usecases as officehours
from bot.officehours import wording as oh_wording
from bot.services.members import Actor
from bot.services.unit import UnitOfWork


def _number_first(rest: str) -> tuple[int | None, str]:
    """`3 text…` → (3, "text…"); otherwise (None, rest)."""
    head, _, tail = rest.strip().partition(" ")
    number = parse_number(head) if head else None
    return (number, tail.strip()) if number is not None else (None, rest.strip())


def _required_number(rest: str, usage: str) -> int:
    number, _ = _number_first(rest)
    if number is None:
        raise ParseError(oh_wording.oh_number_needed(usage, rest))
    return number


async def _series_then_text(uow: UnitOfWork, actor: Actor, rest: str) -> tuple[int | None, str]:
    """`ask 2 my question`: 2 picks the series when there is a series 2; "ask 2 quick questions" (no such
    series) is all text."""
    number, body = _number_first(rest)
    if number is not None and not await officehours.series_exists(uow, actor, number):
        return None, rest.strip()
    return number, body


async def _list(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    return await officehours.list_series(uow, actor)


async def _hosts(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    p = split_mentions(rest)
    return await officehours.host_allowlist(uow, actor, " ".join(p.words).lower(), tuple(p.mentions))


async def _next(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    return await officehours.show_next(uow, actor, _number_first(rest)[0])


_GOING = {"", "yes", "y", "going", "i'm going", "im going", "in", "on", "attending", "please"}
_NOT_GOING = {"no", "n", "not going", "cancel", "off", "out", "remove", "withdraw", "undo", "not"}


async def _rsvp(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    """`rsvp [N] [yes|no]`: typed, it says what the person wants (only the button toggles)."""
    number, said = _number_first(rest)
    answer = " ".join(said.lower().strip(" .!").split())
    if answer in _GOING:
        return await officehours.rsvp(uow, actor, number, going=True)
    if answer in _NOT_GOING:
        return await officehours.rsvp(uow, actor, number, going=False)
    raise ParseError(oh_wording.oh_rsvp_usage(said))


async def _ask(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    number, body = await _series_then_text(uow, actor, rest)
    return await officehours.ask(uow, actor, number, body)


async def _questions(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    return await officehours.list_questions(uow, actor, _number_first(rest)[0])


async def _upvote(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    return await officehours.upvote(uow, actor, _required_number(rest, "upvote"))


async def _withdraw(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    return await officehours.withdraw(uow, actor, _required_number(rest, "withdraw"))


async def _answered(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    return await officehours.answered(uow, actor, _required_number(rest, "answered"))


async def _recap(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    number, body = await _series_then_text(uow, actor, rest)
    if not body:
        raise ParseError(oh_wording.oh_recap_missing())
    return await officehours.record_recap(uow, actor, number, body)


async def _edit(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    number, body = _number_first(rest)
    p = split_mentions(body)
    field, _, value = " ".join(p.words).partition(" ")
    if not field or (not value.strip() and field.lower() != "hosts"):
        raise ParseError(oh_wording.oh_edit_fields(field or "(nothing)"))
    return await officehours.edit(uow, actor, number, field.lower(), value.strip(), tuple(p.mentions))


async def _skip(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    return await officehours.skip(uow, actor, _number_first(rest)[0])


async def _cancel(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    return await officehours.cancel(uow, actor, _number_first(rest)[0])


async def _stats(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    return await officehours.stats(uow, actor, _number_first(rest)[0])


async def _create(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    channel_id, channel_name, remaining = take_channel(rest)
    if channel_id is None:
        raise ParseError(oh_wording.oh_channel_missing())
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
        raise ParseError(oh_wording.oh_cadence_missing())
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
            raise ParseError(oh_wording.oh_recap_missing())
        return await officehours.record_recap(uow, actor, ident, text)
    return reply(wording.BUTTON_STALE, ok=False)


def register(registry: CommandRegistry) -> None:
    """Declare `/officehours` and its sub-commands, the `oh:` buttons and forms, and the question
    threads (a message in an announcement's thread is a question)."""
    registry.add_command(
        Command(
            "officehours",
            "Office hours - create, RSVP, ask, upvote, recap",
            "create #channel monthly on the first Thursday at 17:00 hosts @you "
            "| next | rsvp | ask your question | help",
            hint="Try `/officehours next`, `/officehours ask <question>` or `/officehours help`.",
        )
    )
    subs = (
        Sub(
            "create",
            "Hosts and admins: start recurring office hours in a channel",
            (
                (
                    "create #channel <cadence> [topic T] [hosts @a @b]",
                    "admins and people they allow: e.g. monthly on the first Thursday at 17:00 for 60 min; "
                    "named co-hosts are asked to accept",
                ),
            ),
            _create,
        ),
        Sub(
            "hosts",
            "Who may create office hours (admins change it)",
            (("hosts · hosts allow @a · hosts remove @a", "who may create office hours (admins change it)"),),
            _hosts,
        ),
        Sub(
            "list",
            "The office hours running in this server",
            (("list", "the series running here"),),
            _list,
        ),
        Sub(
            "next",
            "The next session: when, who hosts, the question queue",
            (("next [N]", "the next session (N picks one of several series)"),),
            _next,
        ),
        Sub(
            "rsvp",
            "RSVP for the next session (again to take it back)",
            (("rsvp [N] · rsvp [N] no", "going (a reminder comes an hour before), or take it back"),),
            _rsvp,
            synonyms=("going",),
        ),
        Sub(
            "ask",
            "Queue a question for the next session",
            (("ask [N] <question>", "queue a question for the next session"),),
            _ask,
        ),
        Sub(
            "questions",
            "The question queue, by votes",
            (("questions [N]", "the queue by votes, then age"),),
            _questions,
            synonyms=("queue",),
        ),
        Sub(
            "upvote",
            "Upvote a question (again to take the vote back)",
            (("upvote Q", "vote for a question (again to take it back)"),),
            _upvote,
        ),
        Sub(
            "withdraw", "Withdraw your question", (("withdraw Q", "take back your own question"),), _withdraw
        ),
        Sub(
            "answered",
            "Hosts: mark a question answered",
            (("answered Q", "hosts: mark a question answered"),),
            _answered,
        ),
        Sub(
            "recap",
            "Hosts: the recap of the last session, posted in its thread",
            (("recap [N] <text>", "hosts: the recap, posted in the thread; open questions carry over"),),
            _recap,
        ),
        Sub(
            "edit",
            "Hosts: change topic, cadence, hosts, join link or lead times",
            (("edit N topic|cadence|hosts|join|announce|remind <value>", "hosts: change the series"),),
            _edit,
        ),
        Sub(
            "skip",
            "Hosts: skip the next session (RSVPs are told)",
            (("skip [N]", "hosts: skip the next session (RSVPs are told)"),),
            _skip,
        ),
        Sub(
            "cancel",
            "Hosts: end the series (RSVPs are told)",
            (("cancel [N]", "hosts: end the series (RSVPs are told)"),),
            _cancel,
        ),
        Sub(
            "stats",
            "Per session: RSVPs, questions asked and answered",
            (("stats [N]", "per session: RSVPs, questions asked and answered"),),
            _stats,
        ),
    )
    for sub in subs:
        registry.add_sub("officehours", sub)
    registry.add_button("oh", action)
    registry.add_form("oh", form)
    registry.thread_fallbacks.append(officehours.thread_question)
