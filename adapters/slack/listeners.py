"""Bolt listeners: slash commands, buttons, modals and events in, the core's Router behind them.

Every listener acks first (Slack wants an answer within 3 seconds) and does the work after; every
failure is logged and turned into a polite message, never an exception that reaches Slack. Message
events are the exception: they are stored before the ack (`stored_before_ack`), so that a database
outage makes Slack deliver them again instead of losing them."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.slack.blocks import JsonDict, form_values, modal, render, unescape
from adapters.slack.dedupe import already_handled, remember
from adapters.slack.home import publish_home
from adapters.slack.installation import InstallationStore
from bot import wording
from bot.clock import Clock
from bot.interactions.router import DATABASE_UNREACHABLE, Router
from bot.messages import Message, Reply, reply, simple
from bot.services.members import Actor

log = logging.getLogger(__name__)

PLATFORM = "slack"
# Message subtypes that are a person talking; everything else (joins, bot posts, …) is ignored.
SPOKEN = (None, "thread_broadcast", "file_share", "me_message")
# Slackbot posts as a user without a bot_id; it is never a person talking.
SLACKBOT = "USLACKBOT"
# A pair's home (or any channel) that is archived or deleted: forget it and open a new one when needed.
CHANNEL_GONE = ("channel_archive", "channel_deleted", "group_archive", "group_deleted")
FORM_EXPIRED = "Slack closed the window for that form before I could open it. Please press the button again."


@dataclass
class Deps:
    router: Router
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    # OAuth mode: the installations (deleted on uninstall, told each Grid workspace's org).
    installations: InstallationStore | None = None


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _team(body: JsonDict, context: AsyncBoltContext) -> str:
    """The workspace (team) a request comes from. With an org-wide Enterprise Grid install bolt's
    context has no team, and interactivity payloads carry `team: null`: the user's or the view's
    team names the workspace then."""
    team = body.get("team")
    user = body.get("user")
    view = body.get("view")
    event = body.get("event")
    return (
        _s(context.team_id)
        or _s(body.get("team_id"))
        or (_s(team.get("id")) if isinstance(team, dict) else _s(team))
        or (_s(user.get("team_id")) if isinstance(user, dict) else "")
        or (_s(view.get("team_id")) if isinstance(view, dict) else "")
        or (_s(event.get("team")) if isinstance(event, dict) else "")
        or _s(context.enterprise_id)
    )


def actor_of(team_id: str, user_id: str, **extra: Any) -> Actor:
    # No display name or zone from the payload: on first sight the core asks users.info (SlackChat).
    return Actor(platform=PLATFORM, workspace_id=team_id, user_id=user_id, **extra)


class Outlet:
    """Where a reply to one interaction goes: the response_url when Slack gave one, else a DM."""

    def __init__(
        self,
        client: AsyncWebClient,
        user_id: str,
        respond: AsyncRespond | None = None,
        trigger_id: str = "",
        channel_id: str = "",
        response_url: str = "",
    ) -> None:
        self.client = client
        self.user_id = user_id
        self.respond = respond if response_url else None
        self.trigger_id = trigger_id
        self.channel_id = channel_id
        self.response_url = response_url

    async def send(self, result: Reply) -> None:
        message = result.message
        if message.form is not None and self.trigger_id:
            if await self._open_modal(message):
                return
            message = simple(FORM_EXPIRED)
        await self.post(message, public=result.public)

    async def _open_modal(self, message: Message) -> bool:
        assert message.form is not None
        meta = {"channel": self.channel_id, "response_url": self.response_url}
        try:
            await self.client.views_open(trigger_id=self.trigger_id, view=modal(message.form, meta))
            return True
        except SlackApiError as exc:
            # expired_trigger_id: the work took longer than Slack's 3 s; say so instead of failing.
            log.warning("views.open failed: %s", exc.response.get("error"))
            return False

    async def post(self, message: Message, *, public: bool = False) -> None:
        text, blocks = render(message)
        if self.respond is not None:
            await self.respond(
                text=text,
                blocks=blocks,
                response_type="in_channel" if public else "ephemeral",
                replace_original=False,
            )
            return
        # No response_url (App Home, modals opened from it): the app's DM with the person.
        await self.client.chat_postMessage(channel=self.user_id, text=text, blocks=blocks)


async def _safely(what: str, outlet: Outlet | None, work: Callable[[], Awaitable[None]]) -> None:
    try:
        await work()
    except Exception:
        log.exception("handling %s failed", what)
        if outlet is not None:
            try:
                await outlet.post(simple(wording.OOPS))
            except Exception:
                log.exception("could not tell the user about the failure")


def malformed(body: JsonDict) -> str | None:
    """What is wrong with a payload bolt would trip over, or None when its shape is usable."""
    kind = body.get("type")
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not all(
            isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions
        ):
            return "block_actions without a list of actions"
    if kind in ("block_actions", "view_submission", "view_closed") and not isinstance(body.get("user"), dict):
        return f"{kind} without a user"
    if kind in ("view_submission", "view_closed") and not isinstance(body.get("view"), dict):
        return f"{kind} without a view"
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event_callback without an event"
        if not isinstance(event.get("user"), str | dict | None):
            return "event with an odd user"
    return None


async def guard(body: JsonDict, next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
    """Turn payloads bolt's matchers would crash on into a logged, quiet 200."""
    if isinstance(body, dict) and body.get("type") == "app_rate_limited":
        # Slack stopped sending events for a minute (over 30,000 an hour): nothing to answer but 200.
        log.warning(
            "Slack rate-limited our events for %s (minute %s)",
            body.get("team_id"),
            body.get("minute_rate_limited"),
        )
        return BoltResponse(status=200, body="")
    problem = malformed(body) if isinstance(body, dict) else "not an object"
    if problem is not None:
        log.warning("ignoring a malformed Slack payload: %s", problem)
        return BoltResponse(status=200, body="")
    return await next()


def register(app: AsyncApp, deps: Deps, *, commands_only: bool = False) -> None:
    """Every listener on `app`; `commands_only`: the slash commands alone, acked before their work is
    even scheduled (for an app built with process_before_response=True, see `register_commands`)."""
    app.middleware(guard)
    if not commands_only:
        app.middleware(stored_before_ack(deps))
    installations = deps.installations
    if installations is not None:

        async def remember_org(
            body: JsonDict, context: AsyncBoltContext, next: Callable[[], Awaitable[BoltResponse]]
        ) -> BoltResponse:
            # The outbox knows a workspace only by its team id; an org-wide install needs the org.
            enterprise = _s(context.enterprise_id)
            if enterprise and isinstance(body, dict):
                team = _team(body, context)
                if team and team != enterprise:
                    try:
                        await installations.remember_team(team, enterprise)
                    except Exception:
                        log.exception("could not record the org of %s", team)
            return await next()

        app.middleware(remember_org)
    register_commands(app, deps, ack_first=commands_only)
    if commands_only:
        return
    register_interactivity(app, deps)
    register_events(app, deps)


def is_command(body: object) -> bool:
    """A slash command's payload (form fields with `command`, no event or interaction `type`)."""
    return isinstance(body, dict) and "command" in body and "type" not in body


# ---- slash commands -----------------------------------------------------------------------------


# Work started after an ack, held here so that no task is garbage-collected while it runs.
_running: set[asyncio.Task[None]] = set()


async def after_ack(work: Awaitable[None]) -> None:
    """The work of a request that was answered already (tests wait for tasks of this name)."""
    await work


def start_after_ack(work: Awaitable[None]) -> None:
    task = asyncio.ensure_future(after_ack(work))
    _running.add(task)
    task.add_done_callback(_running.discard)


def register_commands(app: AsyncApp, deps: Deps, *, ack_first: bool = False) -> None:
    """`ack_first`: the listener acks and only then starts the command as a task of its own, so on an
    app built with process_before_response=True the HTTP answer leaves as soon as the listener returns
    (otherwise bolt runs the listener as a task and notices its ack by polling every 10 ms, on the same
    event loop the work of other commands keeps busy)."""

    async def run_command(
        body: JsonDict, context: AsyncBoltContext, client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        user_id = _s(body.get("user_id"))
        outlet = Outlet(
            client,
            user_id,
            respond,
            trigger_id=_s(body.get("trigger_id")),
            channel_id=_s(body.get("channel_id")),
            response_url=_s(body.get("response_url")),
        )

        async def work() -> None:
            actor = actor_of(
                _team(body, context),
                user_id,
                workspace_name=_s(body.get("team_domain")),
                channel_id=_s(body.get("channel_id")) or None,
            )
            result = await deps.router.command(actor, _s(body.get("command")), unescape(_s(body.get("text"))))
            await outlet.send(result)

        await _safely(f"command {body.get('command')!r}", outlet, work)

    async def on_command(
        ack: AsyncAck,
        body: JsonDict,
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        await run_command(body, context, client, respond)

    async def on_command_ack_first(
        ack: AsyncAck,
        body: JsonDict,
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        start_after_ack(run_command(body, context, client, respond))

    listener = on_command_ack_first if ack_first else on_command

    def listen(matcher: str | re.Pattern[str]) -> None:
        app.command(matcher)(listener)

    for name in deps.router.registry.names():
        listen(f"/{name}")
    # A command the manifest gained but this version lacks: the core answers it politely.
    listen(re.compile(".*"))


# ---- buttons and modals -------------------------------------------------------------------------


def register_interactivity(app: AsyncApp, deps: Deps) -> None:
    async def on_action(
        ack: AsyncAck,
        body: JsonDict,
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        user = body.get("user") if isinstance(body.get("user"), dict) else {}
        user_id = _s((user or {}).get("id"))
        channel = body.get("channel") if isinstance(body.get("channel"), dict) else {}
        container = body.get("container") if isinstance(body.get("container"), dict) else {}
        from_home = (container or {}).get("type") == "view"
        outlet = Outlet(
            client,
            user_id,
            respond,
            trigger_id=_s(body.get("trigger_id")),
            channel_id=_s((channel or {}).get("id")),
            response_url=_s(body.get("response_url")),
        )
        actions = body.get("actions") if isinstance(body.get("actions"), list) else []

        async def work() -> None:
            team = _team(body, context)
            for action in (actions or [])[:1]:
                action_id = _s(action.get("action_id")) if isinstance(action, dict) else ""
                result = await deps.router.action(actor_of(team, user_id), action_id)
                await outlet.send(result)
            if from_home:
                await publish_home(client, deps.router, actor_of(team, user_id))

        await _safely("a button", outlet, work)

    async def on_view(
        ack: AsyncAck, body: JsonDict, context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()
        user = body.get("user") if isinstance(body.get("user"), dict) else {}
        user_id = _s((user or {}).get("id"))
        view = body.get("view") if isinstance(body.get("view"), dict) else {}
        meta = _metadata(_s((view or {}).get("private_metadata")))
        outlet = Outlet(
            client,
            user_id,
            _respond_to(meta.get("response_url", ""), client),
            channel_id=meta.get("channel", ""),
            response_url=meta.get("response_url", ""),
        )

        async def work() -> None:
            team = _team(body, context)
            result = await deps.router.form(
                actor_of(team, user_id), _s((view or {}).get("callback_id")), form_values(view or {})
            )
            await outlet.send(result)
            await publish_home(client, deps.router, actor_of(team, user_id))

        await _safely("a form", outlet, work)

    async def on_view_closed(ack: AsyncAck) -> None:
        await ack()

    async def on_other(ack: AsyncAck, body: JsonDict) -> None:
        # Shortcuts, option loads and the like: we offer none, so just say we heard.
        await ack()
        log.info("ignoring interaction of type %r", body.get("type"))

    app.action(re.compile(".*"))(on_action)
    app.view_submission(re.compile(".*"))(on_view)
    app.view_closed(re.compile(".*"))(on_view_closed)
    app.shortcut(re.compile(".*"))(on_other)


def _metadata(raw: str) -> dict[str, str]:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def _respond_to(response_url: str, client: AsyncWebClient) -> AsyncRespond | None:
    if not response_url:
        return None
    return AsyncRespond(response_url=response_url, proxy=client.proxy, ssl=client.ssl)


# ---- events -------------------------------------------------------------------------------------


def register_events(app: AsyncApp, deps: Deps) -> None:
    async def on_home(
        event: JsonDict, context: AsyncBoltContext, client: AsyncWebClient, body: JsonDict
    ) -> None:
        if event.get("tab") not in (None, "home"):
            return
        user_id = _s(event.get("user"))

        async def work() -> None:
            await publish_home(client, deps.router, actor_of(_team(body, context), user_id))

        await _safely("app_home_opened", None, work)

    async def on_uninstalled(event: JsonDict, context: AsyncBoltContext, body: JsonDict) -> None:
        await _safely("app_uninstalled", None, lambda: _uninstalled(deps, body, context, "uninstalled"))

    async def on_tokens_revoked(event: JsonDict, context: AsyncBoltContext, body: JsonDict) -> None:
        tokens = event.get("tokens") if isinstance(event.get("tokens"), dict) else {}
        users = [u for u in (tokens or {}).get("oauth") or [] if isinstance(u, str)]
        bots = [b for b in (tokens or {}).get("bot") or [] if isinstance(b, str)]

        async def work() -> None:
            store = deps.installations
            if store is not None:
                for user in users:
                    await store.async_delete_installation(
                        enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user
                    )
            if bots:
                await _uninstalled(deps, body, context, "revoked its tokens")

        await _safely("tokens_revoked", None, work)

    async def on_user_change(event: JsonDict, context: AsyncBoltContext, body: JsonDict) -> None:
        user = event.get("user")
        if not isinstance(user, dict) or not user.get("deleted"):
            return  # a profile edit; names and zones are refreshed when they next act
        user_id = _s(user.get("id"))
        # On Enterprise Grid one deactivation covers every workspace of the org the person was in.
        teams = [_s(user.get("team_id")), _team(body, context)]
        enterprise = _s(context.enterprise_id) or _s(user.get("enterprise_id"))
        if enterprise and deps.installations is not None:
            teams += await deps.installations.teams_of(enterprise)

        async def work() -> None:
            for team in dict.fromkeys(t for t in teams if t and t != enterprise):
                await _left(deps, team, user_id)

        if user_id:
            await _safely("user_change", None, work)

    async def on_channel_gone(event: JsonDict, context: AsyncBoltContext, body: JsonDict) -> None:
        channel = event.get("channel")
        channel_id = _s(channel.get("id")) if isinstance(channel, dict) else _s(channel)
        team = _team(body, context)
        if channel_id:
            await _safely(
                _s(event.get("type")), None, lambda: _home_lost(deps, team, channel_id, _s(event.get("type")))
            )

    async def on_other_event(event: JsonDict) -> None:
        log.info("ignoring event %r", event.get("type"))

    app.event("app_home_opened")(on_home)
    app.event("app_uninstalled")(on_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)
    app.event("user_change")(on_user_change)
    for kind in CHANNEL_GONE:
        app.event(kind)(on_channel_gone)
    # Anything else Slack sends us is acknowledged (so it is not retried) and ignored.
    app.event(re.compile(".*"))(on_other_event)


# Slack retries a failed event three times (X-Slack-Retry-Num 1, 2, 3: at once, after 1 and 5 minutes).
LAST_RETRY = 3
RETRY_LATER = BoltResponse(status=503, body="database unavailable, please retry\n")


class DatabaseDown(Exception):
    """The database could not store a message event; Slack is asked to deliver it again."""


def stored_before_ack(deps: Deps) -> Callable[..., Awaitable[BoltResponse]]:
    """Message events (thread replies, their edits and deletions) are stored before Slack hears back.

    Bolt acks events before its listeners run, so a reply that arrived while the database was down
    was acked and lost. Here the work runs first: while the database is down the answer is a 503 and
    Slack delivers the event again (Socket Mode: no ack, same effect); on Slack's last retry the
    author gets their text back instead. The core makes a redelivery harmless (each platform message
    is stored once, by its id)."""

    async def middleware(
        body: JsonDict,
        req: Any,
        context: AsyncBoltContext,
        client: AsyncWebClient,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        event = body.get("event") if body.get("type") == "event_callback" else None
        if not isinstance(event, dict) or event.get("type") != "message":
            return await next()
        team = _team(body, context)
        event_id = _s(body.get("event_id"))
        try:
            if event_id and await already_handled(deps.sessions, event_id):
                log.info("event %s delivered again (retry); already handled", event_id)
                return BoltResponse(status=200, body="")
            await _message_event(deps, client, team, event, context)
        except (DatabaseDown, *DATABASE_UNREACHABLE):
            retry = _retry_num(req)
            log.warning("message event %s not stored (database down), retry %s", body.get("event_id"), retry)
            if retry < LAST_RETRY:
                return RETRY_LATER
            await _give_back(client, event)
            return BoltResponse(status=200, body="")
        except Exception:
            log.exception("handling message event (%s) failed", event.get("subtype"))
            return BoltResponse(status=200, body="")  # a bug: retrying would only repeat it
        if event_id:
            try:
                await remember(deps.sessions, event_id, team, deps.clock.now())
            except DATABASE_UNREACHABLE:
                log.warning("event %s stored but not recorded as handled; a retry is harmless", event_id)
        return BoltResponse(status=200, body="")

    return middleware


def _retry_num(req: Any) -> int:
    values = (getattr(req, "headers", None) or {}).get("x-slack-retry-num") or ["0"]
    value = values[0] if isinstance(values, list | tuple) else values
    return int(value) if str(value).isdigit() else 0


async def _message_event(
    deps: Deps, client: AsyncWebClient, team: str, event: JsonDict, context: AsyncBoltContext
) -> None:
    subtype = event.get("subtype")
    if subtype in SPOKEN:
        await _thread_message(deps, client, team, event, context)
    elif subtype == "message_changed":
        if not await _edited(deps, team, event, context):
            await _database_answers(deps)
    elif subtype == "message_deleted" and not await _deleted(deps, team, event):
        await _database_answers(deps)


async def _database_answers(deps: Deps) -> None:
    """The router answers "not ours" both for a message it does not know and for an outage: ask."""
    async with deps.sessions() as session:
        await session.execute(text("SELECT 1"))


async def _give_back(client: AsyncWebClient, event: JsonDict) -> None:
    """Slack's last retry and still no database: the author gets their words back, never silence."""
    user, channel, thread_ts = _s(event.get("user")), _s(event.get("channel")), _s(event.get("thread_ts"))
    if event.get("subtype") not in SPOKEN or event.get("bot_id") or not (user and channel and thread_ts):
        return
    text, blocks = render(wording.thread_reply_not_saved(unescape(_s(event.get("text")))))
    try:
        await client.chat_postEphemeral(
            channel=channel, user=user, thread_ts=thread_ts, text=text, blocks=blocks
        )
    except Exception:
        log.exception("could not give %s their unsaved reply back", user)


async def _uninstalled(deps: Deps, body: JsonDict, context: AsyncBoltContext, what: str) -> None:
    """The app was uninstalled (or its bot token revoked): delete the tokens, stop planning there."""
    enterprise, team = context.enterprise_id, context.team_id
    teams = [team] if team else []
    store = deps.installations
    if store is not None:
        if not teams and enterprise:
            teams = await store.teams_of(enterprise)  # an org-wide uninstall covers every workspace
        await store.async_delete_all(enterprise_id=enterprise, team_id=team)
        log.warning("Slack %s %s: its installation and tokens are deleted", team or enterprise, what)
    else:
        teams = teams or [_team(body, context)]
        log.error(
            "Slack workspace %s %s: SLACK_BOT_TOKEN no longer works; reinstall the app and set the new token",
            teams[0],
            what,
        )
    for workspace in teams:
        if workspace:
            await deps.router.workspace_removed(PLATFORM, workspace)


async def _left(deps: Deps, team: str, user_id: str) -> None:
    paused = await deps.router.member_left(PLATFORM, team, user_id)
    log.info("Slack user %s of %s was deactivated: %d mentorship(s) paused", user_id, team, paused)


async def _home_lost(deps: Deps, team: str, channel_id: str, why: str) -> None:
    moved = await deps.router.home_lost(PLATFORM, team, channel_id)
    if moved:
        log.info("Slack %s %s in %s: %d mentorship(s) get a new home", why, channel_id, team, moved)


def is_person(event: JsonDict, context: AsyncBoltContext) -> bool:
    """Whether a message is a person talking: not Slackbot, not a bot or app (ours included)."""
    user = _s(event.get("user"))
    if not user or user == SLACKBOT or user == _s(context.bot_user_id):
        return False
    if event.get("bot_id") or event.get("bot_profile") or event.get("app_id"):
        return False
    return event.get("subtype") != "bot_message"


def spoken_text(event: JsonDict) -> str:
    """What a message says. A forwarded message has `text: ""` and the forwarded message in its
    attachments (`is_share`); a file shared without a comment says its file names."""
    text = _s(event.get("text"))
    if text.strip():
        return text
    parts: list[str] = []
    attachments = event.get("attachments")
    for a in attachments if isinstance(attachments, list) else []:
        if isinstance(a, dict):
            said = _s(a.get("text")) or _s(a.get("fallback")) or _s(a.get("pretext"))
            if said.strip():
                parts.append(said.strip())
    files = event.get("files")
    for f in files if isinstance(files, list) else []:
        if isinstance(f, dict):
            name = _s(f.get("title")) or _s(f.get("name"))
            if name.strip():
                parts.append(name.strip())
    return "\n".join(parts)


def _external_id(team: str, channel: str, ts: str) -> str:
    # Unique across workspaces, as the core's status_updates.external_id must be.
    return f"slack:{team}:{channel}:{ts}"


async def _thread_message(
    deps: Deps, client: AsyncWebClient, team: str, event: JsonDict, context: AsyncBoltContext
) -> None:
    user, channel, ts = _s(event.get("user")), _s(event.get("channel")), _s(event.get("ts"))
    thread_ts = _s(event.get("thread_ts"))
    if not is_person(event, context) or not (channel and ts and thread_ts) or thread_ts == ts:
        return  # Slackbot and bots (us included), and messages that are not replies in a thread
    text = unescape(spoken_text(event))
    if not text.strip():
        return  # nothing said (an empty forward): not an update
    actor = actor_of(team, user, channel_id=channel, thread_id=thread_ts)
    result = await deps.router.thread_message(actor, text, _external_id(team, channel, ts))
    if result is None:
        return  # not a check-in thread (or already saved from an earlier delivery): stay quiet
    if result == reply(wording.TRY_AGAIN, ok=False):
        raise DatabaseDown(ts)
    text, blocks = render(result.message)
    await client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, text=text, blocks=blocks)


async def _edited(deps: Deps, team: str, event: JsonDict, context: AsyncBoltContext) -> bool:
    """Whether the edit was taken care of (False: the router found nothing, or could not look)."""
    message = event.get("message")
    if not isinstance(message, dict) or not is_person(message, context):
        return True
    user, ts = _s(message.get("user")), _s(message.get("ts"))
    channel = _s(event.get("channel"))
    text = unescape(spoken_text(message))
    if user and ts and channel and text.strip():
        return await deps.router.thread_edit(actor_of(team, user), _external_id(team, channel, ts), text)
    return True


async def _deleted(deps: Deps, team: str, event: JsonDict) -> bool:
    previous = event.get("previous_message")
    ts = _s(event.get("deleted_ts")) or (_s(previous.get("ts")) if isinstance(previous, dict) else "")
    channel = _s(event.get("channel"))
    if ts and channel:
        return await deps.router.thread_delete(PLATFORM, team, _external_id(team, channel, ts))
    return True
