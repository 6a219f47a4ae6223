"""An in-process, Slack-compatible Web API on 127.0.0.1: records every call and answers like Slack
(ok/error bodies, 429 with Retry-After on demand). Also serves response_urls."""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

JSON_FIELDS = ("blocks", "view", "metadata", "attachments")
TEAM = "T0001"
BOT_USER = "UBOT"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class Failure:
    error: str
    status: int = 200
    retry_after: int | None = None


@dataclass
class Posted:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None
    metadata: dict[str, Any] | None


@dataclass
class Upload:
    file_id: str
    filename: str
    length: int
    content: bytes = b""
    channel: str | None = None
    thread_ts: str | None = None


@dataclass
class FakeSlack:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)  # bodies posted to response_urls
    posted: list[Posted] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    url: str = ""
    responded: asyncio.Event = field(default_factory=asyncio.Event)
    # Socket Mode: the open connection, and the frames (acks) the app sent back on it.
    socket: web.WebSocketResponse | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    frames: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    # Channels the bot is not in: public ones it may join (conversations.join), private ones it may not.
    not_joined: set[str] = field(default_factory=set)
    private: set[str] = field(default_factory=set)
    _runner: web.AppRunner | None = None
    _ts: itertools.count = field(default_factory=lambda: itertools.count(1))
    _homes: dict[str, str] = field(default_factory=dict)
    # Org-wide (Enterprise Grid) bot tokens → their org, and tokens Slack no longer accepts.
    org_tokens: dict[str, str] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    # Where apps.connections.open sends Socket Mode (set to an unreachable URL to keep it connecting).
    link_url: str | None = None
    # files.getUploadURLExternal → POST /upload/<id> → files.completeUploadExternal
    uploads: dict[str, Upload] = field(default_factory=dict)

    # ---- set-up ---------------------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, tz: str = "UTC", *, is_admin: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM,
            "name": name,
            "real_name": name.title(),
            "tz": tz,
            "is_admin": is_admin,
            "is_bot": False,
            "profile": {"display_name": name, "real_name": name.title()},
        }

    def fail(
        self, method: str, error: str, *, status: int = 200, retry_after: int | None = None, times: int = 1
    ) -> None:
        self.failures.setdefault(method, []).extend(Failure(error, status, retry_after) for _ in range(times))

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/link", self._link)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url + "/api/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def response_url(self, key: str = "1") -> str:
        return f"{self.url}/respond/{key}"

    # ---- queries --------------------------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def texts(self) -> str:
        """Everything the bot said anywhere, for loose assertions."""
        parts = [p.text + "\n" + json.dumps(p.blocks) for p in self.posted]
        parts += [json.dumps(r) for r in self.responses]
        parts += [
            json.dumps(c.params) for c in self.calls if c.method in ("chat.postEphemeral", "views.publish")
        ]
        return "\n".join(parts)

    # ---- the API --------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                params.update(json.loads(raw))
            else:
                params.update(dict(parse_qsl(raw.decode(), keep_blank_values=True)))
        for name in JSON_FIELDS:
            if isinstance(params.get(name), str) and params[name]:
                params[name] = json.loads(params[name])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else params.pop("token", None)
        params.pop("token", None)
        self.calls.append(Call(method, params, token))
        if token in self.revoked and method != "auth.test":
            return web.json_response({"ok": False, "error": "token_revoked"})
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        body: dict[str, Any] = handler({**params, "_token": token} if method == "auth.test" else params)
        return web.json_response(body)

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(json.loads(await request.read()))
        self.responded.set()
        return web.Response(text="ok")

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0001"}})
        self.socket = ws
        self.connected.set()
        async for msg in ws:
            if msg.type == web.WSMsgType.TEXT:
                await self.frames.put(json.loads(msg.data))
        return ws

    async def push(self, envelope: dict[str, Any]) -> None:
        """Send a Socket Mode envelope (an event, command or interaction) to the connected app."""
        assert self.socket is not None
        await self.socket.send_json(envelope)

    def _apps_connections_open(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.link_url or self.url.replace("http://", "ws://") + "/link"}

    def _next_ts(self) -> str:
        return f"1764489600.{next(self._ts):06d}"

    def _auth_test(self, p: dict[str, Any]) -> dict[str, Any]:
        token = p.get("_token")
        if token in self.revoked:
            return {"ok": False, "error": "token_revoked"}
        if token in self.org_tokens:
            # An org-wide (Enterprise Grid) token: no team, the org instead.
            return {
                "ok": True,
                "url": "https://org.enterprise.slack.com/",
                "team": None,
                "team_id": None,
                "enterprise_id": self.org_tokens[token],
                "user": "mentorbot",
                "user_id": BOT_USER,
                "bot_id": "BBOT",
                "is_enterprise_install": True,
            }
        return {
            "ok": True,
            "url": "https://fake.slack.com/",
            "team": "Fake",
            "team_id": TEAM,
            "user": "mentorbot",
            "user_id": BOT_USER,
            "bot_id": "BBOT",
            "is_enterprise_install": False,
        }

    def _chat_postMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        channel = str(p.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel.startswith("U"):
            channel = self._conversation([channel])
        if channel in self.not_joined or channel in self.private:
            return {"ok": False, "error": "not_in_channel"}
        ts = self._next_ts()
        self.posted.append(
            Posted(
                channel,
                ts,
                str(p.get("text", "")),
                list(p.get("blocks") or []),
                p.get("thread_ts"),
                p.get("metadata"),
            )
        )
        return {"ok": True, "channel": channel, "ts": ts, "message": {"text": p.get("text", ""), "ts": ts}}

    def _history(self, p: dict[str, Any], keep: Any) -> dict[str, Any]:
        channel = str(p.get("channel", ""))
        with_metadata = str(p.get("include_all_metadata", "")).lower() in ("1", "true")
        limit = int(p.get("limit") or 100)
        found = [m for m in reversed(self.posted) if m.channel == channel and keep(m)][:limit]
        messages = []
        for m in found:
            message: dict[str, Any] = {"type": "message", "user": BOT_USER, "text": m.text, "ts": m.ts}
            if m.thread_ts:
                message["thread_ts"] = m.thread_ts
            if with_metadata and m.metadata:
                message["metadata"] = m.metadata
            messages.append(message)
        return {"ok": True, "messages": messages, "has_more": False}

    def _conversations_history(self, p: dict[str, Any]) -> dict[str, Any]:
        """Newest first, top-level messages only (replies live in .replies), as Slack answers."""
        return self._history(p, lambda m: m.thread_ts is None)

    def _conversations_replies(self, p: dict[str, Any]) -> dict[str, Any]:
        ts = str(p.get("ts", ""))
        return self._history(p, lambda m: m.ts == ts or m.thread_ts == ts)

    def _files_getUploadURLExternal(self, p: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{len(self.uploads) + 1:05d}"
        self.uploads[file_id] = Upload(file_id, str(p["filename"]), int(p["length"]))
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        upload = self.uploads[request.match_info["file_id"]]
        upload.content = await request.read()
        assert len(upload.content) == upload.length, "uploaded bytes differ from the announced length"
        return web.Response(text=f"OK - {len(upload.content)}")

    def _files_completeUploadExternal(self, p: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(p["files"]) if isinstance(p["files"], str) else p["files"]
        for f in files:
            upload = self.uploads[f["id"]]
            assert upload.content, "completed before the bytes were uploaded"
            upload.channel, upload.thread_ts = p.get("channel_id"), p.get("thread_ts")
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    def shared_files(self, channel: str | None = None) -> list[Upload]:
        return [u for u in self.uploads.values() if u.channel and (channel is None or u.channel == channel)]

    def _chat_update(self, p: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(p.get("channel", "")), str(p.get("ts", ""))
        message = next((m for m in self.posted if m.channel == channel and m.ts == ts), None)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.text, message.blocks = str(p.get("text", "")), list(p.get("blocks") or [])
        return {"ok": True, "channel": channel, "ts": ts, "text": message.text}

    def _conversations_join(self, p: dict[str, Any]) -> dict[str, Any]:
        channel = str(p.get("channel", ""))
        if channel in self.private:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        self.not_joined.discard(channel)
        return {"ok": True, "channel": {"id": channel, "is_channel": True, "is_member": True}}

    def _chat_postEphemeral(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _conversation(self, users: list[str]) -> str:
        key = ",".join(sorted(users))
        if key not in self._homes:
            prefix = "D" if len(users) == 1 else "G"
            self._homes[key] = f"{prefix}{len(self._homes) + 1:04d}"
        return self._homes[key]

    def _conversations_open(self, p: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(p.get("users", "")).split(",") if u]
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        if any(u not in self.users for u in users):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": self._conversation(users)}}

    def _users_info(self, p: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(p.get("user")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _views_open(self, p: dict[str, Any]) -> dict[str, Any]:
        if not p.get("trigger_id"):
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "view": {"id": "V0001", **p.get("view", {})}}

    def _views_publish(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V0002", **p.get("view", {})}}

    def _oauth_v2_access(self, p: dict[str, Any]) -> dict[str, Any]:
        if p.get("grant_type") == "refresh_token":
            # Token rotation: a fresh bot token and refresh token, valid for 12 hours.
            n = len(self.of("oauth.v2.access"))
            return {
                "ok": True,
                "app_id": "A0001",
                "token_type": "bot",
                "access_token": f"xoxe.xoxb-rotated-{n}",
                "refresh_token": f"xoxe-1-refresh-{n}",
                "expires_in": 43200,
                "bot_user_id": BOT_USER,
                "team": {"id": "T0002", "name": "Second"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        if p.get("code") != "good-code":
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True,
            "app_id": "A0001",
            "authed_user": {"id": "UINSTALLER"},
            "scope": "commands,chat:write",
            "token_type": "bot",
            "access_token": "xoxb-installed",
            "bot_user_id": BOT_USER,
            "team": {"id": "T0002", "name": "Second"},
            "enterprise": None,
            "is_enterprise_install": False,
        }
