"""A person's own open action items across their mentorships."""

from __future__ import annotations

from bot.persistence.tables import ActionItem
from bot.services.access import mentorships_of
from bot.services.members import Actor, actor_member
from bot.services.planning import open_actions
from bot.services.unit import Core


async def my_open_items(core: Core, actor: Actor) -> list[ActionItem]:
    """The actor's open action items in their open mentorships, each mentorship's in due-date order
    (items without a date last). Creates the actor's member row on first sight, as every command does."""
    async with core.unit() as uow:
        _ws, me = await actor_member(uow, actor)
        items: list[ActionItem] = []
        for m in await mentorships_of(uow, me):
            items.extend(i for i in await open_actions(uow, m) if i.owner_id == me.id)
    return items
