"""A mentorship loaded with its workspace and both people for a delivery handler, and its home: the
place its messages go, opened on first need. Shared by the mentorship core's and matching's handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import identity_key

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


T = TypeVar("T")


async def get(ctx: DeliveryContext, cls: type[T], ident: int) -> T | None:
    """`session.get`, answered from the identity map without a hop through the greenlet when the record
    is there already (a dispatcher batch preloads what its rows need, see `preload_pairs`)."""
    found = ctx.session.identity_map.get(identity_key(cls, ident))
    if found is not None:
        return cast(T, found)
    return await ctx.session.get(cls, ident)


async def preload_pairs(ctx: DeliveryContext, mentorship_ids: list[int]) -> None:
    """Mentorships with their workspaces and both people, for a whole batch in one joined query, into
    the session's identity map (where `load_pair` finds them) and held by `ctx.preloaded`."""
    if not mentorship_ids:
        return
    mentor, mentee = aliased(Member), aliased(Member)
    rows = await ctx.session.execute(
        select(Mentorship, Workspace, mentor, mentee)
        .join(Workspace, Workspace.id == Mentorship.workspace_id)
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .join(mentee, mentee.id == Mentorship.mentee_id)
        .where(Mentorship.id.in_(mentorship_ids))
    )
    ctx.preloaded.keep([record for row in rows for record in row])


async def load_pair(ctx: DeliveryContext, mentorship_id: int) -> Pair | None:
    m = await get(ctx, Mentorship, mentorship_id)
    if m is None:
        return None
    ws = await get(ctx, Workspace, m.workspace_id)
    mentor = await get(ctx, Member, m.mentor_id)
    mentee = await get(ctx, Member, m.mentee_id)
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
