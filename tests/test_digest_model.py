"""A stateful model of the digest schedule: random sequences of `/mentor digest` settings, clock advances
and restarts. After every step: at most one pending digest row, at the setting's next Monday 09:00
(monthly: the first Monday); nothing needs repair; every digest time passed while it was on produced
exactly one post, in the channel set then. Examples: two fifths of `MENTORBOT_MODEL_EXAMPLES` (default
25, shared with the other models)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule
from sqlalchemy import select

from bot.domain.states import OutboxStatus
from bot.insight.digest import occurrence_after
from bot.persistence.tables import OutboxRow
from bot.services import schedules
from tests.harness import Harness
from tests.model_support import EXAMPLES, ModelOnDatabase

START = datetime(2027, 3, 1, 7, 30, tzinfo=UTC)  # a Monday, just before 09:00 in Berlin
ZONES = {"hana": ZoneInfo("Europe/Berlin"), "ivo": ZoneInfo("America/New_York")}
ADVANCES = ["30m", "5h", "1d", "3d", "8d", "31d"]


class Digests(ModelOnDatabase):
    prefix = "d"

    def __init__(self) -> None:
        super().__init__()
        # (channel, every, zone) while on, else None; and the posts each channel should have had.
        self.setting: tuple[str, str, ZoneInfo] | None = None
        self.expected: dict[str, int] = {"a": 0, "b": 0}

    @initialize()
    def start(self) -> None:
        async def go() -> None:
            self.h = await Harness.create(await self.database_url(), start=START, sweep_every=None)
            self.h.admins.update(ZONES)
            await self.h.say("hana", "/timezone Europe/Berlin")
            await self.h.say("ivo", "/timezone America/New_York")

        self.run(go())

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
    max_examples=max(1, EXAMPLES * 2 // 5),
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestDigests = Digests.TestCase
