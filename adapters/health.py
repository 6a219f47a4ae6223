"""`GET /healthz` for a PaaS to restart a stuck process: the database answers, and the dispatcher has
run successfully lately. Served by `mentorbot serve slack` on its web port and, in Socket Mode (which
has no web server of its own), by a small one on $PORT."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.scheduling.pump import RealTimePump

log = logging.getLogger(__name__)
PATH = "/healthz"


def health_handler(
    engine: AsyncEngine, pump: RealTimePump | None
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """200 with a JSON report when healthy, 503 with the same report when not.

    {"status": "ok" | "unhealthy", "database": "ok" | "unreachable",
     "dispatcher": {"last_success": ISO 8601 UTC or null, "seconds_ago": float or null, "stuck": bool}}"""

    async def healthz(request: web.Request) -> web.Response:
        database = "ok"
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            log.warning("health check: database unreachable", exc_info=True)
            database = "unreachable"
        now = datetime.now(UTC)
        last = pump.last_success if pump is not None else None
        stuck = pump.stuck(now) if pump is not None else False
        report = {
            "status": "ok" if database == "ok" and not stuck else "unhealthy",
            "database": database,
            "dispatcher": {
                "last_success": last.isoformat() if last else None,
                "seconds_ago": round((now - last).total_seconds(), 3) if last else None,
                "stuck": stuck,
            },
        }
        return web.json_response(report, status=200 if report["status"] == "ok" else 503)

    return healthz


async def serve_health(
    engine: AsyncEngine,
    pump: RealTimePump | None,
    port: int,
    host: str = "0.0.0.0",
    mount: Callable[[web.Application], None] | None = None,
) -> web.AppRunner | None:
    """A web server with /healthz, and whatever `mount` adds to it (Socket Mode: calendar feeds and the
    dashboard); None (and a warning) when the port is taken."""
    app = web.Application()
    app.router.add_get(PATH, health_handler(engine, pump))
    if mount is not None:
        mount(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        log.warning("no health endpoint: port %s is not free (%s)", port, exc)
        await runner.cleanup()
        return None
    log.info("health check on port %s%s", port, PATH)
    return runner
