"""Rows the Slack adapter keeps in our database: OAuth installations (slack_sdk's tables), OAuth states,
the org of each Grid workspace, and event ids already handled (Slack retries events it thinks we
missed; the id makes the retry a no-op).

They live on the core's metadata so one Alembic history covers every table (`migrations/schema.py`
imports this module); nothing in `bot/` reads them: the Slack adapter erases them with a workspace
(`erase_workspace`, registered in `Core.erasers`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    delete,
    func,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.persistence.tables import Base, Id, UtcDateTime

# slack_sdk's AsyncSQLAlchemyInstallationStore keeps installations and bots in these two tables (its
# own column set, copied here so one Alembic history and one metadata cover every table; the adapter's
# test checks that they match the library's). Migration 0006 moved the rows of 0002's table here.
INSTALLATIONS_TABLE = "slack_app_installations"
BOTS_TABLE = "slack_app_bots"

slack_app_installations = Table(
    INSTALLATIONS_TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(f"{INSTALLATIONS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"),
)

slack_app_bots = Table(
    BOTS_TABLE,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(f"{BOTS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)


class SlackTeam(Base):
    """Which Enterprise Grid org a workspace belongs to, learned from every request that says so: the
    outbox knows only the workspace (team) id, and an org-wide install is stored under the org."""

    __tablename__ = "slack_teams"
    __table_args__ = (UniqueConstraint("team_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    enterprise_id: Mapped[str] = mapped_column(String(32))
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime)


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


async def erase_workspace(session: AsyncSession, team_id: str) -> None:
    """Delete the workspace's installation (its bot token) and handled event ids; a `WorkspaceEraser`."""
    for table in (slack_app_installations, slack_app_bots):
        await session.execute(delete(table).where(table.c.team_id == team_id))
    await session.execute(delete(SlackEvent).where(SlackEvent.team_id == team_id))
