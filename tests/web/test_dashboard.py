"""The dashboard over real HTTP: sign-in through the fake providers, scoping, CSRF, nudge, CSV."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from adapters.web.auth import Signer
from bot.persistence.tables import OutboxRow
from tests.web.conftest import Dash

KPI = re.compile(r'id="kpi-(?P<name>[a-z-]+)">(?P<value>\d+)<')


def kpis(html: str) -> dict[str, int]:
    return {m["name"]: int(m["value"]) for m in KPI.finditer(html)}


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html
    return match[1]


async def signed_in_slack(dash: Dash, client) -> str:
    async with client.get(f"{dash.url}/dashboard/signin/slack") as resp:
        assert resp.status == 200, await resp.text()
        assert str(resp.url) == f"{dash.url}/dashboard"
        return await resp.text()


async def test_slack_admin_signs_in_and_sees_the_seeded_numbers(dash: Dash) -> None:
    async with dash.client() as client:
        async with client.get(f"{dash.url}/dashboard") as resp:
            page = await resp.text()
        assert "Sign in with Slack" in page and "Sign in with Discord" in page
        page = await signed_in_slack(dash, client)
    assert kpis(page) == {"active": 7, "at-risk": 3, "held": 7, "overdue": 2}
    assert "mentor0 &amp; mentee0" in page and "silent 35 days" in page
    assert "private" not in page  # no goals, takeaways or item texts
    assert "<svg" in page and "<script" not in page
    assert dash.oauth.calls == ["slack:authorize", "slack:token"]


async def test_session_cookie_is_signed_httponly_samesite(dash: Dash) -> None:
    async with dash.client() as client:
        async with client.get(f"{dash.url}/dashboard/signin/slack", allow_redirects=False) as resp:
            state_cookie = resp.headers["Set-Cookie"]
            location = resp.headers["Location"]
        async with client.get(location, allow_redirects=False) as resp:
            callback = resp.headers["Location"]
        async with client.get(callback, allow_redirects=False) as resp:
            assert resp.status == 303
            cookies = resp.headers.getall("Set-Cookie")
    session = next(c for c in cookies if c.startswith("mb_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Path=/dashboard" in session
    assert "HttpOnly" in state_cookie
    async with dash.client() as client:
        forged = Signer("guess").sign({"w": dash.slack.workspace_id, "m": dash.slack.admin_id, "exp": 9e12})
        client.cookie_jar.update_cookies({"mb_session": forged})
        async with client.get(f"{dash.url}/dashboard") as resp:
            assert "Sign in with Slack" in await resp.text()


async def test_a_callback_without_the_matching_state_is_refused(dash: Dash) -> None:
    async with (
        dash.client() as client,
        client.get(f"{dash.url}/dashboard/oauth/slack?code=x&state=y") as resp,
    ):
        assert resp.status == 400
        assert "start again" in await resp.text()


async def test_non_admins_are_refused_until_granted(dash: Dash) -> None:
    dash.oauth.slack_user = ("T1", "mentor3", "mentor3")
    async with dash.client() as client, client.get(f"{dash.url}/dashboard/signin/slack") as resp:
        assert resp.status == 403
        assert "/mentor dashboard grant" in await resp.text()
    # An admin grants them in chat (the Slack workspace's admin, through the router).
    from bot.services.members import Actor

    admin = Actor(platform="slack", workspace_id="T1", user_id="admin", is_admin=True)
    r = await dash.h.app.router.command(admin, "mentor", "dashboard grant <@mentor3>")
    assert r.ok
    async with dash.client() as client:
        page = await signed_in_slack(dash, client)
        assert kpis(page)["active"] == 7
        revoke = await dash.h.app.router.command(admin, "mentor", "dashboard revoke <@mentor3>")
        assert revoke.ok
        async with client.get(f"{dash.url}/dashboard") as resp:
            assert "Sign in with Slack" in await resp.text()


async def test_discord_guild_admins_sign_in_to_their_guild(dash: Dash) -> None:
    dash.oauth.discord_user = ("D7", "Dee")
    dash.oauth.discord_guilds = {"G-unknown": "8", "G1": str(0x20)}
    async with dash.client() as client, client.get(f"{dash.url}/dashboard/signin/discord") as resp:
        page = await resp.text()
        assert resp.status == 200, page
    assert kpis(page)["active"] == 3
    dash.oauth.discord_guilds = {"G1": "0"}
    async with dash.client() as client, client.get(f"{dash.url}/dashboard/signin/discord") as resp:
        assert resp.status == 403


async def test_another_workspaces_ids_answer_404(dash: Dash) -> None:
    theirs = dash.discord.mentorship_ids[0]
    ours = dash.slack.mentorship_ids[0]
    async with dash.client() as client:
        page = await signed_in_slack(dash, client)
        csrf = csrf_of(page)
        async with client.get(f"{dash.url}/dashboard/pairs/{ours}") as resp:
            assert resp.status == 200
        for path in (
            f"/dashboard/pairs/{theirs}",
            "/dashboard/pairs/999999",
            "/dashboard/pairs/x",
            "/dashboard/pairs/99999999999999999999999",  # past BIGINT: a 404, not a database error
        ):
            async with client.get(dash.url + path) as resp:
                assert resp.status == 404, path
        async with client.post(f"{dash.url}/dashboard/pairs/{theirs}/nudge", data={"csrf": csrf}) as resp:
            assert resp.status == 404
        async with client.get(f"{dash.url}/dashboard/export/secrets.csv") as resp:
            assert resp.status == 404
    async with dash.h.app.core.sessions() as s:
        assert list(await s.scalars(select(OutboxRow).where(OutboxRow.kind == "insight.nudge"))) == []


async def test_nudge_needs_the_form_token_and_plans_two_dms(dash: Dash) -> None:
    pair = dash.slack.mentorship_ids[0]
    async with dash.client() as client:
        page = await signed_in_slack(dash, client)
        async with client.post(f"{dash.url}/dashboard/pairs/{pair}/nudge", data={"csrf": "nope"}) as resp:
            assert resp.status == 403
        async with client.post(
            f"{dash.url}/dashboard/pairs/{pair}/nudge",
            data={"csrf": csrf_of(page)},
            headers={"Origin": "https://evil.example"},
        ) as resp:
            assert resp.status == 403
        async with client.post(
            f"{dash.url}/dashboard/pairs/{pair}/nudge", data={"csrf": csrf_of(page), "back": "pair"}
        ) as resp:
            page = await resp.text()
            assert str(resp.url).startswith(f"{dash.url}/dashboard/pairs/{pair}?msg=")
        assert "Nudged mentor0 and mentee0" in page
        assert page.count("<td>pending</td>") == 2
        # A message made up by someone else's link is not shown as ours.
        async with client.get(f"{dash.url}/dashboard?msg=Your+account+is+suspended") as resp:
            assert "suspended" not in await resp.text()
    async with dash.h.app.core.sessions() as s:
        rows = list(await s.scalars(select(OutboxRow).where(OutboxRow.kind == "insight.nudge")))
    assert (
        sorted(r.payload["member_id"] for r in rows) == sorted([r.payload["member_id"] for r in rows])
        and len(rows) == 2
    )


async def test_csv_downloads(dash: Dash) -> None:
    async with dash.client() as client:
        async with client.get(f"{dash.url}/dashboard/export/mentorships.csv") as resp:
            assert resp.status == 401
        await signed_in_slack(dash, client)
        async with client.get(f"{dash.url}/dashboard/export/mentorships.csv") as resp:
            assert resp.headers["Content-Type"].startswith("text/csv")
            assert "attachment" in resp.headers["Content-Disposition"]
            rows = list(csv.reader(io.StringIO(await resp.text())))
    assert len(rows) == 11 and rows[0][0] == "mentorship_id"


async def test_one_time_link_signs_in_once(dash: Dash) -> None:
    from bot.insight import access
    from bot.persistence.tables import Workspace

    async with dash.h.app.core.unit() as uow:
        ws = await uow.session.get(Workspace, dash.slack.workspace_id)
        assert ws is not None
        token = await access.issue_token(uow.session, ws, uow.now)
    async with dash.client() as client:
        async with client.get(f"{dash.url}/dashboard/token?t={token}") as resp:
            assert kpis(await resp.text())["active"] == 7
        csrf = csrf_of(await (await client.get(f"{dash.url}/dashboard")).text())
        async with client.post(f"{dash.url}/dashboard/signout", data={"csrf": csrf}) as resp:
            assert "Sign in with" in await resp.text()
    async with dash.client() as client, client.get(f"{dash.url}/dashboard/token?t={token}") as resp:
        assert resp.status == 403
        assert "used up or expired" in await resp.text()


async def test_forgotten_people_are_a_former_member_on_every_page_and_in_the_csv(dash: Dash) -> None:
    """bot/privacy's rule holds here too: after `forget me`, no page or file names them."""
    from bot.persistence.tables import Member, Workspace
    from bot.privacy.forget import forget
    from bot.services.members import Actor

    admin = Actor(platform="slack", workspace_id="T1", user_id="admin", is_admin=True)
    assert (await dash.h.app.router.command(admin, "mentor", "dashboard grant <@mentor3>")).ok
    async with dash.h.app.core.unit() as uow:
        ws = await uow.session.get(Workspace, dash.slack.workspace_id)
        assert ws is not None
        for name in ("mentee0", "mentor3"):
            member = await uow.session.scalar(
                select(Member).where(Member.workspace_id == ws.id, Member.external_id == name)
            )
            assert member is not None
            await forget(uow, ws, member)
    pair = dash.slack.mentorship_ids[0]
    async with dash.client() as client:
        page = await signed_in_slack(dash, client)
        async with client.get(f"{dash.url}/dashboard/pairs/{pair}") as resp:
            page += await resp.text()
        for name in ("mentorships", "checkins", "action_items", "office_hours_sessions"):
            async with client.get(f"{dash.url}/dashboard/export/{name}.csv") as resp:
                page += await resp.text()
    assert "a former member" in page
    assert "mentee0" not in page and "mentor3" not in page
    # mentor3's grant went with them: signing in as them is refused.
    dash.oauth.slack_user = ("T1", "mentor3", "mentor3")
    async with dash.client() as client, client.get(f"{dash.url}/dashboard/signin/slack") as resp:
        assert resp.status == 403


async def test_one_web_process_serves_the_dashboard_calendar_feeds_and_health(dash: Dash) -> None:
    async with dash.client() as client:
        async with client.get(f"{dash.url}/healthz") as resp:
            assert resp.status == 200 and (await resp.json())["database"] == "ok"
        async with client.get(f"{dash.url}/calendar/not-a-token.ics") as resp:
            assert resp.status == 404
        async with client.get(f"{dash.url}/dashboard") as resp:
            assert "Sign in with Slack" in await resp.text()
