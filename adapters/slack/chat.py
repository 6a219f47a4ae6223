"""SlackChat: the core's ChatGateway (and UserDirectory) on Slack's Web API."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import render
from bot.messages import Message
from bot.ports import ChannelPost, DeliveryError, Destination, DirectMessage, SentRef, ThreadReply, UserInfo

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
METADATA_EVENT = "mentorbot_delivery"
# How many recent messages a re-send looks through for its own earlier attempt.
HISTORY_LOOKBACK = 100

# Errors after which the same request can never succeed: the outbox gives the row up at once.
PERMANENT = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "cant_update_message",
        "channel_not_found",
        "edit_window_closed",
        "invalid_auth",
        "invalid_blocks",
        "is_archived",
        "message_not_found",
        "missing_scope",
        "msg_too_long",
        "no_text",
        "not_allowed_token_type",
        "not_authed",
        "not_in_channel",
        "not_installed",
        "restricted_action",
        "team_access_not_granted",
        "token_revoked",
        "user_disabled",
        "user_not_found",
        "user_not_visible",
    }
)

# Which token speaks for a workspace: the one bot token, or an installation's.
TokenSource = Callable[[str], Awaitable[str | None]]


def fixed_token(token: str) -> TokenSource:
    async def source(team_id: str) -> str | None:
        return token

    return source


def make_client(
    base_url: str | None = None, token: str | None = None, *, rate_limit_retries: int = 1
) -> AsyncWebClient:
    """A Web API client that honours Retry-After on 429 (a bounded number of times) and retries
    dropped connections and 5xx once; what still fails reaches the outbox as a DeliveryError."""
    url = base_url or DEFAULT_API_URL
    return AsyncWebClient(
        token=token,
        base_url=url if url.endswith("/") else url + "/",
        timeout=10,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def delivery_error(exc: Exception) -> DeliveryError:
    """Slack's failure as the outbox understands it: permanent or not, and when to try again."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        error = str(exc.response.get("error") or f"http_{status}")
        if status == 429 or error == "ratelimited":
            after = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
            retry_after = _seconds(after)
            return DeliveryError("ratelimited", retry_after=retry_after)
        if status >= 500:
            return DeliveryError(error)
        return DeliveryError(error, permanent=error in PERMANENT)
    return DeliveryError(f"network: {exc!r}")


def not_a_member(channel: str, join_error: str) -> DeliveryError:
    """The bot cannot post in a channel and could not join it: say what to do, once, for good."""
    return DeliveryError(
        f"not_in_channel: the bot is not a member of {channel} and could not join it ({join_error});"
        " invite it there with /invite @mentorbot",
        permanent=True,
    )


def _seconds(value: Any) -> float | None:
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class SlackChat:
    platform = "slack"

    def __init__(self, client: AsyncWebClient, tokens: TokenSource, *, team_scoped: bool = False) -> None:
        self.client = client
        self.tokens = tokens
        # OAuth mode: every call names the workspace (needed with an org-wide Enterprise Grid token).
        self.team_scoped = team_scoped

    def _team(self, workspace_id: str) -> dict[str, Any]:
        return {"team_id": workspace_id} if self.team_scoped and workspace_id else {}

    async def _token(self, workspace_id: str) -> str:
        token = await self.tokens(workspace_id)
        if not token:
            raise DeliveryError("not_installed", permanent=True)
        return token

    async def send(
        self,
        workspace_id: str,
        to: Destination,
        message: Message,
        *,
        idempotency_key: str,
        start_thread: bool = False,
        thread_title: str = "",
    ) -> SentRef:
        token = await self._token(workspace_id)
        text, blocks = render(message)
        try:
            if isinstance(to, DirectMessage):
                channel = await self._open(token, to.user_id, workspace_id)
                thread_ts = None
            elif isinstance(to, ChannelPost):
                channel, thread_ts = to.channel_id, None
            else:
                assert isinstance(to, ThreadReply)
                channel, thread_ts = to.channel_id, to.thread_id
            args: dict[str, Any] = {
                "token": token,
                "channel": channel,
                "text": text,
                "blocks": blocks,
                # Slack-side trace of which outbox row this is, for audits and duplicate checks.
                "metadata": {"event_type": METADATA_EVENT, "event_payload": {"key": idempotency_key}},
                "unfurl_links": False,
                "unfurl_media": False,
                **self._team(workspace_id),
            }
            if thread_ts:
                args["thread_ts"] = thread_ts
            response = await self._post(token, args)
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise delivery_error(exc) from exc
        ts = str(response.get("ts") or "")
        channel_id = str(response.get("channel") or channel)
        if message.attachments:
            await self._upload(
                token, channel_id, thread_ts or (ts if start_thread else None), message, start_thread
            )
        # On Slack a thread is named by its parent's ts.
        return SentRef(channel_id, ts, ts if start_thread else None)

    async def find_sent(
        self,
        workspace_id: str,
        to: Destination,
        idempotency_key: str,
        *,
        start_thread: bool = False,
        thread_title: str = "",
    ) -> SentRef | None:
        """The optional DeliveryLookup port: the message whose metadata carries this outbox key, in the
        destination's recent history (conversations.history, or .replies in a thread), or None.

        Only the last `HISTORY_LOOKBACK` messages are read: a re-send follows its first attempt by
        minutes, so the message, if it landed, is among them."""
        token = await self._token(workspace_id)
        try:
            if isinstance(to, DirectMessage):
                channel, thread_ts = await self._open(token, to.user_id, workspace_id), None
            elif isinstance(to, ChannelPost):
                channel, thread_ts = to.channel_id, None
            else:
                assert isinstance(to, ThreadReply)
                channel, thread_ts = to.channel_id, to.thread_id
            if thread_ts:
                response = await self.client.conversations_replies(
                    token=token,
                    channel=channel,
                    ts=thread_ts,
                    include_all_metadata=True,
                    limit=HISTORY_LOOKBACK,
                )
            else:
                response = await self.client.conversations_history(
                    token=token, channel=channel, include_all_metadata=True, limit=HISTORY_LOOKBACK
                )
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise delivery_error(exc) from exc
        for found in response.get("messages") or []:
            metadata = found.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT and payload.get("key") == idempotency_key:
                ts = str(found.get("ts") or "")
                return SentRef(channel, ts, ts if start_thread else None)  # a thread is its parent's ts
        return None

    async def _upload(
        self, token: str, channel: str, thread_ts: str | None, message: Message, optional: bool
    ) -> None:
        """Share the message's files in the same place (`files:write`): into the thread the message
        opened, or after it. A failed upload fails the send — unless the files only add to a post that
        stands on its own (`optional`: an announcement with its .ics), where retrying would post twice."""
        uploads = [
            {"content": a.content, "filename": a.filename, "title": a.filename} for a in message.attachments
        ]
        try:
            await self.client.files_upload_v2(
                token=token, file_uploads=uploads, channel=channel, thread_ts=thread_ts
            )
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            if optional:
                log.warning("could not attach %s in %s: %s", uploads[0]["filename"], channel, exc)
                return
            raise delivery_error(exc) from exc

    async def _post(self, token: str, args: dict[str, Any]) -> Any:
        """chat.postMessage; in a channel the bot is not in (an office-hours channel nobody invited it
        to), it joins once (`channels:join`, public channels only) and posts again."""
        try:
            return await self.client.chat_postMessage(**args)
        except SlackApiError as exc:
            channel = str(args["channel"])
            extra = {"team_id": args["team_id"]} if "team_id" in args else {}
            if exc.response.get("error") != "not_in_channel" or not channel.startswith("C"):
                raise
        try:
            await self.client.conversations_join(token=token, channel=channel, **extra)
        except SlackApiError as exc:
            if exc.response.status_code == 429 or exc.response.status_code >= 500:
                raise  # Slack was busy: the outbox tries again later, joining included
            raise not_a_member(channel, str(exc.response.get("error") or "unknown")) from exc
        log.info("joined %s to post there", channel)
        return await self.client.chat_postMessage(**args)

    async def edit(self, workspace_id: str, channel_id: str, message_id: str, message: Message) -> None:
        """Replace a message the bot posted (the live RSVP count on an office-hours announcement)."""
        token = await self._token(workspace_id)
        text, blocks = render(message)
        try:
            await self.client.chat_update(
                token=token,
                channel=channel_id,
                ts=message_id,
                text=text,
                blocks=blocks,
                **self._team(workspace_id),
            )
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise delivery_error(exc) from exc

    async def _open(self, token: str, users: str, workspace_id: str) -> str:
        response = await self.client.conversations_open(
            token=token, users=users, return_im=False, **self._team(workspace_id)
        )
        channel = response.get("channel") or {}
        channel_id = channel.get("id") if isinstance(channel, dict) else None
        if not channel_id:
            raise DeliveryError("conversations.open returned no channel")
        return str(channel_id)

    async def open_home(self, workspace_id: str, user_ids: list[str], title: str) -> str:
        """A group DM with both people and the bot (Slack ignores the title: group DMs have none)."""
        token = await self._token(workspace_id)
        try:
            return await self._open(token, ",".join(dict.fromkeys(user_ids)), workspace_id)
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            raise delivery_error(exc) from exc

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserInfo | None:
        """Name, zone and admin flag from users.info; None when Slack cannot say (the core copes)."""
        try:
            token = await self.tokens(workspace_id)
            if not token:
                return None
            response = await self.client.users_info(token=token, user=user_id, **self._team(workspace_id))
        except (TimeoutError, SlackClientError, aiohttp.ClientError) as exc:
            log.warning("users.info for %s failed: %s", user_id, exc)
            return None
        user = response.get("user")
        if not isinstance(user, dict):
            return None
        profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
        name = (
            (profile or {}).get("display_name")
            or (profile or {}).get("real_name")
            or user.get("real_name")
            or user.get("name")
            or user_id
        )
        return UserInfo(
            display_name=str(name),
            tz=user.get("tz") if isinstance(user.get("tz"), str) else None,
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
            is_bot=bool(user.get("is_bot")),
        )
