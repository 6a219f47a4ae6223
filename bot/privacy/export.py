"""`/mentor export`: everything mentorbot holds about the asking person, as JSON and as CSV per table."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, or_, select

from bot.calendar.tables import CalendarFeed
from bot.matching.tables import MentorProfile, MentorRequest
from bot.messages import Attachment
from bot.officehours.tables import OfficeHoursQuestion, OfficeHoursRsvp
from bot.persistence.tables import (
    ActionItem,
    AgendaItem,
    Base,
    CheckIn,
    Member,
    Mentorship,
    Reflection,
    StatusUpdate,
    Workspace,
)
from bot.privacy import wording
from bot.services.transaction import Tx

# Columns that say nothing about the person and would only confuse (or, for feeds, must stay secret).
SKIPPED_COLUMNS = {"token_hash"}

Tables = dict[str, list[dict[str, Any]]]


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_dict(obj: Base, **extra: Any) -> dict[str, Any]:
    """Every column of a row, JSON-ready (ISO 8601 for dates and UTC instants), plus `extra`."""
    out = {
        c.key: _value(getattr(obj, c.key))
        for c in inspect(type(obj)).column_attrs
        if c.key not in SKIPPED_COLUMNS
    }
    return {**out, **extra}


async def collect(tx: Tx, ws: Workspace, me: Member) -> Tables:
    """The person's data by table name: their member row and profile, their mentorships (with the other
    person's name and their role), those mentorships' check-ins, what they wrote, their action items,
    office-hours questions and RSVPs, their requests and their calendar feeds (without the secret)."""
    s = tx.session
    ms = list(
        await s.scalars(
            select(Mentorship)
            .where(or_(Mentorship.mentor_id == me.id, Mentorship.mentee_id == me.id))
            .order_by(Mentorship.id)
        )
    )
    mentorship_rows = []
    for m in ms:
        other = await s.get(Member, m.mentee_id if m.mentor_id == me.id else m.mentor_id)
        mentorship_rows.append(
            row_dict(
                m,
                your_role="mentor" if m.mentor_id == me.id else "mentee",
                other_person=other.display_name if other else "",
            )
        )
    ids = [m.id for m in ms]
    checkins = list(
        await s.scalars(select(CheckIn).where(CheckIn.mentorship_id.in_(ids)).order_by(CheckIn.id))
    )
    tables: Tables = {
        "profile": [row_dict(me, workspace=ws.name)],
        "mentor_profile": [
            row_dict(p)
            for p in await s.scalars(select(MentorProfile).where(MentorProfile.member_id == me.id))
        ],
        "mentorships": mentorship_rows,
        "checkins": [
            row_dict(c) if c.recorded_by_id == me.id else {**row_dict(c), "takeaways": ""} for c in checkins
        ],
        "status_updates": [
            row_dict(u)
            for u in await s.scalars(
                select(StatusUpdate).where(StatusUpdate.author_id == me.id).order_by(StatusUpdate.id)
            )
        ],
        "agenda_items": [
            row_dict(a)
            for a in await s.scalars(
                select(AgendaItem).where(AgendaItem.author_id == me.id).order_by(AgendaItem.id)
            )
        ],
        "action_items": [
            row_dict(a)
            for a in await s.scalars(
                select(ActionItem)
                .where(or_(ActionItem.owner_id == me.id, ActionItem.created_by_id == me.id))
                .order_by(ActionItem.id)
            )
        ],
        "reflections": [
            row_dict(r)
            for r in await s.scalars(
                select(Reflection).where(Reflection.member_id == me.id).order_by(Reflection.id)
            )
        ],
        "office_hours_questions": [
            row_dict(q)
            for q in await s.scalars(
                select(OfficeHoursQuestion)
                .where(OfficeHoursQuestion.author_id == me.id)
                .order_by(OfficeHoursQuestion.id)
            )
        ],
        "office_hours_rsvps": [
            row_dict(r)
            for r in await s.scalars(select(OfficeHoursRsvp).where(OfficeHoursRsvp.member_id == me.id))
        ],
        "mentor_requests": [
            row_dict(r)
            for r in await s.scalars(
                select(MentorRequest)
                .where(or_(MentorRequest.mentee_id == me.id, MentorRequest.mentor_id == me.id))
                .order_by(MentorRequest.id)
            )
        ],
        "calendar_feeds": [
            row_dict(f) for f in await s.scalars(select(CalendarFeed).where(CalendarFeed.member_id == me.id))
        ],
    }
    return tables


def to_json(tables: Tables, now: datetime) -> bytes:
    document = {"exported_at": now.isoformat(), "format": "mentorbot-export/1", "tables": tables}
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True).encode()


def to_csv_zip(tables: Tables) -> bytes:
    """A .zip with `<table>.csv` per table (UTF-8, header row; columns as in the JSON)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            text = io.StringIO()
            columns = sorted({key for row in rows for key in row})
            writer = csv.DictWriter(text, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in row.items()}
                )
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()


def attachments(tables: Tables, now: datetime) -> tuple[Attachment, Attachment]:
    json_name, zip_name = wording.export_filenames()
    return (
        Attachment(json_name, to_json(tables, now), "application/json"),
        Attachment(zip_name, to_csv_zip(tables), "application/zip"),
    )
