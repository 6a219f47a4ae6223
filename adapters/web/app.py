"""The dashboard's routes, under /dashboard: sign-in (Slack OpenID Connect, Discord OAuth2, one-time
token), the program page, a pair's page with "nudge both", and CSV downloads.

Mounted into `mentorbot serve slack`'s aiohttp app and into the web process of `mentorbot serve
dashboard` (adapters.web.serve). Every page is scoped to the signed-in workspace: another workspace's ids
answer 404."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from adapters.web import pages
from adapters.web.auth import (
    SESSION_COOKIE,
    SESSION_SECONDS,
    STATE_COOKIE,
    DashboardConfig,
    Identity,
    Signer,
    SignInError,
    discord_authorize_url,
    discord_identities,
    new_nonce,
    slack_authorize_url,
    slack_identity,
)
from bot.domain.errors import UserError
from bot.insight import access
from bot.insight.export import FILES, export_tables, to_csv
from bot.insight.nudge import nudge_both
from bot.insight.queries import pair_summary, workspace_health
from bot.insight.wording import PAGE
from bot.services.unit import Core

log = logging.getLogger(__name__)
CORE: web.AppKey[Core] = web.AppKey("insight_core", Core)
CONFIG: web.AppKey[DashboardConfig] = web.AppKey("insight_config", DashboardConfig)
SIGNER: web.AppKey[Signer] = web.AppKey("insight_signer", Signer)
HTML = "text/html"


def _html(body: str, status: int = 200) -> web.Response:
    resp = web.Response(text=body, status=status, content_type=HTML)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'"
    )
    resp.headers["Referrer-Policy"] = "same-origin"
    return resp


def _session(request: web.Request) -> dict[str, Any] | None:
    value = request.app[SIGNER].unsign(request.cookies.get(SESSION_COOKIE))
    if value is None or not isinstance(value.get("w"), int) or float(value.get("exp", 0)) < time.time():
        return None
    return value


def _set_session(request: web.Request, resp: web.StreamResponse, viewer: access.Viewer) -> None:
    value = {
        "w": viewer.workspace_id,
        "m": viewer.member_id,
        "n": new_nonce(),
        "exp": time.time() + SESSION_SECONDS,
    }
    resp.set_cookie(
        SESSION_COOKIE,
        request.app[SIGNER].sign(value),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=request.app[CONFIG].secure,
        path="/dashboard",
    )


async def _viewer(request: web.Request) -> tuple[access.Viewer, str] | None:
    """The signed-in viewer and their CSRF token, when the cookie is valid and they may still see it."""
    value = _session(request)
    if value is None:
        return None
    member = value.get("m")
    viewer = access.Viewer(int(value["w"]), int(member) if member is not None else None)
    async with request.app[CORE].sessions() as s:
        if not await access.still_allowed(s, viewer):
            return None
    return viewer, request.app[SIGNER].csrf(str(value.get("n", "")))


def _signin(request: web.Request, message: str | None = None, status: int = 200) -> web.Response:
    cfg = request.app[CONFIG]
    resp = _html(pages.signin_page(slack=cfg.slack, discord=cfg.discord, message=message), status)
    if message is not None or SESSION_COOKIE in request.cookies:
        resp.del_cookie(SESSION_COOKIE, path="/dashboard")
    return resp


async def _check_csrf(request: web.Request, csrf: str) -> dict[str, Any]:
    form = dict(await request.post())
    origin = request.headers.get("Origin")
    allowed = {request.app[CONFIG].base_url.rstrip("/"), f"{request.scheme}://{request.host}"}
    if origin and origin != "null" and origin.rstrip("/") not in allowed:
        raise web.HTTPForbidden(text="cross-site form")
    if str(form.get("csrf", "")) != csrf:
        raise web.HTTPForbidden(text="missing or stale form token; reload the page")
    return form


# ---- pages ------------------------------------------------------------------------------------------


async def program(request: web.Request) -> web.Response:
    signed = await _viewer(request)
    if signed is None:
        return _signin(request)
    viewer, csrf = signed
    period = request.query.get("period", "week")
    if period not in ("week", "month"):
        period = "week"
    core = request.app[CORE]
    async with core.sessions() as s:
        health = await workspace_health(s, viewer.workspace_id, core.clock.now(), period)
    return _html(pages.program_page(health, csrf, _flash(request)))


async def pair(request: web.Request) -> web.Response:
    signed = await _viewer(request)
    if signed is None:
        return _signin(request)
    viewer, csrf = signed
    core = request.app[CORE]
    ident = _row_id(request.match_info["id"])
    if ident is None:
        return _html(pages.not_found_page(), 404)
    async with core.sessions() as s:
        summary = await pair_summary(s, viewer.workspace_id, ident, core.clock.now())
    if summary is None:
        return _html(pages.not_found_page(), 404)
    return _html(pages.pair_page(summary, csrf, _flash(request)))


async def nudge(request: web.Request) -> web.Response:
    signed = await _viewer(request)
    if signed is None:
        return _signin(request, status=401)
    viewer, csrf = signed
    form = await _check_csrf(request, csrf)
    ident = _row_id(request.match_info["id"])
    if ident is None:
        return _html(pages.not_found_page(), 404)
    core = request.app[CORE]
    try:
        async with core.unit() as uow:
            result = await nudge_both(uow, viewer, ident)
        message = result.message
    except UserError as exc:
        if "no such mentorship" in exc.message.lower():
            return _html(pages.not_found_page(), 404)
        message = exc.message
    target = f"/dashboard/pairs/{ident}" if form.get("back") == "pair" else "/dashboard"
    # Signed, so a link someone else made cannot put words in the page's mouth.
    raise web.HTTPSeeOther(f"{target}?{_query({'msg': request.app[SIGNER].sign({'m': message})})}")


def _flash(request: web.Request) -> str | None:
    """The outcome the last form post redirected with; None when missing or not signed by us."""
    value = request.app[SIGNER].unsign(request.query.get("msg"))
    text = value.get("m") if value else None
    return text if isinstance(text, str) else None


def _row_id(raw: str) -> int | None:
    """A row id from a URL: digits within a BIGINT, else None (a 404, not a database error)."""
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None


def _query(values: dict[str, str]) -> str:
    return urlencode(values)


async def export(request: web.Request) -> web.StreamResponse:
    signed = await _viewer(request)
    if signed is None:
        return _signin(request, status=401)
    viewer, _ = signed
    name = request.match_info["name"]
    if name not in FILES:
        return _html(pages.not_found_page(), 404)
    async with request.app[CORE].sessions() as s:
        tables = await export_tables(s, viewer.workspace_id)
    resp = web.Response(text=to_csv(tables[name]), content_type="text/csv", charset="utf-8")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


async def signout(request: web.Request) -> web.Response:
    signed = await _viewer(request)
    if signed is not None:
        await _check_csrf(request, signed[1])
    resp = web.HTTPSeeOther("/dashboard")
    resp.del_cookie(SESSION_COOKIE, path="/dashboard")
    raise resp


# ---- sign-in ----------------------------------------------------------------------------------------


async def token_signin(request: web.Request) -> web.Response:
    token = request.query.get("t", "")
    async with request.app[CORE].unit() as uow:
        viewer = await access.redeem_token(uow.session, token, uow.now) if token else None
    if viewer is None:
        return _signin(request, PAGE["token_bad"], 403)
    resp = web.HTTPSeeOther("/dashboard")
    _set_session(request, resp, viewer)
    raise resp


def _start(request: web.Request, provider: str) -> web.Response:
    cfg = request.app[CONFIG]
    state, nonce = new_nonce(), new_nonce()
    url = slack_authorize_url(cfg, state, nonce) if provider == "slack" else discord_authorize_url(cfg, state)
    resp = web.HTTPFound(url)
    resp.set_cookie(
        STATE_COOKIE,
        request.app[SIGNER].sign({"s": state, "p": provider, "exp": time.time() + 600}),
        max_age=600,
        httponly=True,
        samesite="Lax",
        secure=cfg.secure,
        path="/dashboard",
    )
    raise resp


async def signin_slack(request: web.Request) -> web.Response:
    if not request.app[CONFIG].slack:
        return _html(pages.not_found_page(), 404)
    return _start(request, "slack")


async def signin_discord(request: web.Request) -> web.Response:
    if not request.app[CONFIG].discord:
        return _html(pages.not_found_page(), 404)
    return _start(request, "discord")


async def callback(request: web.Request) -> web.Response:
    provider = request.match_info["provider"]
    cfg = request.app[CONFIG]
    if provider not in ("slack", "discord") or not getattr(cfg, provider):
        return _html(pages.not_found_page(), 404)
    expected = request.app[SIGNER].unsign(request.cookies.get(STATE_COOKIE))
    state, code = request.query.get("state", ""), request.query.get("code", "")
    if (
        expected is None
        or expected.get("p") != provider
        or float(expected.get("exp", 0)) < time.time()
        or not state
        or state != expected.get("s")
        or not code
    ):
        return _signin(request, PAGE["state_bad"], 400)
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
            if provider == "slack":
                identities: list[Identity] = [await slack_identity(cfg, http, code)]
            else:
                identities = await discord_identities(cfg, http, code)
    except SignInError as exc:
        return _signin(request, str(exc), 403)
    except (aiohttp.ClientError, TimeoutError, ValueError):
        log.exception("sign-in provider unreachable")
        return _signin(request, PAGE["state_bad"], 502)
    viewer = None
    async with request.app[CORE].unit() as uow:
        for who in sorted(identities, key=lambda i: (not i.is_admin, i.workspace_id)):
            viewer = await access.sign_in(
                uow, who.platform, who.workspace_id, who.user_id, who.name, who.is_admin
            )
            if viewer is not None:
                break
    if viewer is None:
        return _signin(request, PAGE["denied"], 403)
    resp = web.HTTPSeeOther("/dashboard")
    resp.del_cookie(STATE_COOKIE, path="/dashboard")
    _set_session(request, resp, viewer)
    raise resp


def add_dashboard(app: web.Application, core: Core, config: DashboardConfig) -> None:
    """Mount the dashboard's routes (all under /dashboard) onto an aiohttp application."""
    app[CORE] = core
    app[CONFIG] = config
    app[SIGNER] = Signer(config.secret)
    app.router.add_get("/dashboard", program)
    app.router.add_get("/dashboard/pairs/{id}", pair)
    app.router.add_post("/dashboard/pairs/{id}/nudge", nudge)
    app.router.add_get("/dashboard/export/{name}.csv", export)
    app.router.add_post("/dashboard/signout", signout)
    app.router.add_get("/dashboard/token", token_signin)
    app.router.add_get("/dashboard/signin/slack", signin_slack)
    app.router.add_get("/dashboard/signin/discord", signin_discord)
    app.router.add_get("/dashboard/oauth/{provider}", callback)
