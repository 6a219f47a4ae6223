"""In-process fakes of Slack's OpenID Connect and Discord's OAuth2 endpoints, over real HTTP on loopback.

The authorize pages approve at once as the person set in `slack_user` / `discord_user` and redirect back
with a code, like the real ones after the person clicks "Allow"; the token and user endpoints check the
client credentials, the code and the redirect URL."""

from __future__ import annotations

import base64
import secrets
import socket
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

CLIENT_ID, CLIENT_SECRET = "client-1", "secret-1"


@dataclass
class FakeOAuth:
    slack_user: tuple[str, str, str] = ("T1", "admin", "Admin")  # team, user, name
    discord_user: tuple[str, str] = ("D1", "Dee")
    # guild id → permissions bitfield as Discord sends it (a string)
    discord_guilds: dict[str, str] = field(default_factory=dict)
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (provider, redirect_uri)
    tokens: dict[str, str] = field(default_factory=dict)  # access token → provider
    calls: list[str] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/openid/connect/authorize", self.slack_authorize)
        app.router.add_post("/api/openid.connect.token", self.slack_token)
        app.router.add_post("/api/openid.connect.userInfo", self.slack_userinfo)
        app.router.add_get("/oauth2/authorize", self.discord_authorize)
        app.router.add_post("/api/oauth2/token", self.discord_token)
        app.router.add_get("/api/users/@me", self.discord_me)
        app.router.add_get("/api/users/@me/guilds", self.discord_guilds_route)
        return app

    def _authorize(self, request: web.Request, provider: str, scopes: set[str]) -> web.Response:
        q = request.query
        assert q["client_id"] == CLIENT_ID and q["response_type"] == "code"
        assert set(q["scope"].split()) == scopes, q["scope"]
        code = secrets.token_hex(8)
        self.codes[code] = (provider, q["redirect_uri"])
        self.calls.append(f"{provider}:authorize")
        raise web.HTTPFound(f"{q['redirect_uri']}?code={code}&state={q['state']}")

    async def slack_authorize(self, request: web.Request) -> web.Response:
        assert request.query.get("nonce")
        return self._authorize(request, "slack", {"openid", "profile"})

    async def discord_authorize(self, request: web.Request) -> web.Response:
        return self._authorize(request, "discord", {"identify", "guilds"})

    def _token(self, provider: str, code: str, redirect_uri: str) -> web.Response:
        expected = self.codes.pop(code, None)
        if expected != (provider, redirect_uri):
            return web.json_response(
                {"ok": False, "error": "invalid_code"}, status=400 if provider == "discord" else 200
            )
        token = secrets.token_hex(8)
        self.tokens[token] = provider
        self.calls.append(f"{provider}:token")
        return web.json_response({"ok": True, "access_token": token, "token_type": "Bearer"})

    async def slack_token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return web.json_response({"ok": False, "error": "invalid_client"})
        return self._token("slack", str(form.get("code")), str(form.get("redirect_uri")))

    async def discord_token(self, request: web.Request) -> web.Response:
        form = await request.post()
        auth = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if auth != expected or form.get("grant_type") != "authorization_code":
            return web.json_response({"error": "invalid_client"}, status=401)
        return self._token("discord", str(form.get("code")), str(form.get("redirect_uri")))

    def _bearer(self, request: web.Request, provider: str) -> bool:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return self.tokens.get(token) == provider

    async def slack_userinfo(self, request: web.Request) -> web.Response:
        if not self._bearer(request, "slack"):
            return web.json_response({"ok": False, "error": "invalid_auth"})
        team, user, name = self.slack_user
        body: dict[str, Any] = {
            "ok": True,
            "sub": user,
            "https://slack.com/user_id": user,
            "https://slack.com/team_id": team,
            "name": name,
        }
        return web.json_response(body)

    async def discord_me(self, request: web.Request) -> web.Response:
        if not self._bearer(request, "discord"):
            return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        uid, name = self.discord_user
        return web.json_response({"id": uid, "username": name.lower(), "global_name": name})

    async def discord_guilds_route(self, request: web.Request) -> web.Response:
        if not self._bearer(request, "discord"):
            return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        return web.json_response(
            [
                {"id": gid, "name": f"guild {gid}", "owner": False, "permissions": perms}
                for gid, perms in self.discord_guilds.items()
            ]
        )


def loopback_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


async def serve(app: web.Application, sock: socket.socket) -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    return runner
