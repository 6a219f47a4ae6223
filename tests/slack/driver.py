"""Drives the real bolt AsyncApp with signed requests, against the fake Web API, on a simulated clock."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack.run import SlackConfig, SlackRuntime, build_slack
from bot.clock import SimulatedClock
from bot.scheduling.pump import SimulatedPump
from tests.harness import START
from tests.slack.fake_slack import TEAM, FakeSlack
from tests.slack.spec import check_all, check_blocks

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
WAIT = 10.0


def sign(body: str, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def form_body(fields: dict[str, str]) -> str:
    return urlencode(fields)


def interaction_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def _after_answer(name: str) -> bool:
    return "run_ack_function_asynchronously" in name or name == "after_ack"


async def settle() -> None:
    """Wait for the work that runs on after the HTTP answer: bolt's listener tasks, and the slash
    commands the adapter starts after their ack (`adapters.slack.listeners.after_ack`)."""
    async with asyncio.timeout(WAIT):
        while True:
            pending = [
                t
                for t in asyncio.all_tasks()
                if not t.done() and _after_answer(getattr(t.get_coro(), "__qualname__", ""))
            ]
            if not pending:
                return
            await asyncio.wait(pending, timeout=WAIT)


@dataclass
class SlackWorld:
    fake: FakeSlack
    runtime: SlackRuntime
    clock: SimulatedClock
    pump: SimulatedPump
    names: dict[str, str] = field(default_factory=dict)  # "ana" → "UANA"
    # When set, requests go over a real socket to `web_app` at this URL instead of in-process.
    http_url: str | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @classmethod
    async def create(cls, database_url: str, **config: Any) -> SlackWorld:
        fake = FakeSlack()
        api = await fake.start()
        clock = SimulatedClock(START)
        cfg = SlackConfig(database_url=database_url, bot_token=TOKEN, signing_secret=SECRET, api_url=api)
        for key, value in config.items():
            setattr(cfg, key, value)
        runtime = await build_slack(cfg, clock)
        return cls(fake, runtime, clock, SimulatedPump(runtime.core.dispatcher, clock))

    async def close(self) -> None:
        await settle()
        await self.runtime.close()
        await self.fake.stop()

    def person(self, name: str, tz: str = "UTC", *, is_admin: bool = False) -> str:
        user_id = f"U{name.upper()}"
        self.names[name] = user_id
        self.fake.add_user(user_id, name, tz, is_admin=is_admin)
        return user_id

    def uid(self, name: str) -> str:
        return self.names.get(name) or self.person(name)

    def mentions(self, text: str) -> str:
        """`@ana` → `<@UANA|ana>`, as Slack sends mentions in slash command text."""
        words = []
        for word in text.split(" "):
            if word.startswith("@") and len(word) > 1 and word[1:].isalnum():
                words.append(f"<@{self.uid(word[1:].lower())}|{word[1:].lower()}>")
            else:
                words.append(word)
        return " ".join(words)

    # ---- requests -------------------------------------------------------------------------------

    async def dispatch(
        self, body: str, *, content_type: str, headers: dict[str, str] | None = None, signed: bool = True
    ) -> BoltResponse:
        all_headers = {"Content-Type": content_type, **(sign(body) if signed else {}), **(headers or {})}
        async with asyncio.timeout(WAIT):
            if self.http_url is not None:
                async with (
                    aiohttp.ClientSession() as session,
                    session.post(
                        self.http_url + "/slack/events", data=body.encode(), headers=all_headers
                    ) as http,
                ):
                    response = BoltResponse(status=http.status, body=await http.text())
            else:
                request = AsyncBoltRequest(body=body, headers=dict(all_headers))
                response = await self.runtime.bolt.async_dispatch(request)
        await settle()
        return response

    async def command(
        self,
        name: str,
        line: str,
        *,
        channel: str = "C_GENERAL",
        flush: bool = True,
        fields: dict[str, str] | None = None,
    ) -> BoltResponse:
        """`line` is "/mentor pair @bo …"; mentions become Slack's `<@U…|name>`; `fields` adds to or
        replaces the payload's (an Enterprise Grid workspace: team_id, enterprise_id, …)."""
        command, _, text = line.partition(" ")
        n = next(self._ids)
        body = form_body(
            {
                "token": "legacy",
                "team_id": TEAM,
                "team_domain": "fake",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": self.uid(name),
                "user_name": name,
                "command": command,
                "text": self.mentions(text),
                "api_app_id": "A0001",
                "response_url": self.fake.response_url(f"cmd{n}"),
                "trigger_id": f"trigger.{n}",
                **(fields or {}),
            }
        )
        response = await self.dispatch(body, content_type="application/x-www-form-urlencoded")
        if flush:
            await self.pump.flush()
        return response

    async def press(
        self,
        name: str,
        action_id: str,
        *,
        in_home: bool = False,
        flush: bool = True,
        channel: str = "C_GENERAL",
        message_ts: str = "1.1",
        fields: dict[str, Any] | None = None,
    ) -> BoltResponse:
        """A button on a message in `channel` (its ts `message_ts`), or in the App Home; `fields` adds
        to or replaces the payload's (an org-wide install: team null, enterprise, …)."""
        n = next(self._ids)
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "fake"},
            "user": {"id": self.uid(name), "username": name, "team_id": TEAM},
            "api_app_id": "A0001",
            "trigger_id": f"trigger.{n}",
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "action_ts": "1.2"}],
        }
        if in_home:
            payload["container"] = {"type": "view", "view_id": "V0002"}
            payload["view"] = {"id": "V0002", "type": "home"}
        else:
            payload["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel}
            payload["channel"] = {"id": channel, "name": channel.lower()}
            payload["response_url"] = self.fake.response_url(f"act{n}")
            payload["message"] = {"ts": message_ts, "text": "x"}
        payload.update(fields or {})
        response = await self.dispatch(
            interaction_body(payload), content_type="application/x-www-form-urlencoded"
        )
        if flush:
            await self.pump.flush()
        return response

    async def submit(self, name: str, view: dict[str, Any], values: dict[str, str]) -> BoltResponse:
        """Submit a modal the bot opened (`view` as sent to views.open) with these field values."""
        state = {
            block["block_id"]: {"value": {"type": "plain_text_input", "value": values.get(block["block_id"])}}
            for block in view["blocks"]
        }
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "fake"},
            "user": {"id": self.uid(name), "username": name, "team_id": TEAM},
            "api_app_id": "A0001",
            "view": {**view, "id": "V0001", "state": {"values": state}},
        }
        response = await self.dispatch(
            interaction_body(payload), content_type="application/x-www-form-urlencoded"
        )
        await self.pump.flush()
        return response

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry: int | None = None,
        envelope: dict[str, Any] | None = None,
    ) -> BoltResponse:
        """An Events API delivery of `event`; `envelope` adds to or replaces the outer fields."""
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A0001",
                "type": "event_callback",
                "event_id": event_id or f"Ev{next(self._ids):06d}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
                "event": event,
                **(envelope or {}),
            }
        )
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        response = await self.dispatch(body, content_type="application/json", headers=headers)
        await self.pump.flush()
        return response

    async def reply_in_thread(
        self,
        name: str,
        channel: str,
        thread_ts: str,
        text: str,
        *,
        ts: str | None = None,
        channel_type: str = "mpim",
        **kw: Any,
    ) -> BoltResponse:
        event = {
            "type": "message",
            "channel": channel,
            "user": self.uid(name),
            "text": text,
            "ts": ts or f"1764500000.{next(self._ids):06d}",
            "thread_ts": thread_ts,
            "channel_type": channel_type,
        }
        return await self.event(event, **kw)

    # ---- checks ---------------------------------------------------------------------------------

    def last_response(self) -> dict[str, Any]:
        assert self.fake.responses, "nothing was posted to a response_url"
        return self.fake.responses[-1]

    def last_response_text(self) -> str:
        r = self.last_response()
        return r.get("text", "") + "\n" + json.dumps(r.get("blocks", []))

    def verify_everything_sent(self) -> int:
        """Every Web API call and response_url body is valid for Slack; returns the number checked."""
        for r in self.fake.responses:
            check_blocks(r.get("blocks", []))
        return check_all(self.fake.calls)
