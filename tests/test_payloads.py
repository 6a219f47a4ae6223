"""Outbox kinds and their payloads: every handled kind has one typed record, every row a whole month of
use plans parses as its kind's record, and a malformed row fails once with the reason instead of looping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from bot import payloads
from bot.app import build_app
from bot.clock import SimulatedClock
from bot.domain.states import OutboxStatus
from bot.insight.deliveries import insight_handlers
from bot.officehours.deliveries import office_hours_handlers
from bot.persistence.tables import OutboxRow
from bot.privacy.deliveries import privacy_handlers
from bot.services.deliveries import handlers
from tests.fakes import FakeChat
from tests.harness import Harness


def test_every_handled_kind_has_exactly_one_payload_record() -> None:
    handled = (
        set(handlers()) | set(office_hours_handlers()) | set(privacy_handlers()) | set(insight_handlers())
    )
    assert handled == set(payloads.KINDS)


def test_a_record_survives_the_json_column() -> None:
    remind = payloads.CheckinRemind(1, 2, datetime(2027, 3, 4, 9, tzinfo=UTC), 3, 60)
    assert payloads.CheckinRemind.of(remind.to_json()) == remind
    notice = payloads.MentorshipNotice(1, "paused", "home", {"by_id": 4, "until": None})
    assert notice.to_json() == {
        "mentorship_id": 1,
        "event": "paused",
        "to": "home",
        "by_id": 4,
        "until": None,
    }
    assert payloads.MentorshipNotice.of(notice.to_json()) == notice


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"mentorship_id": 1, "checkin_id": 2}, "missing scheduled_at"),
        ({"mentorship_id": "x", "checkin_id": 2, "scheduled_at": "2027-03-04T09:00:00+00:00"}, "wrong type"),
        ({"mentorship_id": 1, "checkin_id": None, "scheduled_at": "2027-03-04T09:00:00+00:00"}, "empty"),
        ({"mentorship_id": 1, "checkin_id": 2, "scheduled_at": "Thursday"}, "wrong type"),
    ],
)
def test_a_malformed_payload_is_named(data: dict[str, object], reason: str) -> None:
    with pytest.raises(payloads.BadPayload, match=reason):
        payloads.CheckinAnnounce.of(data)


async def test_every_row_of_a_busy_month_parses_as_its_kind(h: Harness) -> None:
    h.admins.add("hana")
    await h.pair()
    await h.say("ann", "/mentor cadence weekly on tuesday at 10:00")
    await h.say("bo", "/checkin starting on the test plan")
    await h.say("ann", "/actions add write the test plan @bo due in 3 days")
    await h.say("hana", "/officehours create #help monthly on the first thursday at 17:00 hosts @hana")
    await h.press("bo", "oh:rsvp:1")
    await h.say("bo", "/mentor pause")
    await h.say("bo", "/mentor resume")
    await h.advance("1d 2h")
    await h.say("ann", "/checkin notes good start")
    await h.advance("30d")
    async with h.app.core.sessions() as s:
        rows = list(await s.scalars(select(OutboxRow)))
    assert {r.kind for r in rows} >= {"checkin.announce", "checkin.remind", "checkin.summary", "oh.announce"}
    for row in rows:
        payloads.KINDS[row.kind].of(row)


async def test_a_row_with_a_bad_payload_fails_once_with_the_reason(database_url: str) -> None:
    clock = SimulatedClock(datetime(2026, 11, 30, 8, tzinfo=UTC))
    chat = FakeChat(clock)
    app = await build_app(database_url, {"console": chat}, clock, directory=chat)
    h = Harness(app, chat, clock, url=database_url)
    try:
        await h.pair()
        await h.say("ann", "/mentor cadence weekly on tuesday at 10:00")
        async with app.core.sessions.begin() as s:
            await s.execute(
                update(OutboxRow)
                .where(OutboxRow.kind == "checkin.remind")
                .values(payload={"mentorship_id": 1})
            )
        await h.advance("2d")
        async with app.core.sessions() as s:
            rows = await s.scalars(select(OutboxRow).where(OutboxRow.kind == "checkin.remind"))
            bad = [r for r in rows if "checkin_id" not in r.payload]
        assert bad and all(r.status == OutboxStatus.FAILED.value and r.attempts == 1 for r in bad)
        assert all("bad payload" in (r.last_error or "") for r in bad)
    finally:
        await app.close()
