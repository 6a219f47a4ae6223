"""What each kind of outbox row says, rendered from current data at send time, and what follows it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta, tzinfo
from typing import Any

from sqlalchemy import select

from bot import payloads as kinds
from bot import wording
from bot.domain.states import ActionState, CheckInState, MentorshipState, OutboxStatus
from bot.matching.deliveries import matching_handlers
from bot.persistence.tables import (
    ActionItem,
    AgendaItem,
    CheckIn,
    Member,
    Mentorship,
    OutboxRow,
    StatusUpdate,
)
from bot.ports import ChannelPost, SentRef, ThreadReply
from bot.scheduling.dispatcher import DeliveryContext, Drop, Handler, Send
from bot.services import planning, schedules
from bot.services.checkins import agenda_of, missed, updates_of
from bot.services.mentorships import auto_resume
from bot.services.pairs import Pair, checkin_place, dm, ensure_home, get, load_pair, preload_pairs

log = logging.getLogger(__name__)


GONE = Drop(OutboxStatus.WITHDRAWN, "the mentorship or check-in no longer exists")


def _ids(rows: Sequence[OutboxRow], field: str) -> list[int]:
    """The ids a batch's payloads name under `field` (a payload without it is left to its render)."""
    found = set()
    for row in rows:
        value = row.payload.get(field) if isinstance(row.payload, dict) else None
        if isinstance(value, int):
            found.add(value)
    return sorted(found)


async def preload_lists(ctx: DeliveryContext, what: str, owners: list[int], stmt: Any, owner_of: Any) -> None:
    """Every owner's list from one query, empty lists included (so a render never asks again)."""
    lists: dict[int, list[Any]] = {owner: [] for owner in owners}
    if owners:
        for item in await ctx.session.scalars(stmt):
            lists[owner_of(item)].append(item)
    for owner, items in lists.items():
        ctx.preloaded.put(what, owner, items)


async def agenda(ctx: DeliveryContext, c: CheckIn) -> list[AgendaItem]:
    found = ctx.preloaded.get("agenda", c.id)
    return found if found is not None else await agenda_of(ctx, c)


async def updates(ctx: DeliveryContext, c: CheckIn) -> list[StatusUpdate]:
    found = ctx.preloaded.get("updates", c.id)
    return found if found is not None else await updates_of(ctx, c)


async def open_actions(ctx: DeliveryContext, m: Mentorship) -> list[ActionItem]:
    found = ctx.preloaded.get("open_actions", m.id)
    return found if found is not None else await planning.open_actions(ctx, m)


class BaseHandler:
    async def preload(self, ctx: DeliveryContext, rows: Sequence[OutboxRow]) -> None:
        """A batch's pairs in one query (every kind of a pair's row names its mentorship)."""
        await preload_pairs(ctx, _ids(rows, "mentorship_id"))

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        raise NotImplementedError

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        return None

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None:
        """Never silently: tell the pair's home (or, when that failed, each person) what did not arrive."""
        # Generic over every kind of a pair's row, so read as a plain dict rather than one typed record.
        p = await load_pair(ctx, int(row.payload.get("mentorship_id", 0)))
        if p is None:
            return
        to = "home" if row.payload.get("to", "").startswith("dm:") or row.kind == "checkin.remind" else "dms"
        member_id = row.payload.get("member_id")
        report = kinds.DeliveryFailed(
            p.m.id, row.kind, reason[:300], to, int(member_id) if member_id else None
        )
        await ctx.plan(p.ws, report.plan(f"failed:{row.id}", planning.topic_mentorship(p.m), ctx.now))


class CheckinHandler(BaseHandler):
    """Shared loading for rows about one check-in: drops rows the check-in no longer needs."""

    needs_upcoming = True

    async def preload(self, ctx: DeliveryContext, rows: Sequence[OutboxRow]) -> None:
        await super().preload(ctx, rows)
        ids = _ids(rows, "checkin_id")
        if ids:
            ctx.preloaded.keep(list(await ctx.session.scalars(select(CheckIn).where(CheckIn.id.in_(ids)))))

    async def load(self, ctx: DeliveryContext, row: OutboxRow) -> tuple[Pair, CheckIn] | Drop:
        ref = kinds.KINDS[row.kind].of(row)
        assert isinstance(ref, kinds.CheckinRef | kinds.CheckinSummary | kinds.CheckinUpdate)
        p = await load_pair(ctx, ref.mentorship_id)
        c = await get(ctx, CheckIn, ref.checkin_id)
        if p is None or c is None:
            return GONE
        if self.needs_upcoming:
            if c.state != CheckInState.UPCOMING:
                return Drop(OutboxStatus.WITHDRAWN, f"check-in is {c.state}")
            if isinstance(ref, kinds.CheckinRef) and ref.scheduled_at != c.scheduled_at:
                return Drop(OutboxStatus.WITHDRAWN, "check-in was rescheduled")
        return p, c

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        loaded = await self.load(ctx, row)
        return loaded if isinstance(loaded, Drop) else await self.compose(ctx, row, *loaded)

    async def compose(self, ctx: DeliveryContext, row: OutboxRow, p: Pair, c: CheckIn) -> Send | Drop:
        """What to send about this check-in, once it is known to still need it."""
        raise NotImplementedError


class Announce(CheckinHandler):
    async def compose(self, ctx: DeliveryContext, row: OutboxRow, p: Pair, c: CheckIn) -> Send | Drop:
        actions = await planning.open_actions(ctx, p.m)
        if c.thread_id and c.thread_channel:
            # Announced before: a move, or a check-in called off that came back at its own time.
            back = c.revision and c.scheduled_at == c.slot_at
            text = wording.checkin_back_on(c) if back else wording.checkin_moved(p.m, c)
            return Send(ThreadReply(c.thread_channel, c.thread_id), text)
        message = wording.checkin_announcement(p.m, p.mentor, p.mentee, c, actions)
        return Send(
            ChannelPost(await ensure_home(ctx, p)),
            message,
            start_thread=True,
            thread_title=wording.thread_title(c, series_zone(p)),
        )

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        c = await ctx.session.get(CheckIn, kinds.CheckinAnnounce.of(row).checkin_id)
        if c is not None and ref.thread_id and not c.thread_id:
            c.thread_channel, c.thread_id = ref.channel_id, ref.thread_id


class CalledOff(CheckinHandler):
    """An announced check-in is off: say so in its thread, pointing at the one that replaces it."""

    needs_upcoming = False

    async def compose(self, ctx: DeliveryContext, row: OutboxRow, p: Pair, c: CheckIn) -> Send | Drop:
        if c.state != CheckInState.CANCELLED or not (c.thread_channel and c.thread_id):
            return Drop(OutboxStatus.WITHDRAWN, f"check-in is {c.state}")
        nxt = await planning.next_open_checkin(ctx, p.m)
        return Send(ThreadReply(c.thread_channel, c.thread_id), wording.checkin_called_off(p.m, nxt))


class Start(CheckinHandler):
    """The session begins: nothing is posted, but the next one goes on the calendar now, so the
    invariant "an active mentorship always has its next check-in" holds during the session too."""

    async def compose(self, ctx: DeliveryContext, row: OutboxRow, p: Pair, c: CheckIn) -> Send | Drop:
        await schedules.reconcile_mentorship(ctx, p.ws, p.m)
        return Drop(OutboxStatus.WITHDRAWN, "started; the next check-in is on the calendar")


def series_zone(p: Pair) -> tzinfo:
    """The zone the cadence was set in (the mentor's when there is no cadence yet)."""
    rec = planning.recurrence_of(p.m)
    return rec.tz if rec is not None else planning.zone_of(p.mentor)


class Remind(CheckinHandler):
    async def preload(self, ctx: DeliveryContext, rows: Sequence[OutboxRow]) -> None:
        """The pairs and check-ins, then the agendas, updates and open actions of the whole batch: five
        queries for any number of reminders (the same ones `agenda_of`, `updates_of` and
        `planning.open_actions` make, keyed by the batch's ids)."""
        await super().preload(ctx, rows)
        checkins, ships = _ids(rows, "checkin_id"), _ids(rows, "mentorship_id")
        await preload_lists(
            ctx,
            "agenda",
            checkins,
            select(AgendaItem).where(AgendaItem.checkin_id.in_(checkins)).order_by(AgendaItem.id),
            lambda a: a.checkin_id,
        )
        await preload_lists(
            ctx,
            "updates",
            checkins,
            select(StatusUpdate)
            .where(StatusUpdate.checkin_id.in_(checkins), StatusUpdate.deleted_at.is_(None))
            .order_by(StatusUpdate.id),
            lambda u: u.checkin_id,
        )
        await preload_lists(
            ctx,
            "open_actions",
            ships,
            select(ActionItem)
            .where(ActionItem.mentorship_id.in_(ships), ActionItem.state == ActionState.OPEN)
            .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id),
            lambda a: a.mentorship_id,
        )

    async def compose(self, ctx: DeliveryContext, row: OutboxRow, p: Pair, c: CheckIn) -> Send | Drop:
        if c.scheduled_at <= ctx.now:
            return Drop(
                OutboxStatus.MISSED, "the check-in had already started when the reminder could be sent"
            )
        person = p.person(kinds.CheckinRemind.of(row).member_id)
        items = await agenda(ctx, c)
        actions = await open_actions(ctx, p.m)
        people = {p.mentor.id: p.mentor, p.mentee.id: p.mentee}
        if person.id == p.mentee.id:
            message = wording.reminder_mentee(p.m, p.mentor, c, items, actions, people)
        else:
            news = await updates(ctx, c)
            message = wording.reminder_mentor(p.m, p.mentee, c, items, news, actions, people)
        return Send(dm(person), message)


class Wrapup(CheckinHandler):
    """The session's time is over: ask both for takeaways, and put the next occurrence on the calendar."""

    async def compose(self, ctx: DeliveryContext, row: OutboxRow, p: Pair, c: CheckIn) -> Send | Drop:
        # The session is over by the clock: reconciling now puts the next occurrence on the calendar.
        nxt = await schedules.reconcile_mentorship(ctx, p.ws, p.m)
        if nxt is c:
            nxt = None
        return Send(await checkin_place(ctx, p, c), wording.wrapup_prompt(p.mentor, p.mentee, c, nxt))


class Followup(CheckinHandler):
    """A day after the session: with no notes recorded, it counts as missed."""

    # The state change commits before the send; a retried send finds the check-in already missed.
    needs_upcoming = False

    async def compose(self, ctx: DeliveryContext, row: OutboxRow, p: Pair, c: CheckIn) -> Send | Drop:
        if c.state == CheckInState.UPCOMING:
            await missed(ctx, p.ws, p.m, c)
        elif c.state != CheckInState.MISSED or row.attempts <= 1:
            # Held, skipped or cancelled — or marked missed by hand, which said so already.
            return Drop(OutboxStatus.WITHDRAWN, f"check-in is {c.state}")
        return Send(await checkin_place(ctx, p, c), wording.marked_missed(p.mentor, p.mentee))


class Summary(CheckinHandler):
    needs_upcoming = False

    async def compose(self, ctx: DeliveryContext, row: OutboxRow, p: Pair, c: CheckIn) -> Send | Drop:
        if c.state != CheckInState.HELD:
            return Drop(OutboxStatus.WITHDRAWN, f"check-in is {c.state}")
        summary = kinds.CheckinSummary.of(row)
        person = p.person(summary.member_id)
        new_items = list(
            await ctx.session.scalars(
                select(ActionItem).where(ActionItem.checkin_id == c.id).order_by(ActionItem.id)
            )
        )
        open_items = await planning.open_actions(ctx, p.m)
        nxt = await planning.next_open_checkin(ctx, p.m)
        people = {p.mentor.id: p.mentor, p.mentee.id: p.mentee}
        recorder = p.person(c.recorded_by_id) if c.recorded_by_id else None
        message = wording.followup_summary(
            person,
            p.other(person.id),
            c,
            recorder,
            new_items,
            open_items,
            nxt,
            people,
            summary.updated,
        )
        return Send(dm(person), message)

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        c = await ctx.session.get(CheckIn, kinds.CheckinSummary.of(row).checkin_id)
        if c is not None:
            c.summary_sent_at = ctx.now


class UpdatePost(CheckinHandler):
    needs_upcoming = False

    async def compose(self, ctx: DeliveryContext, row: OutboxRow, p: Pair, c: CheckIn) -> Send | Drop:
        update = await ctx.session.get(StatusUpdate, kinds.CheckinUpdate.of(row).update_id)
        if update is None or update.deleted_at is not None:
            return Drop(OutboxStatus.WITHDRAWN, "the update was deleted")
        author = p.person(update.author_id)
        return Send(await checkin_place(ctx, p, c), wording.status_update_post(author, update.text))

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        update = await ctx.session.get(StatusUpdate, kinds.CheckinUpdate.of(row).update_id)
        # The bot's own post of the update carries its platform id, so edits of it could map back.
        if update is not None and update.external_id is None:
            update.external_id = f"bot:{ref.channel_id}:{ref.message_id}"


class Welcome(BaseHandler):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        p = await load_pair(ctx, kinds.MentorshipWelcome.of(row).mentorship_id)
        if p is None or p.m.state == MentorshipState.CONCLUDED:
            return GONE
        return Send(ChannelPost(await ensure_home(ctx, p)), wording.welcome(p.m, p.mentor, p.mentee))


class Notice(BaseHandler):
    """One-off notices: proposals, pauses, skips, endings; the wording module says each."""

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        notice = kinds.MentorshipNotice.of(row)
        p = await load_pair(ctx, notice.mentorship_id)
        if p is None:
            return GONE
        event = notice.event
        if event == "proposal" and p.m.state != MentorshipState.PROPOSED:
            return Drop(OutboxStatus.WITHDRAWN, f"the proposal is already {p.m.state}")
        to = notice.to
        people: dict[int, Member | None] = {p.mentor.id: p.mentor, p.mentee.id: p.mentee}
        actor_id = int(notice.extra.get("by_id") or notice.extra.get("proposer_id") or 0)
        if actor_id and actor_id not in people:
            # An admin acting on someone else's mentorship.
            people[actor_id] = await ctx.session.get(Member, actor_id)
        if to == "home":
            return Send(
                ChannelPost(await ensure_home(ctx, p)),
                wording.notice(event, p.m, p.mentor, p.mentee, None, notice.to_json(), people),
            )
        viewer = p.person(int(to.split(":", 1)[1]))
        return Send(
            dm(viewer), wording.notice(event, p.m, p.mentor, p.mentee, viewer, notice.to_json(), people)
        )


class Resume(BaseHandler):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        p = await load_pair(ctx, kinds.MentorshipResume.of(row).mentorship_id)
        if p is None or p.m.state != MentorshipState.PAUSED:
            return Drop(OutboxStatus.WITHDRAWN, "not paused any more")
        c = await auto_resume(ctx, p.ws, p.m)
        return Send(ChannelPost(await ensure_home(ctx, p)), wording.auto_resumed(p.mentor, p.mentee, c))


class Silence(BaseHandler):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        p = await load_pair(ctx, kinds.MentorshipSilence.of(row).mentorship_id)
        if p is None or p.m.state != MentorshipState.ACTIVE:
            return Drop(OutboxStatus.WITHDRAWN, "not active")
        if p.m.last_activity_at + planning.SILENCE > ctx.now + timedelta(minutes=1):
            return Drop(OutboxStatus.WITHDRAWN, "there was activity since")
        return Send(
            ChannelPost(await ensure_home(ctx, p)),
            wording.gone_quiet(p.m, p.mentor, p.mentee, p.m.last_activity_at),
        )

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        # The next check six weeks on, if it stays quiet.
        p = await load_pair(ctx, kinds.MentorshipSilence.of(row).mentorship_id)
        if p is not None:
            await schedules.reconcile_mentorship(ctx, p.ws, p.m)


class ActionFollowup(BaseHandler):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        followup = kinds.ActionFollowup.of(row)
        item = await ctx.session.get(ActionItem, followup.action_id)
        p = await load_pair(ctx, followup.mentorship_id)
        if item is None or p is None or item.state != ActionState.OPEN:
            return Drop(OutboxStatus.WITHDRAWN, "the action item is closed")
        if p.m.state != MentorshipState.ACTIVE:
            return Drop(OutboxStatus.WITHDRAWN, f"the mentorship is {p.m.state}")
        owner = p.person(item.owner_id)
        today = ctx.now.astimezone(planning.zone_of(owner)).date()
        return Send(dm(owner), wording.action_followup(item, p.other(owner.id), today))

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        # The next follow-up, a few days or a week on.
        p = await load_pair(ctx, kinds.ActionFollowup.of(row).mentorship_id)
        if p is not None:
            await schedules.reconcile_mentorship(ctx, p.ws, p.m)


class DeliveryFailed(BaseHandler):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        report = kinds.DeliveryFailed.of(row)
        p = await load_pair(ctx, report.mentorship_id)
        if p is None:
            return GONE
        missing = p.person(report.member_id) if report.member_id else None
        message = wording.delivery_failed(report.failed_kind, missing, report.reason)
        if report.to == "home":
            return Send(ChannelPost(await ensure_home(ctx, p)), message)
        return Send(dm(p.mentor), message)

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None:
        # A report that cannot be delivered is logged (by the dispatcher) rather than reported again.
        return None


def handlers() -> dict[str, Handler]:
    """Every outbox kind's handler: the mentorship core's here, other areas' from their modules."""
    return {
        "checkin.announce": Announce(),
        "checkin.remind": Remind(),
        "checkin.start": Start(),
        "checkin.called_off": CalledOff(),
        "checkin.wrapup": Wrapup(),
        "checkin.followup": Followup(),
        "checkin.summary": Summary(),
        "checkin.update": UpdatePost(),
        "mentorship.welcome": Welcome(),
        "mentorship.notice": Notice(),
        "mentorship.resume": Resume(),
        "mentorship.silence": Silence(),
        "action.followup": ActionFollowup(),
        "delivery.failed": DeliveryFailed(),
        **matching_handlers(),
    }
