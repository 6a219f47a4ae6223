"""Export, forget me and "add to calendar" on Slack: files go through files.getUploadURLExternal →
upload → files.completeUploadExternal, into the DM or the check-in's thread."""

from __future__ import annotations

import json
import re

import vobject
from sqlalchemy import select

from bot.persistence.tables import Member, Mentorship
from tests.slack.driver import SlackWorld
from tests.slack.test_commands import pair


async def test_export_arrives_by_dm_as_json_and_csv_files(world: SlackWorld) -> None:
    await pair(world)
    await world.command("ben", "/checkin drafted the plan")
    await world.command("ben", "/mentor export")
    assert "by DM" in world.last_response_text()
    dm = world.fake._conversation(["UBEN"])
    files = {f.filename: f for f in world.fake.shared_files(dm)}
    assert set(files) == {"mentorbot-export.json", "mentorbot-export-csv.zip"}
    tables = json.loads(files["mentorbot-export.json"].content)["tables"]
    assert tables["profile"][0]["external_id"] == "UBEN"
    assert [u["text"] for u in tables["status_updates"]] == ["drafted the plan"]
    assert any(p.channel == dm and "Your mentorbot data" in json.dumps(p.blocks) for p in world.fake.posted)


async def test_the_checkin_announcement_carries_its_ics_in_the_thread(world: SlackWorld) -> None:
    await pair(world)
    (ics,) = [f for f in world.fake.shared_files() if f.filename == "checkin.ics"]
    parents = [p for p in world.fake.posted if p.channel == ics.channel and p.thread_ts is None]
    assert ics.thread_ts in {p.ts for p in parents}
    (event,) = vobject.readOne(ics.content.decode()).vevent_list
    assert event.dtstart.value.hour == 16  # Tuesday 16:00 in ana's Berlin


async def test_forget_me_with_the_button_ends_kindly_and_leaves_no_trace(world: SlackWorld) -> None:
    await pair(world)
    await world.command("ben", "/checkin ben-secret-update")
    await world.command("ben", "/mentor forget me")
    asked = world.last_response_text()
    (button,) = re.findall(r"privacy:forget:\d+", asked)
    await world.press("ben", button)
    assert "nothing I hold names you" in world.last_response_text()
    async with world.runtime.core.core.unit() as uow:
        members = {m.external_id: m.display_name for m in await uow.session.scalars(select(Member))}
        (m,) = list(await uow.session.scalars(select(Mentorship)))
    assert "UBEN" not in members and "a former member" in members.values()
    assert m.state == "concluded"
    ana_dm = world.fake._conversation(["UANA"])
    told = [p for p in world.fake.posted if p.channel == ana_dm and "left mentorbot" in json.dumps(p.blocks)]
    assert told and "/mentor reflect" in json.dumps(told[0].blocks)
