"""Rows of the calendar area: each person's secret feed (only its hash is kept) and the versions of the
events calendars have seen (RFC 5545 SEQUENCE)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.persistence.tables import Base, Id, UtcDateTime


class CalendarFeed(Base):
    """A person's subscription URL. The token is shown once; only its SHA-256 (hex) is stored, so a
    database leak does not hand out feeds. Revoked feeds keep their row (`revoked_at`) until the
    person is forgotten or the workspace purged."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class CalendarEventVersion(Base):
    """The last version of an event that went out: its UID, what it said (start, end, status) and its
    SEQUENCE, bumped whenever what it says changes, so calendars replace their copy."""

    __tablename__ = "calendar_event_versions"

    uid: Mapped[str] = mapped_column(String(200), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
