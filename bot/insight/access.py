"""Who may see a program's dashboard: the workspace's admins, people an admin granted, and whoever holds
a one-time sign-in token (`mentorbot dashboard`, for console deployments)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.insight.tables import DashboardGrant, DashboardToken
from bot.persistence.tables import Member, Workspace
from bot.services.members import ensure_member
from bot.services.unit import UnitOfWork

TOKEN_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: their workspace's id, and their member id (None: a console operator who
    signed in with a one-time token)."""

    workspace_id: int
    member_id: int | None


async def is_granted(session: AsyncSession, member: Member) -> bool:
    return (
        await session.scalar(
            select(DashboardGrant.id).where(
                DashboardGrant.workspace_id == member.workspace_id, DashboardGrant.member_id == member.id
            )
        )
        is not None
    )


async def can_view(session: AsyncSession, member: Member) -> bool:
    """Admins of the member's workspace, and people an admin granted."""
    return member.is_admin or await is_granted(session, member)


async def still_allowed(session: AsyncSession, viewer: Viewer) -> bool:
    """Checked on every page: a revoked grant or a lost admin role ends access at once."""
    ws = await session.get(Workspace, viewer.workspace_id)
    if ws is None:
        return False
    if viewer.member_id is None:
        return True
    member = await session.get(Member, viewer.member_id)
    return member is not None and member.workspace_id == ws.id and await can_view(session, member)


async def set_grant(
    session: AsyncSession, admin: Member, member: Member, granted: bool, now: datetime
) -> bool:
    """Grant or revoke; returns whether anything changed. The caller checks that `admin` is one."""
    exists = await is_granted(session, member)
    if granted and not exists:
        session.add(
            DashboardGrant(
                workspace_id=member.workspace_id, member_id=member.id, granted_by_id=admin.id, created_at=now
            )
        )
        return True
    if not granted and exists:
        await session.execute(
            delete(DashboardGrant).where(
                DashboardGrant.workspace_id == member.workspace_id, DashboardGrant.member_id == member.id
            )
        )
        return True
    return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(session: AsyncSession, ws: Workspace, now: datetime, ttl: timedelta = TOKEN_TTL) -> str:
    """A fresh one-time token for this workspace's dashboard, valid for `ttl`; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(
        DashboardToken(workspace_id=ws.id, token_hash=_digest(token), expires_at=now + ttl, created_at=now)
    )
    return token


async def redeem_token(session: AsyncSession, token: str, now: datetime) -> Viewer | None:
    """Spend a token: the viewer it signs in, or None when it is unknown, expired or already used.

    The conditional update makes two simultaneous uses of one token sign in once."""
    result = await session.execute(
        update(DashboardToken)
        .where(
            DashboardToken.token_hash == _digest(token),
            DashboardToken.used_at.is_(None),
            DashboardToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(DashboardToken.workspace_id)
    )
    row = result.first()
    return Viewer(int(row[0]), None) if row is not None else None


async def sign_in(
    uow: UnitOfWork, platform: str, workspace_id: str, user_id: str, name: str, is_admin: bool | None
) -> Viewer | None:
    """A person a provider vouched for: the viewer when they may see their workspace's program, else None.

    Only workspaces the bot already serves can be signed in to. `is_admin` comes from the provider when it
    says (Discord's guild permissions); otherwise the platform's directory is asked, and failing that the
    role the bot last saw on a command counts."""
    ws = await uow.session.scalar(
        select(Workspace).where(Workspace.platform == platform, Workspace.external_id == workspace_id)
    )
    if ws is None:
        return None
    if is_admin is None and uow.core.directory is not None:
        info = await uow.core.directory.lookup_user(workspace_id, user_id)
        is_admin = info.is_admin if info is not None else None
    member = await ensure_member(uow, ws, user_id, name, None, is_admin)
    if not await can_view(uow.session, member):
        return None
    return Viewer(ws.id, member.id)


async def find_workspace(session: AsyncSession, spec: str | None) -> Workspace:
    """A workspace by `platform:id`, id or name; None picks the only one. Raises LookupError naming the
    choices when nothing or more than one matches."""
    all_ws = list(await session.scalars(select(Workspace).order_by(Workspace.id)))
    if not all_ws:
        raise LookupError("this database has no workspace yet: a program appears once people use the bot")
    names = ", ".join(f"{w.platform}:{w.external_id}" for w in all_ws)
    if spec is None:
        if len(all_ws) == 1:
            return all_ws[0]
        raise LookupError(f"--workspace is needed (workspaces: {names})")
    matches = [w for w in all_ws if spec in (f"{w.platform}:{w.external_id}", w.external_id, w.name)]
    if len(matches) != 1:
        raise LookupError(f"no single workspace matches {spec!r} (workspaces: {names})")
    return matches[0]
