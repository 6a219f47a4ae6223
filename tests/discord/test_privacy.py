"""Export, forget me and "add to calendar" on Discord: files go as multipart uploads with the message."""

from __future__ import annotations

import json

import vobject
from sqlalchemy import select

from bot.persistence.tables import Member, Mentorship
from tests.discord.conftest import ANA, BEN
from tests.discord.driver import Driver, text_of
from tests.discord.test_interactions import active_pair


async def test_export_arrives_by_dm_as_json_and_csv_files(dc: Driver) -> None:
    await active_pair(dc)
    assert "by DM" in await dc.command(BEN, "mentor", "data", action="export")
    sent = [m for m in dc.api.dms(BEN.id) if m["id"] in dc.api.files]
    assert len(sent) == 1 and "Your mentorbot data" in text_of(sent[0])
    files = dict(dc.api.files[sent[0]["id"]])
    assert set(files) == {"mentorbot-export.json", "mentorbot-export-csv.zip"}
    tables = json.loads(files["mentorbot-export.json"])["tables"]
    assert tables["profile"][0]["external_id"] == str(BEN.id)
    assert tables["mentorships"][0]["other_person"] == "Ana"


async def test_the_checkin_announcement_carries_its_ics(dc: Driver) -> None:
    await active_pair(dc)
    with_ics = [
        m for m in dc.api.posts() if any(n == "checkin.ics" for n, _ in dc.api.files.get(m["id"], []))
    ]
    assert with_ics and "Next check-in" in text_of(with_ics[0])
    ((_, data),) = dc.api.files[with_ics[0]["id"]]
    (event,) = vobject.readOne(data.decode()).vevent_list
    assert event.dtstart.value.hour == 16


async def test_forget_me_with_the_button(dc: Driver) -> None:
    await active_pair(dc)
    asked = await dc.command(BEN, "mentor", "data", action="forget me")
    assert "[Yes, forget me]" in asked
    answers = await dc.press(BEN, "Yes, forget me")
    assert "nothing I hold names you" in "\n".join(text_of(a.get("data") or {}) for a in answers)
    async with dc.bot.app.core.unit() as uow:
        members = {m.external_id for m in await uow.session.scalars(select(Member))}
        (m,) = list(await uow.session.scalars(select(Mentorship)))
    assert str(BEN.id) not in members and m.state == "concluded"
    told = [text_of(msg) for msg in dc.api.dms(ANA.id) if "left mentorbot" in text_of(msg)]
    assert told and "/mentor reflect" in told[0]
