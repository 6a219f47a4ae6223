"""Rows the Slack adapter keeps in our database: OAuth installations, OAuth states, and event ids
already handled (Slack retries events it thinks we missed; the id makes the retry a no-op).

They live on the core's metadata so one Alembic history covers every table; nothing in `bot/` reads
them, so the dependency rule holds (no slack imports here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.persistence.tables import Base, Id, UtcDateTime


class SlackInstallation(Base):
    """One row per install (a reinstall adds a row; the newest wins), like bolt's SQL stores."""

    __tablename__ = "slack_installations"
    __table_args__ = (Index("ix_slack_installations_lookup", "client_id", "enterprise_id", "team_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Empty string, not NULL, when absent: NULLs never compare equal in the lookup index.
    enterprise_id: Mapped[str] = mapped_column(String(32), default="")
    team_id: Mapped[str] = mapped_column(String(32), default="")
    user_id: Mapped[str] = mapped_column(String(32))
    is_enterprise_install: Mapped[bool] = mapped_column(Boolean, default=False)
    bot_token: Mapped[str | None] = mapped_column(Text, nullable=True)
    bot_user_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Everything bolt's Installation carries, so it can be rebuilt without a column per field.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    installed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SlackOAuthState(Base):
    """The OAuth `state` parameter, stored so any web process can finish a flow another one began."""

    __tablename__ = "slack_oauth_states"
    __table_args__ = (UniqueConstraint("state"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    state: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SlackEvent(Base):
    """An Events API `event_id` already handled; the unique key makes a retried delivery a no-op."""

    __tablename__ = "slack_events"
    __table_args__ = (UniqueConstraint("event_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[str] = mapped_column(String(32), default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
