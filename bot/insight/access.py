"""Who may see a program's dashboard: the workspace's admins, people an admin granted, and whoever holds
a one-time sign-in token (`mentorbot dashboard`, for console deployments)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.persistence.insight_tables import DashboardGrant, DashboardToken
from bot.persistence.tables import Member, Workspace

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
