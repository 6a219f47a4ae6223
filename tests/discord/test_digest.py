"""The program digest on Discord: `/mentor digest every:weekly channel:#help`, an embed every Monday."""

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
    refused = await dc.command(ANA, "mentor", "digest", every="weekly", channel=HELP)
    assert "for workspace admins" in refused
    reply = await dc.command(ADMIN, "mentor", "digest", every="weekly", channel=HELP)
    assert "weekly program digest will be posted in #help" in reply
    await dc.advance("7d")
    assert len(digests(dc)) == 1
    assert "No pair looks at risk" in digests(dc)[0]
    await dc.command(ADMIN, "mentor", "digest", every="off")
    await dc.advance("14d")
    assert len(digests(dc)) == 1


def test_digest_grammar() -> None:
    assert grammar.digest_text("monthly", (602, "help")) == "digest <#602|help> monthly"
    assert grammar.digest_text("off", None) == "digest off"
