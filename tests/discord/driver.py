"""Drives a real MentorBot offline: gateway payloads into its connection state, REST to the fake API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from adapters.discord.client import MentorBot
from bot.clock import SimulatedClock
from bot.domain.timeparse import parse_duration
from bot.persistence.tables import CheckIn
from bot.scheduling.pump import SimulatedPump
from tests.discord import payloads as pl
from tests.discord.fakeapi import FakeDiscord
from tests.discord.payloads import Person

WAIT_S = 10.0


def text_of(msg: dict[str, Any]) -> str:
    """Content, embed text and button labels of a message, for assertions."""
    parts = [msg.get("content") or ""]
    for e in msg.get("embeds") or []:
        parts += [e.get("title") or "", e.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in e.get("fields") or []]
    for row in msg.get("components") or []:
        parts += [f"[{c.get('label')}]" for c in row.get("components") or []]
    return "\n".join(p for p in parts if p)


class Driver:
    def __init__(self, bot: MentorBot, api: FakeDiscord, clock: SimulatedClock) -> None:
        self.bot = bot
        self.api = api
        self.clock = clock

    @property
    def state(self) -> Any:
        return self.bot._connection

    @property
    def pump(self) -> SimulatedPump:
        assert isinstance(self.bot.pump, SimulatedPump)
        return self.bot.pump

    async def until(self, condition: Callable[[], bool], what: str) -> None:
        async with asyncio.timeout(WAIT_S):
            # Handlers run as tasks discord.py schedules; poll their counters, bounded by the timeout.
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.005)
        assert condition(), what

    async def _interact(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        before = self.bot.handled["interaction"]
        self.state.parse_interaction_create(payload)
        try:
            await self.until(lambda: self.bot.handled["interaction"] > before, "interaction handled")
        except TimeoutError as exc:
            raise AssertionError(
                f"no answer to {payload['data']}; requests: {self.api.requests[-5:]}"
            ) from exc
        await self.pump.flush()
        return self.api.interaction_responses.get(payload["token"], [])

    async def command(self, who: Person, name: str, sub: str | None = None, **options: Any) -> str:
        """Runs an app command; returns the text of the (deferred, followed-up) reply."""
        responses = await self._interact(pl.command(who, name, sub, options))
        return "\n".join(text_of(r.get("data") or {}) for r in responses)

    async def command_raw(
        self, who: Person, name: str, sub: str | None = None, **options: Any
    ) -> list[dict[str, Any]]:
        return await self._interact(pl.command(who, name, sub, options))

    async def autocomplete(
        self, who: Person, name: str, sub: str | None, focused: str, **options: Any
    ) -> list[Any]:
        payload = pl.command(who, name, sub, options, focused=focused)
        self.state.parse_interaction_create(payload)
        await self.until(lambda: payload["token"] in self.api.interaction_responses, "autocomplete answered")
        return list(self.api.interaction_responses[payload["token"]][0]["data"]["choices"])

    def find_button(self, label: str, *, channel_id: str | None = None) -> tuple[dict[str, Any], str]:
        """The newest bot message with a button of that label, and the button's custom id."""
        for msg in reversed(self.api.posts()):
            if channel_id is not None and msg["channel_id"] != channel_id:
                continue
            for row in msg.get("components") or []:
                for c in row["components"]:
                    if c.get("label") == label:
                        return msg, c["custom_id"]
        raise AssertionError(f"no message with a {label!r} button")

    async def press(self, who: Person, label: str, *, channel_id: str | None = None) -> list[dict[str, Any]]:
        msg, custom_id = self.find_button(label, channel_id=channel_id)
        in_dm = self.api.channels.get(msg["channel_id"], {}).get("type") == 1
        return await self._interact(pl.press(who, custom_id, msg, in_dm=in_dm))

    async def submit(
        self, who: Person, custom_id: str, values: dict[str, str], *, in_dm: bool = False
    ) -> str:
        responses = await self._interact(pl.submit(who, custom_id, values, in_dm=in_dm))
        return "\n".join(text_of(r.get("data") or {}) for r in responses)

    async def _event(self, kind: str, feed: Callable[[], None]) -> None:
        before = self.bot.handled[kind]
        feed()
        await self.until(lambda: self.bot.handled[kind] > before, f"{kind} event handled")
        await self.pump.flush()

    async def say(
        self, who: Person, channel_id: str, content: str, reply_to: dict[str, Any] | None = None
    ) -> str:
        """A person posts in a channel (optionally as a reply); returns the new message's id."""
        ref = (
            {"message_id": reply_to["id"], "channel_id": channel_id, "guild_id": str(pl.GUILD)}
            if reply_to
            else None
        )
        data = pl.message(pl.snowflake(), channel_id, who, content, reference=ref, referenced=reply_to)
        self.api.messages[data["id"]] = data
        await self._event("message", lambda: self.state.parse_message_create(data))
        return str(data["id"])

    async def edit(self, who: Person, channel_id: str, message_id: str, content: str) -> None:
        data = {**self.api.messages[message_id], "content": content, "edited_timestamp": pl.TIMESTAMP}
        await self._event("edit", lambda: self.state.parse_message_update(data))

    async def delete(self, channel_id: str, message_id: str) -> None:
        data = {"id": message_id, "channel_id": channel_id, "guild_id": str(pl.GUILD)}
        await self._event("delete", lambda: self.state.parse_message_delete(data))

    async def advance(self, amount: str) -> int:
        return await self.pump.advance(parse_duration(amount))

    async def checkin_anchor(self, number: int) -> dict[str, Any]:
        """The announcement message of the n-th check-in that got a thread (the console's `>n`)."""
        async with self.bot.app.core.unit() as uow:
            rows = list(
                await uow.session.scalars(
                    select(CheckIn).where(CheckIn.thread_id.is_not(None)).order_by(CheckIn.id)
                )
            )
        c = rows[number - 1]
        return self.api.messages[str(c.thread_id)]
