"""A mentorship loaded with its workspace and both people for a delivery handler, and its home: the
place its messages go, opened on first need. Shared by the mentorship core's and matching's handlers."""

from __future__ import annotations

from dataclasses import dataclass

from bot import wording
from bot.persistence.tables import CheckIn, Member, Mentorship, Workspace
from bot.ports import ChannelPost, Destination, DirectMessage, ThreadReply
from bot.scheduling.dispatcher import DeliveryContext


@dataclass
class Pair:
    """A mentorship with its workspace and both people, loaded for rendering."""

    ws: Workspace
    m: Mentorship
    mentor: Member
    mentee: Member

    def person(self, member_id: int) -> Member:
        return self.mentor if member_id == self.mentor.id else self.mentee

    def other(self, member_id: int) -> Member:
        return self.mentee if member_id == self.mentor.id else self.mentor


async def load_pair(ctx: DeliveryContext, mentorship_id: int) -> Pair | None:
    m = await ctx.session.get(Mentorship, mentorship_id)
    if m is None:
        return None
    ws = await ctx.session.get(Workspace, m.workspace_id)
    mentor = await ctx.session.get(Member, m.mentor_id)
    mentee = await ctx.session.get(Member, m.mentee_id)
    assert ws is not None and mentor is not None and mentee is not None
    return Pair(ws, m, mentor, mentee)


async def ensure_home(ctx: DeliveryContext, p: Pair) -> str:
    """The pair's shared place, opened on first need and remembered."""
    if not p.m.home_channel:
        p.m.home_channel = await ctx.gateway.open_home(
            ctx.workspace_external_id,
            [p.mentor.external_id, p.mentee.external_id],
            wording.home_title(p.mentor, p.mentee, p.m.focus),
        )
    return p.m.home_channel


async def checkin_place(ctx: DeliveryContext, p: Pair, c: CheckIn) -> Destination:
    """The check-in's thread once it has one, else the pair's home."""
    if c.thread_channel and c.thread_id:
        return ThreadReply(c.thread_channel, c.thread_id)
    return ChannelPost(await ensure_home(ctx, p))


def dm(member: Member) -> DirectMessage:
    return DirectMessage(member.external_id)
