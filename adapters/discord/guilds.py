"""Discord's own setting, the server's mentorship channel (kept in `Workspace.settings`, so no
migration), and the look-ups autocomplete and the DM fallback need, asked of the core's read side."""

from __future__ import annotations

from adapters.discord.actors import PLATFORM
from bot import wording
from bot.messages import ChannelLink, Reply, reply
from bot.queries import choices, homes, workspaces
from bot.queries.choices import Choice
from bot.services.members import Actor
from bot.services.unit import Core
from bot.services.workspace_settings import forget_channel_setting, set_admin_setting

CHANNEL_KEY = "discord_channel_id"

__all__ = ["CHANNEL_KEY", "Choice"]


async def set_mentorship_channel(core: Core, actor: Actor, channel_id: str, channel_name: str) -> Reply:
    """`/mentor setup #channel`: where mentorship threads are opened. Admins only."""
    if not await set_admin_setting(core, actor, CHANNEL_KEY, channel_id):
        return reply(wording.admins_only("/mentor setup"), ok=False)
    return reply(
        "Mentorship threads will be opened in ",
        ChannelLink(channel_id, channel_name),
        ". Make sure I can view it, send messages, create private threads and post in threads there.",
    )


async def forget_mentorship_channel(core: Core, guild_id: str, channel_id: str) -> list[str] | None:
    """When `channel_id` is the server's mentorship channel: clear the setting and return the homes
    (threads) of its open mentorships, which were deleted with it; None when it is another channel."""
    return await forget_channel_setting(core, PLATFORM, guild_id, CHANNEL_KEY, channel_id)


async def mentorship_channel(core: Core, guild_id: str) -> str | None:
    return await workspaces.setting(core.sessions, PLATFORM, guild_id, CHANNEL_KEY)


async def mentorship_choices(
    core: Core, guild_id: str, user_id: str, typed: str, limit: int = 25
) -> list[Choice]:
    """The caller's mentorships for the `with` option: the value is the other person's id."""
    return await choices.mentorship_choices(core.sessions, PLATFORM, guild_id, user_id, typed, limit)


async def home_of(core: Core, guild_id: str, user_id: str) -> str | None:
    """The home thread of the user's most recently active open mentorship (the DM fallback's target)."""
    return await homes.recent_home(core.sessions, PLATFORM, guild_id, user_id)


async def series_choices(core: Core, guild_id: str, typed: str, limit: int = 25) -> list[tuple[str, int]]:
    """The server's running office hours for the `series` option: (label, number)."""
    return await choices.series_choices(core.sessions, PLATFORM, guild_id, typed, limit)


async def question_choices(core: Core, guild_id: str, typed: str, limit: int = 25) -> list[tuple[str, int]]:
    """Open questions of upcoming sessions, newest first, for the `question` option: (label, number)."""
    return await choices.question_choices(core.sessions, PLATFORM, guild_id, typed, limit)


async def request_choices(
    core: Core, guild_id: str, user_id: str, everyone: bool, typed: str, limit: int = 25
) -> list[tuple[str, int]]:
    """Waiting requests the caller sees in `/mentor requests` (theirs, to them, open ones; admins:
    all), newest first, for the `number` option: (label, number)."""
    return await choices.request_choices(core.sessions, PLATFORM, guild_id, user_id, everyone, typed, limit)
