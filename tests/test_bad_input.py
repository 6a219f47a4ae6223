"""Bad input end to end: user text full of mass-mention markup travels through the core (stored, then
rendered into replies, threads and reminders) and must be inert on every platform; a flood of action
items gets the limit message and leaves what is stored intact.

The renderers' own escaping has unit tests (tests/slack/test_blocks.py, tests/discord/test_render.py);
these check every message a real scenario produces, through all three renderers at once."""

from __future__ import annotations

import json
import re
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from adapters.console.printer import TextRenderer
from adapters.discord.render import EMBED_TOTAL_MAX
from adapters.discord.render import render as discord_render
from adapters.slack.blocks import render as slack_render
from bot.messages import Message, Reply
from bot.persistence.tables import ActionItem
from bot.services.actions import OPEN_MAX
from tests.harness import Harness, render
from tests.slack.spec import check_blocks

# (A real user mention such as `<@U123>` is grammar, not text: it picks a person, so it is left out.)
INJECT = (
    "<!channel> <!everyone> <!here> @everyone @here <@&123456789012345678> <!subteam^S1|devs> <#C1|x> "
    "see [x](y) then [Open your check-in](https://evil.example/login) <https://evil.example|Open> "
    "# heading"
)
# Anything Slack would turn into a broadcast, a group or a user ping out of raw text.
SLACK_LIVE = re.compile(r"<!(channel|everyone|here|subteam)|<@[^>]*>|<#C1|<https://evil")
# Discord pings from content: @everyone, @here, role and user mentions.
DISCORD_LIVE = re.compile(r"(?m)@(everyone|here)|<@&?\d+>|(?<!\\)\[[^\]]*(?<!\\)\]\(|^# ")


def slack_strings(message: Message) -> str:
    text, blocks = slack_render(message)
    check_blocks(blocks)
    return text + "\n" + json.dumps(blocks)


def discord_strings(message: Message) -> tuple[str, str]:
    """(content, embeds): content is what can ping; embeds never do but are shown."""
    r = discord_render(message)
    mentions = r.allowed_mentions.to_dict()
    # Whatever the text says, the request itself allows no broadcast and no role ping.
    assert mentions["parse"] == [] and not mentions.get("roles"), mentions
    embeds = json.dumps([e.to_dict() for e in r.embeds])
    return r.content or "", embeds


async def test_mass_mentions_in_user_text_are_inert_on_every_platform(h: Harness) -> None:
    replies: list[Reply] = []
    # In a pairing every @word picks a person, so the goal carries only the bracketed forms.
    await h.pair("ann", "bo", "ready <!channel> <!everyone> <@&123456789012345678> focus career")
    # bo's display name itself carries the markup (platforms let people choose almost anything).
    named = h.actor("bo")
    named = type(named)(**{**named.__dict__, "display_name": INJECT})
    replies.append(await h.app.router.command(named, "checkin", ""))
    brackets = "<!channel> <!everyone> <!here> <@&123456789012345678> <!subteam^S1|devs> <#C1|x>"
    for user, line in [
        ("ann", "/mentor cadence every week on Tuesday at 10:00"),
        ("bo", f"/agenda add {INJECT}"),
        # Where a trailing @word names a person, the bracketed forms are the text.
        ("ann", f"/actions add {brackets} @bo due in 3 days"),
        ("bo", f"/checkin {INJECT}"),
        ("bo", "/checkin"),
        ("ann", "/actions"),
        ("ann", "/mentor list"),
    ]:
        reply = await h.say(user, line)
        assert reply.ok, (line, render(reply.message))
        replies.append(reply)
    # `@everyone` where the grammar expects a person is a person nobody is paired with: a plain refusal.
    refused = await h.say("ann", "/actions add ping them all @everyone")
    assert not refused.ok and "everyone" in render(refused.message)
    replies.append(refused)
    await h.advance("2d")  # reminders (listing agenda and items), the wrap-up, the next announcement
    messages = [r.message for r in replies] + [d.message for d in h.chat.sent]
    carrying = 0
    for message in messages:
        console = "\n".join(TextRenderer([ZoneInfo("UTC")], h.clock.now()).render(message))
        if "<!everyone>" in console:
            carrying += 1
            # The console shows exactly what was typed: a terminal has nobody to ping.
            assert "<@&123456789012345678>" in console
        slack = slack_strings(message)
        assert not SLACK_LIVE.search(slack), SLACK_LIVE.search(slack)
        if "<!everyone>" in console:
            assert "&lt;!everyone&gt;" in slack  # shown escaped, not dropped
        content, embeds = discord_strings(message)
        assert not DISCORD_LIVE.search(content), content
        assert not DISCORD_LIVE.search(embeds.replace("\\u200b", "\u200b")), embeds
    # The markup reached replies, the thread post and the DM reminders — not just one message.
    assert carrying >= 6, carrying
    assert any("coming up" in d.text and "<!everyone>" in d.text for d in h.chat.sent)


async def test_a_thousand_action_items_get_the_limit_message_and_nothing_is_damaged(h: Harness) -> None:
    await h.pair()
    refused = []
    for i in range(1000):
        reply = await h.say("ann", f"/actions add item {i} " + "x" * 250, flush=False)
        if not reply.ok:
            refused.append(render(reply.message))
    assert len(refused) == 1000 - OPEN_MAX
    assert set(refused) == {refused[0]} and f"{OPEN_MAX} open action items" in refused[0]
    async with h.app.core.sessions() as s:
        assert await s.scalar(select(func.count(ActionItem.id))) == OPEN_MAX
        texts = list(await s.scalars(select(ActionItem.text).order_by(ActionItem.id)))
    assert texts == [f"item {i} " + "x" * 250 for i in range(OPEN_MAX)]
    # The full list still renders within every platform's limits.
    listing = await h.say("ann", "/actions")
    assert listing.ok and "item 49" in render(listing.message)
    check_blocks(slack_render(listing.message)[1])
    assert all(len(e) <= EMBED_TOTAL_MAX for e in discord_render(listing.message).embeds)
    # Closing one makes room again: the limit is a limit, not a wedge.
    assert (await h.say("ann", "/actions done 1")).ok
    assert (await h.say("ann", "/actions add one more")).ok
