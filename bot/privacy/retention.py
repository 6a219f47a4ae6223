"""Deleting a workspace's data a grace period after the app left it (uninstalled, or the bot removed
from the guild), unless it comes back first.

The adapters call `mark_workspace_removed` / `mark_workspace_restored` on the platform's events; the
dispatcher's sweep calls `purge_due` on start and hourly."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select

from bot.persistence.slack_tables import SlackInstallation
from bot.persistence.tables import Workspace
from bot.privacy.tables import WorkspaceRemoval
from bot.services.members import ensure_workspace
from bot.services.unit import Core

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30


async def mark_workspace_removed(
    core: Core,
    platform: str,
    workspace_id: str,
    *,
    retention: timedelta = timedelta(days=DEFAULT_RETENTION_DAYS),
) -> None:
    """The app was uninstalled from (or the bot left) this workspace: its data is deleted `retention`
    from now unless `mark_workspace_restored` comes first. Calling it again keeps the first date."""
    async with core.unit() as uow:
        ws = await ensure_workspace(uow, platform, workspace_id)
        existing = await uow.session.get(WorkspaceRemoval, ws.id)
        if existing is None:
            uow.session.add(
                WorkspaceRemoval(workspace_id=ws.id, removed_at=uow.now, purge_after=uow.now + retention)
            )


async def mark_workspace_restored(core: Core, platform: str, workspace_id: str) -> bool:
    """Re-installed (or re-invited) within the grace period: nothing will be deleted. Returns whether a
    deletion was pending."""
    async with core.unit() as uow:
        ws = await ensure_workspace(uow, platform, workspace_id)
        result = await uow.session.execute(
            delete(WorkspaceRemoval)
            .where(WorkspaceRemoval.workspace_id == ws.id)
            .returning(WorkspaceRemoval.workspace_id)
        )
        return result.first() is not None


async def purge_due(core: Core) -> int:
    """Delete every workspace whose grace period has run out, with everything in it (rows cascade from
    the workspace; Slack installations and their tokens go too). Returns how many were deleted."""
    async with core.unit() as uow:
        due = list(
            await uow.session.scalars(
                select(WorkspaceRemoval.workspace_id).where(WorkspaceRemoval.purge_after <= uow.now)
            )
        )
    purged = 0
    for workspace_pk in due:
        async with core.unit() as uow:
            ws = await uow.session.get(Workspace, workspace_pk)
            if ws is None:
                continue
            if ws.platform == "slack":
                await uow.session.execute(
                    delete(SlackInstallation).where(SlackInstallation.team_id == ws.external_id)
                )
            await uow.session.execute(delete(Workspace).where(Workspace.id == workspace_pk))
            log.info(
                "deleted the data of %s workspace %s after its retention period", ws.platform, ws.external_id
            )
            purged += 1
    return purged
