"""Bolt's installation and OAuth state stores on our own database, so every web process behind a load
balancer sees the same installs and can finish any OAuth flow.

Installations live in slack_sdk's AsyncSQLAlchemyInstallationStore (tables from migration 0006); this
module adds what the outbox needs on top: the token that speaks for a workspace known only by its team
id (an org-wide Enterprise Grid install is stored under the org, so the team's org is remembered from
every request), rotated when it is about to expire."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import (
    AsyncSQLAlchemyInstallationStore,
    SQLAlchemyInstallationStore,
)
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from sqlalchemy import desc, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.slack.tables import BOTS_TABLE, INSTALLATIONS_TABLE, SlackOAuthState, SlackTeam
from bot.clock import Clock

log = logging.getLogger(__name__)

# Rotate a bot token this long before it expires (bolt's default).
ROTATE_BEFORE_MINUTES = 120

# Told the team ids a new installation (or reinstallation) covers.
Installed = Callable[[list[str]], Awaitable[None]]


class InstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy store on our tables, plus team-only token lookup and Grid bookkeeping."""

    def __init__(
        self,
        engine: AsyncEngine,
        client_id: str,
        clock: Clock,
        *,
        rotator: AsyncTokenRotator | None = None,
        on_installed: Installed | None = None,
    ) -> None:
        super().__init__(
            client_id,
            engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
            logger=log,
        )
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.clock = clock
        self.rotator = rotator
        self.on_installed = on_installed
        self._known_teams: set[str] = set()

    async def async_save(self, installation: Installation) -> None:
        await super().async_save(installation)
        if installation.enterprise_id and installation.team_id:
            await self.remember_team(installation.team_id, installation.enterprise_id)
        if self.on_installed is not None:
            if installation.team_id:
                teams = [installation.team_id]
            else:
                teams = await self.teams_of(installation.enterprise_id or "")
            await self.on_installed(teams)

    async def remember_team(self, team_id: str, enterprise_id: str) -> None:
        """Note that a workspace belongs to an Enterprise Grid org (once per process and team)."""
        if not team_id or not enterprise_id or team_id in self._known_teams:
            return
        async with self.sessions.begin() as session:
            dialect = self.engine.dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            await session.execute(
                insert(SlackTeam)
                .values(team_id=team_id, enterprise_id=enterprise_id, seen_at=self.clock.now())
                .on_conflict_do_update(index_elements=["team_id"], set_={"enterprise_id": enterprise_id})
            )
        self._known_teams.add(team_id)

    async def teams_of(self, enterprise_id: str) -> list[str]:
        """The workspaces of an org the bot has heard from."""
        async with self.sessions() as session:
            rows = await session.scalars(
                select(SlackTeam.team_id).where(SlackTeam.enterprise_id == enterprise_id)
            )
            return sorted(rows)

    async def enterprise_of(self, team_id: str) -> str | None:
        async with self.sessions() as session:
            return await session.scalar(select(SlackTeam.enterprise_id).where(SlackTeam.team_id == team_id))

    async def bot_for_team(self, team_id: str) -> Bot | None:
        """The bot that speaks for a workspace: its own install first, then its org's org-wide install
        (as bolt resolves them: team, then enterprise)."""
        c = self.bots.c
        query = (
            self.bots.select()
            .where(c.client_id == self.client_id, c.team_id == team_id, c.bot_token.is_not(None))
            .order_by(desc(c.installed_at))
            .limit(1)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is not None:
            return SQLAlchemyInstallationStore.build_bot_entity(row)
        enterprise = await self.enterprise_of(team_id)
        if enterprise is None:
            # Not heard from yet: when exactly one org has installed org-wide, it can only be that one.
            async with self.engine.connect() as conn:
                orgs = list(
                    await conn.scalars(
                        select(c.enterprise_id)
                        .distinct()
                        .where(
                            c.client_id == self.client_id,
                            c.is_enterprise_install.is_(True),
                            c.bot_token.is_not(None),
                        )
                    )
                )
            if len(orgs) != 1:
                return None
            enterprise = orgs[0]
        return await self.async_find_bot(enterprise_id=enterprise, team_id=None, is_enterprise_install=True)

    async def bot_token(self, team_id: str) -> str | None:
        """The bot token that speaks for a workspace (SlackChat's token source in OAuth mode), rotated
        first when it expires within two hours; None when the app is not installed there."""
        bot = await self.bot_for_team(team_id)
        if bot is None:
            return None
        if self.rotator is not None and bot.bot_refresh_token:
            try:
                refreshed = await self.rotator.perform_bot_token_rotation(
                    bot=bot, minutes_before_expiration=ROTATE_BEFORE_MINUTES
                )
            except SlackTokenRotationError as exc:
                # The current token may still work until it expires; the send says so if not.
                log.warning("could not rotate the bot token of %s: %s", team_id, exc)
                return bot.bot_token
            if refreshed is not None:
                await self.async_save_bot(refreshed)
                log.info("rotated the bot token of %s", team_id)
                bot = refreshed
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
