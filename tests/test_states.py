"""Each entity's lifecycle as a table: every move not listed here is refused."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from bot.domain.states import (
    MENTORSHIP,
    QUESTION,
    SESSION,
    Lifecycle,
    MentorshipState,
    QuestionState,
    SessionState,
    StateError,
)
from bot.persistence.db import create_engine, session_factory
from bot.persistence.migrate import upgrade
from bot.persistence.tables import Member, Mentorship, Workspace

M, S, Q = MentorshipState, SessionState, QuestionState
NOW = datetime(2026, 1, 1, tzinfo=UTC)

ALLOWED: list[tuple[Lifecycle, set]] = [
    (
        MENTORSHIP,
        {
            (M.PROPOSED, M.ACTIVE),  # accepted
            (M.PROPOSED, M.DECLINED),
            (M.PROPOSED, M.CONCLUDED),  # withdrawn or ended before it started
            (M.ACTIVE, M.PAUSED),
            (M.ACTIVE, M.CONCLUDED),
            (M.PAUSED, M.ACTIVE),  # resumed, by hand or on its date
            (M.PAUSED, M.PAUSED),  # paused again: a new end date
            (M.PAUSED, M.CONCLUDED),
        },
    ),
    (
        SESSION,
        {
            (S.UPCOMING, S.HELD),
            (S.UPCOMING, S.SKIPPED),
            (S.UPCOMING, S.CANCELLED),
            (S.CANCELLED, S.UPCOMING),  # its slot is the cadence's again
        },
    ),
    (QUESTION, {(Q.OPEN, Q.ANSWERED), (Q.OPEN, Q.WITHDRAWN), (Q.OPEN, Q.CARRIED)}),
]

CASES = [
    (lifecycle, current, target, (current, target) in allowed)
    for lifecycle, allowed in ALLOWED
    for current, target in itertools.product(lifecycle.states, repeat=2)
]


@pytest.mark.parametrize(
    ("lifecycle", "current", "target", "allowed"),
    CASES,
    ids=[f"{lc.name}:{c}->{t}" for lc, c, t, _ in CASES],
)
def test_moves(lifecycle: Lifecycle, current, target, allowed: bool) -> None:
    assert lifecycle.allows(current, target) is allowed
    if allowed:
        assert lifecycle.move(current, target) is target
    else:
        with pytest.raises(StateError):
            lifecycle.move(current, target)


def test_a_concluded_mentorship_never_becomes_active_again() -> None:
    # Text as read from an old row works the same as the enum.
    for current in (M.CONCLUDED, "concluded", M.DECLINED):
        with pytest.raises(StateError, match="cannot go from"):
            MENTORSHIP.move(current, M.ACTIVE)


async def test_states_are_enums_in_columns_and_unknown_text_is_refused(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        async with sessions() as s, s.begin():
            ws = Workspace(platform="console", external_id="W", name="W", settings={}, created_at=NOW)
            s.add(ws)
            await s.flush()
            ana = Member(workspace_id=ws.id, external_id="U1", display_name="Ana", created_at=NOW)
            ben = Member(workspace_id=ws.id, external_id="U2", display_name="Ben", created_at=NOW)
            s.add_all([ana, ben])
            await s.flush()
            s.add(
                Mentorship(
                    workspace_id=ws.id,
                    mentor_id=ana.id,
                    mentee_id=ben.id,
                    created_by_id=ana.id,
                    state="active",
                    created_at=NOW,
                    last_activity_at=NOW,
                )
            )
        async with sessions() as s:
            state = await s.scalar(select(Mentorship.state))
            assert state is M.ACTIVE
            # Comparing with text still works: the enum is a str.
            assert await s.scalar(select(Mentorship.id).where(Mentorship.state == "active")) is not None
        async with sessions() as s:
            m = await s.scalar(select(Mentorship))
            assert m is not None
            m.state = "actve"  # type: ignore[assignment]
            with pytest.raises(StatementError):
                await s.flush()
    finally:
        await engine.dispose()
