"""OAuth installs on slack_sdk's SQLAlchemy store: Enterprise Grid org-wide installs next to
per-workspace ones, token rotation, uninstalls and revoked tokens, and the rows migration 0006 moved."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import select, text

from adapters.slack.installation import InstallationStore
from adapters.slack.tables import SlackTeam
from bot.clock import SimulatedClock
from bot.persistence import migrate
from bot.persistence.db import create_engine
from bot.persistence.tables import Mentorship, OutboxRow, Workspace
from tests.harness import START
from tests.slack.driver import SlackWorld
from tests.slack.fake_slack import BOT_USER

ORG = "E0001"
GRID_TEAM = "T0GRID"
SOLO_TEAM = "T0002"
GRID = {"team_id": GRID_TEAM, "team_domain": "grid", "enterprise_id": ORG, "is_enterprise_install": "true"}
SOLO = {"team_id": SOLO_TEAM, "team_domain": "solo"}


def installation(**fields: object) -> Installation:
    base: dict[str, object] = {
        "app_id": "A0001",
        "user_id": "UINSTALLER",
        "bot_id": "BBOT",
        "bot_user_id": BOT_USER,
        "bot_scopes": "commands,chat:write",
    }
    return Installation(**{**base, **fields})  # type: ignore[arg-type]


@pytest.fixture
async def oauth(database_url: str) -> AsyncIterator[SlackWorld]:
    w = await SlackWorld.create(database_url, bot_token=None, client_id="111.222", client_secret="shh")
    for name in ("ana", "ben", "cy", "dee"):
        w.person(name)
    yield w
    try:
        w.verify_everything_sent()
    finally:
        await w.close()


def store(w: SlackWorld) -> InstallationStore:
    assert w.runtime.installations is not None
    return w.runtime.installations


async def pair_in(w: SlackWorld, fields: dict[str, str], mentor: str, mentee: str) -> None:
    await w.command(mentor, f"/mentor pair @{mentee} ship it", fields=fields)
    await w.command(mentee, f"/mentor accept @{mentor}", fields=fields)
    await w.command(mentor, "/mentor cadence every week on Tuesday at 16:00", fields=fields)


async def test_org_wide_and_per_workspace_installs_side_by_side(oauth: SlackWorld) -> None:
    # OAuth answers an org-wide install with team: null and is_enterprise_install: true.
    await store(oauth).async_save(
        installation(enterprise_id=ORG, team_id=None, is_enterprise_install=True, bot_token="xoxb-org")
    )
    await store(oauth).async_save(installation(team_id=SOLO_TEAM, team_name="Solo", bot_token="xoxb-solo"))
    oauth.fake.org_tokens["xoxb-org"] = ORG

    await pair_in(oauth, GRID, "ana", "ben")
    await pair_in(oauth, SOLO, "cy", "dee")

    async with oauth.runtime.core.core.unit() as uow:
        states = {
            ws: m.state
            for m, ws in (
                await uow.session.execute(select(Mentorship, Workspace.external_id).join(Workspace))
            ).all()
        }
        assert states == {GRID_TEAM: "active", SOLO_TEAM: "active"}
        failed = list(await uow.session.scalars(select(OutboxRow).where(OutboxRow.status == "failed")))
        assert failed == []
        team = await uow.session.scalar(select(SlackTeam).where(SlackTeam.team_id == GRID_TEAM))
        assert team is not None and team.enterprise_id == ORG
    posts = oauth.fake.of("chat.postMessage")
    # Each workspace's messages go out with its own token; the org token names the workspace.
    assert {(c.token, c.params.get("team_id")) for c in posts} == {
        ("xoxb-org", GRID_TEAM),
        ("xoxb-solo", SOLO_TEAM),
    }
    assert await oauth.runtime.chat.tokens(GRID_TEAM) == "xoxb-org"
    assert await oauth.runtime.chat.tokens(SOLO_TEAM) == "xoxb-solo"
    assert await oauth.runtime.chat.tokens("T0NEVER") == "xoxb-org"  # the only org: it can only be that one


async def test_a_per_workspace_install_in_an_org_wins_over_the_org_wide_one(oauth: SlackWorld) -> None:
    await store(oauth).async_save(
        installation(enterprise_id=ORG, team_id=None, is_enterprise_install=True, bot_token="xoxb-org")
    )
    await store(oauth).async_save(installation(enterprise_id=ORG, team_id="T0OWN", bot_token="xoxb-own"))
    assert await oauth.runtime.chat.tokens("T0OWN") == "xoxb-own"
    await store(oauth).async_save(
        installation(enterprise_id="E0002", team_id=None, is_enterprise_install=True, bot_token="xoxb-org2")
    )
    # Two orgs: a workspace never heard from belongs to neither for sure.
    assert await oauth.runtime.chat.tokens("T0NEVER") is None
    await store(oauth).remember_team("T0NEVER", "E0002")
    assert await oauth.runtime.chat.tokens("T0NEVER") == "xoxb-org2"


async def test_an_expiring_bot_token_is_rotated_before_use(oauth: SlackWorld) -> None:
    await store(oauth).async_save(
        installation(
            team_id=SOLO_TEAM,
            bot_token="xoxe.xoxb-old",
            bot_refresh_token="xoxe-1-old",
            bot_token_expires_at=int(time.time()) + 60,
        )
    )
    assert await oauth.runtime.chat.tokens(SOLO_TEAM) == "xoxe.xoxb-rotated-1"
    (refresh,) = oauth.fake.of("oauth.v2.access")
    assert refresh.params["grant_type"] == "refresh_token" and refresh.params["refresh_token"] == "xoxe-1-old"
    # Fresh for 12 hours: no second refresh.
    assert await oauth.runtime.chat.tokens(SOLO_TEAM) == "xoxe.xoxb-rotated-1"
    assert len(oauth.fake.of("oauth.v2.access")) == 1


async def test_app_uninstalled_deletes_the_workspace_install_and_a_reinstall_plans_again(
    oauth: SlackWorld,
) -> None:
    await store(oauth).async_save(installation(team_id=SOLO_TEAM, bot_token="xoxb-solo"))
    await pair_in(oauth, SOLO, "cy", "dee")
    authorizations = [
        {"team_id": SOLO_TEAM, "user_id": BOT_USER, "is_bot": True, "is_enterprise_install": False}
    ]
    await oauth.event(
        {"type": "app_uninstalled"}, envelope={"team_id": SOLO_TEAM, "authorizations": authorizations}
    )
    assert await oauth.runtime.chat.tokens(SOLO_TEAM) is None
    async with oauth.runtime.core.core.unit() as uow:
        assert await uow.session.scalar(select(OutboxRow).where(OutboxRow.status == "pending")) is None
    # Installed again: the schedule is planned again.
    await store(oauth).async_save(installation(team_id=SOLO_TEAM, bot_token="xoxb-again"))
    async with oauth.runtime.core.core.unit() as uow:
        m = await uow.session.scalar(select(Mentorship))
        assert m is not None and m.state == "active"
        assert await uow.session.scalar(select(OutboxRow).where(OutboxRow.status == "pending"))


async def test_an_org_wide_uninstall_stops_every_workspace_of_the_org(oauth: SlackWorld) -> None:
    await store(oauth).async_save(
        installation(enterprise_id=ORG, team_id=None, is_enterprise_install=True, bot_token="xoxb-org")
    )
    oauth.fake.org_tokens["xoxb-org"] = ORG
    await pair_in(oauth, GRID, "ana", "ben")
    authorizations = [
        {
            "enterprise_id": ORG,
            "team_id": None,
            "user_id": BOT_USER,
            "is_bot": True,
            "is_enterprise_install": True,
        }
    ]
    await oauth.event(
        {"type": "tokens_revoked", "tokens": {"oauth": ["UINSTALLER"], "bot": [BOT_USER]}},
        envelope={"team_id": GRID_TEAM, "enterprise_id": ORG, "authorizations": authorizations},
    )
    assert await oauth.runtime.chat.tokens(GRID_TEAM) is None
    async with oauth.runtime.core.core.unit() as uow:
        assert await uow.session.scalar(select(OutboxRow).where(OutboxRow.status == "pending")) is None
        m = await uow.session.scalar(select(Mentorship))
        assert m is not None and m.state == "active"  # kept as it was


async def test_migration_0006_moves_existing_installations(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine, "0009")
        data = installation(
            team_id=SOLO_TEAM, bot_token="xoxb-kept", installed_at=1764400000.0
        ).to_dict_for_copying()
        data = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in data.items()}
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO slack_installations (client_id, app_id, enterprise_id, team_id, user_id,"
                    " is_enterprise_install, bot_token, bot_user_id, data, installed_at) VALUES"
                    " ('111.222', 'A0001', '', :team, 'UINSTALLER', false, 'xoxb-kept', :bot, :data, :at)"
                ),
                {
                    "team": SOLO_TEAM,
                    "bot": BOT_USER,
                    "data": __import__("json").dumps(data),
                    "at": datetime.now(UTC),
                },
            )
        await migrate.upgrade(engine)
        moved = InstallationStore(engine, "111.222", SimulatedClock(START))
        bot = await moved.async_find_bot(enterprise_id=None, team_id=SOLO_TEAM)
        assert bot is not None and bot.bot_token == "xoxb-kept" and bot.bot_user_id == BOT_USER
        found = await moved.async_find_installation(enterprise_id=None, team_id=SOLO_TEAM)
        assert found is not None and found.user_id == "UINSTALLER" and found.installed_at == 1764400000.0
        assert await moved.bot_token(SOLO_TEAM) == "xoxb-kept"
    finally:
        await engine.dispose()


async def test_a_button_from_an_org_wide_install_acts_in_the_users_workspace(oauth: SlackWorld) -> None:
    await store(oauth).async_save(
        installation(enterprise_id=ORG, team_id=None, is_enterprise_install=True, bot_token="xoxb-org")
    )
    oauth.fake.org_tokens["xoxb-org"] = ORG
    await oauth.command("ana", "/mentor pair @ben ship it", fields=GRID)
    # Interactivity from an org-wide install: `team` is null; the user's team names the workspace.
    grid_button = {
        "team": None,
        "user": {"id": oauth.uid("ben"), "username": "ben", "team_id": GRID_TEAM},
        "enterprise": {"id": ORG, "name": "Org"},
        "is_enterprise_install": True,
    }
    await oauth.press("ben", "mentorship:accept:1", fields=grid_button)
    async with oauth.runtime.core.core.unit() as uow:
        rows = (
            await uow.session.execute(select(Mentorship.state, Workspace.external_id).join(Workspace))
        ).all()
        assert [tuple(r) for r in rows] == [("active", GRID_TEAM)]
        assert await uow.session.scalar(select(Workspace).where(Workspace.external_id == ORG)) is None
