"""An in-process fake of Discord's REST API on 127.0.0.1: records every request and answers like Discord
(message objects, threads, DM channels, nonce dedupe, error codes) so discord.py parses the answers."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from tests.discord import payloads as pl
from tests.discord.payloads import BOT_USER, GUILD, Person


@dataclass
class Recorded:
    method: str
    path: str  # after /api/v10
    query: dict[str, str]
    body: Any
    # multipart/form-data uploads: (filename, bytes) per `files[n]` part; `body` is their payload_json.
    files: list[tuple[str, bytes]] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"{self.method} {self.path}"


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class FakeDiscord:
    people: dict[int, Person]
    requests: list[Recorded] = field(default_factory=list)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    thread_members: dict[str, set[str]] = field(default_factory=dict)
    reactions: list[tuple[str, str, str]] = field(default_factory=list)
    interaction_responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Failure switches, as Discord would answer them.
    dms_closed: set[str] = field(default_factory=set)
    gone_members: set[str] = field(default_factory=set)
    deleted_channels: set[str] = field(default_factory=set)
    no_permission: set[str] = field(default_factory=set)
    no_threads: set[str] = field(default_factory=set)  # channels where starting a thread is refused
    threads_unavailable: int = 0  # how many thread starts answer 503 before one succeeds
    reject_token: bool = False
    on_thread_created: Callable[[dict[str, Any]], None] | None = None
    unhandled: list[Recorded] = field(default_factory=list)
    # Files sent with a message, by message id.
    files: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)
    _uploading: list[tuple[str, bytes]] = field(default_factory=list)
    _nonces: dict[tuple[str, str], str] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    base: str = ""

    async def start(self) -> None:
        for cid, name in ((pl.CHANNEL, "mentorships"), (pl.GENERAL, "general"), (pl.HELP, "help")):
            self.channels[str(cid)] = pl.text_channel(cid, name)
        app = web.Application()
        app.router.add_route("*", "/api/v10/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}/api/v10"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- queries for tests ----------------------------------------------------------------------

    def posts(self) -> list[dict[str, Any]]:
        """Every message the bot created, in order (channel messages, DMs, interaction replies)."""
        return [m for m in self.messages.values() if m["author"]["id"] == str(pl.BOT)]

    def in_channel(self, channel_id: str) -> list[dict[str, Any]]:
        return [m for m in self.posts() if m["channel_id"] == channel_id]

    def dm_channel_of(self, user_id: int) -> str | None:
        for c in self.channels.values():
            if c["type"] == 1 and c["recipients"][0]["id"] == str(user_id):
                return str(c["id"])
        return None

    def dms(self, user_id: int) -> list[dict[str, Any]]:
        channel = self.dm_channel_of(user_id)
        return self.in_channel(channel) if channel else []

    def threads(self) -> list[dict[str, Any]]:
        """The private threads (mentorship homes)."""
        return [c for c in self.channels.values() if c["type"] == 12]

    def public_threads(self) -> list[dict[str, Any]]:
        return [c for c in self.channels.values() if c["type"] == 11]

    # ---- the server -----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        files: list[tuple[str, bytes]] = []
        if request.content_type == "multipart/form-data":
            body = None
            async for part in await request.multipart():
                assert isinstance(part, BodyPartReader)
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    files.append((part.filename or "", bytes(await part.read())))
        else:
            raw = await request.read()
            body = json.loads(raw) if raw and request.content_type == "application/json" else None
        path = "/" + request.match_info["tail"]
        rec = Recorded(request.method, path, dict(request.query), body, files)
        self.requests.append(rec)
        await asyncio.sleep(0)
        self._uploading = files
        try:
            result = self._route(rec)
        except ApiError as exc:
            return _json({"code": exc.code, "message": exc.message}, exc.status)
        if result is None:
            return web.Response(status=204)
        return _json(result, 200)

    def _route(self, r: Recorded) -> Any:
        m, p = r.method, r.path
        if (m, p) == ("GET", "/users/@me"):
            if self.reject_token:
                raise ApiError(401, 0, "401: Unauthorized")
            return {**BOT_USER.user(), "verified": True, "mfa_enabled": False, "flags": 0}
        if (m, p) == ("GET", "/oauth2/applications/@me"):
            return self._app_info()
        if m == "PUT" and re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", p):
            return [
                {
                    **c,
                    "id": pl.snowflake(),
                    "application_id": str(pl.APP),
                    "version": pl.snowflake(),
                    "type": c.get("type", 1),
                }
                for c in r.body
            ]
        if match := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", p):
            return self._callback(match[1], match[2], r.body)
        if match := re.fullmatch(r"/webhooks/\d+/([^/]+)", p):
            return self._followup(match[1], r.body)
        if match := re.fullmatch(r"/webhooks/\d+/([^/]+)/messages/@original", p):
            return self._followup(match[1], r.body or {})
        if (m, p) == ("POST", "/users/@me/channels"):
            return self._dm(r.body["recipient_id"])
        if m == "POST" and (match := re.fullmatch(r"/channels/(\d+)/messages", p)):
            return self._create_message(match[1], r.body)
        if m == "PATCH" and (match := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", p)):
            self._channel(match[1])
            msg = self.messages.get(match[2])
            if msg is None or msg["channel_id"] != match[1]:
                raise ApiError(404, 10008, "Unknown Message")
            msg.update({k: r.body[k] for k in ("content", "embeds", "components") if k in r.body})
            msg["edited_timestamp"] = pl.TIMESTAMP
            return msg
        if m == "PUT" and (match := re.fullmatch(r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)/@me", p)):
            self.reactions.append((match[1], match[2], match[3]))
            return None
        if m == "POST" and (match := re.fullmatch(r"/channels/(\d+)/messages/(\d+)/threads", p)):
            return self._thread_from_message(match[1], match[2], r.body)
        if m == "POST" and (match := re.fullmatch(r"/channels/(\d+)/threads", p)):
            return self._create_thread(match[1], r.body)
        if m == "PUT" and (match := re.fullmatch(r"/channels/(\d+)/thread-members/(\d+)", p)):
            self._channel(match[1])
            if match[2] in self.gone_members:
                raise ApiError(404, 10007, "Unknown Member")
            self.thread_members.setdefault(match[1], set()).add(match[2])
            return None
        if m == "GET" and (match := re.fullmatch(r"/channels/(\d+)/messages", p)):
            self._channel(match[1])
            newest_first = [msg for msg in reversed(self.messages.values()) if msg["channel_id"] == match[1]]
            return newest_first[: int(r.query.get("limit", 50))]
        if m == "GET" and (match := re.fullmatch(r"/channels/(\d+)", p)):
            return self._channel(match[1])
        if m == "GET" and (match := re.fullmatch(r"/guilds/(\d+)/members/(\d+)", p)):
            person = self.people.get(int(match[2]))
            if person is None or match[2] in self.gone_members:
                raise ApiError(404, 10007, "Unknown Member")
            return person.member()
        self.unhandled.append(r)
        raise ApiError(404, 0, f"fake Discord does not know {m} {p}")

    def _app_info(self) -> dict[str, Any]:
        return {
            "id": str(pl.APP),
            "name": "mentorbot",
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "00",
            "owner": self.people[min(self.people)].user(),
            "flags": 0,
            "rpc_origins": [],
            "team": None,
            "bot": BOT_USER.user(),
            "interactions_endpoint_url": None,
            "redirect_uris": [],
        }

    def _channel(self, channel_id: str) -> dict[str, Any]:
        if channel_id in self.deleted_channels or channel_id not in self.channels:
            raise ApiError(404, 10003, "Unknown Channel")
        return self.channels[channel_id]

    def _dm(self, user_id: str) -> dict[str, Any]:
        existing = self.dm_channel_of(int(user_id))
        if existing:
            return self.channels[existing]
        person = self.people.get(int(user_id))
        if person is None:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        channel = pl.dm_channel(int(pl.snowflake()), person)
        self.channels[channel["id"]] = channel
        return channel

    def _create_thread(self, parent_id: str, body: dict[str, Any]) -> dict[str, Any]:
        self._channel(parent_id)
        if parent_id in self.no_permission:
            raise ApiError(403, 50013, "Missing Permissions")
        thread = pl.thread_channel(int(pl.snowflake()), int(parent_id), body["name"])
        self.channels[thread["id"]] = thread
        self.thread_members[thread["id"]] = {str(pl.BOT)}
        if self.on_thread_created:
            self.on_thread_created(thread)
        return thread

    def _thread_from_message(self, parent_id: str, message_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A public thread started from a message: Discord gives it the message's id."""
        self._channel(parent_id)
        if parent_id in self.no_threads:
            raise ApiError(403, 50013, "Missing Permissions")
        if self.threads_unavailable > 0:
            self.threads_unavailable -= 1
            raise ApiError(503, 0, "Service Unavailable")
        msg = self.messages.get(message_id)
        if msg is None or msg["channel_id"] != parent_id:
            raise ApiError(404, 10008, "Unknown Message")
        if message_id in self.channels:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        thread = pl.thread_channel(int(message_id), int(parent_id), body["name"], public=True)
        self.channels[thread["id"]] = thread
        self.thread_members[thread["id"]] = {str(pl.BOT)}
        msg["thread"] = thread
        if self.on_thread_created:
            self.on_thread_created(thread)
        return thread

    def _store(
        self,
        channel_id: str,
        body: dict[str, Any],
        *,
        ephemeral: bool = False,
        reference: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        guild = self.channels.get(channel_id, {}).get("type") != 1
        msg = pl.message(
            pl.snowflake(),
            channel_id,
            BOT_USER,
            body.get("content") or "",
            guild=guild,
            embeds=body.get("embeds"),
            components=body.get("components"),
            nonce=body.get("nonce"),
            reference=reference,
            referenced=self.messages.get(reference["message_id"]) if reference else None,
        )
        msg["flags"] = 64 if ephemeral else 0
        if self._uploading:
            self.files[msg["id"]] = self._uploading
            msg["attachments"] = [
                {
                    "id": pl.snowflake(),
                    "filename": name,
                    "size": len(data),
                    "url": f"https://cdn.example/{name}",
                    "proxy_url": f"https://cdn.example/{name}",
                }
                for name, data in self._uploading
            ]
            self._uploading = []
        self.messages[msg["id"]] = msg
        return msg

    def _create_message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(channel_id)
        if channel_id in self.no_permission:
            raise ApiError(403, 50013, "Missing Permissions")
        if channel["type"] == 1 and channel["recipients"][0]["id"] in self.dms_closed:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce") and (channel_id, nonce) in self._nonces:
            # Discord answers a repeated nonce (within minutes) with the message it already created.
            return self.messages[self._nonces[(channel_id, nonce)]]
        ref = body.get("message_reference")
        reference = None
        if ref:
            reference = {
                "message_id": str(ref["message_id"]),
                "channel_id": channel_id,
                "guild_id": str(GUILD),
            }
            if reference["message_id"] not in self.messages and ref.get("fail_if_not_exists", True):
                raise ApiError(400, 50035, "Invalid Form Body: Unknown message")
        msg = self._store(channel_id, body, reference=reference)
        if nonce:
            self._nonces[(channel_id, nonce)] = msg["id"]
        return msg

    def _callback(self, interaction_id: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
        kind = body["type"]
        self.interaction_responses.setdefault(token, []).append(body)
        out: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool((body.get("data") or {}).get("flags", 0) & 64),
            }
        }
        if kind in (4, 5):
            msg = self._store(str(pl.GENERAL), body.get("data") or {}, ephemeral=True)
            msg["interaction_token"] = token
            out["interaction"]["response_message_id"] = msg["id"]
            out["resource"] = {
                "type": kind,
                "message": {k: v for k, v in msg.items() if k != "interaction_token"},
            }
        elif kind in (8, 9):
            out["resource"] = {"type": kind}
        return out

    def _followup(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        self.interaction_responses.setdefault(token, []).append({"type": "followup", "data": body})
        msg = self._store(str(pl.GENERAL), body, ephemeral=bool(body.get("flags", 0) & 64))
        return msg


def _json(data: Any, status: int) -> web.Response:
    # Exactly "application/json", as Discord sends it: discord.py compares the header verbatim.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )
