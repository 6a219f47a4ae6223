""" "Add to calendar": the check-in announcement and the office-hours announcement carry an .ics of that
one occurrence, with the same UID and SEQUENCE as in the person's feed (so importing it and subscribing
never make two events)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from bot.calendar import events, ics, wording
from bot.messages import Attachment
from bot.officehours.tables import OfficeHours, OfficeHoursSession
from bot.payloads import CheckinAnnounce, SessionAnnounce
from bot.persistence.tables import CheckIn, Member, Mentorship, OutboxRow, Workspace
from bot.ports import SentRef
from bot.scheduling.dispatcher import DeliveryContext, Drop, Edit, Handler, Send

Build = Callable[[DeliveryContext, OutboxRow], Awaitable[Attachment | None]]


class WithCalendarFile:
    """Wraps another kind's handler: whatever it sends goes out with the .ics `build` makes."""

    def __init__(self, inner: Handler, build: Build) -> None:
        self.inner = inner
        self.build = build

    async def preload(self, ctx: DeliveryContext, rows: Sequence[OutboxRow]) -> None:
        """The wrapped handler's batch preload, when it has one (see `Preloading`)."""
        preload = getattr(self.inner, "preload", None)
        if preload is not None:
            await preload(ctx, rows)

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop:
        out = await self.inner.render(ctx, row)
        if not isinstance(out, Send) or out.message.attachments:
            return out
        attachment = await self.build(ctx, row)
        if attachment is None:
            return out
        return replace(out, message=replace(out.message, attachments=(attachment,)))

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        await self.inner.after_sent(ctx, row, ref)

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None:
        await self.inner.after_failed(ctx, row, reason)


async def checkin_file(ctx: DeliveryContext, row: OutboxRow) -> Attachment | None:
    ref = CheckinAnnounce.of(row)
    c = await ctx.session.get(CheckIn, ref.checkin_id)
    m = await ctx.session.get(Mentorship, ref.mentorship_id)
    if c is None or m is None:
        return None
    ws = await ctx.session.get(Workspace, m.workspace_id)
    mentor = await ctx.session.get(Member, m.mentor_id)
    mentee = await ctx.session.get(Member, m.mentee_id)
    if ws is None or mentor is None or mentee is None:
        return None
    event = events.checkin_event(
        ws, m, mentor, mentee, c.slot_at, c.scheduled_at, c.duration_minutes, c.state
    )
    found = await events.versioned(ctx, ws, [event])
    return Attachment(wording.checkin_filename(), ics.to_ics(found, ctx.now, method="PUBLISH"), ics.MIME)


async def session_file(ctx: DeliveryContext, row: OutboxRow) -> Attachment | None:
    ref = SessionAnnounce.of(row)
    s = await ctx.session.get(OfficeHoursSession, ref.session_id)
    oh = await ctx.session.get(OfficeHours, ref.office_hours_id)
    if s is None or oh is None:
        return None
    ws = await ctx.session.get(Workspace, oh.workspace_id)
    if ws is None:
        return None
    found = await events.versioned(ctx, ws, [events.session_event(ws, oh, s)])
    return Attachment(wording.session_filename(), ics.to_ics(found, ctx.now, method="PUBLISH"), ics.MIME)


def wrap_handlers(handlers: dict[str, Handler]) -> dict[str, Handler]:
    """The dispatcher's handlers with the announcements carrying their .ics."""
    out = dict(handlers)
    if "checkin.announce" in out:
        out["checkin.announce"] = WithCalendarFile(out["checkin.announce"], checkin_file)
    if "oh.announce" in out:
        out["oh.announce"] = WithCalendarFile(out["oh.announce"], session_file)
    return out
