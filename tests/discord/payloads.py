"""Gateway and REST payloads shaped like Discord's (API v10), for feeding discord.py's connection state."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

GUILD = 500
CHANNEL = 600  # the mentorship channel
GENERAL = 601  # where commands are typed (the fake keeps interaction replies here)
HELP = 602  # a community channel for office hours
APP = 9000
BOT = 9001
ADMIN_PERMS = str((1 << 5) | (1 << 10) | (1 << 11))  # manage guild, view channel, send messages
MEMBER_PERMS = str((1 << 10) | (1 << 11) | (1 << 38))
# The bot's role: what docs/discord.md asks for (view, send, embed links, add reactions, read history,
# manage threads, create public and private threads, send in threads).
BOT_PERMS = str(sum(1 << b for b in (6, 10, 11, 14, 16, 34, 35, 36, 38)))
TIMESTAMP = "2026-11-30T08:00:00.000000+00:00"

_ids = itertools.count(1_000_000)


def snowflake() -> str:
    return str(next(_ids))


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    admin: bool = False
    bot: bool = False

    def user(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    def member(self) -> dict[str, Any]:
        return {
            "user": self.user(),
            "nick": None,
            "roles": [str(GUILD + 1)] if self.admin else [str(GUILD + 2)] if self.bot else [],
            "joined_at": TIMESTAMP,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "avatar": None,
        }


BOT_USER = Person(BOT, "mentorbot", bot=True)


def text_channel(channel_id: int, name: str) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def thread_channel(
    thread_id: int, parent_id: int, name: str, owner_id: int = BOT, *, public: bool = False
) -> dict[str, Any]:
    return {
        "id": str(thread_id),
        "type": 11 if public else 12,
        "guild_id": str(GUILD),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 10080,
            "archive_timestamp": TIMESTAMP,
            "locked": False,
            "invitable": False,
            "create_timestamp": TIMESTAMP,
        },
    }


def dm_channel(channel_id: int, person: Person) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 1,
        "last_message_id": None,
        "recipients": [person.user()],
        "flags": 0,
    }


def guild_create(people: list[Person], threads: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": str(GUILD),
        "name": "Mentoring Guild",
        "icon": None,
        "owner_id": str(people[0].id),
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_flags": 0,
        "features": [],
        "roles": [
            {
                "id": str(GUILD),
                "name": "@everyone",
                "permissions": MEMBER_PERMS,
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            },
            {
                "id": str(GUILD + 1),
                "name": "Admins",
                "permissions": ADMIN_PERMS,
                "position": 1,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            },
            {
                "id": str(GUILD + 2),
                "name": "mentorbot",
                "permissions": BOT_PERMS,
                "position": 1,
                "color": 0,
                "hoist": False,
                "managed": True,
                "mentionable": False,
                "flags": 0,
            },
        ],
        "emojis": [],
        "stickers": [],
        "channels": [
            text_channel(CHANNEL, "mentorships"),
            text_channel(GENERAL, "general"),
            text_channel(HELP, "help"),
        ],
        "threads": threads or [],
        "members": [p.member() for p in [*people, BOT_USER]],
        "member_count": len(people) + 1,
        "large": False,
        "unavailable": False,
        "joined_at": TIMESTAMP,
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "premium_progress_bar_enabled": False,
    }


def message(
    message_id: str,
    channel_id: str,
    author: Person,
    content: str,
    *,
    guild: bool = True,
    reference: dict[str, Any] | None = None,
    embeds: list[Any] | None = None,
    components: list[Any] | None = None,
    nonce: str | None = None,
    referenced: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": message_id,
        "channel_id": channel_id,
        "author": author.user(),
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "type": 19 if reference else 0,
        "flags": 0,
    }
    if guild:
        data["guild_id"] = str(GUILD)
        if not author.bot:
            member = author.member()
            member.pop("user")
            data["member"] = member
    if nonce is not None:
        data["nonce"] = nonce
    if reference:
        data["message_reference"] = {**reference, "type": 0}
        data["referenced_message"] = referenced
    return data


def _interaction(
    kind: int,
    who: Person,
    data: dict[str, Any],
    channel: dict[str, Any] | None,
    *,
    guild: bool = True,
    msg: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": snowflake(),
        "application_id": str(APP),
        "type": kind,
        "data": data,
        "token": "tok" + snowflake(),
        "version": 1,
        "locale": "en-US",
        "app_permissions": "2248473465835073",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD)} if guild else {"1": str(who.id)},
        "attachment_size_limit": 10485760,
    }
    if channel is not None:
        payload["channel"] = channel
        payload["channel_id"] = channel["id"]
    if guild:
        payload["guild_id"] = str(GUILD)
        payload["guild_locale"] = "en-US"
        payload["context"] = 0
        member = who.member()
        member["permissions"] = ADMIN_PERMS if who.admin else MEMBER_PERMS
        payload["member"] = member
    else:
        payload["user"] = who.user()
        payload["context"] = 1
    if msg is not None:
        payload["message"] = msg
    return payload


def option(name: str, value: Any, people: dict[int, Person] | None = None) -> dict[str, Any]:
    """A typed option: ints are members (type 6), bools type 5, numbers type 4, the rest strings."""
    if isinstance(value, Person):
        return {"name": name, "type": 6, "value": str(value.id)}
    if isinstance(value, bool):
        return {"name": name, "type": 5, "value": value}
    if isinstance(value, int):
        return {"name": name, "type": 4, "value": value}
    return {"name": name, "type": 3, "value": value}


def command(
    who: Person,
    name: str,
    sub: str | None,
    options: dict[str, Any],
    *,
    focused: str | None = None,
    channel: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An app command typed in #general, or in `channel`."""
    opts = [option(k, v) for k, v in options.items() if v is not None]
    if focused is not None:
        for o in opts:
            if o["name"] == focused:
                o["focused"] = True
    people = [v for v in options.values() if isinstance(v, Person)]
    resolved: dict[str, Any] = {}
    if people:
        resolved["users"] = {str(p.id): p.user() for p in people}
        members = {}
        for p in people:
            m = p.member()
            m.pop("user")
            m["permissions"] = ADMIN_PERMS if p.admin else MEMBER_PERMS
            members[str(p.id)] = m
        resolved["members"] = members
    channels = [v for v in options.values() if isinstance(v, dict)]
    for c in channels:
        resolved.setdefault("channels", {})[c["id"]] = {**c, "permissions": MEMBER_PERMS}
    for o in opts:
        if isinstance(options.get(o["name"]), dict):
            o["type"], o["value"] = 7, options[o["name"]]["id"]
    if sub is not None:
        opts = [{"name": sub, "type": 1, "options": opts}]
    data: dict[str, Any] = {
        "id": snowflake(),
        "name": name,
        "type": 1,
        "options": opts,
        "guild_id": str(GUILD),
    }
    if resolved:
        data["resolved"] = resolved
    return _interaction(4 if focused else 2, who, data, channel or text_channel(GENERAL, "general"))


def press(who: Person, custom_id: str, msg: dict[str, Any], *, in_dm: bool) -> dict[str, Any]:
    data = {"custom_id": custom_id, "component_type": 2}
    channel = None if in_dm else {"id": msg["channel_id"], "type": 12, "guild_id": str(GUILD)}
    if in_dm:
        channel = {"id": msg["channel_id"], "type": 1, "recipients": [who.user()]}
    return _interaction(3, who, data, channel, guild=not in_dm, msg=msg)


def submit(who: Person, custom_id: str, values: dict[str, str], *, in_dm: bool = False) -> dict[str, Any]:
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
    channel = {"id": str(GENERAL), "type": 0, "guild_id": str(GUILD)} if not in_dm else None
    return _interaction(5, who, {"custom_id": custom_id, "components": rows}, channel, guild=not in_dm)
