"""Signed cookies, CSRF tokens, and the two sign-in providers: Slack (OpenID Connect) and Discord (OAuth2).

A session cookie is `base64url(json).hmac-sha256`, HttpOnly, SameSite=Lax (the OAuth callback is a
top-level navigation back from the provider), Secure when the dashboard's URL is https. It names the
workspace and member; every request checks again that they may still see the program."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

SESSION_COOKIE = "mb_session"
STATE_COOKIE = "mb_oauth"
SESSION_SECONDS = 12 * 3600
# Discord permission bits that make someone a guild admin for the dashboard.
ADMINISTRATOR, MANAGE_GUILD = 0x8, 0x20


@dataclass(frozen=True)
class DashboardConfig:
    """`secret` signs cookies (DASHBOARD_SECRET); `base_url` is where people reach the dashboard
    (MENTORBOT_PUBLIC_URL, used for the redirect URLs and one-time links); providers are on when their
    client id and secret are set."""

    secret: str
    base_url: str = "http://127.0.0.1:8080"
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_url: str = "https://slack.com"
    discord_client_id: str | None = None
    discord_client_secret: str | None = None
    discord_url: str = "https://discord.com"

    @property
    def secure(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def slack(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def discord(self) -> bool:
        return bool(self.discord_client_id and self.discord_client_secret)

    def redirect_uri(self, provider: str) -> str:
        return f"{self.base_url.rstrip('/')}/dashboard/oauth/{provider}"


class Signer:
    def __init__(self, secret: str) -> None:
        self.key = hashlib.sha256(("mentorbot-dashboard:" + secret).encode()).digest()

    def _mac(self, data: bytes) -> str:
        return (
            base64.urlsafe_b64encode(hmac.new(self.key, data, hashlib.sha256).digest()).decode().rstrip("=")
        )

    def sign(self, value: dict[str, Any]) -> str:
        body = (
            base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode().rstrip("=")
        )
        return f"{body}.{self._mac(body.encode())}"

    def unsign(self, token: str | None) -> dict[str, Any] | None:
        """The value, or None when the token is missing, malformed or forged."""
        if not token or "." not in token:
            return None
        body, mac = token.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(body.encode())):
            return None
        try:
            value = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def csrf(self, nonce: str) -> str:
        return self._mac(("csrf:" + nonce).encode())


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class Identity:
    """Who a provider says signed in: the platform, the workspace (team/guild) and user ids, a name, and
    whether the provider itself says they administer it (None: it does not say)."""

    platform: str
    workspace_id: str
    user_id: str
    name: str
    is_admin: bool | None


class SignInError(Exception):
    """The provider refused or answered something unexpected; the message is safe to show."""


def slack_authorize_url(cfg: DashboardConfig, state: str, nonce: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "scope": "openid profile",
            "client_id": cfg.slack_client_id,
            "state": state,
            "nonce": nonce,
            "redirect_uri": cfg.redirect_uri("slack"),
        }
    )
    return f"{cfg.slack_url}/openid/connect/authorize?{query}"


async def slack_identity(cfg: DashboardConfig, http: aiohttp.ClientSession, code: str) -> Identity:
    """Exchange the code (openid.connect.token) and read the user (openid.connect.userInfo)."""
    async with http.post(
        f"{cfg.slack_url}/api/openid.connect.token",
        data={
            "client_id": cfg.slack_client_id or "",
            "client_secret": cfg.slack_client_secret or "",
            "code": code,
            "redirect_uri": cfg.redirect_uri("slack"),
        },
    ) as resp:
        token = await resp.json(content_type=None)
    if not token.get("ok") or not token.get("access_token"):
        raise SignInError(f"Slack refused the sign-in ({token.get('error', 'no token')}).")
    async with http.post(
        f"{cfg.slack_url}/api/openid.connect.userInfo",
        headers={"Authorization": f"Bearer {token['access_token']}"},
    ) as resp:
        info = await resp.json(content_type=None)
    team = info.get("https://slack.com/team_id")
    user = info.get("https://slack.com/user_id") or info.get("sub")
    if not info.get("ok") or not team or not user:
        raise SignInError("Slack did not say who you are.")
    return Identity("slack", str(team), str(user), str(info.get("name") or user), None)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def discord_authorize_url(cfg: DashboardConfig, state: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "scope": "identify guilds",
            "client_id": cfg.discord_client_id,
            "state": state,
            "redirect_uri": cfg.redirect_uri("discord"),
            "prompt": "none",
        }
    )
    return f"{cfg.discord_url}/oauth2/authorize?{query}"


async def discord_identities(cfg: DashboardConfig, http: aiohttp.ClientSession, code: str) -> list[Identity]:
    """Exchange the code, then read the user and their guilds: one identity per guild, admin when they
    hold Administrator or Manage Server there."""
    async with http.post(
        f"{cfg.discord_url}/api/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": cfg.redirect_uri("discord"),
        },
        headers={"Authorization": _basic(cfg.discord_client_id or "", cfg.discord_client_secret or "")},
    ) as resp:
        token = await resp.json(content_type=None)
    access = token.get("access_token") if isinstance(token, dict) else None
    if not access:
        raise SignInError(f"Discord refused the sign-in ({token.get('error', 'no token')}).")
    headers = {"Authorization": f"Bearer {access}"}
    async with http.get(f"{cfg.discord_url}/api/users/@me", headers=headers) as resp:
        me = await resp.json(content_type=None)
    async with http.get(f"{cfg.discord_url}/api/users/@me/guilds", headers=headers) as resp:
        guilds = await resp.json(content_type=None)
    if not isinstance(me, dict) or "id" not in me or not isinstance(guilds, list):
        raise SignInError("Discord did not say who you are.")
    name = str(me.get("global_name") or me.get("username") or me["id"])
    out = []
    for g in guilds:
        perms = int(g.get("permissions", 0))
        admin = bool(g.get("owner")) or bool(perms & (ADMINISTRATOR | MANAGE_GUILD))
        out.append(Identity("discord", str(g["id"]), str(me["id"]), name, admin))
    return out
