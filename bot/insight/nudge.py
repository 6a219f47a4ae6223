""" "Nudge both": a community manager asks a quiet pair, by DM to each person, whether it still works."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.domain.errors import NotFound, UserError
from bot.domain.states import MentorshipState
from bot.insight import wording as say
from bot.insight.access import Viewer
from bot.payloads import InsightNudge
from bot.persistence.tables import Member, Mentorship, OutboxRow, Workspace
from bot.services import planning
from bot.services.unit import UnitOfWork

KIND = InsightNudge.kind


@dataclass(frozen=True)
class NudgeResult:
    """What the button did: `planned` False when both were already nudged today (UTC)."""

    mentorship_id: int
    planned: bool
    message: str


def nudge_key(m: Mentorship, member_id: int, uow: UnitOfWork) -> str:
    # One nudge per person and UTC day: pressing twice, or two managers at once, sends one.
    return f"nudge:{m.id}:{uow.now:%Y%m%d}:{member_id}"


async def nudge_both(uow: UnitOfWork, viewer: Viewer, mentorship_id: int) -> NudgeResult:
    """Plan an `insight.nudge` DM to the mentor and to the mentee, due now.

    Raises NotFound for a mentorship of another workspace (or none), UserError when it is not active."""
    m = await uow.session.get(Mentorship, mentorship_id)
    if m is None or m.workspace_id != viewer.workspace_id:
        raise NotFound(say.mentorship_not_here())
    mentor = await uow.session.get(Member, m.mentor_id)
    mentee = await uow.session.get(Member, m.mentee_id)
    ws = await uow.session.get(Workspace, m.workspace_id)
    assert mentor is not None and mentee is not None and ws is not None
    if m.state != MentorshipState.ACTIVE.value:
        raise UserError(say.nudge_not_active(m.state))
    keys = [nudge_key(m, p.id, uow) for p in (mentor, mentee)]
    existing = set(await uow.session.scalars(select(OutboxRow.key).where(OutboxRow.key.in_(keys))))
    for person, key in zip((mentor, mentee), keys, strict=True):
        if key not in existing:
            payload = InsightNudge(m.id, person.id, viewer.member_id)
            await uow.plan(ws, payload.plan(key, planning.topic_mentorship(m), uow.now))
    again = len(existing) == len(keys)
    return NudgeResult(m.id, not again, say.nudge_planned(mentor.display_name, mentee.display_name, again))
