"""Routes slash commands, button presses and form submissions to the use-cases, and turns every
failure into a friendly reply."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, timedelta
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot import validation, wording
from bot.domain import phrases
from bot.domain.dates import parse_date, split_zone_suffix
from bot.domain.errors import AskBack, NotFound, ParseError, UserError
from bot.domain.states import ActionState, parse_stage
from bot.domain.timeparse import Invalid, read_leads
from bot.interactions import clarify
from bot.interactions.failures import Failure, classify
from bot.interactions.grammar import (
    Parsed,
    leading_mention,
    mark_mentions,
    split_mentions,
    subcommand,
    take_option,
    take_selector,
)
from bot.interactions.vocabulary import (
    ACTION_SUBS,
    ACTION_SYNONYMS,
    MENTOR_SUBS,
    MENTOR_SYNONYMS,
    actions_sub,
    mentor_sub,
)
from bot.messages import Reply, reply
from bot.persistence.tables import CheckIn, Mentorship
from bot.privacy import retention
from bot.services import actions, checkins, lifecycle, mentorships, planning, profile, zonenames
from bot.services.access import MentorshipId, get_mentorship
from bot.services.members import Actor, actor_member, ensure_member, zone_of
from bot.services.unit import Core, UnitOfWork

# What a database outage raises (for event handlers that must not ack what they could not store); command
# replies classify failures more finely (bot/interactions/failures.py).
DATABASE_UNREACHABLE = (OperationalError, DBAPIError, OSError)

log = logging.getLogger(__name__)
T = TypeVar("T")

COMMANDS = ("mentor", "checkin", "agenda", "actions", "timezone")

_TIMED_MENTOR_SUBS = frozenset({"cadence", "reschedule", "pause", "vacation"})

# Areas beyond the mentorship core (office hours, finding a mentor) plug in through these registries.
CommandHandler = Callable[[UnitOfWork, Actor, str], Awaitable[Reply]]
# (uow, actor, verb, id) for a button `scope:verb:id`
ActionHandler = Callable[[UnitOfWork, Actor, str, int], Awaitable[Reply]]
# (uow, actor, verb, id, values) for a form `scope:verb:id`
FormHandler = Callable[[UnitOfWork, Actor, str, int, Mapping[str, str]], Awaitable[Reply]]
# (uow, actor with channel and thread, text, platform message id) → a reply, or None when not theirs
ThreadHandler = Callable[[UnitOfWork, Actor, str, str], Awaitable[Reply | None]]


class Router:
    def __init__(self, core: Core) -> None:
        self.core = core
        # How long a removed workspace's data is kept (MENTORBOT_RETENTION_DAYS, set by the app).
        self.retention = timedelta(days=retention.DEFAULT_RETENTION_DAYS)
        self._commands: dict[str, CommandHandler] = {
            "mentor": self._mentor,
            "checkin": self._checkin,
            "agenda": self._agenda,
            "actions": self._actions,
            "timezone": self._timezone,
        }
        # `/mentor <sub> …` handled outside this module, keyed by sub-command.
        self.mentor_subcommands: dict[str, CommandHandler] = {}
        self.action_scopes: dict[str, ActionHandler] = {}
        self.form_scopes: dict[str, FormHandler] = {}
        # Threads that are not a check-in's may belong to another area (office-hours announcements).
        self.thread_fallbacks: list[ThreadHandler] = []

    def add_command(self, name: str, handler: CommandHandler) -> None:
        self._commands[name] = handler

    # ---- entry points ---------------------------------------------------------------------------

    async def command(self, actor: Actor, command: str, text: str) -> Reply:
        """`/mentor pair @sam …` arrives as command="mentor" (slash optional), text="pair @sam …"."""
        name = command.strip().lstrip("/").lower()
        handler = self._commands.get(name)
        if handler is None:
            guess = phrases.did_you_mean(name, self._commands)
            return reply(wording.unknown_command(name[: validation.PLATFORM_ID_MAX], guess, text), ok=False)
        try:
            actor, text = validation.clean_actor(actor), validation.command_text(text)
        except UserError as exc:
            return reply(exc.message, ok=False)
        return await self._guard(lambda uow: handler(uow, actor, text), asked=(actor, name, text))

    async def action(self, actor: Actor, action_id: str) -> Reply:
        """A button press; ids look like `actions:done:42`."""
        try:
            actor = validation.clean_actor(actor)
        except UserError as exc:
            return reply(exc.message, ok=False)
        return await self._guard(lambda uow: self._action(uow, actor, action_id))

    async def form(self, actor: Actor, form_id: str, values: Mapping[str, str]) -> Reply:
        try:
            actor, clean = validation.clean_actor(actor), validation.form_values(dict(values))
        except UserError as exc:
            return reply(exc.message, ok=False)
        return await self._guard(lambda uow: self._form(uow, actor, form_id, clean))

    async def thread_message(self, actor: Actor, text: str, external_id: str) -> Reply | None:
        """A message in a thread: a status update when the thread is a check-in's, or another area's."""
        try:
            actor, text = validation.clean_actor(actor), validation.command_text(text)
            if len(external_id) > validation.MESSAGE_ID_MAX:
                raise UserError(wording.request_unusable())
            async with self.core.unit() as uow:
                result = await checkins.thread_reply(uow, actor, text, external_id)
                for fallback in self.thread_fallbacks:
                    if result is not None:
                        break
                    result = await fallback(uow, actor, text, external_id)
                return result
        except UserError as exc:
            return reply(exc.message, ok=False)
        except IntegrityError as exc:
            if classify(exc) is not Failure.BUG:
                return failure_reply(exc, "saving a thread reply")
            # The same platform message delivered twice at once: the other delivery saved it.
            return None
        except Exception as exc:
            return failure_reply(exc, "saving a thread reply")

    async def thread_edit(self, actor: Actor, external_id: str, text: str) -> bool:
        """Reflect an edit of a saved thread message; False when it is not one of ours."""
        try:
            actor, text = validation.clean_actor(actor), validation.command_text(text)
            async with self.core.unit() as uow:
                return await checkins.thread_edit(uow, actor, external_id, text)
        except UserError:
            return False
        except Exception as exc:
            failure_reply(exc, "editing a thread reply")
            return False

    async def thread_delete(self, platform: str, workspace_id: str, external_id: str) -> bool:
        try:
            async with self.core.unit() as uow:
                return await checkins.thread_delete(uow, platform, workspace_id, external_id)
        except UserError:
            return False
        except Exception as exc:
            failure_reply(exc, "deleting a thread reply")
            return False

    # ---- lifecycle events from the platforms (see bot/services/lifecycle.py) ----------------------

    async def member_left(self, platform: str, workspace_id: str, user_id: str) -> int:
        """A member left the workspace: their active mentorships pause, the other person is told."""
        return await self._event(
            "member left", 0, lambda uow: lifecycle.member_left(uow, platform, workspace_id, user_id)
        )

    async def workspace_removed(self, platform: str, workspace_id: str) -> bool:
        """The bot was uninstalled or removed: stop planning there, keep the data."""
        stopped = await self._event(
            "workspace removed", False, lambda uow: lifecycle.workspace_removed(uow, platform, workspace_id)
        )
        # Its data is deleted after the grace period unless the app comes back (bot/privacy/retention.py).
        await self._event(
            "workspace retention",
            None,
            lambda uow: retention.mark_removed(uow, platform, workspace_id, retention=self.retention),
        )
        return stopped

    async def workspace_returned(self, platform: str, workspace_id: str) -> bool:
        """The bot was installed again where it had been removed: what the removal paused resumes."""
        back = await self._event(
            "workspace returned", False, lambda uow: lifecycle.workspace_returned(uow, platform, workspace_id)
        )
        await self._event(
            "workspace retention", False, lambda uow: retention.mark_restored(uow, platform, workspace_id)
        )
        return back

    async def home_lost(self, platform: str, workspace_id: str, channel_id: str) -> int:
        """A pair's home was archived or deleted: the next post opens a new one and says why."""
        return await self._event(
            "home lost", 0, lambda uow: lifecycle.home_lost(uow, platform, workspace_id, channel_id)
        )

    async def _event(self, what: str, default: T, call: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        try:
            async with self.core.unit() as uow:
                return await call(uow)
        except DATABASE_UNREACHABLE:
            log.exception("database unavailable while handling %s", what)
        except Exception:
            log.exception("handling %s failed", what)
        return default

    async def _guard(
        self, call: Callable[[UnitOfWork], Awaitable[Reply]], asked: tuple[Actor, str, str] | None = None
    ) -> Reply:
        try:
            async with self.core.unit() as uow:
                return await call(uow)
        except AskBack as question:
            if asked is None:
                return reply(question.message, ok=False)
            pending = question
            return await self._guard(lambda uow: clarify.ask(uow, *asked, pending))
        except UserError as exc:
            return reply(exc.message, ok=False)
        except Exception as exc:
            return failure_reply(exc, "handling a command")

    # ---- /mentor ---------------------------------------------------------------------------------

    async def _mentor(self, uow: UnitOfWork, actor: Actor, text: str) -> Reply:
        sub, rest = mentor_sub(text)
        if sub in ("", "help") or rest.lower() == "help":
            return help_reply("mentor", sub if rest.lower() == "help" else rest.lower() or None)
        p = split_mentions(rest)
        other = p.selected or (p.mentions[0] if p.mentions else None)
        if sub in _TIMED_MENTOR_SUBS and (p.text or sub != "pause"):
            await clarify.require_zone(uow, actor)
        if sub == "pair":
            return await self._pair(uow, actor, p)
        if sub == "accept":
            return await self._accept(uow, actor, other)
        if sub == "decline":
            return await mentorships.decline(uow, actor, other, said(p.text, "The message"))
        if sub == "list":
            return await mentorships.list_mentorships(uow, actor, everyone=p.text.lower() == "all")
        if sub == "cadence":
            if not p.text:
                raise ParseError(wording.CADENCE_MISSING)
            phrase = zonenames.name_trailing_zone(p.text, uow.now)
            result = await mentorships.set_cadence(uow, actor, phrase, other)
            return await clarify.with_clash_note(uow, actor, other, result, cadence_phrase=phrase)
        if sub == "next":
            return await mentorships.next_checkin(uow, actor, other)
        if sub in ("pause", "vacation"):
            return await mentorships.pause(uow, actor, await self._until(uow, actor, p, sub), other)
        if sub == "cancel" and p.text.lower().strip() in ("next", "the next", "next session", "next one", ""):
            return await mentorships.skip(uow, actor, other)
        if sub == "resume":
            return await mentorships.resume(uow, actor, other)
        if sub == "skip":
            return await mentorships.skip(uow, actor, other)
        if sub == "reschedule":
            if not p.text:
                raise ParseError(wording.RESCHEDULE_MISSING)
            when = zonenames.name_trailing_zone(p.text, uow.now)
            result = await mentorships.reschedule(uow, actor, when, other)
            _ws, me = await actor_member(uow, actor)
            named = split_zone_suffix(when)[1]
            zone = (named or zone_of(me)).key or "UTC"
            result = Reply(wording.combined([result.message, wording.read_in(zone, named is not None)]))
            return await clarify.with_clash_note(uow, actor, other, result)
        if sub in ("end", "conclude"):
            return await mentorships.end(uow, actor, said(p.text, "Feedback"), other)
        if sub == "reflect":
            return await mentorships.reflect(uow, actor, said(p.text, "A reflection"), other)
        if sub in ("keep-in-touch", "keep_in_touch", "keep"):
            return await mentorships.keep_in_touch(uow, actor, other)
        if sub == "stage":
            stage = parse_stage(p.text)
            if stage is None:
                raise ParseError(wording.stage_bad(p.text))
            return await mentorships.set_stage(uow, actor, stage, other)
        if sub == "reminders":
            return await mentorships.set_reminders(uow, actor, self._leads(p.words), other)
        extension = self.mentor_subcommands.get(sub)
        if extension is not None:
            return await extension(uow, actor, rest)
        known = (*MENTOR_SUBS, *MENTOR_SYNONYMS, *self.mentor_subcommands)
        raise ParseError(wording.unknown_sub("mentor", sub, self._guess(sub, known, MENTOR_SYNONYMS), rest))

    @staticmethod
    def _guess(sub: str, known: tuple[str, ...], synonyms: Mapping[str, str]) -> str | None:
        guess = phrases.did_you_mean(sub, known)
        return synonyms.get(guess, guess) if guess else None

    async def _accept(self, uow: UnitOfWork, actor: Actor, other: str | None) -> Reply:
        """A proposal to me, or else a mentor request waiting for my answer (asking which when several)."""
        try:
            return await mentorships.accept(uow, actor, other)
        except NotFound:
            waiting = await clarify.requests_waiting_for(uow, actor, other)
            if not waiting:
                raise
            if len(waiting) == 1:
                handler = self.mentor_subcommands["requests"]
                return await handler(uow, actor, f"accept {waiting[0][0]}")
            raise AskBack(
                wording.which_request(),
                "",
                tuple((label, f"requests accept {number}") for number, label in waiting),
            ) from None

    async def _pair(self, uow: UnitOfWork, actor: Actor, p: Parsed) -> Reply:
        if not p.mentions:
            raise ParseError(wording.PAIR_MISSING)
        if len(p.mentions) > 2:
            raise ParseError(wording.PAIR_TOO_MANY)
        words, focus = take_option(p.words, "focus", max_words=2)
        words, by = take_option(words, "by")
        target: date | None = None
        if by is not None:
            try:
                target = parse_date(by, await self._today(uow, actor))
            except AskBack:
                raise  # "by 3/4" is a date, only an unclear one
            except ParseError:
                # "learn by doing" is part of a goal, not a date.
                words, target = [*words, "by", *by.split()], None
            if target is not None and target > await self._today(uow, actor):
                validation.date_within(target, await self._today(uow, actor), "The target date")
        mentor_id, mentee_id = (
            (p.mentions[0], p.mentions[1]) if len(p.mentions) == 2 else (None, p.mentions[0])
        )
        if target is not None and target <= await self._today(uow, actor):
            raise ParseError(wording.target_past(target))
        goal = said(" ".join(words), "Goals", mentorships.GOALS_MAX)
        req = mentorships.PairRequest(mentee_id, goal, target, focus or "", mentor_id)
        return await mentorships.pair(uow, actor, req)

    async def _today(self, uow: UnitOfWork, actor: Actor) -> date:
        _ws, me = await actor_member(uow, actor)
        return uow.now.astimezone(zone_of(me)).date()

    async def _until(self, uow: UnitOfWork, actor: Actor, p: Parsed, sub: str) -> date | None:
        """ "for 2 weeks", "until march" (back on 1 March), "till jan 5"; nothing: open-ended."""
        if not p.words:
            if sub == "vacation":
                raise ParseError(wording.VACATION_MISSING)
            return None
        today = await self._today(uow, actor)
        until = phrases.read_pause_until(p.text, today)
        return validation.date_within(until, today, "The end of the break,") if until is not None else None

    @staticmethod
    def _leads(words: list[str]) -> list[timedelta]:
        """ "24h 1h", "1 day", "1d and 2h", "a day before and an hour before", "off"."""
        if [w.lower() for w in words] in (["off"], ["none"], ["no"], ["disable"]):
            return []
        if not words:
            raise ParseError(wording.reminders_bad())
        try:
            return read_leads(" ".join(words))
        except Invalid as exc:
            raise ParseError(wording.reminders_bad(" ".join(words))) from exc

    # ---- /checkin, /agenda -----------------------------------------------------------------------

    async def _checkin(self, uow: UnitOfWork, actor: Actor, text: str) -> Reply:
        other, body = leading_mention(text)
        sub, rest = subcommand(body)
        if sub == "help" and not rest:
            return help_reply("checkin", None)
        if not body:
            return await checkins.overview(uow, actor, other)
        if sub in ("notes", "held", "done") and rest:
            return await checkins.record_notes(uow, actor, rest, other)
        if sub in ("notes", "held", "done"):
            raise ParseError(wording.NOTES_MISSING)
        if sub == "missed" and not rest:
            return await checkins.mark_missed(uow, actor, other)
        return await checkins.post_update(uow, actor, body, other)

    async def _agenda(self, uow: UnitOfWork, actor: Actor, text: str) -> Reply:
        sub, rest = subcommand(text)
        if sub == "help":
            return help_reply("agenda", None)
        if sub == "add":
            other, question = leading_mention(rest)
            return await checkins.add_question(uow, actor, question, other)
        if sub == "":
            return await checkins.show_agenda(uow, actor, None)
        other, remaining = leading_mention(text)
        if other and not remaining:
            return await checkins.show_agenda(uow, actor, other)
        raise ParseError(wording.unknown_sub("agenda", sub))

    # ---- /actions --------------------------------------------------------------------------------

    async def _actions(self, uow: UnitOfWork, actor: Actor, text: str) -> Reply:
        sub, rest = actions_sub(text)
        if sub == "help":
            return help_reply("actions", None)
        if sub in ("", "list"):
            p = split_mentions(rest)
            return await actions.list_open(uow, actor, p.mentions[0] if p.mentions else None)
        if sub == "add":
            return await self._add_action(uow, actor, rest)
        numbers, after = phrases.read_numbers(rest)
        if phrases.read_numbers(sub)[0] and not numbers:
            # "/actions 4 done": the number first
            verb, after_verb = subcommand(rest)
            numbers, sub, after = phrases.read_numbers(sub)[0], ACTION_SYNONYMS.get(verb, verb), after_verb
        if sub in ("done", "drop", "snooze"):
            if not numbers:
                raise ParseError(wording.action_number(sub, rest))
            if sub == "snooze":
                if len(numbers) > 1 and after:
                    raise ParseError(wording.snooze_one_at_a_time(sub, rest))
                return await self._snooze(uow, actor, numbers, after)
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
        guess = self._guess(sub, (*ACTION_SUBS, *ACTION_SYNONYMS), ACTION_SYNONYMS)
        raise ParseError(wording.unknown_sub("actions", sub, guess, rest))

    async def _snooze(self, uow: UnitOfWork, actor: Actor, numbers: list[int], after: str) -> Reply:
        if after:
            await clarify.require_zone(uow, actor)
        replies = [await actions.snooze(uow, actor, number, until_text=after) for number in numbers]
        return replies[0] if len(replies) == 1 else Reply(wording.combined(r.message for r in replies))

    async def _add_action(self, uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
        """Text, owner and due date by the rule in `phrases.read_action`; mentions left in the text are
        written as the person's name."""
        selected, body = take_selector(rest)
        marked, mentions = mark_mentions(body, phrases.MENTION_MARK)
        if not marked.strip():
            return await actions.add(uow, actor, "", None, None, selected)
        ws, _me = await actor_member(uow, actor)
        today = await self._today(uow, actor)
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

    async def _due(self, uow: UnitOfWork, actor: Actor, due_text: str | None) -> date | None:
        if not due_text:
            return None
        today = await self._today(uow, actor)
        return validation.date_within(parse_date(due_text, today), today, "The due date")

    # ---- /timezone -------------------------------------------------------------------------------

    async def _timezone(self, uow: UnitOfWork, actor: Actor, text: str) -> Reply:
        sub, rest = subcommand(text)
        if sub == "help":
            return help_reply("timezone", None)
        if sub == "":
            return await profile.show_timezone(uow, actor)
        if sub in ("hours", "working", "work") or (sub == "set" and rest.lower().startswith("hours")):
            rest = " ".join(w for w in rest.split() if w.lower() not in ("hours", "are", "is", ":"))
            return await profile.set_hours(uow, actor, rest)
        return await profile.set_timezone(uow, actor, text)

    # ---- buttons and forms ----------------------------------------------------------------------

    async def _mentorship_by_id(self, uow: UnitOfWork, actor: Actor, mentorship_id: int) -> MentorshipId:
        """The mentorship a button or form names, checked against the actor and workspace: exactly it."""
        _ws, me = await actor_member(uow, actor)
        await get_mentorship(uow, me, mentorship_id)
        return MentorshipId(mentorship_id)

    async def _checkin_by_id(
        self, uow: UnitOfWork, actor: Actor, checkin_id: int, verb: str
    ) -> tuple[CheckIn, MentorshipId]:
        """The check-in a button names, checked; refused unless it is the one the use-case acts on
        (notes and "missed" are for the latest started check-in, skip for the next one)."""
        c = await uow.session.get(CheckIn, checkin_id)
        if c is None:
            raise UserError(wording.BUTTON_STALE)
        selector = await self._mentorship_by_id(uow, actor, c.mentorship_id)
        m = await uow.session.get(Mentorship, c.mentorship_id)
        assert m is not None
        if verb == "skip":
            current = await planning.next_open_checkin(uow, m)
        else:
            current = await planning.last_started(uow, m)
        if current is None or current.id != c.id:
            raise UserError(wording.BUTTON_STALE)
        return c, selector

    async def _action(self, uow: UnitOfWork, actor: Actor, action_id: str) -> Reply:
        parsed = parse_control_id(action_id)
        if parsed is None:
            log.warning("unknown action id %r", action_id[:300])
            return reply(wording.BUTTON_STALE, ok=False)
        scope, verb, ident = parsed
        if scope in self.action_scopes:
            return await self.action_scopes[scope](uow, actor, verb, ident)
        if scope == "ask" and len(verb) == 1 and verb in wording.ANSWER_LETTERS:
            return await clarify.answer(uow, actor, wording.ANSWER_LETTERS.index(verb), ident, self._run_in)
        if scope == "actions" and verb in ("done", "drop"):
            return await actions.close(
                uow, actor, ident, ActionState.DONE if verb == "done" else ActionState.DROPPED
            )
        if scope == "actions" and verb == "snooze":
            return await actions.snooze(uow, actor, ident)
        if scope == "actions" and verb == "add":
            await self._mentorship_by_id(uow, actor, ident)
            return Reply(wording.form_message(wording.action_form(ident)))
        if scope == "checkin" and verb in ("skip", "notes", "missed"):
            _c, selected = await self._checkin_by_id(uow, actor, ident, verb)
            if verb == "skip":
                return await mentorships.skip(uow, actor, selected)
            if verb == "notes":
                return Reply(
                    wording.form_message(
                        wording.single_form(
                            f"checkin:notes:{ident}", "Check-in notes", "What did you discuss and decide?"
                        )
                    )
                )
            return await checkins.mark_missed(uow, actor, selected)
        if scope == "checkin" and verb == "update":
            await self._mentorship_by_id(uow, actor, ident)
            return Reply(wording.form_message(wording.update_form(ident)))
        if scope == "agenda" and verb == "add":
            await self._mentorship_by_id(uow, actor, ident)
            return Reply(
                wording.form_message(
                    wording.single_form(
                        f"agenda:add:{ident}", "Add to the agenda", "Your question for the next check-in"
                    )
                )
            )
        if scope == "mentorship":
            other = await self._mentorship_by_id(uow, actor, ident)
            if verb == "accept":
                return await mentorships.accept(uow, actor, other)
            if verb == "decline":
                return await mentorships.decline(uow, actor, other, "")
            if verb == "pause":
                return await mentorships.pause(
                    uow, actor, await self._today(uow, actor) + timedelta(days=30), other
                )
            if verb == "keep":
                return await mentorships.keep_in_touch(uow, actor, other)
            if verb in ("end", "reflect"):
                title = "End the mentorship" if verb == "end" else "Reflect on the mentorship"
                return Reply(
                    wording.form_message(
                        wording.single_form(
                            f"mentorship:{verb}:{ident}",
                            title,
                            "A short reflection: what went well, what would you change?",
                            required=verb == "reflect",
                        )
                    )
                )
        log.warning("unknown action id %r", action_id)
        return reply(wording.BUTTON_STALE, ok=False)

    async def _form(self, uow: UnitOfWork, actor: Actor, form_id: str, values: Mapping[str, str]) -> Reply:
        parsed = parse_control_id(form_id)
        if parsed is None:
            log.warning("unknown form id %r", form_id[:300])
            return reply(wording.BUTTON_STALE, ok=False)
        scope, verb, ident = parsed
        if scope in self.form_scopes:
            return await self.form_scopes[scope](uow, actor, verb, ident, values)
        text = (values.get("text") or "").strip()
        if (scope, verb) == ("checkin", "update"):
            other = await self._mentorship_by_id(uow, actor, ident)
            return await checkins.post_update(uow, actor, wording.update_from_form(values), other)
        if (scope, verb) == ("checkin", "notes"):
            _c, other = await self._checkin_by_id(uow, actor, ident, verb)
            if not text:
                raise ParseError(wording.NOTES_MISSING)
            return await checkins.record_notes(uow, actor, text, other)
        if (scope, verb) == ("agenda", "add"):
            other = await self._mentorship_by_id(uow, actor, ident)
            return await checkins.add_question(uow, actor, text, other)
        if (scope, verb) == ("actions", "add"):
            other = await self._mentorship_by_id(uow, actor, ident)
            due_text = (values.get("due") or "").strip()
            due = await self._due(uow, actor, due_text)
            owner = split_mentions(values.get("owner") or "").mentions
            return await actions.add(uow, actor, text, owner[0] if owner else None, due, other)
        if (scope, verb) == ("mentorship", "end"):
            other = await self._mentorship_by_id(uow, actor, ident)
            return await mentorships.end(uow, actor, said(text, "Feedback"), other)
        if (scope, verb) == ("mentorship", "reflect"):
            other = await self._mentorship_by_id(uow, actor, ident)
            return await mentorships.reflect(uow, actor, said(text, "A reflection"), other)
        return reply(wording.BUTTON_STALE, ok=False)

    async def _run_in(self, uow: UnitOfWork, actor: Actor, command: str, text: str) -> Reply:
        """Run a command inside an existing unit of work (an answer to a question asked back)."""
        handler = self._commands.get(command)
        if handler is None:
            return reply(wording.BUTTON_STALE, ok=False)
        return await handler(uow, actor, text)


def said(text: str, what: str, limit: int = mentorships.REFLECTION_MAX) -> str:
    """Free text for the mentorship use-cases, checked once here (they keep their own length limits)."""
    return validation.user_text(text, what, limit)


def parse_control_id(control_id: str) -> tuple[str, str, int] | None:
    """`scope:verb:id` of a button or form, with the id checked (bot/validation.py); None when malformed."""
    parts = control_id.split(":")
    if len(parts) != 3 or len(control_id) > 255:
        return None
    ident = validation.button_id(parts[2])
    return None if ident is None else (parts[0], parts[1], ident)


def failure_reply(exc: Exception, doing: str) -> Reply:
    """The answer to a failure that is not a UserError, by its kind (bot/interactions/failures.py)."""
    kind = classify(exc)
    if kind is Failure.INPUT:
        log.warning("the database refused a value while %s: %s", doing, exc)
        return reply(wording.input_unstorable(), ok=False)
    if kind is Failure.OUTAGE:
        log.warning("database unavailable while %s", doing, exc_info=exc)
        return reply(wording.TRY_AGAIN, ok=False)
    ref = uuid.uuid4().hex[:8]
    log.error("bug %s while %s", ref, doing, exc_info=exc)
    return reply(wording.internal_error(ref), ok=False)


def help_reply(command: str, sub: str | None) -> Reply:
    return Reply(wording.help_message(command, sub))
