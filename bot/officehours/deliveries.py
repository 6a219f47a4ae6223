"""What office hours say on their own: announcement, reminders, the start, the recap and carry-over."""

from __future__ import annotations

from bot import payloads as kinds
from bot.domain.states import SESSION, HostState, OutboxStatus, QuestionState, SeriesState, SessionState
from bot.officehours import usecases as oh_service
from bot.officehours import wording as oh_wording
from bot.officehours.tables import OfficeHours, OfficeHoursHost, OfficeHoursSession
from bot.persistence.tables import Member, OutboxRow, Workspace
from bot.ports import ChannelPost, DirectMessage, SentRef, ThreadReply
from bot.scheduling.dispatcher import DeliveryContext, Drop, Edit, Handler, Send
from bot.services import schedules

GONE = Drop(OutboxStatus.WITHDRAWN, "the office hours or session no longer exist")


async def _load(
    ctx: DeliveryContext, row: OutboxRow, upcoming: bool = True
) -> tuple[Workspace, OfficeHours, OfficeHoursSession] | Drop:
    ref = kinds.KINDS[row.kind].of(row)
    assert isinstance(ref, kinds.SessionRef | kinds.SessionDm)
    oh = await ctx.session.get(OfficeHours, ref.office_hours_id)
    s = await ctx.session.get(OfficeHoursSession, ref.session_id)
    ws = await ctx.session.get(Workspace, oh.workspace_id) if oh else None
    if oh is None or s is None or ws is None:
        return GONE
    if upcoming and (oh.state != SeriesState.ACTIVE or s.state != SessionState.UPCOMING):
        return Drop(OutboxStatus.WITHDRAWN, f"session is {s.state}, series {oh.state}")
    planned = ref.scheduled_at if isinstance(ref, kinds.SessionRef) else None
    if upcoming and planned and planned != s.scheduled_at:
        return Drop(OutboxStatus.WITHDRAWN, "the session moved")
    return ws, oh, s


def _place(oh: OfficeHours, s: OfficeHoursSession) -> ChannelPost | ThreadReply:
    if s.announce_channel and s.thread_id:
        return ThreadReply(s.announce_channel, s.thread_id)
    return ChannelPost(oh.channel_id)


class _Base:
    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        return None

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None:
        # The dispatcher logged it at ERROR; a community channel has no one pair to tell.
        return None


class Announce(_Base):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop:
        loaded = await _load(ctx, row)
        if isinstance(loaded, Drop):
            return loaded
        _ws, oh, s = loaded
        hosts = await oh_service.hosts_of(ctx, oh)
        count = len(await oh_service.rsvp_ids(ctx, s))
        message = oh_wording.oh_announcement(oh, s, hosts, count)
        return Send(
            ChannelPost(oh.channel_id),
            message,
            start_thread=True,
            thread_title=oh_wording.oh_thread_title(oh, s, schedules.series_recurrence(oh).tz),
        )

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        s = await ctx.session.get(OfficeHoursSession, kinds.SessionAnnounce.of(row).session_id)
        if s is not None:
            s.announce_channel, s.announce_message_id, s.thread_id = (
                ref.channel_id,
                ref.message_id,
                ref.thread_id,
            )


class Refresh(_Base):
    """The announcement as it is now: the live RSVP count, or, once the session is skipped or
    cancelled, a note saying so in place of the RSVP button."""

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop:
        loaded = await _load(ctx, row, upcoming=False)
        if isinstance(loaded, Drop):
            return loaded
        _ws, oh, s = loaded
        if not (s.announce_channel and s.announce_message_id):
            return Drop(OutboxStatus.WITHDRAWN, "not announced yet")
        off: str | None = s.state if s.state in (SessionState.SKIPPED, SessionState.CANCELLED) else None
        if off is None and oh.state != SeriesState.ACTIVE:
            off = SessionState.CANCELLED
        if off is not None:
            message = oh_wording.oh_announcement_off(oh, s, str(off))
            return Edit(s.announce_channel, s.announce_message_id, message)
        if s.state != SessionState.UPCOMING:
            return Drop(OutboxStatus.WITHDRAWN, f"session is {s.state}")
        hosts = await oh_service.hosts_of(ctx, oh)
        count = len(await oh_service.rsvp_ids(ctx, s))
        return Edit(
            s.announce_channel, s.announce_message_id, oh_wording.oh_announcement(oh, s, hosts, count)
        )


class RemindAll(_Base):
    """At reminder time: one DM row per person who RSVP'd, so each is delivered (and retried) on its own."""

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop:
        loaded = await _load(ctx, row)
        if isinstance(loaded, Drop):
            return loaded
        ws, oh, s = loaded
        told = await oh_service.notify_rsvps(ctx, ws, oh, s, "remind")
        hosts = await oh_service.hosts_of(ctx, oh)
        # The hosts get the queue as it stands, whether or not they RSVP'd.
        queue = await oh_service.queue(ctx, s)
        return Send(
            DirectMessage(hosts[0].external_id) if hosts else ChannelPost(oh.channel_id),
            oh_wording.oh_host_brief(oh, s, told, queue),
        )


class PersonalDm(_Base):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop:
        dm = kinds.SessionDm.of(row)
        event = dm.event
        loaded = await _load(ctx, row, upcoming=event == "remind")
        if isinstance(loaded, Drop):
            return loaded
        _ws, oh, s = loaded
        member = await ctx.session.get(Member, dm.member_id)
        if member is None:
            return GONE
        if event == "remind":
            if s.scheduled_at <= ctx.now:
                return Drop(OutboxStatus.MISSED, "the session had already started")
            if await ctx.session.get(oh_service.OfficeHoursRsvp, (s.id, member.id)) is None:
                return Drop(OutboxStatus.WITHDRAWN, "no longer RSVP'd")
            mine = [q for q in await oh_service.queue(ctx, s) if q.author.id == member.id]
            message = oh_wording.oh_reminder(oh, s, mine)
        elif event == "carried":
            message = oh_wording.oh_carried_over(oh, dm.text)
        else:
            message = oh_wording.oh_rsvp_notice(oh, s, event)
        return Send(DirectMessage(member.external_id), message)


class HostInvite(_Base):
    """The DM asking a named co-host to accept; dropped when it was answered or the series ended."""

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop:
        invite = kinds.HostInvite.of(row)
        oh = await ctx.session.get(OfficeHours, invite.office_hours_id)
        member = await ctx.session.get(Member, invite.member_id)
        by = await ctx.session.get(Member, invite.by_id)
        if oh is None or member is None or by is None:
            return GONE
        host = await ctx.session.get(OfficeHoursHost, (oh.id, member.id))
        if oh.state != SeriesState.ACTIVE or host is None or host.state != HostState.INVITED:
            return Drop(OutboxStatus.WITHDRAWN, "the invitation was answered or withdrawn")
        rec_text = schedules.series_recurrence(oh).describe()
        return Send(DirectMessage(member.external_id), oh_wording.oh_host_invite(oh, by, rec_text))


class Start(_Base):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop:
        loaded = await _load(ctx, row)
        if isinstance(loaded, Drop):
            return loaded
        _ws, oh, s = loaded
        if ctx.late_by:
            return Drop(OutboxStatus.MISSED, "the start post is only useful at the start")
        hosts = await oh_service.hosts_of(ctx, oh)
        return Send(
            ChannelPost(oh.channel_id), oh_wording.oh_starting(oh, s, hosts, await oh_service.queue(ctx, s))
        )


class Wrapup(_Base):
    """The session is over: ask the hosts for a recap."""

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop:
        # Not only "upcoming": a retried send finds the session already marked held by the first attempt.
        loaded = await _load(ctx, row, upcoming=False)
        if isinstance(loaded, Drop):
            return loaded
        ws, oh, s = loaded
        if s.state not in (SessionState.UPCOMING, SessionState.HELD) or oh.state != SeriesState.ACTIVE:
            return Drop(OutboxStatus.WITHDRAWN, f"session is {s.state}, series {oh.state}")
        if s.state != SessionState.HELD:
            s.state = SESSION.move(s.state, SessionState.HELD)
        await oh_service.reconcile_series(ctx, ws, oh)
        hosts = await oh_service.hosts_of(ctx, oh)
        asked = await oh_service.queue(ctx, s, (QuestionState.OPEN, QuestionState.ANSWERED))
        target = DirectMessage(hosts[0].external_id) if len(hosts) == 1 else _place(oh, s)
        return Send(target, oh_wording.oh_recap_request(oh, s, hosts, asked))


class Recap(_Base):
    """Posts the recap (the hosts' or, after the wait, without it), then carries open questions over."""

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Edit | Drop:
        loaded = await _load(ctx, row, upcoming=False)
        if isinstance(loaded, Drop):
            return loaded
        ws, oh, s = loaded
        if s.state in (SessionState.SKIPPED, SessionState.CANCELLED):
            return Drop(OutboxStatus.WITHDRAWN, f"session {s.state}")
        if row.key.endswith(":recap-timeout") and s.recap:
            return Drop(OutboxStatus.WITHDRAWN, "the hosts wrote the recap")
        answered = await oh_service.queue(ctx, s, (QuestionState.ANSWERED,))
        carried = await oh_service.close_session(ctx, ws, oh, s)
        for item in carried:
            note = kinds.SessionDm(oh.id, s.id, item.author.id, "carried", item.question.text[:500])
            key = f"oh:{s.id}:carried:{item.question.id}"
            await ctx.plan(ws, note.plan(key, oh_service.topic_series(oh), ctx.now))
        recorder = await ctx.session.get(Member, s.recap_by_id) if s.recap_by_id else None
        return Send(_place(oh, s), oh_wording.oh_recap_post(oh, s, recorder, answered, carried))


def office_hours_handlers() -> dict[str, Handler]:
    return {
        "oh.announce": Announce(),
        "oh.refresh": Refresh(),
        "oh.remind_all": RemindAll(),
        "oh.dm": PersonalDm(),
        "oh.host_invite": HostInvite(),
        "oh.start": Start(),
        "oh.wrapup": Wrapup(),
        "oh.recap": Recap(),
    }
