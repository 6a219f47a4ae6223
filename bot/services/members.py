"""Workspaces and members: created on first sight, named and zoned from the platform when it knows."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from bot import wording
from bot.domain.errors import ZoneNeeded
from bot.persistence.tables import Member, Workspace
from bot.services.unit import UnitOfWork


@dataclass(frozen=True)
class Actor:
    """Who did something, where: the platform's ids plus what the platform told about them."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str = ""
    workspace_name: str = ""
    tz: str | None = None
    is_admin: bool | None = None
    channel_id: str | None = None
    thread_id: str | None = None


def valid_zone(name: str | None) -> ZoneInfo | None:
    """The zone named, or None for anything that is not one (an over-long name is an OSError to the
    zone loader, a NUL byte a ValueError)."""
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def require_zone(member: Member) -> None:
    """Raise ZoneNeeded when nobody (neither the person nor their platform) has said their zone: times
    they type must not be read in a zone they never chose."""
    if not valid_zone(member.tz):
        raise ZoneNeeded(wording.zone_needed())


def zone_of(member: Member) -> ZoneInfo:
    return valid_zone(member.tz) or ZoneInfo("UTC")


async def ensure_workspace(uow: UnitOfWork, platform: str, external_id: str, name: str = "") -> Workspace:
    ws = await uow.session.scalar(
        select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
    )
    if ws is None:
        ws = Workspace(
            platform=platform,
            external_id=external_id,
            name=name or external_id,
            settings={},
            created_at=uow.now,
        )
        uow.session.add(ws)
        await uow.session.flush()
    return ws


async def find_workspace(uow: UnitOfWork, platform: str, external_id: str) -> Workspace | None:
    """The workspace row, or None when the bot has never seen it (nothing is created)."""
    return await uow.session.scalar(
        select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
    )


async def find_member(uow: UnitOfWork, ws: Workspace, user_id: str) -> Member | None:
    return await uow.session.scalar(
        select(Member).where(Member.workspace_id == ws.id, Member.external_id == user_id)
    )


async def ensure_member(
    uow: UnitOfWork,
    ws: Workspace,
    user_id: str,
    display_name: str = "",
    tz: str | None = None,
    is_admin: bool | None = None,
) -> Member:
    member = await find_member(uow, ws, user_id)
    if member is None:
        info = None
        if uow.core.directory is not None and (not display_name or tz is None):
            info = await uow.core.directory.lookup_user(ws.external_id, user_id)
        name = display_name or (info.display_name if info else "") or user_id
        zone = tz if valid_zone(tz) else (info.tz if info and valid_zone(info.tz) else None)
        admin = is_admin if is_admin is not None else bool(info and info.is_admin)
        member = Member(
            workspace_id=ws.id,
            external_id=user_id,
            display_name=name[:200],
            tz=zone,
            tz_source="platform" if zone else None,
            is_admin=admin,
            created_at=uow.now,
        )
        uow.session.add(member)
        await uow.session.flush()
        return member
    if display_name and display_name != member.display_name:
        member.display_name = display_name[:200]
    if member.tz_source != "user" and valid_zone(tz) and tz != member.tz:
        member.tz, member.tz_source = tz, "platform"
    if is_admin is not None:
        member.is_admin = is_admin
    return member


async def actor_member(uow: UnitOfWork, actor: Actor) -> tuple[Workspace, Member]:
    """The acting workspace and member, created on first sight; looked up once per unit of work."""
    cached = uow.actors.get(actor)
    if cached is not None:
        return cached
    ws = await ensure_workspace(uow, actor.platform, actor.workspace_id, actor.workspace_name)
    member = await ensure_member(uow, ws, actor.user_id, actor.display_name, actor.tz, actor.is_admin)
    uow.actors[actor] = (ws, member)
    return ws, member
