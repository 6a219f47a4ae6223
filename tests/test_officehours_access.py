"""Who may create, host and cancel office hours (issue 13): workspace admins and the people they allow
create; named co-hosts are asked and host only once they accept; only hosts and admins run a series."""

from __future__ import annotations

from sqlalchemy import select

from bot.officehours.tables import OfficeHoursHost
from tests.harness import Harness, render

CREATE = "/officehours create #help every week on friday at 17:00 topic Clinic"


async def host_rows(h: Harness) -> list[tuple[str, str]]:
    from bot.persistence.tables import Member

    async with h.app.core.sessions() as s:
        rows = await s.execute(
            select(Member.external_id, OfficeHoursHost.state)
            .join(Member, Member.id == OfficeHoursHost.member_id)
            .order_by(Member.external_id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_members_create_only_when_an_admin_allows_them(h: Harness) -> None:
    refused = await h.say("ann", CREATE)
    assert not refused.ok and "/officehours hosts allow" in render(refused.message)
    not_admin = await h.say("ann", "/officehours hosts allow @ann")
    assert not not_admin.ok and "Only workspace admins" in render(not_admin.message)
    h.admins.add("root")
    assert (await h.say("root", "/officehours hosts allow @ann @bo")).ok
    listed = render((await h.say("cy", "/officehours hosts")).message)
    assert "ann" in listed and "bo" in listed and "cy" not in listed
    created = await h.say("ann", CREATE)
    assert created.ok, render(created.message)
    assert await host_rows(h) == [("ann", "accepted")]
    assert (await h.say("root", "/officehours hosts remove @ann")).ok
    again = await h.say("ann", CREATE.replace("#help", "#other"))
    assert not again.ok
    # Removing the permission to create does not take away the series ann already hosts.
    assert (await h.say("ann", "/officehours edit 1 topic Clinic (renamed)")).ok


async def test_named_co_hosts_are_asked_and_host_only_after_accepting(h: Harness) -> None:
    h.admins.add("root")
    assert (await h.say("root", "/officehours hosts allow @ann")).ok
    created = await h.say("ann", CREATE + " hosts @ann @bo @cy")
    text = render(created.message)
    assert created.ok and "asked" in text and "to confirm as co-host" in text
    assert await host_rows(h) == [("ann", "accepted"), ("bo", "invited"), ("cy", "invited")]
    invites = [d for d in h.chat.sent if "would like you to co-host" in d.text]
    assert sorted(d.where for d in invites) == ["dm:bo", "dm:cy"]
    assert ":press oh:hostyes:1" in invites[0].text and ":press oh:hostno:1" in invites[0].text
    # Until they accept they are not hosts: not on the announcement, not allowed to run it.
    skip = await h.say("bo", "/officehours skip 1")
    assert not skip.ok and "Only the hosts" in render(skip.message)
    assert (await h.press("bo", "oh:hostyes:1")).ok
    declined = await h.press("cy", "oh:hostno:1")
    assert declined.ok and "won't be a host" in render(declined.message)
    assert await host_rows(h) == [("ann", "accepted"), ("bo", "accepted")]
    # An invitation is answered once; someone never invited has nothing to answer.
    for who in ("bo", "cy", "dan"):
        stale = await h.press(who, "oh:hostyes:1")
        assert not stale.ok and "no open co-host invitation" in render(stale.message), who
    await h.advance("4d")  # the announcement names the accepted hosts only
    [announcement] = h.chat.with_text("Office hours: Clinic")
    assert "@ann & @bo" in announcement.text and "@cy" not in announcement.text
    assert (await h.say("bo", "/officehours skip 1")).ok


async def test_an_admin_may_set_up_office_hours_for_others_who_must_still_accept(h: Harness) -> None:
    h.admins.add("root")
    created = await h.say("root", CREATE + " hosts @hana")
    assert created.ok
    assert await host_rows(h) == [("hana", "invited")]
    assert (await h.press("hana", "oh:hostyes:1")).ok
    assert await host_rows(h) == [("hana", "accepted")]


async def test_editing_hosts_keeps_accepted_ones_and_asks_new_ones(h: Harness) -> None:
    h.admins.add("root")
    assert (await h.say("root", "/officehours hosts allow @ann")).ok
    assert (await h.say("ann", CREATE)).ok
    edited = await h.say("ann", "/officehours edit 1 hosts @ann @bo")
    assert edited.ok and "to confirm as co-host" in render(edited.message)
    assert await host_rows(h) == [("ann", "accepted"), ("bo", "invited")]
    # A host cannot be made one by someone else's edit either, and dropping a name withdraws it.
    assert (await h.say("ann", "/officehours edit 1 hosts @ann")).ok
    assert await host_rows(h) == [("ann", "accepted")]
    await h.advance("1m")
    stale = await h.press("bo", "oh:hostyes:1")
    assert not stale.ok and await host_rows(h) == [("ann", "accepted")]


async def test_only_hosts_and_admins_cancel(h: Harness) -> None:
    h.admins.add("root")
    assert (await h.say("root", "/officehours hosts allow @ann")).ok
    assert (await h.say("ann", CREATE + " hosts @ann @bo")).ok
    for who in ("bo", "cy"):  # bo is only invited
        refused = await h.say(who, "/officehours cancel 1")
        assert not refused.ok and "Only the hosts" in render(refused.message), who
    other_workspace = await h.say("ann", "/officehours cancel 1", workspace="W2")
    assert not other_workspace.ok
    assert (await h.say("ann", "/officehours cancel 1")).ok
