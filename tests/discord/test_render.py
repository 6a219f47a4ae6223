"""Rendering the neutral message model for Discord: escaping, mentions, timestamps and limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from adapters.discord.render import CONTENT_MAX, EMBED_DESCRIPTION_MAX, render
from adapters.discord.views import build_view
from bot.messages import Button, Mention, MessageBuilder, Strong, Text, Timestamp, TimeStyle, simple
from tests.contract import RICH

AT = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_plain_message_is_content_with_escaped_user_text() -> None:
    r = render(simple("hi @everyone @here <@&123456789012345678> *bold* ", Mention("1002", "ben")))
    assert r.content is not None and r.embeds == []
    assert "@everyone" not in r.content and "@here" not in r.content
    assert "<@&123456789012345678>" not in r.content
    assert "\\*bold\\*" in r.content and r.content.endswith("<@1002>")
    mentions = r.allowed_mentions.to_dict()
    assert mentions["parse"] == [] and mentions["users"] == ["1002"] and not mentions.get("replied_user")


def test_structured_message_is_an_embed_and_pings_only_mentioned_users() -> None:
    r = render(RICH)
    [embed] = r.embeds
    assert embed.title == "Next check-in"
    assert embed.description is not None and "<!channel>" in embed.description
    assert "@everyone" not in embed.description
    assert f"<t:{int(RICH.blocks[1].parts[1].at.timestamp())}:F>" in embed.description  # type: ignore[union-attr]
    assert [f.name for f in embed.fields] == ["Goal"]
    assert r.allowed_mentions.to_dict()["parse"] == []


def test_timestamps_and_strong() -> None:
    r = render(
        simple(
            Timestamp(AT),
            " ",
            Timestamp(AT, TimeStyle.RELATIVE),
            " ",
            Timestamp(AT, TimeStyle.DATE),
            " ",
            Strong("Update from "),
        )
    )
    stamp = int(AT.timestamp())
    assert r.content == f"<t:{stamp}:F> <t:{stamp}:R> <t:{stamp}:D> **Update from** "


def test_mentions_in_embeds_go_into_content_only_when_pinging() -> None:
    msg = (
        MessageBuilder()
        .heading("H")
        .para(Mention("1001", "ana"), Text(" and "), Mention("x", "console"))
        .build()
    )
    assert render(msg).content == "<@1001>"
    assert render(msg, ping=False).content is None
    assert render(msg, ping=False).allowed_mentions.to_dict()["users"] == []


def shown(r) -> str:
    """Everything a reader sees of a rendering: content, embeds in order, follow-up messages."""
    parts = [r.content or ""]
    for e in r.embeds:
        parts += [e.title or "", *(f"{f.name}{f.value}" for f in e.fields), e.description or ""]
    return "".join(parts + r.more)


def test_limits_are_respected_and_nothing_is_clipped() -> None:
    long = "x" * 5000
    plain = render(simple(long))
    assert len(plain.content or "") == CONTENT_MAX and all(len(m) <= CONTENT_MAX for m in plain.more)
    assert (plain.content or "") + "".join(plain.more) == long
    r = render(MessageBuilder().heading("h" * 300).para(long).fields([("k" * 300, (Text(long),))]).build())
    assert all(
        len(e.title or "") <= 256 and len(e.description or "") <= EMBED_DESCRIPTION_MAX for e in r.embeds
    )
    total = sum(
        len(e.title or "")
        + len(e.description or "")
        + sum(len(f.name or "") + len(f.value or "") for f in e.fields)
        for e in r.embeds
    )
    assert total <= 6000 and len(r.embeds) <= 10 and all(len(m) <= CONTENT_MAX for m in r.more)
    seen = shown(r)
    assert seen.count("x") == 10_000 and seen.count("h") == 300 and seen.count("k") == 300


def test_a_4000_character_update_is_shown_whole_in_one_message_or_continued() -> None:
    update = " ".join(f"word{i:04d}" for i in range(440))  # about 4,000 characters, no newline
    r = render(simple(Strong("Update from ana: "), Text(update)))
    assert "".join([r.content or "", *r.more]).endswith("word0439")
    assert all(len(m) <= CONTENT_MAX for m in [r.content or "", *r.more])
    structured = render(MessageBuilder().heading("Update").para(update).build())
    assert "word0000" in shown(structured) and "word0439" in shown(structured)

    buttons = [Button("L" * 100, f"actions:done:{i}") for i in range(30)]
    view = build_view(buttons, "500")
    assert view is not None
    rows = view.to_components()
    assert len(rows) == 5 and all(len(row["components"]) == 5 for row in rows)
    assert all(
        len(c["label"]) <= 80 and len(c["custom_id"]) <= 100 for row in rows for c in row["components"]
    )


# A masked link Discord would make live: an unescaped "[" … an unescaped "](".
LIVE_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")
LIVE_LINE_MARKUP = re.compile(r"(?m)^\s*(#|>|-#)")


def test_every_masked_link_and_markup_in_user_text_is_literal() -> None:
    evil = "see [x](y) then [Open your check-in](https://evil.example/login)\n# Heading\n> quote\n-# small"
    for r in (
        render(simple(evil)),
        render(
            MessageBuilder()
            .heading("Mentor profile: " + evil)
            .para(evil)
            .bullets([(Text(evil),)])
            .fields([(evil, (Text(evil),))])
            .build()
        ),
    ):
        for text in [r.content or "", *r.more] + [
            x
            for e in r.embeds
            for x in (
                e.title or "",
                e.description or "",
                *(f.name or "" for f in e.fields),
                *(f.value or "" for f in e.fields),
            )
        ]:
            assert not LIVE_LINK.search(text), text
            assert not LIVE_LINE_MARKUP.search(text), text
        assert "Open your check-in" in shown(r)  # shown, as text


def test_embed_titles_are_escaped() -> None:
    r = render(
        MessageBuilder()
        .heading("Office hours: [Free money](https://evil.example) @everyone")
        .para("x")
        .build()
    )
    [embed] = r.embeds
    assert embed.title is not None
    assert "\\[Free money\\](https://evil.example)" in embed.title and "@everyone" not in embed.title
