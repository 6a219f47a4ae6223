"""The program digest: `/mentor digest #channel weekly|monthly|off`, a schedule owned by the workspace.

The setting lives in `workspaces.settings["insight"]["digest"]`; `reconcile_digest` is the owner's
reconcile step (called by bot/services/schedules.py when the settings change, by the sweep, and after
each digest is sent): it keeps exactly one pending `insight.digest` row, at the next Monday 09:00 in the
admin's time zone (monthly: the first Monday of the month)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.domain.states import OutboxStatus
from bot.outbox import Planned, SyncResult
from bot.payloads import InsightDigest
from bot.persistence.tables import OutboxRow, Workspace
from bot.services import planning
from bot.services.members import valid_zone
from bot.services.transaction import Tx

KIND = InsightDigest.kind
KINDS = (KIND,)
SEND_AT = time(9, 0)
# A digest that could not go out within this long after its time is skipped for the next one: last
# week's numbers, days late, help nobody.
LATE_LIMIT = timedelta(hours=6)


def topic_digest(ws: Workspace) -> str:
    return f"ws:{ws.id}/digest"


def digest_setting(ws: Workspace) -> dict[str, Any] | None:
    """{"channel", "channel_name", "every": weekly|monthly, "tz"} when the digest is on, else None."""
    value = (ws.settings or {}).get("insight", {}).get("digest")
    if (
        not isinstance(value, dict)
        or value.get("every") not in ("weekly", "monthly")
        or not value.get("channel")
    ):
        return None
    return value


def set_digest(ws: Workspace, value: dict[str, Any] | None) -> None:
    # A new dict, so SQLAlchemy sees the JSON column change (and the schedule listener notices it).
    settings = dict(ws.settings or {})
    insight = dict(settings.get("insight") or {})
    insight["digest"] = value
    settings["insight"] = insight
    ws.settings = settings


def occurrence_after(after: datetime, every: str, zone: ZoneInfo) -> datetime:
    """The first digest time strictly after `after` (aware), in UTC: Mondays at 09:00 in `zone`; for
    "monthly" only the first Monday of a month."""
    day = after.astimezone(zone).date()
    while True:
        if day.weekday() == 0 and (every == "weekly" or day.day <= 7):
            at = datetime.combine(day, SEND_AT, zone).astimezone(after.tzinfo)
            if at > after:
                return at
        day += timedelta(days=1)


async def next_digest_at(tx: Tx, ws: Workspace, setting: dict[str, Any]) -> datetime:
    """The pending digest's time while it is due and not yet sent (up to LATE_LIMIT late), else the first
    digest time after now and after the last one sent."""
    zone = valid_zone(setting.get("tz")) or ZoneInfo("UTC")
    topic = (OutboxRow.topic == topic_digest(ws), OutboxRow.kind == KIND)
    due_now = await tx.session.scalar(
        select(func.max(OutboxRow.due_at)).where(
            *topic,
            OutboxRow.status == OutboxStatus.PENDING.value,
            OutboxRow.due_at <= tx.now,
            OutboxRow.due_at > tx.now - LATE_LIMIT,
        )
    )
    if due_now is not None and occurrence_after(
        _aware(due_now) - timedelta(seconds=1), str(setting["every"]), zone
    ) == _aware(due_now):
        return _aware(due_now)
    last_sent = await tx.session.scalar(
        select(func.max(OutboxRow.due_at)).where(
            *topic,
            OutboxRow.status.in_(
                [OutboxStatus.SENT.value, OutboxStatus.CLAIMED.value, OutboxStatus.FAILED.value]
            ),
        )
    )
    floor = tx.now if last_sent is None else max(tx.now, _aware(last_sent))
    return occurrence_after(floor, str(setting["every"]), zone)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


async def reconcile_digest(tx: Tx, ws: Workspace) -> SyncResult:
    """One pending digest row when the digest is on, none when it is off."""
    setting = digest_setting(ws)
    desired: list[Planned] = []
    if setting is not None:
        due = await next_digest_at(tx, ws, setting)
        payload = InsightDigest(ws.id, str(setting["channel"]), str(setting["every"]))
        desired.append(payload.plan(f"digest:{ws.id}:{planning.stamp(due)}", topic_digest(ws), due))
    return await tx.sync_rows(ws, topic_digest(ws), KINDS, desired)


async def configure(
    tx: Tx, ws: Workspace, channel: tuple[str, str] | None, every: str, tz: str | None
) -> datetime | None:
    """Turn the digest on (channel, every, the admin's zone) or off (channel None); returns the first
    digest's time when on. The caller checks that the person is an admin."""
    if channel is None:
        set_digest(ws, None)
        await reconcile_digest(tx, ws)
        return None
    set_digest(ws, {"channel": channel[0], "channel_name": channel[1], "every": every, "tz": tz or "UTC"})
    await reconcile_digest(tx, ws)
    setting = digest_setting(ws)
    assert setting is not None
    return await next_digest_at(tx, ws, setting)
