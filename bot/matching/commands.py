"""The grammar of finding a mentor: `/mentor profile|available|find|request|requests|claim`, the `match:`
buttons and forms, all routed to bot.matching.usecases."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

from bot import wording
from bot.domain.errors import ParseError
from bot.domain.timeparse import parse_duration
from bot.interactions.grammar import parse_number, split_mentions, subcommand
from bot.interactions.registry import CommandRegistry, Sub
from bot.matching import usecases as matching
from bot.matching import wording as matching_wording
from bot.messages import Reply
from bot.services.members import Actor
from bot.services.unit import UnitOfWork
from bot.validation import platform_id, whole_number

SCOPE = "match"
# Slack sends <#C123|name>, Discord <#123>; people in the console type #name.
CHANNEL = re.compile(r"^<#(?P<id>[A-Za-z0-9]+)(?:\|(?P<label>[^>]*))?>$|^#(?P<name>[\w.\-]+)$")


def register(registry: CommandRegistry) -> None:
    """Declare `/mentor profile|available|find|request|requests|claim` and the `match:` buttons/forms."""
    for sub in (
        Sub(
            "profile",
            "Mentors: fill in your profile (or see someone's)",
            (
                (
                    "profile · profile @who",
                    "your mentor profile (a form): areas, focus, capacity, rhythm, a note; or see someone's",
                ),
            ),
            profile_command,
        ),
        Sub(
            "available",
            "Mentors: take requests, or pause them",
            (("available on|off", "take requests, or pause them"),),
            available_command,
        ),
        Sub(
            "find",
            "Mentors with room, best match first",
            (("find [topic]", "mentors with room, best fit first, each with a Request button"),),
            find_command,
        ),
        Sub(
            "request",
            "Ask a mentor (or anyone, in the requests channel) to mentor you",
            (
                (
                    "request [@mentor] [goal] [by DATE]",
                    "ask with a specific goal (no mention: post it for any mentor to claim)",
                ),
            ),
            request_command,
        ),
        Sub(
            "requests",
            "Mentor requests: list, accept, decline, suggest, withdraw, claim, …",
            (
                (
                    "requests · requests accept N · decline N [note] · withdraw N",
                    "requests you sent, received, or can claim",
                ),
                (
                    "requests all · assign N @mentor · channel #name|off · wait 5d",
                    "for admins: every request, pairing by hand, settings",
                ),
            ),
            requests_command,
        ),
        Sub(
            "claim",
            "Mentors: take an open request from the requests channel",
            (("claim N", "take an open request from the requests channel"),),
            claim_command,
        ),
    ):
        registry.add_sub("mentor", sub)
    registry.add_button(SCOPE, on_button)
    registry.add_form(SCOPE, on_form)


# ---- commands ------------------------------------------------------------------------------------


async def profile_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    p = split_mentions(text)
    if p.mentions:
        return await matching.show_profile(uow, actor, p.mentions[0])
    if p.text.lower() in ("show", "view"):
        return await matching.show_profile(uow, actor, None)
    if p.text.lower() in ("", "edit"):
        return await matching.profile_form(uow, actor)
    raise ParseError(matching_wording.profile_usage(p.text))


async def available_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    value = text.strip().lower()
    if value in ("on", "yes", "true"):
        return await matching.set_available(uow, actor, True)
    if value in ("off", "no", "false"):
        return await matching.set_available(uow, actor, False)
    raise ParseError(matching_wording.available_usage(text.strip()))


async def find_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    return await matching.find(uow, actor, " ".join(text.split())[:200])


async def request_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    p = split_mentions(text)
    if len(p.mentions) > 1:
        raise ParseError(matching_wording.REQUEST_ONE_MENTOR)
    mentor = p.mentions[0] if p.mentions else None
    if not p.text:
        return await matching.request_form(uow, actor, mentor)
    return await matching.quick_request(uow, actor, mentor, p.text)


def _number(words: list[str], verb: str) -> int:
    number = parse_number(words[0]) if words else None
    if number is None:
        raise ParseError(matching_wording.request_number(verb, " ".join(words)))
    return number


async def claim_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    return await matching.claim(uow, actor, _number(text.split(), "claim"))


async def requests_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    sub, rest = subcommand(text)
    words = rest.split()
    if sub in ("", "list", "all"):
        return await matching.list_requests(uow, actor, everyone=sub == "all")
    if sub == "accept":
        return await matching.accept(uow, actor, _number(words, sub))
    if sub == "decline":
        return await matching.decline(uow, actor, _number(words, sub), " ".join(words[1:]))
    if sub == "withdraw":
        return await matching.withdraw(uow, actor, _number(words, sub))
    if sub == "claim":
        return await matching.claim(uow, actor, _number(words, sub))
    if sub in ("suggest", "redirect"):
        p = split_mentions(rest)
        number = _number(p.words, "suggest")
        return await matching.redirect(
            uow, actor, number, p.mentions[0] if p.mentions else None, " ".join(p.words[1:])
        )
    if sub in ("assign", "pair"):
        p = split_mentions(rest)
        if len(p.mentions) != 1:
            raise ParseError(matching_wording.ASSIGN_USAGE)
        return await matching.assign(uow, actor, _number(p.words, "assign"), p.mentions[0])
    if sub == "channel":
        return await matching.set_channel(uow, actor, parse_channel(rest))
    if sub in ("wait", "window"):
        return await matching.set_answer_days(uow, actor, parse_days(rest))
    raise ParseError(matching_wording.requests_usage(sub))


def parse_channel(text: str) -> tuple[str, str] | None:
    raw = text.strip()
    if raw.lower() in ("off", "none"):
        return None
    match = CHANNEL.match(raw)
    if match is None:
        raise ParseError(matching_wording.channel_bad(raw))
    if match["id"]:
        return platform_id(match["id"], "channel"), (match["label"] or match["id"])[:200]
    return platform_id(match["name"], "channel"), match["name"]


def parse_days(text: str) -> int:
    raw = text.strip().lower()
    days = whole_number(raw)
    if days is not None:
        return days
    try:
        amount = parse_duration(raw)
    except ParseError as exc:
        raise ParseError(matching_wording.wait_bad(raw, matching.MAX_ANSWER_DAYS)) from exc
    if amount % timedelta(days=1) or amount < timedelta(days=1):
        raise ParseError(matching_wording.wait_bad(raw, matching.MAX_ANSWER_DAYS))
    return amount.days


# ---- buttons and forms ---------------------------------------------------------------------------


async def on_button(uow: UnitOfWork, actor: Actor, verb: str, ident: int) -> Reply:
    if verb == "request":
        return await matching.request_form_for(uow, actor, ident)
    if verb == "accept":
        return await matching.accept(uow, actor, ident)
    if verb == "decline":
        return await matching.decline_form(uow, actor, ident)
    if verb == "redirect":
        return await matching.redirect_form(uow, actor, ident)
    if verb == "claim":
        return await matching.claim(uow, actor, ident)
    if verb == "withdraw":
        return await matching.withdraw(uow, actor, ident)
    if verb == "cadence":
        return await matching.confirm_cadence(uow, actor, ident)
    if verb == "profile":
        return await matching.profile_form(uow, actor)
    raise ParseError(wording.BUTTON_STALE)


async def on_form(uow: UnitOfWork, actor: Actor, verb: str, ident: int, values: Mapping[str, str]) -> Reply:
    if verb == "profile":
        return await matching.save_profile(uow, actor, values)
    if verb == "new":
        return await matching.submit_request(uow, actor, ident or None, values)
    if verb == "decline":
        return await matching.decline(uow, actor, ident, values.get("text") or "")
    if verb == "redirect":
        who = split_mentions(values.get("who") or "").mentions
        return await matching.redirect(uow, actor, ident, who[0] if who else None, values.get("text") or "")
    raise ParseError(wording.BUTTON_STALE)
