"""App Home: the person's mentorships with the next check-in of each (the core's `/mentor list`
answer), and their own open action items, each with buttons."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import home_view
from bot.domain.timefmt import format_date
from bot.interactions.router import Router
from bot.messages import Button, ButtonStyle, Message, MessageBuilder, Strong, Text
from bot.persistence.tables import ActionItem
from bot.queries.actions import my_open_items
from bot.services.members import Actor

# Each item takes two blocks; the home tab holds 100.
MAX_ITEMS = 20

WELCOME = (
    MessageBuilder()
    .heading("Your mentorships")
    .para("Start one with `/mentor pair @someone your goal`; `/mentor help` shows everything I can do.")
    .build()
)


def items_message(items: list[ActionItem]) -> Message:
    b = MessageBuilder().heading("Your open action items")
    if not items:
        return b.para(
            "Nothing open. Add one with `/actions add send CV to @sam by friday` "
            "(yours unless you add `owner @sam`)."
        ).build()
    for item in items[:MAX_ITEMS]:
        due = f" · due {format_date(item.due_date)}" if item.due_date else ""
        b.para(Strong(f"#{item.id}"), Text(f" {item.text}{due}"))
        # The same stable ids the core's own messages use, so the Router handles them.
        b.buttons(
            Button("Mark done", f"actions:done:{item.id}", ButtonStyle.PRIMARY),
            Button("Snooze a day", f"actions:snooze:{item.id}"),
            Button("Drop", f"actions:drop:{item.id}"),
        )
    if len(items) > MAX_ITEMS:
        b.para(f"…and {len(items) - MAX_ITEMS} more: `/actions` lists them all.")
    return b.build()


async def home_messages(router: Router, actor: Actor) -> list[Message]:
    mentorships = await router.command(actor, "mentor", "list")
    first = mentorships.message if mentorships.ok else WELCOME
    return [first, items_message(await my_open_items(router.core, actor))]


async def publish_home(client: AsyncWebClient, router: Router, actor: Actor) -> None:
    view = home_view(await home_messages(router, actor))
    await client.views_publish(user_id=actor.user_id, view=view)
