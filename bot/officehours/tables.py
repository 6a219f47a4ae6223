"""Office hours' tables: a series, its hosts, its sessions, RSVPs, the question queue and votes. Every
moment is an aware UTC timestamp (`UtcDateTime`); states are enums in their columns (`StateColumn`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.states import HostState, QuestionState, SeriesState, SessionState
from bot.persistence.tables import Base, Id, StateColumn, UtcDateTime


class OfficeHours(Base):
    """A recurring community session: one or more hosts, many attendees, a question queue."""

    __tablename__ = "office_hours"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[str] = mapped_column(String(64))
    channel_name: Mapped[str] = mapped_column(String(200), default="")
    topic: Mapped[str] = mapped_column(String(300), default="")
    cadence_rule: Mapped[str] = mapped_column(Text)
    cadence_phrase: Mapped[str] = mapped_column(String(300))
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    announce_lead_minutes: Mapped[int] = mapped_column(Integer, default=3 * 1440)
    reminder_lead_minutes: Mapped[int] = mapped_column(Integer, default=60)
    join_details: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[SeriesState] = mapped_column(StateColumn(SeriesState), default=SeriesState.ACTIVE)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OfficeHoursHost(Base):
    __tablename__ = "office_hours_hosts"

    office_hours_id: Mapped[int] = mapped_column(
        ForeignKey("office_hours.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    # "accepted" hosts run the series; "invited" co-hosts were named by someone else and have not
    # accepted yet (a DM asks them), so nobody is made a host without their consent.
    state: Mapped[HostState] = mapped_column(
        StateColumn(HostState), default=HostState.ACCEPTED, server_default=HostState.ACCEPTED.value
    )


class OfficeHoursSession(Base):
    """One occurrence of an office-hours series."""

    __tablename__ = "office_hours_sessions"
    __table_args__ = (UniqueConstraint("office_hours_id", "slot_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    office_hours_id: Mapped[int] = mapped_column(
        ForeignKey("office_hours.id", ondelete="CASCADE"), index=True
    )
    slot_at: Mapped[datetime] = mapped_column(UtcDateTime)
    scheduled_at: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    state: Mapped[SessionState] = mapped_column(StateColumn(SessionState), default=SessionState.UPCOMING)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    announce_channel: Mapped[str | None] = mapped_column(String(64), nullable=True)
    announce_message_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    thread_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    recap: Mapped[str] = mapped_column(Text, default="")
    recap_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OfficeHoursRsvp(Base):
    __tablename__ = "office_hours_rsvps"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("office_hours_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OfficeHoursQuestion(Base):
    __tablename__ = "office_hours_questions"
    __table_args__ = (UniqueConstraint("external_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("office_hours_sessions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text)
    # open / answered / withdrawn / carried (moved on to the next session as a new row)
    state: Mapped[QuestionState] = mapped_column(StateColumn(QuestionState), default=QuestionState.OPEN)
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("office_hours_questions.id"), nullable=True
    )
    external_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class OfficeHoursVote(Base):
    __tablename__ = "office_hours_votes"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("office_hours_questions.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
