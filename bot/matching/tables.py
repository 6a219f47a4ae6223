"""Rows for finding a mentor: mentor profiles, requests with their intake, and claims of open requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.matching import RequestState
from bot.persistence.tables import Base, Id, StateColumn, UtcDateTime


class MentorProfile(Base):
    """What a mentor offers; one per member. Being full is computed from active mentorships."""

    __tablename__ = "mentor_profiles"
    __table_args__ = (UniqueConstraint("member_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    focuses: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    cadence: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MentorRequest(Base):
    """A mentee's request: to one mentor (`requested`) or to the community's channel (`open`)."""

    __tablename__ = "mentor_requests"
    __table_args__ = (Index("ix_mentor_requests_ws_state", "workspace_id", "state"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    # Empty while an open request waits for a claim.
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True, index=True)
    goal: Mapped[str] = mapped_column(Text)
    target_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    constraints: Mapped[str] = mapped_column(Text, default="")
    tried: Mapped[str] = mapped_column(Text, default="")
    cadence: Mapped[str] = mapped_column(String(300), default="")
    topic: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[RequestState] = mapped_column(StateColumn(RequestState), default=RequestState.REQUESTED)
    # When the mentor is reminded, and when the request expires unanswered.
    remind_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # "Suggest someone else": the mentor's pointer, shown first among the new suggestions.
    suggested_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    mentorship_id: Mapped[int | None] = mapped_column(ForeignKey("mentorships.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RequestClaim(Base):
    """Who won an open request. The unique request id backs up the conditional update: one winner."""

    __tablename__ = "mentor_request_claims"
    __table_args__ = (UniqueConstraint("request_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("mentor_requests.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
