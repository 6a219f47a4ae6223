"""Bolt's installation and OAuth state stores on our own database (tables from migration 0002), so
every web process behind a load balancer sees the same installs and can finish any OAuth flow."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.persistence.slack_tables import SlackInstallation, SlackOAuthState

log = logging.getLogger(__name__)


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}


class SqlInstallationStore(AsyncInstallationStore):
    def __init__(self, sessions: async_sessionmaker[AsyncSession], client_id: str, clock: Clock) -> None:
        self.sessions = sessions
        self.client_id = client_id
        self.clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        async with self.sessions.begin() as session:
            session.add(
                SlackInstallation(
                    client_id=self.client_id,
                    app_id=installation.app_id,
                    enterprise_id=installation.enterprise_id or "",
                    team_id=installation.team_id or "",
                    user_id=installation.user_id,
                    is_enterprise_install=bool(installation.is_enterprise_install),
                    bot_token=installation.bot_token,
                    bot_user_id=installation.bot_user_id,
                    data=_json_safe(installation.to_dict_for_copying()),
                    installed_at=self.clock.now(),
                )
            )

    async def async_save_bot(self, bot: Bot) -> None:
        # Bots are read from installations (async_save stores both); nothing separate to keep.
        return None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        query = self._query(enterprise_id, team_id, is_enterprise_install)
        if user_id is not None:
            query = query.where(SlackInstallation.user_id == user_id)
        async with self.sessions() as session:
            row = await session.scalar(query.limit(1))
        if row is None:
            return None
        return Installation(**row.data)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        query = self._query(enterprise_id, team_id, is_enterprise_install).where(
            SlackInstallation.bot_token.is_not(None)
        )
        async with self.sessions() as session:
            row = await session.scalar(query.limit(1))
        return None if row is None else Installation(**row.data).to_bot()

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        # Tokens are revoked together (app_uninstalled / tokens_revoked): drop the whole install.
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        query = delete(SlackInstallation).where(
            SlackInstallation.client_id == self.client_id,
            SlackInstallation.enterprise_id == (enterprise_id or ""),
            SlackInstallation.team_id == (team_id or ""),
        )
        if user_id is not None:
            query = query.where(SlackInstallation.user_id == user_id)
        async with self.sessions.begin() as session:
            await session.execute(query)

    def _query(
        self, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> Any:
        # An org-wide install answers for every team of the org.
        team = "" if is_enterprise_install else (team_id or "")
        return (
            select(SlackInstallation)
            .where(
                SlackInstallation.client_id == self.client_id,
                SlackInstallation.enterprise_id == (enterprise_id or ""),
                SlackInstallation.team_id == team,
            )
            .order_by(SlackInstallation.installed_at.desc(), SlackInstallation.id.desc())
        )

    async def bot_token(self, team_id: str) -> str | None:
        """The bot token that speaks for a workspace (SlackChat's token source in OAuth mode)."""
        bot = await self.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            # Enterprise Grid: the team belongs to an org whose id we do not know here.
            async with self.sessions() as session:
                row = await session.scalar(
                    select(SlackInstallation)
                    .where(
                        SlackInstallation.client_id == self.client_id,
                        SlackInstallation.team_id == team_id,
                        SlackInstallation.bot_token.is_not(None),
                    )
                    .order_by(SlackInstallation.id.desc())
                    .limit(1)
                )
            return row.bot_token if row else None
        return bot.bot_token


class SqlOAuthStateStore(AsyncOAuthStateStore):
    """One-time OAuth states with an expiry; consuming deletes, so a state works once anywhere."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], expiration: timedelta = timedelta(minutes=10)
    ) -> None:
        self.sessions = sessions
        self.expiration = expiration

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        async with self.sessions.begin() as session:
            session.add(SlackOAuthState(state=state, expires_at=datetime.now(UTC) + self.expiration))
        return state

    async def async_consume(self, state: str) -> bool:
        async with self.sessions.begin() as session:
            row = await session.scalar(select(SlackOAuthState).where(SlackOAuthState.state == state))
            if row is None:
                return False
            await session.delete(row)
            return row.expires_at > datetime.now(UTC)
