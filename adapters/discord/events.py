"""Messages in threads → the core's `thread_message`: status updates of check-ins, office-hours questions.

A check-in's "thread" is its announcement message in the home thread (see chat.py), so a message
belongs to a check-in when it replies to the announcement, or to one of the bot's posts that itself
replies to the announcement (a wrap-up, a posted update). Other chatter in the home stays private talk.

An office-hours announcement opens a real public thread (the bot owns it; its id is the announcement's);
every message in such a thread goes to the core as (channel = the thread's parent, thread = its id)."""

from __future__ import annotations

import logging

import discord

from adapters.discord.actors import PLATFORM, Host, message_actor
from adapters.discord.render import SnowflakeReference, only_users, plain_text
from bot import wording

log = logging.getLogger(__name__)
SAVED = "✅"


# A person's message; everything else (joins, pins, thread renames, boosts …) is not talk.
SPOKEN_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def is_forward(message: discord.Message) -> bool:
    ref = message.reference
    return ref is not None and ref.type == discord.MessageReferenceType.forward


def spoken_text(message: discord.Message) -> str:
    """What a message says. A forward (message_reference.type 1) has empty content and the forwarded
    message in `message_snapshots`; an attachment without words says its file names."""
    if message.content.strip():
        return message.content
    parts = [snap.content.strip() for snap in message.message_snapshots if snap.content.strip()]
    files = [*message.attachments, *(a for snap in message.message_snapshots for a in snap.attachments)]
    parts += [a.filename for a in files if a.filename]
    return "\n".join(parts)


def checkin_anchor(message: discord.Message, bot_id: int | None) -> str | None:
    """The id of the message this one is a reply to, followed one hop through the bot's own replies.
    A forward is not a reply: its reference points at the forwarded message, wherever that was."""
    ref = message.reference
    if ref is None or ref.message_id is None or is_forward(message):
        return None
    resolved = ref.resolved
    if (
        isinstance(resolved, discord.Message)
        and resolved.author.id == bot_id
        and resolved.reference is not None
        and resolved.reference.message_id is not None
    ):
        return str(resolved.reference.message_id)
    return str(ref.message_id)


PUBLIC_THREADS = (discord.ChannelType.public_thread, discord.ChannelType.news_thread)


async def bots_public_thread(client: discord.Client, message: discord.Message) -> discord.Thread | None:
    """The public thread the bot started that this message was posted in, if it is one."""
    channel: object = message.channel
    if isinstance(channel, discord.PartialMessageable):
        # Not cached (archived until this message woke it): ask Discord what it is.
        try:
            channel = await client.fetch_channel(channel.id)
        except discord.HTTPException:
            log.warning("could not look up channel %s", message.channel.id, exc_info=True)
            return None
    bot_id = client.user.id if client.user else None
    if (
        isinstance(channel, discord.Thread)
        and channel.type in PUBLIC_THREADS
        and channel.owner_id == bot_id
        and channel.parent_id is not None
    ):
        return channel
    return None


async def on_message(host: Host, client: discord.Client, message: discord.Message) -> None:
    # Not restricted to cached threads: an archived home thread is not in the cache until it wakes up.
    if message.author.bot or message.author.system or message.guild is None:
        return
    if message.type not in SPOKEN_TYPES:
        return
    text = spoken_text(message)
    if not text.strip():
        return  # nothing said (an empty forward, a sticker): not an update or a question
    thread = await bots_public_thread(client, message)
    if thread is not None:
        actor = message_actor(message, channel_id=str(thread.parent_id), thread_id=str(thread.id))
    else:
        anchor = checkin_anchor(message, client.user.id if client.user else None)
        if anchor is None:
            return
        actor = message_actor(message, thread_id=anchor)
    if actor is None:
        return
    result = await host.app.router.thread_message(actor, text, str(message.id))
    if result is None:
        return
    if result.ok and result.message == wording.thread_update_saved():
        # A reaction acknowledges without adding noise to the thread.
        await message.add_reaction(SAVED)
        return
    await message.channel.send(
        plain_text(result.message)[:2000],
        reference=SnowflakeReference.from_message(message, fail_if_not_exists=False),
        mention_author=False,
        allowed_mentions=only_users([]),
    )


async def on_raw_message_edit(host: Host, payload: discord.RawMessageUpdateEvent) -> None:
    if payload.guild_id is None or "content" not in payload.data:
        return
    author = payload.message.author
    if author.bot or not payload.message.content.strip():
        return
    actor = message_actor(payload.message)
    if actor is None:
        return
    await host.app.router.thread_edit(actor, str(payload.message_id), payload.message.content)


async def on_raw_message_delete(host: Host, payload: discord.RawMessageDeleteEvent) -> None:
    if payload.guild_id is None:
        return
    await host.app.router.thread_delete(PLATFORM, str(payload.guild_id), str(payload.message_id))
