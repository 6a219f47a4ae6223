"""The mentorship area's commands: `/mentor pair|cadence|next|pause|…`, `/checkin`, `/agenda`, `/actions`,
`/timezone`, and their buttons and forms (`checkin:notes:7`, `actions:done:12`, `mentorship:end:3`).

Each command turns words into a call of a use-case in bot.services; the rules live there. Declared in
`register`, from which the router, the help pages, Slack's manifest and Discord's tree are derived
(bot/interactions/registry.py)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, timedelta

from bot import validation, wording
from bot.domain import phrases
from bot.domain.dates import parse_date, split_zone_suffix
from bot.domain.errors import AskBack, NotFound, ParseError, UserError
from bot.domain.states import ActionState, parse_stage
from bot.domain.timeparse import Invalid, read_leads
from bot.interactions import clarify
from bot.interactions.grammar import (
    Parsed,
    leading_mention,
    mark_mentions,
    split_mentions,
    subcommand,
    take_option,
    take_selector,
)
from bot.interactions.registry import Command, CommandHandler, CommandRegistry, Sub
from bot.interactions.vocabulary import actions_sub, mentor_sub
from bot.messages import Reply, reply
from bot.persistence.tables import CheckIn, Mentorship
from bot.services import actions, checkins, mentorships, planning, profile, zonenames
from bot.services.access import MentorshipId, get_mentorship
from bot.services.members import Actor, actor_member, ensure_member, zone_of
from bot.services.unit import UnitOfWork

AGENDA_HINT = "Try `/agenda add <question>` or `/agenda`."
ACTIONS_HINT = (
    "Try `/actions add send CV by friday`, `/actions done 12` or `/actions snooze 12 until monday`."
)
# A /mentor sub-command's handler once the mentions are read: (uow, actor, words, picked mentorship).
Parsed_ = Callable[[UnitOfWork, Actor, Parsed, str | None], Awaitable[Reply]]


def said(text: str, what: str, limit: int = mentorships.REFLECTION_MAX) -> str:
    """Free text for the mentorship use-cases, checked once here (they keep their own length limits)."""
    return validation.user_text(text, what, limit)


async def today_of(uow: UnitOfWork, actor: Actor) -> date:
    """Today's date where the actor is (their zone, else UTC)."""
    _ws, me = await actor_member(uow, actor)
    return uow.now.astimezone(zone_of(me)).date()


def with_mentions(handler: Parsed_, zone: str | None = None) -> CommandHandler:
    """A handler of mentions and words: the mention after "with" (or the first) picks the mentorship.

    `zone`: "always" when the sub-command reads times in the speaker's zone, "with text" when only its
    optional text does (`/mentor pause` needs no zone, `/mentor pause until friday` does)."""

    async def handle(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
        p = split_mentions(rest)
        if zone == "always" or (zone == "with text" and p.text):
            await clarify.require_zone(uow, actor)
        return await handler(uow, actor, p, p.selected or (p.mentions[0] if p.mentions else None))

    return handle


# ---- /mentor ---------------------------------------------------------------------------------------


async def _pair(uow: UnitOfWork, actor: Actor, p: Parsed, _other: str | None) -> Reply:
    if not p.mentions:
        raise ParseError(wording.PAIR_MISSING)
    if len(p.mentions) > 2:
        raise ParseError(wording.PAIR_TOO_MANY)
    words, focus = take_option(p.words, "focus", max_words=2)
    words, by = take_option(words, "by")
    today = await today_of(uow, actor)
    target: date | None = None
    if by is not None:
        try:
            target = parse_date(by, today)
        except AskBack:
            raise  # "by 3/4" is a date, only an unclear one
        except ParseError:
            # "learn by doing" is part of a goal, not a date.
            words, target = [*words, "by", *by.split()], None
        if target is not None and target > today:
            validation.date_within(target, today, "The target date")
    mentor_id, mentee_id = (p.mentions[0], p.mentions[1]) if len(p.mentions) == 2 else (None, p.mentions[0])
    if target is not None and target <= today:
        raise ParseError(wording.target_past(target))
    goal = said(" ".join(words), "Goals", mentorships.GOALS_MAX)
    req = mentorships.PairRequest(mentee_id, goal, target, focus or "", mentor_id)
    return await mentorships.pair(uow, actor, req)


def _accept(registry: CommandRegistry) -> Parsed_:
    async def accept(uow: UnitOfWork, actor: Actor, _p: Parsed, other: str | None) -> Reply:
        """A proposal to me, or else a mentor request waiting for my answer (asking which when several)."""
        try:
            return await mentorships.accept(uow, actor, other)
        except NotFound:
            waiting = await clarify.requests_waiting_for(uow, actor, other)
            requests = registry.sub("mentor", "requests")
            if not waiting or requests is None:
                raise
            if len(waiting) == 1:
                return await requests.handler(uow, actor, f"accept {waiting[0][0]}")
            raise AskBack(
                wording.which_request(),
                "",
                tuple((label, f"requests accept {number}") for number, label in waiting),
            ) from None

    return accept


async def _decline(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None) -> Reply:
    return await mentorships.decline(uow, actor, other, said(p.text, "The message"))


async def _list(uow: UnitOfWork, actor: Actor, p: Parsed, _other: str | None) -> Reply:
    return await mentorships.list_mentorships(uow, actor, everyone=p.text.lower() == "all")


async def _cadence(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None) -> Reply:
    if not p.text:
        raise ParseError(wording.CADENCE_MISSING)
    phrase = zonenames.name_trailing_zone(p.text, uow.now)
    result = await mentorships.set_cadence(uow, actor, phrase, other)
    return await clarify.with_clash_note(uow, actor, other, result, cadence_phrase=phrase)


async def _next(uow: UnitOfWork, actor: Actor, _p: Parsed, other: str | None) -> Reply:
    return await mentorships.next_checkin(uow, actor, other)


def _pause(sub: str) -> Parsed_:
    async def pause(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None) -> Reply:
        """ "for 2 weeks", "until march" (back on 1 March), "till jan 5"; nothing: open-ended."""
        until: date | None = None
        if not p.words and sub == "vacation":
            raise ParseError(wording.VACATION_MISSING)
        if p.words:
            today = await today_of(uow, actor)
            found = phrases.read_pause_until(p.text, today)
            if found is not None:
                until = validation.date_within(found, today, "The end of the break,")
        return await mentorships.pause(uow, actor, until, other)

    return pause


# What people add after skip/cancel that still means the next one.
_THE_NEXT = re.compile(
    r"^(?:the\s+)?(?:next|upcoming|coming)?\s*(?:one|session|check-?in|meeting|call)?\s*(?:please)?$", re.I
)


_THE_ONE_ON = re.compile(r"^(?:the\s+)?(?:one|session|check-?in|meeting)?\s*(?:on|of|for)?\s*", re.I)


async def _skip_said(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None, verb: str) -> Reply:
    """`skip`, `skip the next one`, `skip the one on dec 15`, `skip next week`: only the next check-in
    can be skipped, so a date or week must be the next one's; anything else is refused, never read as
    "the next one" (a person saying "skip dec 15" must not lose Dec 1)."""
    said = " ".join(p.words).strip(" .!")
    if _THE_NEXT.match(said):
        return await mentorships.skip(uow, actor, other)
    phrase = re.sub(
        r"^(?:the\s+)?(?:one|session|check-?in|meeting)?\s*(?:on|of|for)?\s*", "", said, flags=re.I
    )
    today = await today_of(uow, actor)
    try:
        on = parse_date(phrase, today)
    except AskBack:
        raise
    except ParseError:
        raise ParseError(wording.skip_what(verb, said)) from None
    return await mentorships.skip(uow, actor, other, on=on, week="week" in phrase.lower())


async def _skip(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None) -> Reply:
    return await _skip_said(uow, actor, p, other, "skip")


async def _cancel(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None) -> Reply:
    """ "cancel the next session" is a skip; a bare "cancel" might mean the mentorship: ask."""
    if not p.words:
        # The skip names its day: pressed later, after another skip or a move, it refuses instead of
        # skipping whichever check-in is next by then.
        day = await mentorships.next_day(uow, actor, other)
        skip = f"skip the one on {day.isoformat()}" if day else "skip"
        raise AskBack(
            wording.cancel_which(),
            "",
            (("Skip the next check-in", skip), ("End the mentorship", "end")),
        )
    return await _skip_said(uow, actor, p, other, "cancel")


async def _resume(uow: UnitOfWork, actor: Actor, _p: Parsed, other: str | None) -> Reply:
    return await mentorships.resume(uow, actor, other)


async def _reschedule(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None) -> Reply:
    if not p.text:
        raise ParseError(wording.RESCHEDULE_MISSING)
    when = zonenames.name_trailing_zone(p.text, uow.now)
    result = await mentorships.reschedule(uow, actor, when, other)
    _ws, me = await actor_member(uow, actor)
    named = split_zone_suffix(when)[1]
    zone = (named or zone_of(me)).key or "UTC"
    result = Reply(wording.combined([result.message, wording.read_in(zone, named is not None)]))
    return await clarify.with_clash_note(uow, actor, other, result)


async def _end(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None) -> Reply:
    return await mentorships.end(uow, actor, said(p.text, "Feedback"), other)


async def _reflect(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None) -> Reply:
    return await mentorships.reflect(uow, actor, said(p.text, "A reflection"), other)


async def _keep(uow: UnitOfWork, actor: Actor, _p: Parsed, other: str | None) -> Reply:
    return await mentorships.keep_in_touch(uow, actor, other)


async def _stage(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None) -> Reply:
    stage = parse_stage(p.text)
    if stage is None:
        raise ParseError(wording.stage_bad(p.text))
    return await mentorships.set_stage(uow, actor, stage, other)


def lead_times(words: list[str]) -> list[timedelta]:
    """ "24h 1h", "1 day", "1d and 2h", "a day before and an hour before", "off" → lead times."""
    if [w.lower() for w in words] in (["off"], ["none"], ["no"], ["disable"]):
        return []
    if not words:
        raise ParseError(wording.reminders_bad())
    try:
        return read_leads(" ".join(words))
    except Invalid as exc:
        raise ParseError(wording.reminders_bad(" ".join(words))) from exc


async def _reminders(uow: UnitOfWork, actor: Actor, p: Parsed, other: str | None) -> Reply:
    return await mentorships.set_reminders(uow, actor, lead_times(p.words), other)


# ---- /checkin, /agenda -----------------------------------------------------------------------------


# `/checkin notes …` records a session's takeaways; "done with the draft" or "held off on it" are updates.
_NOTES_WORDS = ("notes", "notes:", "takeaways", "takeaways:")


async def checkin_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    """`/checkin [@other] [update:|notes|missed] text`: without a keyword the text is a status update."""
    other, body = leading_mention(text)
    sub, rest = subcommand(body)
    if not body:
        return await checkins.overview(uow, actor, other)
    if sub == "update:" and rest:
        # Said explicitly (Discord's kind option): whatever the text starts with, it is an update.
        # Without the colon "update the docs" is an update's own words.
        return await checkins.post_update(uow, actor, rest, other)
    if sub in _NOTES_WORDS and rest:
        return await checkins.record_notes(uow, actor, rest, other)
    if sub in _NOTES_WORDS:
        raise ParseError(wording.NOTES_MISSING)
    if sub == "missed" and not rest:
        return await checkins.mark_missed(uow, actor, other)
    meant = phrases.did_you_mean(sub, ("missed", "notes")) if not rest else None
    if meant is not None and meant != sub:
        # "/checkin mised": one word close to a keyword is more likely a typo than an update.
        raise AskBack(
            wording.checkin_keyword_or_update(body, meant),
            body,
            ((f"/checkin {meant}", meant), ("Post it as an update", f"update: {body}")),
        )
    return await checkins.post_update(uow, actor, body, other)


async def agenda_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    sub, rest = subcommand(text)
    if sub == "add":
        other, question = leading_mention(rest)
        return await checkins.add_question(uow, actor, question, other)
    if sub == "":
        return await checkins.show_agenda(uow, actor, None)
    other, remaining = leading_mention(text)  # `/agenda @sam` or `/agenda with @sam`
    if other and not remaining:
        return await checkins.show_agenda(uow, actor, other)
    raise ParseError(wording.unknown_sub("agenda", sub, hint=AGENDA_HINT))


# ---- /actions --------------------------------------------------------------------------------------


async def actions_list(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    p = split_mentions(rest)
    return await actions.list_open(uow, actor, p.mentions[0] if p.mentions else None)


async def actions_add(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    """Text, owner and due date by the rule in `phrases.read_action`; mentions left in the text are
    written as the person's name."""
    selected, body = take_selector(rest)
    marked, mentions = mark_mentions(body, phrases.MENTION_MARK)
    if not marked.strip():
        return await actions.add(uow, actor, "", None, None, selected)
    ws, _me = await actor_member(uow, actor)
    today = await today_of(uow, actor)
    parsed = phrases.read_action(marked, today)
    if parsed.due is not None:
        validation.date_within(parsed.due, today, "The due date")
        await clarify.require_zone(uow, actor)
    text = parsed.text
    for index, ident in enumerate(mentions):
        mark = f"{phrases.MENTION_MARK}{index}"
        if mark in text:
            member = await ensure_member(uow, ws, ident)
            text = text.replace(mark, f"@{member.display_name}")
    owner = mentions[parsed.owner] if parsed.owner is not None else None
    return await actions.add(uow, actor, text, owner, parsed.due, selected)


async def _reopen(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    numbers, after = phrases.read_numbers(rest)
    if len(numbers) != 1 or after.strip(" .!"):
        raise ParseError(wording.action_number("reopen", rest))
    return await actions.reopen(uow, actor, numbers[0])


def _numbered(sub: str) -> CommandHandler:
    """`/actions done 3`, `done 3 4 5`, `snooze 3 until monday`."""

    async def handle(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
        numbers, after = phrases.read_numbers(rest)
        return await close_or_snooze(uow, actor, sub, numbers, after, rest)

    return handle


async def close_or_snooze(
    uow: UnitOfWork, actor: Actor, sub: str, numbers: list[int], after: str, rest: str
) -> Reply:
    if not numbers:
        raise ParseError(wording.action_number(sub, rest))
    if sub == "snooze":
        if len(numbers) > 1 and after:
            raise ParseError(wording.snooze_one_at_a_time(sub, rest))
        if after:
            await clarify.require_zone(uow, actor)
        replies = [await actions.snooze(uow, actor, number, until_text=after) for number in numbers]
        return replies[0] if len(replies) == 1 else Reply(wording.combined(r.message for r in replies))
    if after.strip(" .!") and after.lower().strip(" .!") not in ("done", "thanks", "please"):
        raise ParseError(wording.action_number(sub, rest))
    state = ActionState.DONE if sub == "done" else ActionState.DROPPED
    if len(numbers) == 1:
        return await actions.close(uow, actor, numbers[0], state)
    messages = []
    for number in numbers:
        try:
            messages.append((await actions.close(uow, actor, number, state)).message)
        except UserError as exc:  # raised before anything changed: the others still close
            messages.append(wording.close_failed(f"#{number}", exc.message))
    return Reply(wording.combined(messages))


def _actions_fallback(registry: CommandRegistry) -> CommandHandler:
    async def handle(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
        """Nothing: the list; "4 done": the number first; else not an /actions sub-command."""
        if not text.strip():
            return await actions_list(uow, actor, "")
        sub, rest = actions_sub(text, registry)  # "mark 2 done": the filler goes first
        numbers = phrases.read_numbers(sub)[0]
        if numbers:
            sub, after_verb = subcommand(rest)
            found = registry.sub("actions", sub)
            if found is not None and found.name in ("done", "drop", "snooze"):
                return await close_or_snooze(uow, actor, found.name, numbers, after_verb, rest)
        raise ParseError(
            wording.unknown_sub("actions", sub, registry.guess("actions", sub), rest, ACTIONS_HINT)
        )

    return handle


# ---- /timezone -------------------------------------------------------------------------------------


async def timezone_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    sub, rest = subcommand(text)
    if sub == "":
        return await profile.show_timezone(uow, actor)
    typo = rest and phrases.did_you_mean(sub, ("hours",)) == "hours"  # "/timezone hour 9-5"
    if sub in ("hours", "working", "work") or typo or (sub == "set" and rest.lower().startswith("hours")):
        rest = " ".join(w for w in rest.split() if w.lower() not in ("hours", "are", "is", ":"))
        return await profile.set_hours(uow, actor, rest)
    return await profile.set_timezone(uow, actor, text)


# ---- buttons and forms -----------------------------------------------------------------------------


async def mentorship_by_id(uow: UnitOfWork, actor: Actor, mentorship_id: int) -> MentorshipId:
    """The mentorship a button or form names, checked against the actor and workspace: exactly it."""
    _ws, me = await actor_member(uow, actor)
    await get_mentorship(uow, me, mentorship_id)
    return MentorshipId(mentorship_id)


async def checkin_by_id(
    uow: UnitOfWork, actor: Actor, checkin_id: int, verb: str
) -> tuple[CheckIn, MentorshipId]:
    """The check-in a button names, checked; refused unless it is the one the use-case acts on
    (notes and "missed" are for the latest started check-in, skip for the next one)."""
    c = await uow.session.get(CheckIn, checkin_id)
    if c is None:
        raise UserError(wording.BUTTON_STALE)
    selector = await mentorship_by_id(uow, actor, c.mentorship_id)
    m = await uow.session.get(Mentorship, c.mentorship_id)
    assert m is not None
    current = await (planning.next_open_checkin(uow, m) if verb == "skip" else planning.last_started(uow, m))
    if current is None or current.id != c.id:
        raise UserError(wording.BUTTON_STALE)
    return c, selector


def _text_form(form_id: str, title: str, label: str, required: bool = True) -> Reply:
    return Reply(wording.form_message(wording.single_form(form_id, title, label, required=required)))


async def actions_button(uow: UnitOfWork, actor: Actor, verb: str, ident: int) -> Reply:
    if verb in ("done", "drop"):
        return await actions.close(
            uow, actor, ident, ActionState.DONE if verb == "done" else ActionState.DROPPED
        )
    if verb == "snooze":
        return await actions.snooze(uow, actor, ident)
    if verb == "add":
        await mentorship_by_id(uow, actor, ident)
        return Reply(wording.form_message(wording.action_form(ident)))
    return reply(wording.BUTTON_STALE, ok=False)


async def checkin_button(uow: UnitOfWork, actor: Actor, verb: str, ident: int) -> Reply:
    if verb == "update":
        await mentorship_by_id(uow, actor, ident)
        return Reply(wording.form_message(wording.update_form(ident)))
    if verb not in ("skip", "notes", "missed"):
        return reply(wording.BUTTON_STALE, ok=False)
    _c, selected = await checkin_by_id(uow, actor, ident, verb)
    if verb == "skip":
        return await mentorships.skip(uow, actor, selected)
    if verb == "notes":
        return _text_form(f"checkin:notes:{ident}", "Check-in notes", "What did you discuss and decide?")
    return await checkins.mark_missed(uow, actor, selected)


async def agenda_button(uow: UnitOfWork, actor: Actor, verb: str, ident: int) -> Reply:
    if verb != "add":
        return reply(wording.BUTTON_STALE, ok=False)
    await mentorship_by_id(uow, actor, ident)
    return _text_form(f"agenda:add:{ident}", "Add to the agenda", "Your question for the next check-in")


async def mentorship_button(uow: UnitOfWork, actor: Actor, verb: str, ident: int) -> Reply:
    other = await mentorship_by_id(uow, actor, ident)
    if verb == "accept":
        return await mentorships.accept(uow, actor, other)
    if verb == "decline":
        return await mentorships.decline(uow, actor, other, "")
    if verb == "pause":
        return await mentorships.pause(uow, actor, await today_of(uow, actor) + timedelta(days=30), other)
    if verb == "keep":
        return await mentorships.keep_in_touch(uow, actor, other)
    if verb in ("end", "reflect"):
        title = "End the mentorship" if verb == "end" else "Reflect on the mentorship"
        label = "A short reflection: what went well, what would you change?"
        return _text_form(f"mentorship:{verb}:{ident}", title, label, required=verb == "reflect")
    return reply(wording.BUTTON_STALE, ok=False)


def _form_text(values: Mapping[str, str]) -> str:
    return (values.get("text") or "").strip()


async def checkin_form(
    uow: UnitOfWork, actor: Actor, verb: str, ident: int, values: Mapping[str, str]
) -> Reply:
    if verb == "update":
        other = await mentorship_by_id(uow, actor, ident)
        return await checkins.post_update(uow, actor, wording.update_from_form(values), other)
    if verb == "notes":
        _c, selected = await checkin_by_id(uow, actor, ident, verb)
        if not _form_text(values):
            raise ParseError(wording.NOTES_MISSING)
        return await checkins.record_notes(uow, actor, _form_text(values), selected)
    return reply(wording.BUTTON_STALE, ok=False)


async def agenda_form(
    uow: UnitOfWork, actor: Actor, verb: str, ident: int, values: Mapping[str, str]
) -> Reply:
    if verb != "add":
        return reply(wording.BUTTON_STALE, ok=False)
    other = await mentorship_by_id(uow, actor, ident)
    return await checkins.add_question(uow, actor, _form_text(values), other)


async def actions_form(
    uow: UnitOfWork, actor: Actor, verb: str, ident: int, values: Mapping[str, str]
) -> Reply:
    if verb != "add":
        return reply(wording.BUTTON_STALE, ok=False)
    other = await mentorship_by_id(uow, actor, ident)
    due_text = (values.get("due") or "").strip()
    due: date | None = None
    if due_text:
        today = await today_of(uow, actor)
        due = validation.date_within(parse_date(due_text, today), today, "The due date")
    owner = split_mentions(values.get("owner") or "").mentions
    return await actions.add(uow, actor, _form_text(values), owner[0] if owner else None, due, other)


async def mentorship_form(
    uow: UnitOfWork, actor: Actor, verb: str, ident: int, values: Mapping[str, str]
) -> Reply:
    if verb not in ("end", "reflect"):
        return reply(wording.BUTTON_STALE, ok=False)
    other = await mentorship_by_id(uow, actor, ident)
    if verb == "end":
        return await mentorships.end(uow, actor, said(_form_text(values), "Feedback"), other)
    return await mentorships.reflect(uow, actor, said(_form_text(values), "A reflection"), other)


# ---- the declaration -------------------------------------------------------------------------------


def register(registry: CommandRegistry) -> None:
    """Declare the mentorship area's commands, sub-commands, buttons and forms."""
    mentor = Command(
        "mentor",
        "Pair, set a cadence, pause, end and reflect on a mentorship",
        "pair @someone your goal | cadence every 2 weeks on Tuesday at 16:00 | next | help",
        hint=(
            "Try `/mentor find <topic>`, `/mentor pair @sam <goal>`, "
            "`/mentor cadence every 2 weeks on tue 10am`, or `/mentor help`."
        ),
        footer="With several mentorships, mention the other person to pick one: `/mentor next @sam`.",
        split=mentor_sub,
    )
    registry.add_command(mentor)
    subs = [
        Sub(
            "pair",
            "Propose a mentorship (admins: pick the mentor too)",
            (
                (
                    "pair @mentee [goal] [by DATE] [focus F]",
                    "propose to mentor someone; they accept or decline",
                ),
            ),
            with_mentions(_pair),
        ),
        Sub(
            "accept",
            "Accept a proposed mentorship",
            (("accept [@who]", "answer a proposal (or a mentor request sent to you)"),),
            with_mentions(_accept(registry)),
            synonyms=("approve", "yes"),
        ),
        Sub(
            "decline",
            "Decline a proposed mentorship",
            (("decline [@who] [note]", "say no to a proposal, with a kind note"),),
            with_mentions(_decline),
            synonyms=("reject",),
        ),
        Sub(
            "list",
            "Your mentorships (admins: everyone's)",
            (("list [all]", "your mentorships (admins: `all`)"),),
            with_mentions(_list),
            synonyms=("mine", "ls"),
        ),
        Sub(
            "cadence",
            "Set the rhythm, e.g. every 2 weeks on Tuesday at 16:00",
            (
                (
                    "cadence <phrase>",
                    "set the rhythm, e.g. every 2 weeks on Tuesday at 10:00; monthly on the first "
                    "Thursday at 17:00; every 6 weeks on thu 16:30; weekdays at 9:15",
                ),
            ),
            with_mentions(_cadence, zone="always"),
            synonyms=("schedule", "rhythm", "frequency", "repeat"),
        ),
        Sub(
            "next",
            "When the next check-in is",
            (("next", "the next check-in in your time"),),
            with_mentions(_next),
            synonyms=("when", "upcoming"),
        ),
        Sub(
            "pause",
            "Pause check-ins, optionally until a date",
            (("pause [until DATE | for 2 weeks]", "take a break; reminders stop meanwhile"),),
            with_mentions(_pause("pause"), zone="with text"),
            synonyms=("break",),
        ),
        Sub(
            "vacation",
            "Away until a date: check-ins and reminders wait",
            (("vacation until DATE", "away for a while; check-ins resume the day you're back"),),
            with_mentions(_pause("vacation"), zone="always"),
            synonyms=("holiday", "holidays", "away", "ooo"),
            discord=None,  # `/mentor pause until` on Discord
        ),
        Sub(
            "resume",
            "Resume a paused mentorship",
            (("resume", "back from a pause: the next check-in is planned again"),),
            with_mentions(_resume),
            synonyms=("unpause", "continue", "restart"),
        ),
        Sub(
            "skip",
            "Skip the next check-in",
            (("skip [the one on DATE]", "drop just the next check-in (a date must be the next one's)"),),
            with_mentions(_skip),
        ),
        Sub(
            "cancel",
            "Cancel the next check-in (a skip)",
            (("cancel the next session", "the same as skip"),),
            with_mentions(_cancel),
            discord=None,
        ),
        Sub(
            "reschedule",
            "Move the next check-in, e.g. thursday 15:00",
            (("reschedule <date time>", "move just the next check-in"),),
            with_mentions(_reschedule, zone="always"),
            synonyms=("move", "postpone", "push", "shift", "rebook", "resched", "delay", "change"),
        ),
        Sub(
            "end",
            "End the mentorship, with a short reflection",
            (("end [feedback]", "close well: a last summary and a thank-you"),),
            with_mentions(_end),
            synonyms=("conclude", "finish", "close"),
        ),
        Sub(
            "reflect",
            "Add your reflection on an ended mentorship",
            (("reflect <text>", "your reflection on an ended mentorship"),),
            with_mentions(_reflect),
        ),
        Sub(
            "keep-in-touch",
            "After the end: an occasional nudge to catch up",
            (("keep-in-touch", "after the end: an occasional nudge to catch up"),),
            with_mentions(_keep),
            synonyms=("keep_in_touch", "keep"),
        ),
        Sub(
            "stage",
            "Set the stage: getting started, coaching, close-in or succession",
            (("stage getting started|coaching|close-in|succession", "where the mentorship is"),),
            with_mentions(_stage),
        ),
        Sub(
            "reminders",
            "Reminder lead times, e.g. 1d 1h (or off)",
            (("reminders 24h 1h | off", "when reminders come before each check-in"),),
            with_mentions(_reminders),
            synonyms=("reminder", "remind"),
        ),
    ]
    for sub in subs:
        registry.add_sub("mentor", sub)

    registry.add_command(
        Command(
            "checkin",
            "Post a status update or record a check-in's notes",
            "your update | notes what you decided | missed | help",
            checkin_command,
            help=(
                ("(nothing)", "your next check-in, its agenda and open action items"),
                ("<text>", "post a status update into the next check-in's thread"),
                ("notes <takeaways>", "after a session: mark it held and send the follow-up summary"),
                ("missed", "after a session: you didn't meet"),
            ),
        )
    )
    registry.add_command(
        Command(
            "agenda",
            "See or add to the next check-in's agenda",
            "add your question | @someone | help",
            agenda_command,
            help=(("(nothing)", "the questions for the next check-in"), ("add <question>", "add one")),
            hint=AGENDA_HINT,
        )
    )
    registry.add_command(
        Command(
            "actions",
            "Action items - list, add, done, drop, snooze",
            "add text @owner due friday | done 3 | help",
            _actions_fallback(registry),
            help=(("(nothing)", "open action items in your mentorships"),),
            split=actions_sub,
            hint=ACTIONS_HINT,
        )
    )
    for sub in (
        Sub("list", "Open action items", (), actions_list, synonyms=("show", "ls")),
        Sub(
            "add",
            "Add an action item",
            (
                (
                    "add <text> [owner @who] [by DATE]",
                    "add one: `send CV to @sam by friday` is yours, due friday; "
                    "`owner @sam` gives it to them",
                ),
            ),
            actions_add,
            synonyms=("new", "create", "todo"),
        ),
        Sub(
            "done",
            "Mark an action item done",
            (("done N · drop N · snooze N", "close or push back item N"),),
            _numbered("done"),
            synonyms=("complete", "completed", "finish", "finished", "close", "check", "tick"),
        ),
        Sub("drop", "Drop an action item", (), _numbered("drop"), synonyms=("remove", "delete", "cancel")),
        Sub(
            "reopen",
            "Reopen an item marked done or dropped by mistake",
            (("reopen N", "undo a done or drop: item N is open again"),),
            _reopen,
            synonyms=("undo", "undone", "unfinish"),
        ),
        Sub(
            "snooze",
            "Snooze an action item's follow-up by a day",
            (),
            _numbered("snooze"),
            synonyms=("postpone", "defer", "later"),
        ),
    ):
        registry.add_sub("actions", sub)
    registry.add_command(
        Command(
            "timezone",
            "Show or set your time zone and working hours",
            "Europe/Berlin | hours 9-17 | help",
            timezone_command,
            help=(
                ("(nothing)", "your time zone"),
                ("<Area/City>", "set it, e.g. Europe/Berlin or America/New_York (a city name works too)"),
                ("hours 9-17", "your working hours"),
            ),
        )
    )
    for scope, button in (
        ("actions", actions_button),
        ("checkin", checkin_button),
        ("agenda", agenda_button),
        ("mentorship", mentorship_button),
    ):
        registry.add_button(scope, button)
    for scope, form in (
        ("checkin", checkin_form),
        ("agenda", agenda_form),
        ("actions", actions_form),
        ("mentorship", mentorship_form),
    ):
        registry.add_form(scope, form)
