"""What program insight's outbox rows say, rendered at send time: the nudge DMs and the digest."""

from __future__ import annotations

from bot.domain.states import MentorshipState, OutboxStatus
from bot.insight import digest
from bot.insight import wording as say
from bot.insight.queries import workspace_health
from bot.payloads import InsightDigest, InsightNudge
from bot.persistence.tables import Member, Mentorship, OutboxRow, Workspace
from bot.ports import ChannelPost, DirectMessage, SentRef
from bot.scheduling.dispatcher import DeliveryContext, Drop, Handler, Send


class Nudge:
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        p = InsightNudge.of(row)
        m = await ctx.session.get(Mentorship, p.mentorship_id)
        if m is None or m.state != MentorshipState.ACTIVE.value:
            return Drop(OutboxStatus.WITHDRAWN, "the mentorship is not active any more")
        viewer = await ctx.session.get(Member, p.member_id)
        other = await ctx.session.get(Member, m.mentee_id if p.member_id == m.mentor_id else m.mentor_id)
        if viewer is None or other is None:
            return Drop(OutboxStatus.WITHDRAWN, "the person is gone")
        return Send(DirectMessage(viewer.external_id), say.nudge(viewer, other, m.last_activity_at))

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        return None

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None:
        # The dashboard shows the row's status; a nudge that did not arrive is not worth a second message.
        return None


class Digest:
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        p = InsightDigest.of(row)
        ws = await ctx.session.get(Workspace, p.workspace_id)
        setting = digest.digest_setting(ws) if ws is not None else None
        if ws is None or setting is None or setting["channel"] != p.channel_id:
            return Drop(OutboxStatus.WITHDRAWN, "the digest was turned off or moved")
        period = "week" if p.every == "weekly" else "month"
        health = await workspace_health(ctx.session, ws.id, ctx.now, period)
        return Send(ChannelPost(p.channel_id), say.digest(health, p.every))

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        await self._next(ctx, row)

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None:
        await self._next(ctx, row)

    async def _next(self, ctx: DeliveryContext, row: OutboxRow) -> None:
        ws = await ctx.session.get(Workspace, InsightDigest.of(row).workspace_id)
        if ws is not None:
            await digest.reconcile_digest(ctx, ws)


def insight_handlers() -> dict[str, Handler]:
    return {"insight.nudge": Nudge(), digest.KIND: Digest()}
