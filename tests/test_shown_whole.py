"""Text the bot accepts is shown whole wherever it is shown (issue 13): a 4,000-character update, notes
and a recap, through the Slack and Discord renderers, in every message a scenario produces."""

from __future__ import annotations

from adapters.discord.render import CONTENT_MAX
from adapters.discord.render import render as discord_render
from adapters.slack.blocks import escape as slack_escape
from adapters.slack.blocks import render as slack_render
from bot.messages import Message
from bot.services.checkins import UPDATE_MAX
from tests.harness import Harness
from tests.slack.spec import check_blocks


def discord_shown(message: Message) -> str:
    r = discord_render(message)
    assert len(r.content or "") <= CONTENT_MAX and all(len(m) <= CONTENT_MAX for m in r.more)
    parts = [r.content or ""]
    for e in r.embeds:
        parts += [e.title or "", *(f.value or "" for f in e.fields), e.description or ""]
    return "".join(parts + r.more).replace("\\", "")


def slack_shown(message: Message) -> str:
    _text, blocks = slack_render(message)
    check_blocks(blocks)
    return "".join(b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b)


async def test_a_4000_character_update_and_notes_are_shown_whole_on_both_platforms(h: Harness) -> None:
    await h.pair("ann", "bo")
    assert (await h.say("ann", "/mentor cadence every week on Tuesday at 10:00")).ok
    update = (" ".join(f"u{i:04d}" for i in range(UPDATE_MAX // 6)) + " " * 10)[: UPDATE_MAX - 4] + " END"
    assert len(update) == UPDATE_MAX
    assert (await h.say("bo", f"/checkin {update}")).ok
    posts = [d for d in h.chat.sent if "u0000" in d.text]
    assert posts, "the update was posted into the thread"
    for post in posts:
        assert update.replace("_", "") in discord_shown(post.message).replace("_", "")
        assert slack_escape(update) in slack_shown(post.message)
    await h.advance("1d 3h")  # the check-in has happened
    notes = "We covered a lot. " * 220  # 3,960 characters
    assert (await h.say("bo", f"/checkin notes {notes}")).ok
    summaries = [d for d in h.chat.sent if "We covered a lot." in d.text]
    assert len(summaries) == 2  # one to each
    for summary in summaries:
        assert discord_shown(summary.message).count("We covered a lot.") == 220
        assert slack_shown(summary.message).count("We covered a lot.") == 220
