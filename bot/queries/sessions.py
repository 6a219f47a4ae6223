"""What a read takes: the session factory alone (a read plans nothing, so it needs no unit of work)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Sessions = async_sessionmaker[AsyncSession]
