"""What each matching outbox row says, rendered at send time: a request that was answered meanwhile is
dropped, and an unanswered one is reminded once and then expired with new suggestions for the mentee."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot import payloads as kinds
from bot.domain.errors import ParseError
from bot.domain.matching import WAITING_STATES, RequestState
from bot.domain.recurrence import parse_recurrence
from bot.domain.states import MentorshipState, OutboxStatus
from bot.matching import wording as matching_wording
from bot.matching.support import (
    profile_of,
    requests_channel,
    suggestions_for,
    topic_request,
    transition,
)
from bot.matching.tables import MentorRequest
from bot.persistence.tables import Member, OutboxRow, Workspace
from bot.ports import ChannelPost, DirectMessage, SentRef
from bot.scheduling.dispatcher import DeliveryContext, Drop, Handler, Send
from bot.services import planning
from bot.services.pairs import ensure_home, load_pair

log = logging.getLogger(__name__)

ANSWERED = Drop(OutboxStatus.WITHDRAWN, "the request was answered meanwhile")


@dataclass
class Loaded:
    ws: Workspace
    req: MentorRequest
    mentee: Member
    mentor: Member | None


async def load(ctx: DeliveryContext, row: OutboxRow) -> Loaded | None:
    ref = kinds.KINDS[row.kind].of(row)
    assert isinstance(ref, kinds.RequestRef | kinds.RequestNotice | kinds.RequestKickoff)
    req = await ctx.session.get(MentorRequest, ref.request_id)
    if req is None:
        return None
    ws = await ctx.session.get(Workspace, req.workspace_id)
    mentee = await ctx.session.get(Member, req.mentee_id)
    mentor = await ctx.session.get(Member, req.mentor_id) if req.mentor_id is not None else None
    assert ws is not None and mentee is not None
    return Loaded(ws, req, mentee, mentor)


def _waiting_for_this_mentor(lo: Loaded, row: OutboxRow) -> bool:
    """Still waiting, and (for a directed request) still on the mentor this row was planned for."""
    if lo.req.state not in list(WAITING_STATES):
        return False
    return lo.req.mentor_id == kinds.RequestRemind.of(row).mentor_id


class MatchHandler:
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        raise NotImplementedError

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        return None

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None:
        # The dispatcher has logged it; the rows that matter for "never without an answer" override this.
        return None


class RequestToMentor(MatchHandler):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        lo = await load(ctx, row)
        if lo is None or lo.mentor is None or not _waiting_for_this_mentor(lo, row):
            return ANSWERED
        return Send(
            DirectMessage(lo.mentor.external_id),
            matching_wording.request_card(lo.req, lo.mentee, reminder=False),
        )

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None:
        """The mentor can't be reached: the request ends now and the mentee hears so, with other names."""
        lo = await load(ctx, row)
        if lo is None or not _waiting_for_this_mentor(lo, row):
            return
        waiting = list(WAITING_STATES)
        if not await transition(ctx, lo.req, waiting, state=RequestState.EXPIRED, decided_at=ctx.now):
            return
        await ctx.withdraw(topic_request(lo.req), kinds=("match.remind", "match.expire"))
        notice = kinds.RequestNotice(lo.req.id, "undeliverable", lo.mentee.id)
        key = f"req:{lo.req.id}:notice:undeliverable:{lo.mentee.id}"
        await ctx.plan(lo.ws, notice.plan(key, topic_request(lo.req), ctx.now))


class PostedToChannel(MatchHandler):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        lo = await load(ctx, row)
        channel = requests_channel(lo.ws) if lo is not None else None
        if lo is None or lo.req.state != RequestState.OPEN:
            return ANSWERED
        if channel is None:
            return Drop(
                OutboxStatus.WITHDRAWN, "the requests channel was turned off; the request expires on time"
            )
        return Send(
            ChannelPost(channel[0]), matching_wording.open_request_post(lo.req, lo.mentee, reminder=False)
        )


class Remind(MatchHandler):
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        lo = await load(ctx, row)
        if lo is None or not _waiting_for_this_mentor(lo, row):
            return ANSWERED
        if lo.mentor is not None:
            return Send(
                DirectMessage(lo.mentor.external_id),
                matching_wording.request_card(lo.req, lo.mentee, reminder=True),
            )
        channel = requests_channel(lo.ws)
        if channel is None:
            return Drop(OutboxStatus.WITHDRAWN, "no requests channel to remind in")
        return Send(
            ChannelPost(channel[0]), matching_wording.open_request_post(lo.req, lo.mentee, reminder=True)
        )


class Expire(MatchHandler):
    """Nobody answered in time: the request expires and the mentee hears it kindly, with other mentors."""

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        lo = await load(ctx, row)
        if lo is None or lo.req.mentor_id != kinds.RequestExpire.of(row).mentor_id:
            return ANSWERED
        # Already expired by this row's earlier attempt (the send failed and is retried): tell them now.
        if lo.req.state != RequestState.EXPIRED:
            if not _waiting_for_this_mentor(lo, row):
                return ANSWERED
            waiting = list(WAITING_STATES)
            # Conditional, so an accept or claim committed a moment ago wins over the expiry.
            if not await transition(ctx, lo.req, waiting, state=RequestState.EXPIRED, decided_at=ctx.now):
                return ANSWERED
        exclude = {lo.mentor.id} if lo.mentor is not None else set()
        ranking = await suggestions_for(ctx, lo.ws, lo.mentee, lo.req.topic or lo.req.goal, exclude)
        return Send(
            DirectMessage(lo.mentee.external_id),
            matching_wording.request_expired(lo.req, lo.mentor, ranking, requests_channel(lo.ws) is not None),
        )


class Notice(MatchHandler):
    """Decisions: accepted, declined, pointed on, claimed, withdrawn, assigned, undeliverable."""

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        lo = await load(ctx, row)
        if lo is None:
            return Drop(OutboxStatus.WITHDRAWN, "the request no longer exists")
        notice = kinds.RequestNotice.of(row)
        event = notice.event
        to = await ctx.session.get(Member, notice.to)
        if to is None:
            return Drop(OutboxStatus.WITHDRAWN, "the person is gone")
        ranking = None
        suggested = None
        if event in ("declined", "redirected", "undeliverable"):
            exclude = {lo.mentor.id} if lo.mentor is not None else set()
            ranking = await suggestions_for(ctx, lo.ws, lo.mentee, lo.req.topic or lo.req.goal, exclude)
        if lo.req.suggested_id is not None and event == "redirected":
            suggested = await ctx.session.get(Member, lo.req.suggested_id)
            if suggested is not None and await profile_of(ctx, suggested) is None:
                suggested = None
        by_id = notice.extra.get("by_id")
        by = await ctx.session.get(Member, int(by_id)) if by_id else None
        message = matching_wording.request_notice(event, lo.req, lo.mentee, lo.mentor, ranking, suggested, by)
        return Send(DirectMessage(to.external_id), message)


class Kickoff(MatchHandler):
    """In the pair's new home: the intake, and the first session the proposed rhythm would give."""

    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        p = await load_pair(ctx, kinds.RequestKickoff.of(row).mentorship_id)
        lo = await load(ctx, row)
        if p is None or lo is None or p.m.state != MentorshipState.ACTIVE:
            return Drop(OutboxStatus.WITHDRAWN, "the mentorship is not active")
        profile = await profile_of(ctx, p.mentor)
        phrase, author = (
            (lo.req.cadence, p.mentee) if lo.req.cadence else ((profile.cadence if profile else ""), p.mentor)
        )
        first = None
        if phrase and p.m.cadence_rule is None:
            try:
                first = parse_recurrence(phrase, planning.zone_of(author), ctx.now).next_after(ctx.now)
            except ParseError:
                phrase = ""
        message = matching_wording.kickoff(
            lo.req, p.mentor, p.mentee, phrase if p.m.cadence_rule is None else "", author, first
        )
        return Send(ChannelPost(await ensure_home(ctx, p)), message)


def matching_handlers() -> dict[str, Handler]:
    return {
        "match.request": RequestToMentor(),
        "match.posted": PostedToChannel(),
        "match.remind": Remind(),
        "match.expire": Expire(),
        "match.notice": Notice(),
        "match.kickoff": Kickoff(),
    }
