"""Wiring of the Slack adapter: the core, SlackChat, the bolt app, and the two ways to run it.

`mentorbot run slack` is Socket Mode (one process, no public URL); `mentorbot serve slack` is HTTP
mode, stateless apart from the database, so several web processes can share one load balancer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.health import PATH, health_handler, serve_health
from adapters.slack.chat import SlackChat, TokenSource, fixed_token, make_client
from adapters.slack.installation import InstallationStore, SqlOAuthStateStore
from adapters.slack.listeners import PLATFORM, Deps, is_command, register
from adapters.slack.manifest import EVENTS_PATH
from adapters.slack.tables import erase_workspace
from adapters.web.auth import DashboardConfig
from adapters.web.serve import add_web_routes, dashboard_config
from bot.app import Application, build_app
from bot.clock import Clock, SystemClock
from bot.persistence.db import create_engine, session_factory
from bot.scheduling.pump import RealTimePump
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)

HEALTH_PATH = PATH
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# Keep in step with manifest.yml.
BOT_SCOPES = [
    "commands",
    "chat:write",
    "files:write",
    "channels:join",
    "im:write",
    "mpim:write",
    "users:read",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "channels:read",
    "groups:read",
]


@dataclass
class SlackConfig:
    """What the adapter needs from Settings (a separate type so tests can build one directly)."""

    database_url: str
    bot_token: str | None = None
    signing_secret: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    api_url: str | None = None
    socket_mode: bool = False
    public_url: str | None = None
    retention_days: int = 30

    @classmethod
    def from_settings(cls, settings: Settings, *, socket_mode: bool) -> SlackConfig:
        return cls(
            database_url=settings.database_url,
            bot_token=settings.slack_bot_token,
            signing_secret=settings.slack_signing_secret,
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            api_url=settings.slack_api_url,
            socket_mode=socket_mode,
            public_url=settings.public_url,
            retention_days=settings.retention_days,
        )

    @property
    def oauth(self) -> bool:
        return bool(self.client_id and self.client_secret) and not self.socket_mode


@dataclass
class SlackRuntime:
    core: Application
    bolt: AsyncApp
    chat: SlackChat
    clock: Clock
    installations: InstallationStore | None = None
    extra_cleanup: list[AsyncEngine] = field(default_factory=list)
    # Slash commands over HTTP: the same listeners on an app that answers as soon as they ack.
    commands: AsyncApp | None = None

    async def close(self) -> None:
        await self.core.close()


async def build_slack(
    config: SlackConfig, clock: Clock | None = None, *, engine: AsyncEngine | None = None
) -> SlackRuntime:
    """Build the whole Slack bot; migrates an empty database like every entry point."""
    clock = clock or SystemClock()
    client = make_client(config.api_url, None if config.oauth else config.bot_token)
    # The engine and the token source come first, so the gateway needs nothing built after it.
    engine = engine or create_engine(config.database_url)
    sessions = session_factory(engine)
    installations: InstallationStore | None = None
    tokens: TokenSource
    if config.oauth:
        assert config.client_id and config.client_secret
        installations = InstallationStore(
            engine,
            config.client_id,
            clock,
            rotator=AsyncTokenRotator(
                client_id=config.client_id, client_secret=config.client_secret, client=client
            ),
        )
        tokens = installations.bot_token
    else:
        if not config.bot_token:
            raise ValueError("SLACK_BOT_TOKEN is needed without SLACK_CLIENT_ID/SLACK_CLIENT_SECRET")
        tokens = fixed_token(config.bot_token)

    # An org-wide token needs to be told which workspace each call is for.
    chat = SlackChat(client, tokens, team_scoped=config.oauth)
    core = await build_app(
        config.database_url,
        {"slack": chat},
        clock,
        directory=chat,
        engine=engine,
        public_url=config.public_url,
        retention_days=config.retention_days,
    )
    core.core.erasers[PLATFORM] = erase_workspace
    if installations is not None:
        assert config.client_id and config.client_secret

        async def installed(teams: list[str]) -> None:
            for team in teams:
                await core.router.workspace_returned(PLATFORM, team)

        # Told once the router exists; nothing is installed before the app serves requests.
        installations.on_installed = installed
        options: dict[str, Any] = dict(
            signing_secret=config.signing_secret,
            client=client,
            installation_store=installations,
            oauth_settings=AsyncOAuthSettings(
                client_id=config.client_id,
                client_secret=config.client_secret,
                scopes=BOT_SCOPES,
                installation_store=installations,
                state_store=SqlOAuthStateStore(sessions),
                install_path=INSTALL_PATH,
                redirect_uri_path=REDIRECT_PATH,
            ),
        )
    else:
        options = dict(
            client=client,  # carries the bot token
            # Socket Mode frames are authenticated by the app-level token, not signed.
            signing_secret=config.signing_secret or ("" if config.socket_mode else None),
            request_verification_enabled=not config.socket_mode,
        )
    bolt = AsyncApp(**options)
    deps = Deps(router=core.router, sessions=sessions, clock=clock, installations=installations)
    register(bolt, deps)
    commands: AsyncApp | None = None
    if not config.socket_mode:
        commands = AsyncApp(**options, process_before_response=True)
        register(commands, deps, commands_only=True)
    return SlackRuntime(
        core=core, bolt=bolt, chat=chat, clock=clock, installations=installations, commands=commands
    )


def web_app(
    runtime: SlackRuntime, pump: RealTimePump | None = None, dashboard: DashboardConfig | None = None
) -> web.Application:
    """The HTTP face: Slack's one request URL, the OAuth routes when configured, a health check (the
    database, and the dispatcher's last successful run when a pump is given), calendar feeds, and the
    program dashboard under /dashboard when `dashboard` is given (DASHBOARD_SECRET is set)."""
    bolt = runtime.bolt

    async def events(request: web.Request) -> web.Response:
        try:
            bolt_request = await to_bolt_request(request)
        except Exception:
            # Bolt cannot even read it (garbled JSON, odd types): log it and answer without crashing.
            log.warning("unreadable request to %s", request.path, exc_info=True)
            return web.Response(status=400, text="unreadable request\n")
        # A slash command goes to the app that answers on its ack (see `register_commands`).
        app = runtime.commands if runtime.commands is not None and is_command(bolt_request.body) else bolt
        try:
            response = await app.async_dispatch(bolt_request)
        except Exception:
            log.exception("dispatching a Slack request failed")
            return web.Response(status=500, text="sorry, something went wrong\n")
        return await to_aiohttp_response(response)

    async def install(request: web.Request) -> web.Response:
        flow = bolt.oauth_flow
        if flow is None:
            return web.Response(status=404)
        bolt_request = await to_bolt_request(request)
        if request.path == flow.install_path:
            return await to_aiohttp_response(await flow.handle_installation(bolt_request))
        return await to_aiohttp_response(await flow.handle_callback(bolt_request))

    app = web.Application()
    app.router.add_post(EVENTS_PATH, events)
    app.router.add_get(HEALTH_PATH, health_handler(runtime.core.engine, pump))
    # Calendar feeds and the dashboard are served by the same web process (MENTORBOT_PUBLIC_URL points here).
    add_web_routes(app, runtime.core.core, runtime.clock, dashboard)
    if bolt.oauth_flow is not None:
        app.router.add_get(INSTALL_PATH, install)
        app.router.add_get(REDIRECT_PATH, install)
    return app


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def serve_http(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    host: str = "0.0.0.0",
    ready: asyncio.Event | None = None,
) -> int:
    """`mentorbot serve slack`: POST /slack/events on $PORT, plus the dispatcher in this process."""
    runtime = await build_slack(SlackConfig.from_settings(settings, socket_mode=False))
    if runtime.installations is None:
        try:
            await welcome_back(runtime, await check_bot_token(runtime.bolt.client))
        except BaseException:
            await runtime.close()
            raise
    pump = RealTimePump(runtime.core.dispatcher)
    runtime.core.core.wakers.append(pump.poke)
    runner = web.AppRunner(web_app(runtime, pump, dashboard_config(settings)))
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    try:
        await runner.setup()
        await web.TCPSite(runner, host, settings.port).start()
        await pump.start()
        log.info("mentorbot serving Slack on port %s", settings.port)
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        await pump.stop()
        await runner.cleanup()
        await runtime.close()
    return 0


async def check_tokens(client: AsyncWebClient, app_token: str) -> str:
    """Ask Slack once whether both tokens work, so a wrong or revoked one is a one-line SettingsError
    instead of a Socket Mode client that retries forever. Returns the bot token's team id."""
    team_id = await check_bot_token(client)
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        error = exc.response.get("error") or f"HTTP {exc.response.status_code}"
        raise SettingsError(
            f"Slack rejected SLACK_APP_TOKEN ({error}): create an app-level token (xapp-…) with the"
            " connections:write scope under Basic Information, and turn on Socket Mode"
        ) from exc
    except (aiohttp.ClientError, TimeoutError, SlackClientError) as exc:
        raise SettingsError(f"cannot reach Slack to check SLACK_APP_TOKEN: {exc!r}") from exc
    return team_id


async def check_bot_token(client: AsyncWebClient) -> str:
    """The workspace (team id) SLACK_BOT_TOKEN speaks for; SettingsError naming it when Slack rejects
    it (auth.test)."""
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error") or f"HTTP {exc.response.status_code}"
        raise SettingsError(
            f"Slack rejected SLACK_BOT_TOKEN ({error}): copy the Bot User OAuth Token (xoxb-…) again from"
            " your app's OAuth & Permissions page, or reinstall the app"
        ) from exc
    except (aiohttp.ClientError, TimeoutError, SlackClientError) as exc:
        raise SettingsError(f"cannot reach Slack's Web API to check SLACK_BOT_TOKEN: {exc!r}") from exc
    return str(response.get("team_id") or "")


async def welcome_back(runtime: SlackRuntime, team_id: str) -> None:
    """A working single-workspace token after an uninstall (the app was installed again and the new
    token set): resume what the uninstall paused."""
    if team_id and await runtime.core.router.workspace_returned(PLATFORM, team_id):
        log.info("Slack workspace %s is installed again: paused mentorships resume", team_id)


async def run_socket_mode(settings: Settings, *, stop: asyncio.Event | None = None) -> int:
    """`mentorbot run slack`: Socket Mode, one process, no public URL needed; /healthz (with calendar
    feeds, and the dashboard when DASHBOARD_SECRET is set) on $PORT.

    Raises SettingsError when Slack rejects a token. SIGTERM and Ctrl-C stop it at any point, even
    while it is still connecting (outbox leases make stopping mid-send safe)."""
    assert settings.slack_app_token, "the CLI checks SLACK_APP_TOKEN"
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    runtime = await build_slack(SlackConfig.from_settings(settings, socket_mode=True))
    pump = RealTimePump(runtime.core.dispatcher)
    runtime.core.core.wakers.append(pump.poke)
    handler = AsyncSocketModeHandler(runtime.bolt, settings.slack_app_token)
    health: web.AppRunner | None = None
    try:
        checked = asyncio.ensure_future(check_tokens(runtime.bolt.client, settings.slack_app_token))
        if not await _until_stopped(checked, stop):
            return 0
        await welcome_back(runtime, checked.result())
        if not await _until_stopped(handler.connect_async(), stop):
            return 0
        await pump.start()
        # The one small web server of Socket Mode also carries calendar feeds and the dashboard.
        dashboard = dashboard_config(settings)
        health = await serve_health(
            runtime.core.engine,
            pump,
            settings.port,
            mount=lambda app: add_web_routes(app, runtime.core.core, runtime.clock, dashboard),
        )
        log.info("mentorbot connected to Slack (Socket Mode)")
        await stop.wait()
    finally:
        await pump.stop()
        if health is not None:
            await health.cleanup()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(5):
                await handler.close_async()
        await runtime.close()
    return 0


async def _until_stopped(work: Coroutine[Any, Any, Any] | asyncio.Future[Any], stop: asyncio.Event) -> bool:
    """Run `work` unless `stop` is set first (then cancel it); True when it finished."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        stopping.cancel()
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task
    return False
