"""Finding a mentor on Discord, fed as INTERACTION_CREATE payloads: a mentor fills the profile (modal) →
a mentee finds them and presses Request → the intake form (modal) → the mentor's DM card → Accept →
a mentorship with a welcome in its home thread; declines with a note, the requests channel and claims,
autocomplete and bad input. Every request is checked against Discord's spec (conftest)."""

from __future__ import annotations

from typing import Any

from discord import app_commands
from sqlalchemy import select

from adapters.discord import grammar
from adapters.discord.commands import build
from bot.app import command_registry
from bot.matching.tables import MentorProfile, MentorRequest
from bot.persistence.tables import Member, Mentorship
from tests.discord import payloads as pl
from tests.discord.conftest import ADMIN, ANA, BEN, CY, setup_channel
from tests.discord.driver import Driver, text_of
from tests.discord.payloads import Person

GOAL = "Lead the design of our payments API migration"
HELP = pl.text_channel(pl.HELP, "help")


async def fill_profile(dc: Driver, who: Person, tags: str, capacity: str = "2") -> str:
    """`/mentor profile` opens the core's profile form as a modal; submitting it saves."""
    [modal] = await dc.command_raw(who, "mentor", "profile")
    assert modal["type"] == 9, modal
    assert modal["data"]["custom_id"] == f"mbf:500:{who.id}:match:profile:0"
    fields = [row["components"][0]["custom_id"] for row in modal["data"]["components"]]
    assert fields == ["tags", "focus", "capacity", "cadence", "note"]
    values = {"tags": tags, "focus": "technical", "capacity": capacity, "cadence": "", "note": ""}
    return await dc.submit(who, modal["data"]["custom_id"], values)


async def member_id(dc: Driver, who: Person) -> int:
    async with dc.bot.app.core.unit() as uow:
        return int(
            (await uow.session.scalars(select(Member.id).where(Member.external_id == str(who.id)))).one()
        )


async def requests_in_db(dc: Driver) -> list[MentorRequest]:
    async with dc.bot.app.core.unit() as uow:
        return list(await uow.session.scalars(select(MentorRequest).order_by(MentorRequest.id)))


async def mentorships(dc: Driver) -> list[Mentorship]:
    async with dc.bot.app.core.unit() as uow:
        return list(await uow.session.scalars(select(Mentorship).order_by(Mentorship.id)))


def buttons(msg: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in msg.get("components") or [] for c in row["components"]]


async def test_profile_find_request_accept(dc: Driver) -> None:
    await setup_channel(dc)
    saved = await fill_profile(dc, ANA, "rust, system design")
    assert "rust, system design" in saved and "2 of 2 free" in saved

    found = await dc.command(BEN, "mentor", "find", topic="rust")
    assert "Mentors for “rust”" in found and "[Request Ana]" in found
    ana = await member_id(dc, ANA)
    _, custom_id = dc.find_button("Request Ana")
    assert custom_id == f"mb:500:match:request:{ana}"

    [intake] = await dc.press(BEN, "Request Ana")
    assert intake["type"] == 9 and intake["data"]["custom_id"] == f"mbf:500:{BEN.id}:match:new:{ana}"
    sent = await dc.submit(
        BEN,
        intake["data"]["custom_id"],
        {
            "goal": GOAL,
            "by": "2027-03-31",
            "constraints": "4 hours a week",
            "tried": "read the RFCs",
            "cadence": "every 2 weeks on tue 10am",
        },
    )
    assert f"Request #1 sent to <@{ANA.id}>" in sent

    [card] = [m for m in dc.api.dms(ANA.id) if "A mentorship request" in text_of(m)]
    assert GOAL in text_of(card) and "4 hours a week" in text_of(card)
    assert buttons(card) == ["mb:500:match:accept:1", "mb:500:match:decline:1", "mb:500:match:redirect:1"]
    # `number` autocompletes the requests the caller sees: Ana's and Ben's, not Cy's.
    choices = await dc.autocomplete(ANA, "mentor", "requests", "number", number="")
    assert choices == [{"name": f"#1 Ben → Ana: {GOAL}", "value": 1}]
    assert await dc.autocomplete(CY, "mentor", "requests", "number", number="") == []
    listed = await dc.command(ANA, "mentor", "requests")
    assert "#1" in listed and GOAL in listed

    [accepted] = await dc.press(ANA, "Accept", channel_id=dc.api.dm_channel_of(ANA.id))
    assert accepted["type"] == 4 and accepted["data"]["flags"] & 64
    assert "Something went wrong" not in text_of(accepted["data"])
    [m] = await mentorships(dc)
    assert m.state == "active" and m.goals == GOAL
    [home] = dc.api.threads()
    assert m.home_channel == home["id"]
    assert any("Welcome to your mentorship" in text_of(msg) for msg in dc.api.in_channel(home["id"]))
    assert any("accepted your request #1" in text_of(msg) for msg in dc.api.dms(BEN.id))
    [req] = await requests_in_db(dc)
    assert req.state == "accepted" and req.mentorship_id == m.id


async def test_decline_with_a_note_by_command_and_by_button(dc: Driver) -> None:
    await fill_profile(dc, ANA, "rust")
    await fill_profile(dc, CY, "rust, go")
    # The goal typed inline: no form.
    [deferred, quick] = await dc.command_raw(BEN, "mentor", "request", mentor=ANA, goal=GOAL, by="March")
    assert deferred == {"type": 5, "data": {"flags": 64}}
    assert "Request #1 sent to" in text_of(quick["data"])
    declined = await dc.command(
        ANA, "mentor", "requests", action="decline", number=1, note="Full this quarter, sorry!"
    )
    assert "Declined. I've let" in declined
    note = text_of(dc.api.dms(BEN.id)[-1])
    assert "can't take on request #1" in note and "Full this quarter, sorry!" in note

    await dc.command(BEN, "mentor", "request", mentor=CY, goal=GOAL + " in rust")
    [form] = await dc.press(CY, "Decline", channel_id=dc.api.dm_channel_of(CY.id))
    assert form["type"] == 9 and form["data"]["custom_id"] == f"mbf:500:{CY.id}:match:decline:2"
    await dc.submit(CY, form["data"]["custom_id"], {"text": "Ask Ana next month!"}, in_dm=True)
    assert "Ask Ana next month!" in text_of(dc.api.dms(BEN.id)[-1])
    assert [r.state for r in await requests_in_db(dc)] == ["declined", "declined"]
    assert await mentorships(dc) == []


async def test_requests_channel_claim_availability_and_profiles(dc: Driver) -> None:
    await setup_channel(dc)
    set_chan = await dc.command(ADMIN, "mentor", "requests", action="channel", channel=HELP)
    assert "Open requests are now posted in #help" in set_chan
    await fill_profile(dc, ANA, "rust")
    # No mentor: the intake form, posted to the channel for anyone to claim.
    [intake] = await dc.command_raw(BEN, "mentor", "request")
    assert intake["type"] == 9 and intake["data"]["custom_id"] == f"mbf:500:{BEN.id}:match:new:0"
    sent = await dc.submit(BEN, intake["data"]["custom_id"], {"goal": GOAL})
    assert "posted for any mentor to claim" in sent
    [post] = [m for m in dc.api.in_channel(str(pl.HELP)) if "Open request #1" in text_of(m)]
    assert buttons(post) == ["mb:500:match:claim:1"]
    choices = await dc.autocomplete(ANA, "mentor", "claim", "number", number="pay")
    assert choices == [{"name": f"#1 Ben → anyone: {GOAL}", "value": 1}]
    assert "It's yours!" in await dc.command(ANA, "mentor", "claim", number=1)
    [m] = await mentorships(dc)
    assert m.state == "active" and m.goals == GOAL
    assert any("claimed your request #1" in text_of(msg) for msg in dc.api.dms(BEN.id))

    shown = await dc.command(CY, "mentor", "profile", member=ANA)
    assert "Mentor profile" in shown and "rust" in shown
    assert "Mentor profile" in await dc.command(ANA, "mentor", "profile", show=True)
    assert "You're off the list for now" in await dc.command(ANA, "mentor", "available", state="off")
    assert "[Request Ana]" not in await dc.command(CY, "mentor", "find", topic="rust")
    async with dc.bot.app.core.unit() as uow:
        [p] = list(await uow.session.scalars(select(MentorProfile)))
    assert p.available is False
    off = await dc.command(ADMIN, "mentor", "requests", action="channel off")
    assert "The requests channel is off" in off


async def test_two_mentors_fill_their_profiles_at_once(dc: Driver) -> None:
    """Both modals are open together; each submission lands with its own person."""
    [first] = await dc.command_raw(ANA, "mentor", "profile")
    [second] = await dc.command_raw(CY, "mentor", "profile")
    assert first["data"]["custom_id"] != second["data"]["custom_id"]
    values = {"focus": "", "capacity": "1", "cadence": "", "note": ""}
    assert "1 of 1 free" in await dc.submit(ANA, first["data"]["custom_id"], {**values, "tags": "rust"})
    assert "1 of 1 free" in await dc.submit(CY, second["data"]["custom_id"], {**values, "tags": "go"})
    async with dc.bot.app.core.unit() as uow:
        profiles = list(await uow.session.scalars(select(MentorProfile).order_by(MentorProfile.id)))
    assert [p.tags for p in profiles] == [["rust"], ["go"]]


async def test_bad_input_is_answered_by_the_core(dc: Driver) -> None:
    no_number = await dc.command(ANA, "mentor", "requests", action="accept")
    assert "I need the request's number" in no_number
    too_long = await dc.command(ADMIN, "mentor", "requests", action="wait", days=90)
    assert "whole days from 1 to 30" in too_long
    not_admin = await dc.command(ANA, "mentor", "requests", action="wait", days=3)
    assert "`/mentor requests wait` is for workspace admins" in not_admin
    # No requests channel and no mentor: the core explains instead of opening a form.
    [no_channel] = await dc.command_raw(BEN, "mentor", "request")
    assert no_channel["type"] == 4 and "no requests channel" in text_of(no_channel["data"])
    assert "I couldn't find request #99" in await dc.command(ANA, "mentor", "claim", number=99)
    await fill_profile(dc, ANA, "rust")
    vague = await dc.command(BEN, "mentor", "request", mentor=ANA, goal="help")
    assert "“help” is a start!" in vague
    assert await requests_in_db(dc) == []


async def test_mentor_group_fits_discords_limit_and_syncs_typed_options(dc: Driver) -> None:
    [mentor_group] = [g for g in build(command_registry()) if g.name == "mentor"]
    assert isinstance(mentor_group, app_commands.Group)
    names = [c.name for c in mentor_group.commands]
    assert len(names) <= 25
    assert {"profile", "available", "find", "request", "requests", "claim"} <= set(names)
    [sync] = [r for r in dc.api.requests if r.method == "PUT" and r.path.endswith("/commands")]
    [mentor] = [c for c in sync.body if c["name"] == "mentor"]
    subs = {o["name"]: o for o in mentor["options"]}
    options = {o["name"]: o for o in subs["requests"]["options"]}
    assert [c["value"] for c in options["action"]["choices"]][:3] == ["list", "all", "accept"]
    assert options["number"]["type"] == 4 and options["number"]["autocomplete"] is True
    assert options["member"]["type"] == 6 and options["channel"]["type"] == 7
    available = subs["available"]["options"][0]
    assert [c["value"] for c in available["choices"]] == ["on", "off"] and available["required"]


def test_grammar_mapping() -> None:
    assert grammar.profile_text(None, False) == ""
    assert grammar.profile_text(None, True) == "show"
    assert grammar.profile_text(7, True) == "<@7>"
    assert grammar.request_text(7, GOAL, "March") == f"<@7> {GOAL} by March"
    assert grammar.request_text(None, None, "March") == ""
    assert grammar.request_text(7, None, None) == "<@7>"
    assert grammar.requests_text("decline", 3, None, "Full, sorry") == "decline 3 Full, sorry"
    assert grammar.requests_text("suggest", 3, 9, "Cy knows it") == "suggest 3 <@9> Cy knows it"
    assert grammar.requests_text("assign", 3, 9) == "assign 3 <@9>"
    assert grammar.requests_text("channel", channel=(602, "help")) == "channel <#602|help>"
    assert grammar.requests_text("channel off") == "channel off"
    assert grammar.requests_text("wait", days=5) == "wait 5d"
    assert grammar.requests_text("list") == "list"
