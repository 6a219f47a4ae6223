"""The console's end-to-end month, played through the Discord adapter on real discord.py objects."""

from __future__ import annotations

from sqlalchemy import select

from adapters.console.demo import SCRIPT
from bot.persistence.tables import ActionItem, CheckIn, Mentorship, StatusUpdate
from tests.discord.conftest import ADMIN, ANA, BEN, setup_channel
from tests.discord.driver import Driver, text_of
from tests.discord.script import play


async def test_console_demo_month_runs_through_discord(dc: Driver) -> None:
    await setup_channel(dc)
    transcript = await play(dc, SCRIPT, {"ana": ANA, "ben": BEN, "alex": ADMIN})
    for line, answer in transcript:
        assert "Something went wrong" not in answer, (line, answer)
        assert answer, line
    answers = dict(transcript)
    assert "Proposed" in answers["@ana /mentor pair @ben ready for promotion by June focus career"]
    assert "Cadence with" in answers["@ana /mentor cadence every 2 weeks on Tuesday at 16:00"]

    async with dc.bot.app.core.unit() as uow:
        m = await uow.session.scalar(select(Mentorship))
        items = list(await uow.session.scalars(select(ActionItem).order_by(ActionItem.id)))
        first = await uow.session.scalar(select(CheckIn).order_by(CheckIn.id))
        updates = list(await uow.session.scalars(select(StatusUpdate)))
    assert m is not None and m.state == "concluded" and m.keep_in_touch
    assert [i.state for i in items] == ["done", "done"]
    assert first is not None and first.state == "held" and "problem, action, impact" in first.takeaways
    # Ana's reply in the check-in thread is stored as a status update and acknowledged with a reaction.
    assert any(u.text.startswith("Good start") for u in updates)
    assert dc.api.reactions

    # One private home thread with both people; check-ins are announcements inside it.
    [home] = dc.api.threads()
    assert dc.api.thread_members[home["id"]] >= {str(ANA.id), str(BEN.id)}
    announcements = [text_of(m) for m in dc.api.in_channel(home["id"]) if "Next check-in" in text_of(m)]
    assert len(announcements) >= 2
    ben_dms = [text_of(m) for m in dc.api.dms(BEN.id)]
    assert any("Check-in coming up" in t for t in ben_dms)
    assert any("Check-in summary" in t for t in ben_dms)
    assert any("Mentorship proposal" in t for t in ben_dms)
