"""The program on Discord: `/program digest every:weekly channel:#help` (an embed every Monday),
`/program dashboard` and `/program viewer`, in a group of their own that only server managers see."""

from __future__ import annotations

from adapters.discord import grammar
from tests.discord import payloads as pl
from tests.discord.conftest import ADMIN, ANA
from tests.discord.driver import Driver, text_of

HELP = pl.text_channel(pl.HELP, "help")
CHANNEL = str(pl.HELP)


def digests(dc: Driver) -> list[str]:
    return [text_of(m) for m in dc.api.in_channel(CHANNEL) if "weekly digest" in text_of(m)]


async def test_weekly_digest_arrives_in_the_channel(dc: Driver) -> None:
    refused = await dc.command(ANA, "program", "digest", every="weekly", channel=HELP)
    assert "for workspace admins" in refused
    reply = await dc.command(ADMIN, "program", "digest", every="weekly", channel=HELP)
    assert "weekly program digest will be posted in #help" in reply
    await dc.advance("7d")
    assert len(digests(dc)) == 1
    assert "No pair looks at risk" in digests(dc)[0]
    await dc.command(ADMIN, "program", "digest", every="off")
    await dc.advance("14d")
    assert len(digests(dc)) == 1


async def test_dashboard_answers_admins_and_people_they_let_in(dc: Driver) -> None:
    assert "for workspace admins" in await dc.command(ANA, "program", "dashboard")
    assert "/dashboard" in await dc.command(ADMIN, "program", "dashboard")
    granted = await dc.command(ADMIN, "program", "viewer", member=ANA)
    assert "can now see" in granted or "can see" in granted, granted
    assert "/dashboard" in await dc.command(ANA, "program", "dashboard")
    await dc.command(ADMIN, "program", "viewer", member=ANA, allow=False)
    assert "for workspace admins" in await dc.command(ANA, "program", "dashboard")


def test_digest_grammar() -> None:
    assert grammar.digest_text("monthly", (602, "help")) == "digest <#602|help> monthly"
    assert grammar.digest_text("off", None) == "digest off"
    assert grammar.dashboard_grant_text(7, True) == "dashboard grant <@7>"
    assert grammar.dashboard_grant_text(7, False) == "dashboard revoke <@7>"
