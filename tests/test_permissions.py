"""Only the two people of a mentorship (and workspace admins) see or change it; nothing crosses workspaces."""

from __future__ import annotations

from tests.harness import Harness, render


async def setup(h: Harness) -> None:
    await h.pair("ann", "bo")
    await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")
    await h.say("ann", "/actions add Draft the design doc @bo due friday")


async def test_a_third_person_cannot_see_or_change_someone_elses_mentorship(h: Harness) -> None:
    await setup(h)
    for line in (
        "/mentor next @ann",
        "/mentor pause @bo",
        "/mentor end @ann",
        "/mentor cadence daily at 9 with @bo",
        "/mentor skip @ann",
        "/checkin @bo",
        "/agenda @bo",
    ):
        reply = await h.say("cy", line)
        assert not reply.ok, line
        assert "don't have a mentorship with" in render(reply.message), line


async def test_a_third_person_cannot_touch_their_action_items_or_buttons(h: Harness) -> None:
    await setup(h)
    done = await h.say("cy", "/actions done 1")
    assert not done.ok and "not part of" in render(done.message)
    pressed = await h.press("cy", "actions:drop:1")
    assert not pressed.ok
    button = await h.press("cy", "mentorship:pause:1")
    assert not button.ok and "Only the two people" in render(button.message)
    listing = await h.text("cy", "/actions")
    assert "Draft the design doc" not in listing
    still = await h.text("bo", "/actions")
    assert "#1 Draft the design doc" in still


async def test_other_workspaces_see_nothing_even_with_the_right_ids(h: Harness) -> None:
    await setup(h)
    # Same user ids, another workspace: a different tenant entirely.
    for line in ("/actions done 1", "/mentor next", "/checkin", "/actions"):
        reply = await h.say("ann", line, workspace="W2")
        text = render(reply.message)
        assert "Draft the design doc" not in text and "Tue 1 Dec" not in text, line
    done = await h.say("ann", "/actions done 1", workspace="W2")
    assert not done.ok and "no action item #1" in render(done.message)
    accept = await h.app.router.action(h.actor("bo", workspace="W2"), "mentorship:accept:1")
    assert not accept.ok and "couldn't find that mentorship" in render(accept.message)


async def test_admins_may_see_and_change_any_mentorship_in_their_workspace(h: Harness) -> None:
    await setup(h)
    refused = await h.say("cy", "/mentor list all")
    assert not refused.ok and "admins" in render(refused.message)
    h.admins.add("cy")
    listing = await h.text("cy", "/mentor list all")
    assert "@ann → @bo" in listing
    paused = await h.say("cy", "/mentor pause @bo")
    assert paused.ok, render(paused.message)
    other_ws = await h.say("cy", "/mentor list all", workspace="W2")
    assert "@ann" not in render(other_ws.message)


async def test_only_admins_pair_two_other_people(h: Harness) -> None:
    refused = await h.say("cy", "/mentor pair @ann @bo")
    assert not refused.ok and "Only workspace admins" in render(refused.message)
    h.admins.add("cy")
    ok = await h.say("cy", "/mentor pair @ann @bo growing as a tech lead")
    assert ok.ok, render(ok.message)
    asked = {d.where for d in h.chat.with_text("Mentorship proposal")}
    assert asked == {"dm:ann", "dm:bo"}
    assert "would like @ann to mentor you" in h.chat.dms("bo")[0].text
