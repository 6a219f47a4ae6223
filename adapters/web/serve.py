"""`mentorbot serve dashboard` (the dashboard alone, for Discord-only or console deployments),
`mentorbot dashboard` (a one-time sign-in link) and the dashboard's configuration from Settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from aiohttp import web

from adapters.web.app import dashboard_app
from adapters.web.auth import DashboardConfig
from bot.app import build_app
from bot.clock import SystemClock
from bot.insight import access
from bot.services.unit import UnitOfWork
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)


def dashboard_config(settings: Settings) -> DashboardConfig | None:
    """The dashboard's configuration, or None when DASHBOARD_SECRET is not set (then it is not mounted)."""
    if not settings.dashboard_secret:
        return None
    return DashboardConfig(
        secret=settings.dashboard_secret,
        base_url=settings.dashboard_url or f"http://127.0.0.1:{settings.port}",
        slack_client_id=settings.slack_client_id,
        slack_client_secret=settings.slack_client_secret,
        discord_client_id=settings.discord_client_id,
        discord_client_secret=settings.discord_client_secret,
    )


async def serve_dashboard(
    settings: Settings, *, stop: asyncio.Event | None = None, host: str = "0.0.0.0"
) -> int:
    """Serve /dashboard on $PORT. Nudges are planned in the outbox; the bot's own process sends them."""
    config = dashboard_config(settings)
    if config is None:
        raise SettingsError("missing setting: DASHBOARD_SECRET (a long random string that signs cookies)")
    app = await build_app(settings.database_url, {}, SystemClock())
    runner = web.AppRunner(dashboard_app(app.core, config))
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await runner.setup()
        await web.TCPSite(runner, host, settings.port).start()
        log.info("mentorbot dashboard on %s/dashboard", config.base_url)
        await stop.wait()
    finally:
        await runner.cleanup()
        await app.close()
    return 0


async def one_time_link(settings: Settings, workspace: str | None) -> str:
    """A fresh one-time sign-in URL for a workspace (`platform:id`, an id or a name; optional when the
    database holds one workspace). Raises SettingsError naming the choices when it is ambiguous."""
    base = settings.dashboard_url or f"http://127.0.0.1:{settings.port}"
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
