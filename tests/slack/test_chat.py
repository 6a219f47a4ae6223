"""SlackChat, the outbound port: the shared contract, Slack's error answers, rate limits, escaping."""

from __future__ import annotations

import json
import time

import pytest

from adapters.slack.chat import SlackChat, fixed_token, make_client
from bot.messages import simple
from bot.ports import DeliveryError, DirectMessage
from tests.contract import check_gateway_contract
from tests.harness import START
from tests.slack.fake_slack import FakeSlack
from tests.slack.spec import check_all


@pytest.fixture
async def fake() -> FakeSlack:
    server = FakeSlack()
    await server.start()
    server.add_user("UANA", "ana", "Europe/Berlin", is_admin=True)
    server.add_user("UBEN", "ben", "America/New_York")
    yield server  # type: ignore[misc]
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
