"""`/mentor digest #channel weekly|monthly|off` and `/mentor dashboard [grant|revoke @sam]` (admins),
declared in the command registry. On Discord they live in the `/program` group: `/mentor` is at
Discord's limit of 25 sub-commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import wording
from bot.domain.errors import NotAllowed, ParseError
from bot.insight import access, digest
from bot.insight import wording as say
from bot.interactions.grammar import split_mentions, take_channel
from bot.interactions.registry import CommandRegistry, Sub
from bot.messages import Reply
from bot.services.members import Actor, actor_member, ensure_member
from bot.services.unit import UnitOfWork

if TYPE_CHECKING:
    from bot.interactions.registry import CommandHandler


async def digest_command(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
    ws, me = await actor_member(uow, actor)
    if not me.is_admin:
        raise NotAllowed(wording.admins_only("/mentor digest"))
    channel_id, channel_name, rest = take_channel(text)
    word = rest.strip().lower()
    before = digest.digest_setting(ws)
    if channel_id is None and word in ("", "status", "show"):
        return Reply(say.digest_status(before))
    if channel_id is None and word == "off":
        await digest.configure(uow, ws, None, "", None)
        return Reply(say.digest_off(before is not None))
    if channel_id is not None and not word:
        raise ParseError(say.digest_how_often(channel_name))
    if channel_id is None or word not in say.DIGEST_EVERY:
        raise ParseError(say.digest_usage(text.strip()))
    first = await digest.configure(uow, ws, (channel_id, channel_name), word, me.tz)
    assert first is not None
    # Another admin may have set it: say what this replaces, so nobody loses a digest unawares.
    replaced = (
        before if before and (before.get("channel"), before.get("every")) != (channel_id, word) else None
    )
    return Reply(say.digest_set(channel_name, word, first, replaced))


def dashboard_command(public_url: str | None) -> CommandHandler:
    """`/mentor dashboard` (where to open it), `dashboard grant|revoke @sam` (admins)."""
    url = f"{public_url.rstrip('/')}/dashboard" if public_url else None

    async def handle(uow: UnitOfWork, actor: Actor, text: str) -> Reply:
        return await dashboard(uow, actor, text, url)

    return handle


async def dashboard(uow: UnitOfWork, actor: Actor, text: str, url: str | None) -> Reply:
    ws, me = await actor_member(uow, actor)
    p = split_mentions(text)
    verb = p.text.strip().lower()
    if verb in ("grant", "revoke"):
        if not me.is_admin:
            raise NotAllowed(wording.admins_only(f"/mentor dashboard {verb}"))
        if len(p.mentions) != 1:
            raise ParseError(say.dashboard_usage(text.strip()))
        # Someone who has not used the bot yet may be let in too (the directory names them).
        member = await ensure_member(uow, ws, p.mentions[0])
        changed = await access.set_grant(uow.session, me, member, verb == "grant", uow.now)
        return Reply(say.dashboard_granted(member, verb == "grant", changed))
    if verb or p.mentions:
        raise ParseError(say.dashboard_usage(text.strip()))
    if not await access.can_view(uow.session, me):
        raise NotAllowed(wording.admins_only("the program dashboard"))
    return Reply(say.dashboard_link(url))


def register(registry: CommandRegistry, public_url: str | None = None) -> None:
    """Declare `/mentor digest` and `/mentor dashboard`. `public_url`: the deployment's web process
    (MENTORBOT_PUBLIC_URL), where /dashboard is served. On Discord: `/program digest`, `/program
    dashboard` (and `/program viewer` for grants), a group only server managers see."""
    registry.discord_groups_described["program"] = "Admins: the mentoring program's digest and dashboard"
    registry.add_sub(
        "mentor",
        Sub(
            "digest",
            "Admins: the program digest in a channel, weekly or monthly, or off",
            (
                (
                    "digest #channel weekly|monthly · digest off",
                    "admins: the program's key numbers and pairs at risk, posted to a channel",
                ),
            ),
            digest_command,
            discord="program digest",
        ),
    )
    registry.add_sub(
        "mentor",
        Sub(
            "dashboard",
            "Where to open the program dashboard; admins let someone else see it",
            (
                (
                    "dashboard · dashboard grant|revoke @who",
                    "the program dashboard on the web (admins, and people they let in)",
                ),
            ),
            dashboard_command(public_url),
            discord="program dashboard",
        ),
    )
