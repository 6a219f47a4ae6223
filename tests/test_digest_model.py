"""A stateful model of the digest schedule: random sequences of `/mentor digest` settings, clock advances
and restarts. After every step: at most one pending digest row, at the setting's next Monday 09:00
(monthly: the first Monday); nothing needs repair; every digest time passed while it was on produced
exactly one post, in the channel set then. Examples: `MENTORBOT_MODEL_EXAMPLES` (default 10)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.domain.states import OutboxStatus
from bot.insight.digest import occurrence_after
from bot.persistence.db import normalize_url
from bot.persistence.tables import OutboxRow
from bot.services import schedules
from tests.conftest import PG_URL
from tests.harness import Harness

START = datetime(2027, 3, 1, 7, 30, tzinfo=UTC)  # a Monday, just before 09:00 in Berlin
ZONES = {"hana": ZoneInfo("Europe/Berlin"), "ivo": ZoneInfo("America/New_York")}
ADVANCES = ["30m", "5h", "1d", "3d", "8d", "31d"]
EXAMPLES = int(os.environ.get("MENTORBOT_MODEL_EXAMPLES", "10"))


class Digests(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = tempfile.TemporaryDirectory()
        self.schema: str | None = None
        self.h: Harness
        # (channel, every, zone) while on, else None; and the posts each channel should have had.
        self.setting: tuple[str, str, ZoneInfo] | None = None
        self.expected: dict[str, int] = {"a": 0, "b": 0}

    def run(self, coro):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coro)

    async def _url(self) -> str:
        if not PG_URL:
            return f"sqlite+aiosqlite:///{self.tmp.name}/digest.sqlite3"
        base = normalize_url(PG_URL)
        self.schema = f"d_{uuid.uuid4().hex[:12]}"
        admin = create_async_engine(base)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        await admin.dispose()
        return f"{base}{'&' if '?' in base else '?'}search_path={self.schema}"

    @initialize()
    def start(self) -> None:
        async def go() -> None:
            self.h = await Harness.create(await self._url(), start=START, sweep_every=None)
            self.h.admins.update(ZONES)
            await self.h.say("hana", "/timezone Europe/Berlin")
            await self.h.say("ivo", "/timezone America/New_York")

        self.run(go())

    def teardown(self) -> None:
        async def go() -> None:
            await self.h.close()
            if self.schema:
                admin = create_async_engine(normalize_url(PG_URL or ""))
                async with admin.begin() as conn:
                    await conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
                await admin.dispose()

        try:
            self.run(go())
        finally:
            self.loop.close()
            self.tmp.cleanup()

    @rule(
        who=st.sampled_from(sorted(ZONES)),
        channel=st.sampled_from(["a", "b"]),
        every=st.sampled_from(["weekly", "monthly"]),
    )
    def turn_on(self, who: str, channel: str, every: str) -> None:
        reply = self.run(self.h.say(who, f"/mentor digest #{channel} {every}"))
        assert reply.ok
        self.setting = (channel, every, ZONES[who])

    @rule()
    def turn_off(self) -> None:
        assert self.run(self.h.say("hana", "/mentor digest off")).ok
        self.setting = None

    @rule(amount=st.sampled_from(ADVANCES))
    def advance(self, amount: str) -> None:
        before = self.h.clock.now()
        self.run(self.h.advance(amount))
        if self.setting is not None:
            channel, every, zone = self.setting
            at = occurrence_after(before, every, zone)
            while at <= self.h.clock.now():
                self.expected[channel] += 1
                at = occurrence_after(at, every, zone)

    @rule()
    def restart(self) -> None:
        self.run(self.h.restart())

    @invariant()
    def promises_hold(self) -> None:
        async def go() -> None:
            async with self.h.app.core.sessions() as s:
                pending = list(
                    await s.scalars(
                        select(OutboxRow).where(
                            OutboxRow.kind == "insight.digest", OutboxRow.status == OutboxStatus.PENDING.value
                        )
                    )
                )
            now = self.h.clock.now()
            if self.setting is None:
                assert pending == []
            else:
                channel, every, zone = self.setting
                assert len(pending) == 1
                assert pending[0].payload["channel_id"] == channel
                assert pending[0].due_at == occurrence_after(now, every, zone)
            repairs = await schedules.reconcile_everything(self.h.app.core, fix=False)
            assert [r for r in repairs if r.owner.startswith("digest")] == []
            for channel, n in self.expected.items():
                assert len(self.h.chat.to(f"channel:{channel}")) == n, channel
            assert self.h.chat.duplicate_keys() == []

        if hasattr(self, "h"):
            self.run(go())


Digests.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestDigests = Digests.TestCase
