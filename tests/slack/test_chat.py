"""SlackChat, the outbound port: the shared contract, Slack's error answers, rate limits, escaping."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest

from adapters.slack.chat import SlackChat, fixed_token, make_client
from bot.messages import simple
from bot.ports import ChannelPost, DeliveryError, DirectMessage, EditableGateway, ThreadReply
from tests.contract import check_gateway_contract, check_lookup_contract
from tests.harness import START
from tests.slack.fake_slack import FakeSlack
from tests.slack.spec import check_all


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    await server.start()
    server.add_user("UANA", "ana", "Europe/Berlin", is_admin=True)
    server.add_user("UBEN", "ben", "America/New_York")
    yield server
    check_all(server.calls)
    await server.stop()


def chat_for(fake: FakeSlack, retries: int = 1) -> SlackChat:
    return SlackChat(make_client(fake.url + "/api/", rate_limit_retries=retries), fixed_token("xoxb-t"))


async def test_slack_chat_keeps_the_gateway_contract(fake: FakeSlack) -> None:
    chat = chat_for(fake)
    parent, _reply, dm, plain = await check_gateway_contract(chat, "T0001", ["UANA", "UBEN"])
    assert parent.thread_id == parent.message_id  # a Slack thread is named by its parent's ts
    assert fake.posted[1].thread_ts == parent.thread_id
    assert dm.channel_id.startswith("D") and plain.thread_id is None
    rich = json.dumps(fake.posted[0].blocks)
    assert (
        "<!channel>" not in rich
        and "&lt;!channel&gt; @everyone @here &lt;@&amp;123&gt; &amp; &lt;b&gt;" in rich
    )
    assert (
        f"<!date^{int(START.timestamp())}^{{date_short_pretty}} at {{time}}|Mon 30 Nov 2026 08:00 UTC>"
        in rich
    )
    assert all(c.token == "xoxb-t" for c in fake.calls)
    assert fake.posted[0].metadata == {
        "event_type": "mentorbot_delivery",
        "event_payload": {"key": "contract:1"},
    }


async def test_slack_chat_finds_what_it_sent_by_the_key_in_message_metadata(fake: FakeSlack) -> None:
    chat = chat_for(fake)
    await check_lookup_contract(chat, chat, "T0001", ["UANA", "UBEN"])
    lookups = fake.of("conversations.history") + fake.of("conversations.replies")
    assert lookups and all(c.params["include_all_metadata"] in ("1", "true", True) for c in lookups)
    assert fake.of("conversations.replies")[0].params["ts"] == fake.posted[0].ts


async def test_slack_chat_cannot_look_while_slack_is_down(fake: FakeSlack) -> None:
    fake.fail("conversations.history", "internal_error", status=503, times=2)
    with pytest.raises(DeliveryError) as caught:
        await chat_for(fake).find_sent("T0001", ChannelPost("C1"), "k")
    assert not caught.value.permanent


async def test_users_info_gives_name_zone_and_admin(fake: FakeSlack) -> None:
    chat = chat_for(fake)
    info = await chat.lookup_user("T0001", "UANA")
    assert info is not None and (info.display_name, info.tz, info.is_admin) == ("ana", "Europe/Berlin", True)
    assert await chat.lookup_user("T0001", "UNOBODY") is None


@pytest.mark.parametrize("error", ["channel_not_found", "is_archived", "cannot_dm_bot", "user_not_found"])
async def test_permanent_failures(fake: FakeSlack, error: str) -> None:
    fake.fail("chat.postMessage", error)
    with pytest.raises(DeliveryError) as caught:
        await chat_for(fake).send("T0001", DirectMessage("UANA"), simple("hi"), idempotency_key="k")
    assert caught.value.permanent and caught.value.reason == error


async def test_transient_failures(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", "internal_error", status=503, times=2)
    with pytest.raises(DeliveryError) as caught:
        await chat_for(fake).send("T0001", DirectMessage("UANA"), simple("hi"), idempotency_key="k")
    assert not caught.value.permanent


async def test_a_429_is_retried_after_retry_after(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", "ratelimited", status=429, retry_after=0)
    started = time.monotonic()
    ref = await chat_for(fake).send("T0001", DirectMessage("UANA"), simple("hi"), idempotency_key="k")
    assert ref.message_id and len(fake.of("chat.postMessage")) == 2
    assert time.monotonic() - started < 5


async def test_a_lasting_429_reaches_the_outbox_with_its_retry_after(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", "ratelimited", status=429, retry_after=0, times=1)
    fake.fail("chat.postMessage", "ratelimited", status=429, retry_after=30, times=1)
    with pytest.raises(DeliveryError) as caught:
        await chat_for(fake).send("T0001", DirectMessage("UANA"), simple("hi"), idempotency_key="k")
    assert caught.value.reason == "ratelimited" and caught.value.retry_after == 30
    assert not caught.value.permanent


async def test_an_unreachable_slack_is_a_transient_failure() -> None:
    chat = SlackChat(make_client("http://127.0.0.1:9/api/"), fixed_token("xoxb-t"))
    with pytest.raises(DeliveryError) as caught:
        await chat.send("T0001", DirectMessage("UANA"), simple("hi"), idempotency_key="k")
    assert not caught.value.permanent


async def test_no_token_for_the_workspace_is_permanent(fake: FakeSlack) -> None:
    async def none(team: str) -> str | None:
        return None

    chat = SlackChat(make_client(fake.url + "/api/"), none)
    with pytest.raises(DeliveryError) as caught:
        await chat.send("T0009", DirectMessage("UANA"), simple("hi"), idempotency_key="k")
    assert caught.value.permanent and caught.value.reason == "not_installed"


async def test_edit_replaces_the_message_with_chat_update(fake: FakeSlack) -> None:
    chat = chat_for(fake)
    editable: EditableGateway = chat  # the core's optional port, checked by mypy
    assert editable is chat
    ref = await chat.send("T0001", ChannelPost("CHELP"), simple("RSVP (0 going)"), idempotency_key="k")
    await chat.edit("T0001", ref.channel_id, ref.message_id, simple("RSVP (2 going) <!channel>"))
    (update,) = fake.of("chat.update")
    assert update.params["channel"] == "CHELP" and update.params["ts"] == ref.message_id
    assert update.token == "xoxb-t" and "&lt;!channel&gt;" in update.params["text"]
    assert fake.posted[0].text.startswith("RSVP (2 going)")
    with pytest.raises(DeliveryError) as caught:
        await chat.edit("T0001", "CHELP", "999.999", simple("gone"))
    assert caught.value.permanent and caught.value.reason == "message_not_found"


async def test_a_public_channel_the_bot_is_not_in_is_joined_once(fake: FakeSlack) -> None:
    fake.not_joined.add("CHELP")
    chat = chat_for(fake)
    ref = await chat.send("T0001", ChannelPost("CHELP"), simple("hi"), idempotency_key="k")
    assert ref.channel_id == "CHELP" and [c.params for c in fake.of("conversations.join")] == [
        {"channel": "CHELP"}
    ]
    await chat.send("T0001", ThreadReply("CHELP", ref.message_id), simple("again"), idempotency_key="k2")
    assert len(fake.of("conversations.join")) == 1 and len(fake.of("chat.postMessage")) == 3


async def test_a_channel_the_bot_cannot_join_fails_permanently_and_says_why(fake: FakeSlack) -> None:
    fake.private.add("CSECRET")
    with pytest.raises(DeliveryError) as caught:
        await chat_for(fake).send("T0001", ChannelPost("CSECRET"), simple("hi"), idempotency_key="k")
    assert caught.value.permanent
    assert caught.value.reason.startswith("not_in_channel") and "/invite @mentorbot" in caught.value.reason
    assert "method_not_supported_for_channel_type" in caught.value.reason
    assert len(fake.of("conversations.join")) == 1 and len(fake.of("chat.postMessage")) == 1


async def test_joining_while_slack_is_busy_is_tried_again_later(fake: FakeSlack) -> None:
    fake.not_joined.add("CHELP")
    fake.fail("conversations.join", "internal_error", status=503, times=2)
    with pytest.raises(DeliveryError) as caught:
        await chat_for(fake).send("T0001", ChannelPost("CHELP"), simple("hi"), idempotency_key="k")
    assert not caught.value.permanent


async def test_without_the_join_scope_the_reason_says_so(fake: FakeSlack) -> None:
    fake.not_joined.add("CHELP")
    fake.fail("conversations.join", "missing_scope")
    with pytest.raises(DeliveryError) as caught:
        await chat_for(fake).send("T0001", ChannelPost("CHELP"), simple("hi"), idempotency_key="k")
    assert caught.value.permanent and "missing_scope" in caught.value.reason
