"""`/mentor digest #channel weekly|monthly|off` and `/mentor dashboard grant|revoke @sam` (admins), plus
the outbox kinds of program insight, plugged into the router and the dispatcher."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import wording
from bot.domain.errors import NotAllowed, NotFound, ParseError
from bot.insight import access, digest
from bot.interactions.grammar import split_mentions, take_channel
from bot.messages import Reply
from bot.services.members import Actor, actor_member, find_member
from bot.services.unit import UnitOfWork

if TYPE_CHECKING:
    from bot.interactions.router import Router


async def digest_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    ws, me = await actor_member(uow, actor)
    if not me.is_admin:
        raise NotAllowed(wording.admins_only("/mentor digest"))
    channel_id, channel_name, rest = take_channel(text)
    word = rest.strip().lower()
    if channel_id is None and word == "off":
        was_on = digest.digest_setting(ws) is not None
        await digest.configure(uow, ws, None, "", None)
        return Reply(wording.digest_off(was_on))
    if channel_id is None or word not in wording.DIGEST_EVERY:
        raise ParseError(wording.digest_usage(text.strip()))
    first = await digest.configure(uow, ws, (channel_id, channel_name), word, me.tz)
    assert first is not None
    return Reply(wording.digest_set(channel_name, word, first))


async def dashboard_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    ws, me = await actor_member(uow, actor)
    p = split_mentions(text)
    verb = p.text.strip().lower()
    if verb in ("grant", "revoke"):
        if not me.is_admin:
            raise NotAllowed(wording.admins_only(f"/mentor dashboard {verb}"))
        if len(p.mentions) != 1:
            raise ParseError(wording.dashboard_usage(text.strip()))
        member = await find_member(uow, ws, p.mentions[0])
        if member is None:
            raise NotFound(wording.dashboard_usage(text.strip()))
        changed = await access.set_grant(uow.session, me, member, verb == "grant", uow.now)
        return Reply(wording.dashboard_granted(member, verb == "grant", changed))
    if verb or p.mentions:
        raise ParseError(wording.dashboard_usage(text.strip()))
    if not await access.can_view(uow.session, me):
        raise NotAllowed(wording.admins_only("the program dashboard"))
    return Reply(wording.dashboard_link(None))


def register(router: Router) -> None:
    router.mentor_subcommands.update({"digest": digest_command, "dashboard": dashboard_command})
