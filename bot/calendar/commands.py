"""`/mentor calendar` and `/mentor calendar reset`, wired into the router."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.calendar import feed, wording
from bot.domain.errors import ParseError
from bot.interactions.grammar import subcommand
from bot.messages import Reply
from bot.services.members import Actor
from bot.services.unit import UnitOfWork

if TYPE_CHECKING:
    from bot.interactions.router import CommandHandler, Router


def calendar_command(public_url: str | None) -> CommandHandler:
    async def handle(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
        sub, _ = subcommand(rest)
        if sub == "":
            return await feed.show(uow, actor, public_url)
        if sub in ("reset", "revoke", "new"):
            return await feed.reset(uow, actor, public_url)
        raise ParseError(wording.calendar_usage(sub))

    return handle


def register(router: Router, public_url: str | None) -> None:
    """`public_url`: the deployment's base URL where `GET /calendar/<token>.ics` is served; None when
    this deployment serves no feeds (the command says how to set it up)."""
    router.mentor_subcommands["calendar"] = calendar_command(public_url)
