"""Wiring of the Slack adapter: the core, SlackChat, the bolt app, and the two ways to run it.

`mentorbot run slack` is Socket Mode (one process, no public URL); `mentorbot serve slack` is HTTP
mode, stateless apart from the database, so several web processes can share one load balancer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.slack.chat import SlackChat, TokenSource, fixed_token, make_client
from adapters.slack.installation import SqlInstallationStore, SqlOAuthStateStore
from adapters.slack.listeners import Deps, register
from adapters.web.app import add_dashboard
from adapters.web.auth import DashboardConfig
from adapters.web.serve import dashboard_config
from bot.app import Application, build_app
from bot.clock import Clock, SystemClock
from bot.persistence.db import session_factory
from bot.scheduling.pump import RealTimePump
from bot.settings import Settings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# Keep in step with manifest.yml.
BOT_SCOPES = [
    "commands",
    "chat:write",
    "channels:join",
    "im:write",
    "mpim:write",
    "users:read",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
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
        )

    @property
    def oauth(self) -> bool:
        return bool(self.client_id and self.client_secret) and not self.socket_mode


@dataclass
class SlackRuntime:
    core: Application
    bolt: AsyncApp
    chat: SlackChat
    installations: SqlInstallationStore | None = None
    extra_cleanup: list[AsyncEngine] = field(default_factory=list)

    async def close(self) -> None:
        await self.core.close()


async def build_slack(
    config: SlackConfig, clock: Clock | None = None, *, engine: AsyncEngine | None = None
) -> SlackRuntime:
    """Build the whole Slack bot; migrates an empty database like every entry point."""
    clock = clock or SystemClock()
    client = make_client(config.api_url, None if config.oauth else config.bot_token)
    holder: list[TokenSource] = []

    async def tokens(team_id: str) -> str | None:
        return await holder[0](team_id)

    chat = SlackChat(client, tokens)
    core = await build_app(config.database_url, {"slack": chat}, clock, directory=chat, engine=engine)
    sessions = session_factory(core.engine)
    installations: SqlInstallationStore | None = None
    if config.oauth:
        assert config.client_id and config.client_secret
        installations = SqlInstallationStore(sessions, config.client_id, clock)
        holder.append(installations.bot_token)
        bolt = AsyncApp(
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
        if not config.bot_token:
            raise ValueError("SLACK_BOT_TOKEN is needed without SLACK_CLIENT_ID/SLACK_CLIENT_SECRET")
        holder.append(fixed_token(config.bot_token))
        bolt = AsyncApp(
            client=client,  # carries the bot token
            # Socket Mode frames are authenticated by the app-level token, not signed.
            signing_secret=config.signing_secret or ("" if config.socket_mode else None),
            request_verification_enabled=not config.socket_mode,
        )
    register(bolt, Deps(router=core.router, sessions=sessions, clock=clock))
    return SlackRuntime(core=core, bolt=bolt, chat=chat, installations=installations)


def web_app(runtime: SlackRuntime, dashboard: DashboardConfig | None = None) -> web.Application:
    """The HTTP face: Slack's one request URL, the OAuth routes when configured, a health check, and the
    program dashboard under /dashboard when `dashboard` is given (DASHBOARD_SECRET is set)."""
    bolt = runtime.bolt

    async def events(request: web.Request) -> web.Response:
        try:
            bolt_request = await to_bolt_request(request)
        except Exception:
            # Bolt cannot even read it (garbled JSON, odd types): log it and answer without crashing.
            log.warning("unreadable request to %s", request.path, exc_info=True)
            return web.Response(status=400, text="unreadable request\n")
        try:
            response = await bolt.async_dispatch(bolt_request)
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

    async def healthz(request: web.Request) -> web.Response:
        try:
            async with runtime.core.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            log.exception("health check: database unreachable")
            return web.Response(status=503, text="database unreachable\n")
        return web.Response(text="ok\n")

    app = web.Application()
    app.router.add_post(EVENTS_PATH, events)
    app.router.add_get("/healthz", healthz)
    if bolt.oauth_flow is not None:
        app.router.add_get(INSTALL_PATH, install)
        app.router.add_get(REDIRECT_PATH, install)
    if dashboard is not None:
        add_dashboard(app, runtime.core.core, dashboard)
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
    pump = RealTimePump(runtime.core.dispatcher)
    runtime.core.core.wakers.append(pump.poke)
    runner = web.AppRunner(web_app(runtime, dashboard_config(settings)))
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


async def run_socket_mode(settings: Settings, *, stop: asyncio.Event | None = None) -> int:
    """`mentorbot run slack`: Socket Mode, one process, no public URL needed."""
    assert settings.slack_app_token, "the CLI checks SLACK_APP_TOKEN"
    runtime = await build_slack(SlackConfig.from_settings(settings, socket_mode=True))
    pump = RealTimePump(runtime.core.dispatcher)
    runtime.core.core.wakers.append(pump.poke)
    handler = AsyncSocketModeHandler(runtime.bolt, settings.slack_app_token)
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    try:
        await handler.connect_async()
        await pump.start()
        log.info("mentorbot connected to Slack (Socket Mode)")
        await stop.wait()
    finally:
        await pump.stop()
        with contextlib.suppress(Exception):
            await handler.close_async()
        await runtime.close()
    return 0
