"""Settings a platform keeps on its workspace (`Workspace.settings`, JSON: no migration per key)."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.states import OPEN_MENTORSHIP_STATES
from bot.persistence.tables import Mentorship, Workspace
from bot.services.members import Actor, actor_member
from bot.services.unit import Core


async def set_admin_setting(core: Core, actor: Actor, key: str, value: str) -> bool:
    """Set the actor's workspace's setting `key` when the actor is one of its admins; returns False (and
    changes nothing) for anyone else."""
    async with core.unit() as uow:
        ws, me = await actor_member(uow, actor)
        if not me.is_admin:
            return False
        # A new dict, so SQLAlchemy sees the JSON column change.
        ws.settings = {**(ws.settings or {}), key: value}
    return True


async def forget_channel_setting(
    core: Core, platform: str, workspace_id: str, key: str, channel_id: str
) -> list[str] | None:
    """When the setting `key` names `channel_id` (a channel that is gone): clear it and return the homes
    of the workspace's open mentorships, which may have gone with it; None when it names another."""
    async with core.unit() as uow:
        ws = await uow.session.scalar(
            select(Workspace).where(Workspace.platform == platform, Workspace.external_id == workspace_id)
        )
        if ws is None or str((ws.settings or {}).get(key)) != channel_id:
            return None
        ws.settings = {k: v for k, v in (ws.settings or {}).items() if k != key}
        homes = await uow.session.scalars(
            select(Mentorship.home_channel)
            .where(
                Mentorship.workspace_id == ws.id,
                Mentorship.state.in_([str(s) for s in OPEN_MENTORSHIP_STATES]),
                Mentorship.home_channel.is_not(None),
            )
            .distinct()
        )
        return [h for h in homes if h]
