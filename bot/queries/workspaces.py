"""A workspace's settings as a platform sees them (its own keys in `Workspace.settings`)."""

from __future__ import annotations

from sqlalchemy import select

from bot.persistence.tables import Workspace
from bot.queries.sessions import Sessions


async def setting(sessions: Sessions, platform: str, workspace_id: str, key: str) -> str | None:
    """The workspace's setting `key` as text; None when it or the workspace is unknown."""
    async with sessions() as session:
        ws = await session.scalar(
            select(Workspace).where(Workspace.platform == platform, Workspace.external_id == workspace_id)
        )
    value = (ws.settings or {}).get(key) if ws else None
    return str(value) if value else None
