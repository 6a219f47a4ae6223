"""Office hours on Discord, fed as INTERACTION_CREATE and MESSAGE_CREATE payloads: create → announcement
with a public thread → RSVP (the announcement is edited) → questions by modal and by thread message →
start → answered → recap → carry-over; every request is checked against Discord's spec (conftest)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from adapters.discord import grammar
from bot.officehours.tables import OfficeHoursQuestion, OfficeHoursSession
from tests.discord import payloads as pl
from tests.discord.conftest import ADMIN, ANA, BEN, CY
from tests.discord.driver import Driver, text_of

HELP = pl.text_channel(pl.HELP, "help")
CHANNEL = str(pl.HELP)


async def create(dc: Driver, **extra: Any) -> list[dict[str, Any]]:
    # Discord tells no zone: the host says theirs before the first time-bearing command.
    await dc.command(ADMIN, "timezone", None, zone="UTC")
    return await dc.command_raw(
        ADMIN,
        "officehours",
        "create",
        channel=HELP,
        cadence="monthly on the first thursday at 17:00",
        topic="Career Q&A",
        host=ADMIN,
        **extra,
    )


def requests(dc: Driver, method: str, path: str) -> list[Any]:
    return [r for r in dc.api.requests if r.method == method and r.path == path]


async def questions(dc: Driver) -> list[OfficeHoursQuestion]:
    async with dc.bot.app.core.unit() as uow:
        return list(await uow.session.scalars(select(OfficeHoursQuestion).order_by(OfficeHoursQuestion.id)))


async def test_the_whole_cycle(dc: Driver) -> None:
    first, created = await create(dc)
    assert first == {"type": 5, "data": {"flags": 64}}  # deferred at once, answered privately
    assert "Office hours #1 Career Q&A in #help" in text_of(created["data"])
    assert not dc.api.in_channel(CHANNEL)

    await dc.advance("10h")  # announced three days ahead: Mon 30 Nov 17:00 for Thu 3 Dec 17:00 UTC
    [announcement] = [m for m in dc.api.in_channel(CHANNEL) if "Office hours: Career Q&A" in text_of(m)]
    assert "[RSVP (0 going)]" in text_of(announcement) and "[Ask a question]" in text_of(announcement)
    buttons = [c["custom_id"] for row in announcement["components"] for c in row["components"]]
    assert buttons == ["mb:500:oh:rsvp:1", "mb:500:oh:ask:1"]
    # A real public thread, started from the announcement (so it has the announcement's id).
    [started] = requests(dc, "POST", f"/channels/{CHANNEL}/messages/{announcement['id']}/threads")
    assert started.body["name"] == "Career Q&A 2026-12-03"
    [thread] = dc.api.public_threads()
    assert thread["id"] == announcement["id"] and thread["parent_id"] == CHANNEL
    async with dc.bot.app.core.unit() as uow:
        s = await uow.session.get(OfficeHoursSession, 1)
        assert s is not None
        assert (s.announce_channel, s.announce_message_id, s.thread_id) == (
            CHANNEL,
            announcement["id"],
            thread["id"],
        )

    [rsvp] = await dc.press(BEN, "RSVP (0 going)", channel_id=CHANNEL)
    assert rsvp["type"] == 4 and rsvp["data"]["flags"] & 64
    await dc.advance("1m")
    [edit] = requests(dc, "PATCH", f"/channels/{CHANNEL}/messages/{announcement['id']}")
    assert "[RSVP (1 going)]" in text_of(edit.body)
    assert "[RSVP (1 going)]" in text_of(dc.api.messages[announcement["id"]])

    # A question through the Ask button's modal.
    [modal] = await dc.press(CY, "Ask a question", channel_id=CHANNEL)
    assert modal["type"] == 9 and modal["data"]["custom_id"] == f"mbf:500:{CY.id}:oh:ask:1"
    assert "Queued as Q1" in await dc.submit(
        CY, modal["data"]["custom_id"], {"text": "Is it ok to ask about side projects?"}
    )
    # A question as a plain message in the announcement's thread; the answer goes into the thread.
    await dc.say(ANA, thread["id"], "How do I write a promotion packet?")
    answer = dc.api.posts()[-1]
    assert answer["channel_id"] == thread["id"] and "Queued as Q2" in answer["content"]
    # …and with the typed command.
    assert "Queued as Q3" in await dc.command(BEN, "officehours", "ask", question="What about staff roles?")
    assert [(q.id, q.text) for q in await questions(dc)] == [
        (1, "Is it ok to ask about side projects?"),
        (2, "How do I write a promotion packet?"),
        (3, "What about staff roles?"),
    ]
    choices = await dc.autocomplete(CY, "officehours", "upvote", "question", question="promotion")
    assert choices == [{"name": "Q2 How do I write a promotion packet? — Ana", "value": 2}]
    assert "Upvoted Q2" in await dc.command(CY, "officehours", "upvote", question=2)

    await dc.advance("70h 59m")  # Thu 3 Dec 17:00
    assert any("starts" in text_of(m) for m in dc.api.dms(BEN.id))  # the RSVP reminder
    [start] = [m for m in dc.api.in_channel(CHANNEL) if "Starting now: Career Q&A" in text_of(m)]
    assert text_of(start).index("Q2") < text_of(start).index("Q1")  # by votes

    not_host = await dc.command(ANA, "officehours", "answered", question=2)
    assert "Only the hosts" in not_host
    [done] = await dc.press(ADMIN, "Answered Q2", channel_id=CHANNEL)
    assert "Something went wrong" not in text_of(done["data"])

    await dc.advance("1h")  # over: the one host is asked for a recap in a DM
    dm = dc.api.dm_channel_of(ADMIN.id)
    [recap_modal] = await dc.press(ADMIN, "Write the recap", channel_id=dm)
    assert recap_modal["type"] == 9 and recap_modal["data"]["custom_id"] == f"mbf:500:{ADMIN.id}:oh:recap:1"
    saved = await dc.submit(
        ADMIN, recap_modal["data"]["custom_id"], {"text": "Packets and staff work."}, in_dm=True
    )
    assert "is posted in the session's thread" in saved
    [recap] = [m for m in dc.api.in_channel(thread["id"]) if "Recap: Career Q&A" in text_of(m)]
    assert "Answered (1)" in text_of(recap) and "Carried over to next time (2)" in text_of(recap)
    for person in (CY, BEN):
        assert any("carries over to the next session" in text_of(m) for m in dc.api.dms(person.id))
    assert not any("carries over" in text_of(m) for m in dc.api.dms(ANA.id))  # answered

    stats = await dc.command(ADMIN, "officehours", "stats")
    assert "1 RSVP'd · 3 asked · 1 answered" in stats


async def test_thread_messages_count_once_and_channel_chatter_is_left_alone(dc: Driver) -> None:
    await create(dc)
    await dc.advance("10h")
    [thread] = dc.api.public_threads()
    announcement = dc.api.messages[thread["id"]]
    before = len(dc.api.posts())
    await dc.say(ANA, CHANNEL, "hello all")
    assert len(dc.api.posts()) == before and await questions(dc) == []
    # The gateway may deliver a message twice: one question.
    data = pl.message(pl.snowflake(), thread["id"], ANA, "Same message twice?")
    for _ in range(2):
        await dc._event("message", lambda: dc.state.parse_message_create(data))
    [q] = await questions(dc)
    assert (q.text, q.external_id) == ("Same message twice?", data["id"])
    assert len(dc.api.posts()) == before + 1
    # A reply to the announcement in the channel itself asks too (the thread has the post's id).
    await dc.say(BEN, CHANNEL, "And salary bands?", reply_to=announcement)
    assert [q.text for q in await questions(dc)][-1] == "And salary bands?"


async def test_commands_map_to_the_grammar(dc: Driver) -> None:
    await create(dc)
    await dc.command(
        ADMIN,
        "officehours",
        "create",
        channel=pl.text_channel(pl.CHANNEL, "mentorships"),
        cadence="every week on wed at 15:00",
        topic="Code review clinic",
    )
    ambiguous = await dc.command(ANA, "officehours", "rsvp")
    assert "Say which by number" in ambiguous
    choices = await dc.autocomplete(ANA, "officehours", "rsvp", "series", series="")
    assert choices == [
        {"name": "#1 Career Q&A in #help", "value": 1},
        {"name": "#2 Code review clinic in #mentorships", "value": 2},
    ]
    assert "Code review clinic" in await dc.command(ANA, "officehours", "rsvp", series=2)
    # Typed in a series' channel, or in one of its announcement threads, the series is that one.
    in_channel = await dc._interact(pl.command(BEN, "officehours", "rsvp", {}, channel=HELP))
    assert "RSVP'd" in text_of(in_channel[-1]["data"]) or "going" in text_of(in_channel[-1]["data"])
    assert "Say which" not in text_of(in_channel[-1]["data"])
    await dc.advance("10h")
    [thread] = [t for t in dc.api.public_threads() if t["parent_id"] == CHANNEL]
    in_thread = await dc._interact(pl.command(CY, "officehours", "next", {}, channel=thread))
    assert "Career Q&A" in text_of(in_thread[-1]["data"])
    assert "Say which" not in text_of(in_thread[-1]["data"])
    assert "Code review clinic" in await dc.command(ANA, "officehours", "next", series=2)
    listed = await dc.command(ANA, "officehours", "list")
    assert "#1 Career Q&A" in listed and "#2 Code review clinic" in listed
    edited = await dc.command(
        ADMIN, "officehours", "edit", field="join", value="https://meet.example/x", series=1
    )
    assert "Something went wrong" not in edited and edited
    hosts = await dc.command(ADMIN, "officehours", "edit", field="hosts", series=1, host=ANA, host2=ADMIN)
    assert "asked" in hosts and "to confirm as co-host" in hosts
    # Ana is asked first (a DM with Accept); until she accepts she may not run the series.
    assert "Only the hosts" in await dc.command(ANA, "officehours", "skip", series=1)
    await dc.advance("1m")
    await dc.press(ANA, "Accept")
    # Ana hosts #1 now, so she may skip its next session.
    assert "Skipped the session" in await dc.command(ANA, "officehours", "skip", series=1)
    assert "Something went wrong" not in await dc.command(ADMIN, "officehours", "cancel", series=2)
    [modal] = await dc.command_raw(BEN, "officehours", "ask")
    assert modal["type"] == 9
    assert "Queued as Q1" in await dc.submit(BEN, modal["data"]["custom_id"], {"text": "Any tips?"})


async def test_permissions_and_bad_input(dc: Driver) -> None:
    # Creating is for admins and the people they allow.
    refused = await dc.command(
        ANA, "officehours", "create", channel=HELP, cadence="monthly on the 1st at 9", host=BEN
    )
    assert "created by workspace admins and by the people they allow" in refused
    bad = await dc.command(ADMIN, "officehours", "create", channel=HELP, cadence="every blue moon")
    assert "every blue moon" in bad
    assert "No office hours are running" in await dc.command(ANA, "officehours", "next")
    await create(dc)
    assert "no office hours #7" in (await dc.command(ANA, "officehours", "next", series=7)).lower()
    assert "99" in await dc.command(ANA, "officehours", "upvote", question=99)
    cancel = await dc.command(ANA, "officehours", "cancel")
    assert "Only the hosts" in cancel


async def test_create_warns_when_the_bot_cannot_open_threads_there(dc: Driver) -> None:
    locked = pl.text_channel(pl.CHANNEL, "mentorships")
    deny = 1 << 35  # Create Public Threads
    locked["permission_overwrites"] = [{"id": str(pl.GUILD + 2), "type": 0, "allow": "0", "deny": str(deny)}]
    dc.state.parse_channel_update(locked)
    dc.api.no_threads.add(str(pl.CHANNEL))
    await dc.command(ADMIN, "timezone", None, zone="UTC")
    text = await dc.command(
        ADMIN, "officehours", "create", channel=locked, cadence="monthly on the 1st at 9", topic="Clinic"
    )
    assert "Office hours #1 Clinic" in text and "missing Create Public Threads" in text
    # Discord refuses the thread for good: the announcement stands on its own, replies go to the channel.
    await dc.advance("1d")
    assert not dc.api.public_threads()
    async with dc.bot.app.core.unit() as uow:
        s = await uow.session.get(OfficeHoursSession, 1)
        assert s is not None and s.announce_message_id and s.thread_id is None


async def test_a_failed_thread_start_retries_without_a_second_announcement(dc: Driver) -> None:
    await create(dc)
    dc.api.threads_unavailable = 1
    await dc.advance("10h")  # 503 on the thread; the outbox retries 30 s later and the nonce
    # returns the message already posted, so the thread is started from it
    [announcement] = [m for m in dc.api.in_channel(CHANNEL) if "Office hours: Career Q&A" in text_of(m)]
    [thread] = dc.api.public_threads()
    assert thread["id"] == announcement["id"]
    assert len(requests(dc, "POST", f"/channels/{CHANNEL}/messages/{announcement['id']}/threads")) == 2
    async with dc.bot.app.core.unit() as uow:
        s = await uow.session.get(OfficeHoursSession, 1)
        assert s is not None and s.thread_id == thread["id"]


def test_grammar_mapping() -> None:
    assert grammar.oh_create_text(602, "help", "monthly on the 1st at 9", "Career Q&A", [1, 2, 1]) == (
        "create <#602|help> monthly on the 1st at 9 topic Career Q&A hosts <@1> <@2>"
    )
    assert grammar.oh_create_text(602, "", "weekly on wed at 15:00", None, []) == (
        "create <#602> weekly on wed at 15:00"
    )
    assert grammar.oh_text("ask", 2, "Why?") == "ask 2 Why?"
    assert grammar.oh_text("ask", None, "Why?") == "ask Why?"
    assert grammar.oh_text("upvote", 12) == "upvote 12"
    assert grammar.oh_edit_text(1, "hosts", None, [5, 6]) == "edit 1 hosts <@5> <@6>"
    assert grammar.oh_edit_text(None, "join", "https://x", []) == "edit join https://x"


async def test_the_thread_is_named_after_the_sessions_date_in_the_series_zone(dc: Driver) -> None:
    # Thursday 08:00 in Tokyo is Wednesday 23:00 UTC: the thread says Thursday.
    await dc.command(ADMIN, "timezone", None, zone="Asia/Tokyo")
    await dc.command_raw(
        ADMIN, "officehours", "create", channel=HELP, cadence="weekly on thursday at 08:00", topic="Early"
    )
    await dc.advance("1h")
    [started] = [r for r in dc.api.requests if r.method == "POST" and r.path.endswith("/threads")]
    assert started.body["name"] == "Early 2026-12-03"
