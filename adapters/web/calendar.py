"""`GET /calendar/<token>.ics`: a person's private feed. Mounted in the Slack HTTP app, or in the web
process of `mentorbot serve calendar|dashboard` (adapters.web.serve; Discord and console deployments)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.calendar.feed import FailureLimiter, render_feed
from bot.calendar.ics import MIME
from bot.clock import Clock
from bot.services.unit import Core

log = logging.getLogger(__name__)

ROUTE = "/calendar/{token}.ics"


def client_of(request: web.Request, *, trust_forwarded: bool) -> str:
    """The client's address. Behind a proxy that sets it (`trust_forwarded`), the first address in
    X-Forwarded-For; never otherwise, or a guesser could pick a new address for every try."""
    if trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.remote or "unknown"


def add_calendar_routes(
    app: web.Application,
    core: Core,
    clock: Clock,
    limiter: FailureLimiter | None = None,
    *,
    trust_forwarded: bool = False,
) -> None:
    """Add the feed route to an aiohttp app. Unknown or revoked tokens answer 404; a client with too
    many of those within the limiter's window answers 429 with Retry-After, valid token or not.
    `trust_forwarded`: the app runs behind a proxy that sets X-Forwarded-For (count per forwarded
    address rather than per proxy)."""
    limits = limiter or FailureLimiter(clock)

    async def feed(request: web.Request) -> web.Response:
        client = client_of(request, trust_forwarded=trust_forwarded)
        wait = limits.retry_after(client)
        if wait is not None:
            return web.Response(
                status=429, text="too many failed attempts\n", headers={"Retry-After": str(int(wait))}
            )
        try:
            data = await render_feed(core, request.match_info["token"])
        except Exception:
            log.exception("rendering a calendar feed failed")
            return web.Response(status=503, text="try again later\n")
        if data is None:
            limits.failed(client)
            return web.Response(status=404, text="no such calendar\n")
        return web.Response(
            body=data,
            content_type=MIME,
            charset="utf-8",
            headers={
                "Cache-Control": "private, max-age=900",
                "Content-Disposition": 'inline; filename="mentorbot.ics"',
            },
        )

    app.router.add_get(ROUTE, feed)
