"""Action items: who does what by when, followed up until done or dropped."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select

from bot import validation, wording
from bot.domain.errors import NotAllowed, NotFound, UserError
from bot.domain.phrases import read_snooze
from bot.domain.states import OPEN_MENTORSHIP_STATES, ActionState, MentorshipState
from bot.messages import Reply
from bot.persistence.tables import ActionItem, Member, Mentorship, Workspace
from bot.services import planning, ratelimit
from bot.services.access import Selector, can_access, pick, require_access
from bot.services.members import Actor, actor_member, ensure_member, zone_of
from bot.services.unit import UnitOfWork

TEXT_MAX = 300
# Past this many open items a list stops being a plan; the limit also bounds what one pair can store.
OPEN_MAX = 50


async def add(
    uow: UnitOfWork, actor: Actor, text: str, owner_user_id: str | None, due: date | None, other: Selector
) -> Reply:
    ws, me = await actor_member(uow, actor)
    text = validation.user_text(text, "An action item", TEXT_MAX)
    if not text:
        raise UserError(wording.action_empty())
    await ratelimit.enforce(
        uow, ratelimit.ACTION_ITEMS, ActionItem.created_at, ActionItem.created_by_id == me.id
    )
    owner = await ensure_member(uow, ws, owner_user_id) if owner_user_id else me
    # The owner, when it is the other person, also says which mentorship this is about.
    hint = other or (owner.external_id if owner.id != me.id else None)
    m = await pick(uow, ws, me, hint, (MentorshipState.ACTIVE, MentorshipState.PAUSED), "/actions add")
    require_access(me, m)
    if owner.id not in (m.mentor_id, m.mentee_id):
        raise UserError(wording.action_owner_outside(owner.display_name))
    today = uow.now.astimezone(zone_of(me)).date()
    if due is not None and due < today:
        raise UserError(wording.due_in_past(due))
    count = await uow.session.scalar(
        select(func.count(ActionItem.id)).where(
            ActionItem.mentorship_id == m.id, ActionItem.state == ActionState.OPEN
        )
    )
    if (count or 0) >= OPEN_MAX:
        raise UserError(wording.too_many_actions(OPEN_MAX))
    latest = await planning.last_started(uow, m)
    item = ActionItem(
        mentorship_id=m.id,
        checkin_id=latest.id if latest else None,
        owner_id=owner.id,
        created_by_id=me.id,
        text=text,
        due_date=due,
        state=ActionState.OPEN,
        created_at=uow.now,
    )
    uow.session.add(item)
    await uow.session.flush()
    planning.record_activity(m, uow.now)
    return Reply(wording.action_added(item, owner, me))


async def list_open(uow: UnitOfWork, actor: Actor, other: Selector) -> Reply:
    ws, me = await actor_member(uow, actor)
    if other is not None:
        ms = [await pick(uow, ws, me, other, tuple(OPEN_MENTORSHIP_STATES), "/actions")]
    else:
        ms = list(
            await uow.session.scalars(
                select(Mentorship).where(
                    Mentorship.workspace_id == ws.id,
                    or_(Mentorship.mentor_id == me.id, Mentorship.mentee_id == me.id),
                    Mentorship.state.in_(list(OPEN_MENTORSHIP_STATES)),
                )
            )
        )
    items: list[ActionItem] = []
    for m in ms:
        items.extend(await planning.open_actions(uow, m))
    people = {pid: await uow.session.get(Member, pid) for pid in {i.owner_id for i in items} | {me.id}}
    today = uow.now.astimezone(zone_of(me)).date()
    return Reply(wording.action_list(me, items, people, today))


async def _item(uow: UnitOfWork, ws: Workspace, me: Member, number: int) -> tuple[ActionItem, Mentorship]:
    item = await uow.session.get(ActionItem, number)
    m = await uow.session.get(Mentorship, item.mentorship_id) if item else None
    if item is None or m is None or m.workspace_id != ws.id:
        raise NotFound(wording.action_not_found(number))
    if not can_access(me, m):
        raise NotAllowed(wording.action_not_yours(number))
    return item, m


async def close(uow: UnitOfWork, actor: Actor, number: int, state: ActionState) -> Reply:
    ws, me = await actor_member(uow, actor)
    item, m = await _item(uow, ws, me, number)
    if item.state != ActionState.OPEN:
        return Reply(wording.action_already(item))
    item.state = state
    item.closed_at = uow.now
    planning.record_activity(m, uow.now)
    return Reply(wording.action_closed(item), public=False)


async def reopen(uow: UnitOfWork, actor: Actor, number: int) -> Reply:
    """Undo a done or dropped item: it is open again and followed up as before (the reconcile step
    plans its follow-up when it has a due date)."""
    ws, me = await actor_member(uow, actor)
    item, m = await _item(uow, ws, me, number)
    if item.state == ActionState.OPEN:
        return Reply(wording.action_still_open(item))
    item.state = ActionState.OPEN
    item.closed_at = None
    planning.record_activity(m, uow.now)
    return Reply(wording.action_reopened(item), public=False)


async def snooze(uow: UnitOfWork, actor: Actor, number: int, days: int = 1, until_text: str = "") -> Reply:
    """Move an item's due date: by `days`, or to what `until_text` says ("until monday", "a week",
    relative amounts counting from the later of its due date and today, in the speaker's zone)."""
    ws, me = await actor_member(uow, actor)
    item, _m = await _item(uow, ws, me, number)
    if item.state != ActionState.OPEN:
        return Reply(wording.action_already(item))
    today = uow.now.astimezone(zone_of(me)).date()
    if until_text.strip():
        new_due = read_snooze(until_text, today, item.due_date)
        if new_due <= today:
            raise UserError(wording.due_in_past(new_due))
        item.due_date = new_due
    else:
        item.due_date = max(item.due_date or today, today) + timedelta(days=days)
    return Reply(wording.action_snoozed(item))
