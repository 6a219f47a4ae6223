"""`/mentor export`, `/mentor forget me` and its confirmation buttons (`privacy:forget:<member id>`)."""

from __future__ import annotations

from bot.domain.errors import NotAllowed, ParseError
from bot.interactions.registry import CommandRegistry, Sub
from bot.messages import Reply
from bot.privacy import deliveries, forget, wording
from bot.services.members import Actor, actor_member
from bot.services.unit import UnitOfWork


async def export_command(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    if rest.strip():
        raise ParseError(wording.export_usage(rest.strip()))
    ws, me = await actor_member(uow, actor)
    await uow.plan(ws, deliveries.export_row(me, uow.now))
    return Reply(wording.export_started())


async def forget_command(uow: UnitOfWork, actor: Actor, rest: str) -> Reply:
    if rest.strip().lower() not in ("me", "me please", "me."):
        raise ParseError(wording.forget_usage(rest.strip()))
    _ws, me = await actor_member(uow, actor)
    count = len(await forget.open_mentorships(uow, me))
    return Reply(wording.forget_confirm(me.id, count))


async def action(uow: UnitOfWork, actor: Actor, verb: str, ident: int) -> Reply:
    ws, me = await actor_member(uow, actor)
    if me.id != ident:
        raise NotAllowed(wording.not_your_button())
    if verb == "forget":
        await forget.forget(uow, ws, me)
        return Reply(wording.forgotten())
    if verb == "keep":
        return Reply(wording.forget_cancelled())
    raise NotAllowed(wording.not_your_button())


def register(registry: CommandRegistry) -> None:
    """Declare `/mentor export`, `/mentor forget me` (on Discord both under `/mentor data`) and the
    confirmation buttons."""
    registry.add_sub(
        "mentor",
        Sub(
            "export",
            "Everything I hold about you, by DM",
            (("export", "everything I hold about you, by DM"),),
            export_command,
            discord="data",
        ),
    )
    registry.add_sub(
        "mentor",
        Sub(
            "forget",
            "Delete your data (asks to confirm)",
            (("forget me", "delete everything I hold about you (asks to confirm)"),),
            forget_command,
            discord="data",
        ),
    )
    registry.add_button("privacy", action)
