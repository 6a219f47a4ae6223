"""`/mentor calendar` and `/mentor calendar reset`, wired into the router."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.calendar import feed, wording
from bot.domain.errors import ParseError
from bot.interactions.grammar import subcommand
from bot.interactions.registry import CommandRegistry, Sub
from bot.messages import Reply
from bot.services.members import Actor
from bot.services.unit import UnitOfWork

if TYPE_CHECKING:
    from bot.interactions.registry import CommandHandler


def calendar_command(public_url: str | None) -> CommandHandler:
    async def handle(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
        sub, _ = subcommand(rest)
        if sub == "":
            return await feed.show(uow, actor, public_url)
        if sub in ("reset", "revoke", "new"):
            return await feed.reset(uow, actor, public_url)
        raise ParseError(wording.calendar_usage(sub))

    return handle


def register(registry: CommandRegistry, public_url: str | None) -> None:
    """`public_url`: the deployment's base URL where `GET /calendar/<token>.ics` is served; None when
    this deployment serves no feeds (the command says how to set it up)."""
    registry.add_sub(
        "mentor",
        Sub(
            "calendar",
            "Your private calendar feed link (reset: a new link)",
            (
                (
                    "calendar · calendar reset",
                    "your private calendar feed (check-ins, office hours you RSVP'd to)",
                ),
            ),
            calendar_command(public_url),
            discord="data",  # `/mentor data action:calendar` (Discord's 25 sub-commands)
        ),
    )
