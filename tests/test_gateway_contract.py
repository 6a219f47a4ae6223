"""FakeChat and ConsoleChat keep the ChatGateway contract (the adapters' suites run it on theirs)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from adapters.console.chat import ConsoleChat
from bot.clock import SimulatedClock
from tests.contract import check_gateway_contract, check_lookup_contract
from tests.fakes import FakeChat
from tests.harness import START


async def test_fake_chat_keeps_the_contract() -> None:
    chat = FakeChat(SimulatedClock(START))
    refs = await check_gateway_contract(chat, "W1", ["ann", "bo"])
    assert len(chat.sent) == 4 and refs[0].thread_id == "T1"


async def test_console_chat_keeps_the_contract_and_shows_who_sees_what() -> None:
    lines: list[str] = []

    async def zones(users: list[str]) -> dict[str, ZoneInfo]:
        return {"ann": ZoneInfo("Europe/Berlin"), "bo": ZoneInfo("America/New_York")}

    chat = ConsoleChat(SimulatedClock(START), zones, lines.append)
    await check_gateway_contract(chat, "console", ["ann", "bo"])
    text = "\n".join(lines)
    assert "[#mentorship-contract] (thread 1" in text
    assert "[#mentorship-contract › thread 1] Update from someone" in text
    assert "[dm → @ann] A reminder" in text
    # A shared place shows each member's own time.
    assert "09:00 CET / 03:00 EST" in text
    assert "[Mark done → :press actions:done:1]" in text


async def test_fake_chat_keeps_the_lookup_contract() -> None:
    chat = FakeChat(SimulatedClock(START))
    await check_lookup_contract(chat, chat, "W1", ["ann", "bo"])
