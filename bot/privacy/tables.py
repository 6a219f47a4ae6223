"""Rows of the privacy area: workspaces whose app was uninstalled (or whose guild the bot left), kept
until their grace period runs out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from bot.persistence.tables import Base, Id, UtcDateTime


class WorkspaceRemoval(Base):
    """The app left this workspace at `removed_at`; its data is deleted at `purge_after` unless it is
    re-installed first (which deletes this row)."""

    __tablename__ = "workspace_removals"

    workspace_id: Mapped[int] = mapped_column(
        Id, ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    removed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    purge_after: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
