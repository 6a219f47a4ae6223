"""Routes slash commands, button presses and form submissions to the use-cases, and turns every
failure into a friendly reply."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot import validation, wording
from bot.domain.errors import AskBack, ParseError, UserError
from bot.interactions import clarify
from bot.interactions.failures import Failure, classify
from bot.interactions.grammar import subcommand
from bot.interactions.registry import CommandRegistry
from bot.messages import Reply, reply
from bot.privacy import retention
from bot.services import checkins, lifecycle
from bot.services.members import Actor
from bot.services.unit import Core, UnitOfWork

# What a database outage raises (for event handlers that must not ack what they could not store); command
# replies classify failures more finely (bot/interactions/failures.py).
DATABASE_UNREACHABLE = (OperationalError, DBAPIError, OSError)

log = logging.getLogger(__name__)
T = TypeVar("T")


class Router:
    """The entry points the adapters call: commands, buttons, forms, thread messages and lifecycle
    events, each in one unit of work, every failure turned into a friendly reply. What each command
    does is declared in `registry` by the areas (bot/interactions/registry.py)."""

    def __init__(self, core: Core, registry: CommandRegistry | None = None) -> None:
        self.core = core
        self.registry = registry or CommandRegistry()
        # How long a removed workspace's data is kept (MENTORBOT_RETENTION_DAYS, set by the app).
        self.retention = timedelta(days=retention.DEFAULT_RETENTION_DAYS)

    # ---- entry points ---------------------------------------------------------------------------

    async def command(self, actor: Actor, command: str, text: str) -> Reply:
        """`/mentor pair @sam …` arrives as command="mentor" (slash optional), text="pair @sam …"."""
        name = command.strip().lstrip("/").lower()
        if name not in self.registry.commands:
            guess = self.registry.guess_command(name)
            known = self.registry.names()
            return reply(
                wording.unknown_command(name[: validation.PLATFORM_ID_MAX], guess, text, known), ok=False
            )
        try:
            actor, text = validation.clean_actor(actor), validation.command_text(text)
        except UserError as exc:
            return reply(exc.message, ok=False)
        return await self._guard(
            lambda uow: self._dispatch(uow, actor, name, text), asked=(actor, name, text)
        )

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
                for fallback in self.registry.thread_fallbacks:
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

    # ---- commands, buttons and forms, by the registry -----------------------------------------------

    async def _dispatch(self, uow: UnitOfWork, actor: Actor, command: str, text: str) -> Reply:
        """`text` after `/command`: its sub-command's handler, else the command's own; `help` anywhere
        in the first two words shows the help page (`/mentor help pair`, `/mentor pair help`)."""
        cmd = self.registry.commands[command]
        sub_word, rest = cmd.split(text, self.registry) if cmd.split else subcommand(text)
        has_subs = bool(self.registry.subs.get(command))
        # "/checkin help needed on the migration" is an update: free text only asks for help when it is
        # the one word.
        if sub_word == "help" and (has_subs or not rest):
            return help_reply(self.registry, command, rest.lower() or None)
        if not text.strip() and cmd.handler is None:
            return help_reply(self.registry, command, None)
        if has_subs and rest.lower() == "help":
            return help_reply(self.registry, command, sub_word)
        sub = self.registry.sub(command, sub_word)
        if sub is not None:
            return await sub.handler(uow, actor, rest)
        if cmd.handler is not None:
            return await cmd.handler(uow, actor, text)
        guess = self.registry.guess(command, sub_word)
        raise ParseError(wording.unknown_sub(command, sub_word, guess, rest, cmd.hint))

    async def _action(self, uow: UnitOfWork, actor: Actor, action_id: str) -> Reply:
        parsed = parse_control_id(action_id)
        if parsed is None:
            log.warning("unknown action id %r", action_id[:300])
            return reply(wording.BUTTON_STALE, ok=False)
        scope, verb, ident = parsed
        if scope == "ask" and len(verb) == 1 and verb in wording.ANSWER_LETTERS:
            return await clarify.answer(uow, actor, wording.ANSWER_LETTERS.index(verb), ident, self._run_in)
        handler = self.registry.buttons.get(scope)
        if handler is not None:
            return await handler(uow, actor, verb, ident)
        log.warning("unknown action id %r", action_id)
        return reply(wording.BUTTON_STALE, ok=False)

    async def _form(self, uow: UnitOfWork, actor: Actor, form_id: str, values: Mapping[str, str]) -> Reply:
        parsed = parse_control_id(form_id)
        if parsed is None:
            log.warning("unknown form id %r", form_id[:300])
            return reply(wording.BUTTON_STALE, ok=False)
        scope, verb, ident = parsed
        handler = self.registry.forms.get(scope)
        if handler is not None:
            return await handler(uow, actor, verb, ident, values)
        return reply(wording.BUTTON_STALE, ok=False)

    async def _run_in(self, uow: UnitOfWork, actor: Actor, command: str, text: str) -> Reply:
        """Run a command inside an existing unit of work (an answer to a question asked back)."""
        if command not in self.registry.commands:
            return reply(wording.BUTTON_STALE, ok=False)
        return await self._dispatch(uow, actor, command, text)


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


def help_reply(registry: CommandRegistry, command: str, sub: str | None) -> Reply:
    """The help page of `/command`, or of one sub-command; a word that names none says so first."""
    cmd = registry.commands[command]
    known = sub is None or registry.sub(command, sub) is not None
    lines = registry.help_lines(command, sub if known else None)
    page = wording.help_message(command, lines, cmd.footer if not sub or not known else "")
    if not known and sub:
        unknown = wording.help_unknown(command, sub, registry.guess(command, sub))
        return Reply(wording.combined([unknown, page]))
    return Reply(page)
