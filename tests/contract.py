"""The ChatGateway contract: every implementation (FakeChat, ConsoleChat, SlackChat, DiscordChat) passes it.

Adapter suites call `check_gateway_contract(gateway, workspace_id, users)` against their fake platform."""

from __future__ import annotations

from bot.messages import Button, MessageBuilder, Strong, Text, Timestamp, simple
from bot.ports import ChannelPost, ChatGateway, DeliveryLookup, DirectMessage, SentRef, ThreadReply
from tests.harness import START

RICH = (
    MessageBuilder()
    .heading("Next check-in")
    .para(Text("When: "), Timestamp(START), Text(" — "), Strong("bring questions"))
    .bullets([(Text("<!channel> @everyone @here <@&123> & <b>"),)])
    .fields([("Goal", (Text("ready for promotion"),))])
    .buttons(Button("Mark done", "actions:done:1"), Button("Skip", "checkin:skip:2"))
    .build(summary="Next check-in")
)


async def check_gateway_contract(gateway: ChatGateway, workspace_id: str, users: list[str]) -> list[SentRef]:
    """Exercises every port operation once; returns the refs so callers can inspect their fake platform."""
    assert gateway.platform
    home = await gateway.open_home(workspace_id, users, "mentorship-contract")
    assert home, "open_home returns a channel id"
    parent = await gateway.send(
        workspace_id,
        ChannelPost(home),
        RICH,
        idempotency_key="contract:1",
        start_thread=True,
        thread_title="Check-in",
    )
    assert parent.thread_id, "start_thread returns the new thread's id"
    reply = await gateway.send(
        workspace_id,
        ThreadReply(parent.channel_id, parent.thread_id),
        simple("Update from someone"),
        idempotency_key="contract:2",
    )
    assert reply.message_id
    dm = await gateway.send(
        workspace_id, DirectMessage(users[0]), simple("A reminder"), idempotency_key="contract:3"
    )
    assert dm.message_id
    plain = await gateway.send(
        workspace_id, ChannelPost(home), simple("no thread"), idempotency_key="contract:4"
    )
    assert plain.thread_id is None
    return [parent, reply, dm, plain]


async def check_lookup_contract(
    gateway: DeliveryLookup, sender: ChatGateway, workspace_id: str, users: list[str]
) -> None:
    """The optional DeliveryLookup port: what was sent under a key is found where it was sent (a DM, a
    channel post, a thread reply), with the ref the send returned; an unknown key, or the right key
    in another place, is not found."""
    home = await sender.open_home(workspace_id, users, "mentorship-lookup")
    parent = await sender.send(
        workspace_id, ChannelPost(home), simple("parent"), idempotency_key="lookup:1", start_thread=True
    )
    assert parent.thread_id
    places = [
        (ChannelPost(home), parent),
        (
            ThreadReply(parent.channel_id, parent.thread_id),
            await sender.send(
                workspace_id,
                ThreadReply(parent.channel_id, parent.thread_id),
                simple("reply"),
                idempotency_key="lookup:2",
            ),
        ),
        (
            DirectMessage(users[0]),
            await sender.send(
                workspace_id, DirectMessage(users[0]), simple("dm"), idempotency_key="lookup:3"
            ),
        ),
    ]
    for i, (to, sent) in enumerate(places, start=1):
        found = await gateway.find_sent(workspace_id, to, f"lookup:{i}", start_thread=i == 1)
        assert found is not None, to
        assert (found.channel_id, found.message_id, found.thread_id) == (
            sent.channel_id,
            sent.message_id,
            sent.thread_id,
        ), to
    assert await gateway.find_sent(workspace_id, ChannelPost(home), "lookup:never-sent") is None
    assert await gateway.find_sent(workspace_id, DirectMessage(users[0]), "lookup:1") is None
