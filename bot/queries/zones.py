"""People's time zones, for adapters that render times themselves."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.persistence.tables import Member, Workspace
from bot.queries.sessions import Sessions
from bot.services.members import zone_of


async def zones_of(
    sessions: Sessions, platform: str, workspace_id: str, user_ids: list[str]
) -> dict[str, ZoneInfo]:
    """Each user's zone; UTC for a user (or workspace) not known yet."""
    async with sessions() as session:
        rows = await session.scalars(
            select(Member)
            .join(Workspace, Workspace.id == Member.workspace_id)
            .where(
                Workspace.platform == platform,
                Workspace.external_id == workspace_id,
                Member.external_id.in_(user_ids),
            )
        )
        found = {m.external_id: zone_of(m) for m in rows}
    return {u: found.get(u, ZoneInfo("UTC")) for u in user_ids}
