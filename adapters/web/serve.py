"""`mentorbot serve calendar|dashboard` (the web process alone, for Discord-only or console deployments),
`mentorbot dashboard` (a one-time sign-in link) and the dashboard's configuration from Settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.health import PATH as HEALTH_PATH
from adapters.health import health_handler
from adapters.web.app import add_dashboard
from adapters.web.auth import DashboardConfig
from adapters.web.calendar import add_calendar_routes
from bot.app import build_app
from bot.clock import Clock, SystemClock
from bot.insight import access
from bot.scheduling.pump import RealTimePump
from bot.services.unit import Core, UnitOfWork
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def public_base(settings: Settings) -> str:
    """Where people reach the web process: MENTORBOT_PUBLIC_URL (calendar feeds live there too), else
    this machine's loopback on $PORT."""
    return settings.public_url or f"http://127.0.0.1:{settings.port}"


def dashboard_config(settings: Settings) -> DashboardConfig | None:
    """The dashboard's configuration, or None when DASHBOARD_SECRET is not set (then it is not mounted)."""
    if not settings.dashboard_secret:
        return None
    return DashboardConfig(
        secret=settings.dashboard_secret,
        base_url=public_base(settings),
        slack_client_id=settings.slack_client_id,
        slack_client_secret=settings.slack_client_secret,
        discord_client_id=settings.discord_client_id,
        discord_client_secret=settings.discord_client_secret,
    )


def add_web_routes(app: web.Application, core: Core, clock: Clock, dashboard: DashboardConfig | None) -> None:
    """What every web face of mentorbot serves besides /healthz: calendar feeds, and the dashboard
    under /dashboard when configured. Used by `serve slack` (next to Slack's request URL), by Socket
    Mode's small server on $PORT, and by `serve dashboard|calendar`."""
    add_calendar_routes(app, core, clock)
    if dashboard is not None:
        add_dashboard(app, core, dashboard)


def web_process_app(
    core: Core,
    engine: AsyncEngine,
    clock: Clock,
    dashboard: DashboardConfig | None,
    pump: RealTimePump | None = None,
) -> web.Application:
    """The web process without a chat platform: /healthz (adapters.health) plus `add_web_routes`."""
    app = web.Application()
    app.router.add_get(HEALTH_PATH, health_handler(engine, pump))
    add_web_routes(app, core, clock, dashboard)
    return app


async def serve_web(
    settings: Settings,
    *,
    dashboard_required: bool = False,
    stop: asyncio.Event | None = None,
    host: str = "0.0.0.0",
    ready: asyncio.Event | None = None,
) -> int:
    """`mentorbot serve calendar` / `serve dashboard`: the web process alone on $PORT, for Discord-only or
    console deployments. It sends nothing itself: nudges are planned in the outbox and the bot's own
    process sends them. Raises SettingsError when `dashboard_required` and DASHBOARD_SECRET is unset."""
    config = dashboard_config(settings)
    if config is None and dashboard_required:
        raise SettingsError("missing setting: DASHBOARD_SECRET (a long random string that signs cookies)")
    clock = SystemClock()
    app = await build_app(settings.database_url, {}, clock, sweep_every=None)
    runner = web.AppRunner(web_process_app(app.core, app.engine, clock, config))
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await runner.setup()
        await web.TCPSite(runner, host, settings.port).start()
        log.info(
            "mentorbot web process on port %s (calendar feeds%s)",
            settings.port,
            ", /dashboard" if config else "",
        )
        if ready is not None:
            ready.set()
        await stop.wait()
    finally:
        await runner.cleanup()
        await app.close()
    return 0


async def one_time_link(settings: Settings, workspace: str | None) -> str:
    """A fresh one-time sign-in URL for a workspace (`platform:id`, an id or a name; optional when the
    database holds one workspace). Raises SettingsError naming the choices when it is ambiguous."""
    base = public_base(settings)
    app = await build_app(settings.database_url, {}, SystemClock())
    try:
        async with UnitOfWork(app.core) as uow:
            try:
                ws = await access.find_workspace(uow.session, workspace)
            except LookupError as exc:
                raise SettingsError(str(exc)) from exc
            token = await access.issue_token(uow.session, ws, uow.now)
    finally:
        await app.close()
    return f"{base.rstrip('/')}/dashboard/token?t={token}"
