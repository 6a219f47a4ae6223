"""Export, forget me and retention after uninstall, through the router on the simulated clock."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.calendar import feed
from bot.persistence.tables import Base, Member, Mentorship, OutboxRow, Workspace
from bot.privacy import retention
from tests.harness import Harness, render

PUBLIC = "https://bot.example.org"
SECRET_TEXTS = ("zed-update-secret", "zed-agenda-secret", "zed-action-secret", "zed-question-secret")


@pytest.fixture
async def p(database_url: str) -> AsyncIterator[Harness]:
    harness = await Harness.create(database_url, public_url=PUBLIC)
    yield harness
    await harness.close()


async def busy_pair(h: Harness) -> None:
    """ann mentors zed; zed writes something everywhere a person can."""
    await h.pair("ann", "zed")
    assert (await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")).ok
    assert (await h.say("zed", "/checkin zed-update-secret")).ok
    assert (await h.say("zed", "/agenda add zed-agenda-secret")).ok
    assert (await h.say("zed", "/actions add zed-action-secret")).ok
    assert (await h.say("ann", "/actions add ann keeps this @ann")).ok
    assert (await h.say("ann", "/agenda add ann's own question")).ok
    h.admins.add("hana")
    assert (await h.say("hana", "/officehours create #help every week on Thursday at 17:00 topic Q&A")).ok
    assert (await h.say("zed", "/officehours ask zed-question-secret")).ok
    assert (await h.say("zed", "/officehours rsvp")).ok
    assert (await h.say("zed", "/mentor calendar")).ok


async def test_export_sends_everything_about_the_person_by_dm(p: Harness) -> None:
    await busy_pair(p)
    r = await p.say("zed", "/mentor export")
    assert r.ok and "by DM" in render(r.message)
    (dm,) = [d for d in p.chat.dms("zed") if d.message.attachments]
    json_file, zip_file = dm.message.attachments
    assert json_file.filename.endswith(".json") and zip_file.filename.endswith(".zip")
    tables = json.loads(json_file.content)["tables"]
    assert tables["profile"][0]["external_id"] == "zed"
    assert tables["mentorships"][0]["your_role"] == "mentee"
    assert tables["mentorships"][0]["other_person"] == "ann"
    assert [u["text"] for u in tables["status_updates"]] == ["zed-update-secret"]
    assert [a["text"] for a in tables["agenda_items"]] == ["zed-agenda-secret"]
    assert [a["text"] for a in tables["action_items"]] == ["zed-action-secret"]
    assert [q["text"] for q in tables["office_hours_questions"]] == ["zed-question-secret"]
    assert len(tables["office_hours_rsvps"]) == 1 and len(tables["calendar_feeds"]) == 1
    assert "token_hash" not in tables["calendar_feeds"][0]
    # Nothing of ann's own: her question and her action item are hers.
    assert "ann's own question" not in json_file.content.decode()
    with zipfile.ZipFile(io.BytesIO(zip_file.content)) as archive:
        assert set(archive.namelist()) == {f"{name}.csv" for name in tables}
        rows = list(csv.DictReader(io.StringIO(archive.read("status_updates.csv").decode())))
    assert [row["text"] for row in rows] == ["zed-update-secret"]
    bad = await p.say("zed", "/mentor export everything")
    assert not bad.ok and "/mentor export" in render(bad.message)


async def dump(h: Harness) -> str:
    """Every row of every table as text."""
    out: list[str] = []
    async with h.app.core.unit() as uow:
        for table in Base.metadata.sorted_tables:
            result = await uow.session.execute(select(table))
            out.extend(repr(tuple(row)) for row in result)
    return "\n".join(out)


async def test_forget_me_leaves_nothing_but_what_the_other_person_keeps(p: Harness) -> None:
    await busy_pair(p)
    token = await latest_token(p)
    r = await p.say("zed", "/mentor forget me")
    assert r.ok and "Yes, forget me" in render(r.message)
    zed_id = int(render(r.message).split("privacy:forget:")[1].split("]")[0])
    # Only the person themself can press their button.
    assert not (await p.press("ann", f"privacy:forget:{zed_id}")).ok
    kept = await p.press("zed", f"privacy:keep:{zed_id}")
    assert "Nothing was deleted" in render(kept.message)
    assert "zed-update-secret" in await dump(p)
    p.chat.clear()
    done = await p.press("zed", f"privacy:forget:{zed_id}")
    assert done.ok, render(done.message)
    everything = await dump(p)
    for secret in SECRET_TEXTS:
        assert secret not in everything
    # The pair's home stays ann's (on the console its id is made of both names); nothing else names zed.
    assert "zed" not in everything.replace("home-ann-zed", "HOME")
    # What ann keeps: the mentorship (ended), her own items, "a former member" in place of zed.
    assert "ann keeps this" in everything and "ann's own question" in everything
    async with p.app.core.unit() as uow:
        former = await uow.session.get(Member, zed_id)
        assert former is not None and former.display_name == "a former member"
        (m,) = list(await uow.session.scalars(select(Mentorship)))
        assert m.state == "concluded"
        pending = list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.status == "pending")))
    assert all(row.payload.get("member_id") != zed_id for row in pending)
    assert all(not row.topic.startswith(f"m:{m.id}/") for row in pending)
    # ann is told kindly, with the reflection prompt; zed gets nothing more.
    told = [d for d in p.chat.dms("ann") if "concluded" in d.text]
    assert told and "left mentorbot" in told[0].text and "/mentor reflect" in told[0].text
    assert "zed" not in told[0].text
    assert p.chat.dms("zed") == []
    assert await feed.render_feed(p.app.core, token) is None
    # A week on, nothing is sent about the old mentorship; zed, back, is a new person.
    p.chat.clear()
    await p.advance("7d")
    assert p.chat.dms("zed") == [] and not [d for d in p.chat.sent if "Next check-in" in d.text]
    back = await p.text("zed", "/mentor list")
    assert "a former member" not in back


async def latest_token(h: Harness) -> str:
    r = await h.say("zed", "/mentor calendar reset")
    return render(r.message).split("/calendar/")[1].split(".ics")[0]


async def test_forget_me_needs_the_word_me(p: Harness) -> None:
    r = await p.say("zed", "/mentor forget everything")
    assert not r.ok and "/mentor forget me" in render(r.message)


async def test_workspace_data_is_deleted_after_the_retention_period_unless_reinstalled(p: Harness) -> None:
    await busy_pair(p)
    await p.pair("cy", "dee", "")
    await p.say("ann", "/mentor list", workspace="W2")
    await retention.mark_workspace_removed(p.app.core, "console", "W1", retention=timedelta(days=30))
    await p.advance("29d")
    assert await count(p, "members", "W1") > 0
    # Re-installed in time: nothing is deleted, even long after.
    await retention.mark_workspace_restored(p.app.core, "console", "W1")
    await p.advance("3d")
    assert await count(p, "members", "W1") > 0
    # Removed again: the hourly sweep deletes it once the 30 days are over, and only it.
    await retention.mark_workspace_removed(p.app.core, "console", "W1")
    await p.advance("30d")
    await p.advance("2h")
    async with p.app.core.unit() as uow:
        names = {w.external_id for w in await uow.session.scalars(select(Workspace))}
        leftovers = {}
        for table in Base.metadata.sorted_tables:
            n = (await uow.session.execute(select(text("count(*)")).select_from(table))).scalar_one()
            leftovers[table.name] = n
    assert "W1" not in names and "W2" in names
    # Every table is empty but for W2 and ann in it.
    assert {name: n for name, n in leftovers.items() if n} == {"workspaces": 1, "members": 1}


async def count(h: Harness, table: str, workspace: str) -> int:
    async with h.app.core.unit() as uow:
        ws = await uow.session.scalar(select(Workspace).where(Workspace.external_id == workspace))
        if ws is None:
            return 0
        return len(list(await uow.session.scalars(select(Member).where(Member.workspace_id == ws.id))))


async def test_an_uninstall_starts_the_grace_period_and_a_reinstall_ends_it(h: Harness) -> None:
    """The lifecycle events of #12 drive the retention of #17: removed → purge date set; back → cleared."""
    from bot.privacy.tables import WorkspaceRemoval

    await h.pair()
    h.app.router.retention = timedelta(days=7)
    assert await h.app.router.workspace_removed("console", "W1")
    async with h.app.core.sessions() as s:
        [removal] = list(await s.scalars(select(WorkspaceRemoval)))
    assert removal.purge_after - removal.removed_at == timedelta(days=7)
    await h.app.router.workspace_returned("console", "W1")
    async with h.app.core.sessions() as s:
        assert list(await s.scalars(select(WorkspaceRemoval))) == []
