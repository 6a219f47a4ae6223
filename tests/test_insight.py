"""Program insight's core: the numbers of a seeded program, "nudge both", CSV export, the digest."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.domain.errors import NotFound, UserError
from bot.insight import access
from bot.insight.export import export_tables, to_csv
from bot.insight.nudge import nudge_both
from bot.insight.queries import period_starts, workspace_health
from bot.persistence.tables import OutboxRow, Workspace
from tests.harness import START, Harness, render
from tests.program import nudges, seed_program


async def _health(h: Harness, ws_id: int, period: str = "week"):
    async with h.app.core.sessions() as s:
        return await workspace_health(s, ws_id, h.clock.now(), period)


async def test_the_numbers_of_a_seeded_program(h: Harness) -> None:
    seeded = await seed_program(h.app.core.sessions, START, 10)
    health = await _health(h, seeded.workspace_id)
    assert health.by_state == {"proposed": 1, "active": 7, "paused": 1, "concluded": 1, "declined": 0}
    assert sum(health.by_stage.values()) == 8
    last_week = health.checkins[-2]
    assert last_week.start == date(2026, 11, 23)
    assert last_week.counts == {"held": 7, "missed": 2, "skipped": 0}
    assert health.checkins[-4].counts == {"held": 5, "missed": 0, "skipped": 4}
    assert health.checkins[-1].counts == {"held": 0, "missed": 0, "skipped": 0}
    assert [(r.mentor_name, r.reasons) for r in health.at_risk] == [
        ("mentor0", ("missed-twice", "silent")),
        ("mentor5", ("missed-twice", "overdue")),
        ("mentor1", ("overdue",)),
    ]
    assert health.at_risk[0].silent_days == 35
    a = health.actions
    assert (a.opened, a.closed, a.open_now, a.overdue, a.median_days_to_close) == (16, 8, 8, 2, 3.0)
    assert health.mentorships_over_time[-1].counts == {"proposed": 1, "running": 8, "ended": 1}
    assert health.mentorships_over_time[-3].counts == {"proposed": 1, "running": 9, "ended": 0}
    m = health.matching
    assert (m.mentors, m.capacity, m.capacity_used, m.requests_waiting) == (2, 5, 2, 1)
    assert (m.median_hours_to_match, m.matched, m.requests_expired) == (36.0, 2, 1)
    sessions = [(s.rsvps, s.asked, s.answered, s.scheduled_at.date()) for s in health.office_hours]
    assert sessions == [
        (4, 3, 2, date(2026, 11, 26)),
        (3, 2, 1, date(2026, 11, 19)),
        (2, 1, 0, date(2026, 11, 12)),
    ]
    monthly = await _health(h, seeded.workspace_id, "month")
    assert [b.start for b in monthly.checkins][-2:] == [date(2026, 10, 1), date(2026, 11, 1)]
    assert monthly.checkins[-1].counts["missed"] == 4


async def test_another_workspace_sees_none_of_it(h: Harness) -> None:
    await seed_program(h.app.core.sessions, START, 10)
    other = await seed_program(h.app.core.sessions, START, 3, external_id="W2")
    health = await _health(h, other.workspace_id)
    assert health.by_state["active"] == 3
    assert [r.mentor_name for r in health.at_risk] == ["mentor0", "mentor1"]


def test_periods_are_mondays_and_firsts() -> None:
    weeks = period_starts(date(2026, 12, 2), "week", 3)
    assert weeks == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    months = period_starts(date(2027, 1, 31), "month", 3)
    assert months == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]


async def test_nudge_both_sends_one_dm_to_each_once_a_day(h: Harness) -> None:
    seeded = await seed_program(h.app.core.sessions, START, 10)
    viewer = access.Viewer(seeded.workspace_id, seeded.admin_id)
    pair = seeded.mentorship_ids[0]
    async with h.app.core.unit() as uow:
        first = await nudge_both(uow, viewer, pair)
    async with h.app.core.unit() as uow:
        again = await nudge_both(uow, viewer, pair)
    assert first.planned and not again.planned
    assert "already nudged today" in again.message
    await h.pump.flush()
    assert len(nudges(h, "mentor0")) == 1 and len(nudges(h, "mentee0")) == 1
    assert "gone quiet with" in nudges(h, "mentee0")[0].text
    await h.advance("1d")
    async with h.app.core.unit() as uow:
        assert (await nudge_both(uow, viewer, pair)).planned


async def test_nudge_is_scoped_and_only_for_active_pairs(h: Harness) -> None:
    seeded = await seed_program(h.app.core.sessions, START, 10)
    other = await seed_program(h.app.core.sessions, START, 2, external_id="W2")
    outsider = access.Viewer(other.workspace_id, other.admin_id)
    with pytest.raises(NotFound):
        async with h.app.core.unit() as uow:
            await nudge_both(uow, outsider, seeded.mentorship_ids[0])
    with pytest.raises(UserError):
        async with h.app.core.unit() as uow:
            await nudge_both(uow, access.Viewer(seeded.workspace_id, None), seeded.mentorship_ids[8])
    async with h.app.core.sessions() as s:
        assert list(await s.scalars(select(OutboxRow).where(OutboxRow.kind == "insight.nudge"))) == []


async def test_export_has_one_row_per_thing_and_no_private_words(h: Harness) -> None:
    seeded = await seed_program(h.app.core.sessions, START, 10)
    async with h.app.core.sessions() as s:
        tables = await export_tables(s, seeded.workspace_id)
    files = {name: list(csv.reader(io.StringIO(to_csv(rows)))) for name, rows in tables.items()}
    assert len(files["mentorships"]) == 1 + 10
    assert len(files["checkins"]) == 1 + 9 * 8
    assert len(files["action_items"]) == 1 + 16
    assert [row[5:] for row in files["office_hours_sessions"]] == [
        ["rsvps", "questions_asked", "answered"],
        ["2", "1", "0"],
        ["3", "2", "1"],
        ["4", "3", "2"],
    ]
    first = dict(zip(files["mentorships"][0], files["mentorships"][1], strict=True))
    assert (first["state"], first["checkins_held"], first["checkins_missed"]) == ("active", "5", "2")
    assert first["created_at"] == "2026-08-02T08:00:00Z"
    text = "".join(to_csv(rows) for rows in tables.values())
    assert "private" not in text


def test_csv_cells_that_look_like_formulas_are_defused() -> None:
    assert to_csv([("=HYPERLINK(1)", "-2", "ok")]) == "'=HYPERLINK(1),'-2,ok\r\n"


async def test_dashboard_grants_are_for_admins(h: Harness) -> None:
    h.admins.add("ann")
    await h.say("ann", "/timezone Europe/Berlin")
    await h.say("sam", "/timezone UTC")
    assert "admins" in await h.text("sam", "/mentor dashboard grant @sam")
    assert "can now see" in await h.text("ann", "/mentor dashboard grant @sam")
    assert "could already see" in await h.text("ann", "/mentor dashboard grant @sam")
    assert "/dashboard" in await h.text("sam", "/mentor dashboard")
    assert "can no longer see" in await h.text("ann", "/mentor dashboard revoke @sam")
    assert "admins" in await h.text("sam", "/mentor dashboard")
    assert "grant @sam" in await h.text("ann", "/mentor dashboard frobnicate")


async def test_one_time_tokens_sign_in_once(h: Harness) -> None:
    seeded = await seed_program(h.app.core.sessions, START, 1)
    async with h.app.core.unit() as uow:
        ws = await uow.session.get(Workspace, seeded.workspace_id)
        assert ws is not None
        token = await access.issue_token(uow.session, ws, uow.now)
    async with h.app.core.unit() as uow:
        assert await access.redeem_token(uow.session, token, uow.now) == access.Viewer(
            seeded.workspace_id, None
        )
    async with h.app.core.unit() as uow:
        assert await access.redeem_token(uow.session, token, uow.now) is None
    async with h.app.core.unit() as uow:
        late = await access.issue_token(uow.session, ws, uow.now)
    await h.advance("16m")
    async with h.app.core.unit() as uow:
        assert await access.redeem_token(uow.session, late, uow.now) is None


async def test_digest_weekly_posts_on_mondays_until_turned_off(h: Harness) -> None:
    h.admins.add("ann")
    await h.say("ann", "/timezone Europe/Berlin")
    await h.pair("ann", "bo")
    assert "admins" in await h.text("bo", "/mentor digest #general weekly")
    assert "/mentor digest #channel weekly" in await h.text("ann", "/mentor digest #general daily")
    assert "/mentor digest off" in await h.text("ann", "/mentor digest weekly")
    reply = await h.text("ann", "/mentor digest #general weekly")
    assert "weekly program digest will be posted in #general" in reply
    await h.advance("6d")
    assert h.chat.to("channel:general") == []
    await h.advance("1d")  # Monday 7 Dec, 09:00 in Berlin = 08:00 UTC
    posts = h.chat.to("channel:general")
    assert len(posts) == 1
    assert "weekly digest" in posts[0].text and "1 active" in posts[0].text
    await h.restart()
    await h.advance("7d")
    assert len(h.chat.to("channel:general")) == 2
    assert "digest is off" in await h.text("ann", "/mentor digest off")
    await h.advance("14d")
    assert len(h.chat.to("channel:general")) == 2
    assert h.chat.duplicate_keys() == []


async def test_monthly_digest_comes_on_the_first_monday(h: Harness) -> None:
    h.admins.add("ann")
    await h.say("ann", "/mentor digest #general monthly")
    await h.advance_to(START + timedelta(days=40))
    posts = h.chat.to("channel:general")
    assert [p.key.rsplit(":", 1)[1] for p in posts] == ["20261207T0900Z", "20270104T0900Z"]


async def test_dashboard_answers_with_its_address_when_the_web_process_has_one(database_url: str) -> None:
    h = await Harness.create(database_url, public_url="https://mb.example.org/")
    try:
        h.admins.add("ann")
        reply = await h.text("ann", "/mentor dashboard")
        assert "https://mb.example.org/dashboard" in reply
        # Someone who never used the bot can be let in.
        assert "can now see" in await h.text("ann", "/mentor dashboard grant @newcomer")
    finally:
        await h.close()


async def test_a_digest_set_over_another_says_what_it_replaces_and_a_bare_digest_shows_it(h: Harness) -> None:
    h.admins.update({"ann", "cy"})
    assert "is off" in await h.text("ann", "/mentor digest")
    await h.say("ann", "/mentor digest #general weekly")
    assert "weekly program digest goes to #general" in await h.text("cy", "/mentor digest")
    replaced = await h.text("cy", "/mentor digest #ops monthly")
    assert "This replaces the weekly digest in #general." in replaced
    again = await h.text("cy", "/mentor digest #ops monthly")
    assert "replaces" not in again
    asked = await h.say("cy", "/mentor digest #ops")
    assert not asked.ok and "How often?" in render(asked.message)
