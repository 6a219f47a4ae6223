"""Rendering the neutral message model for Discord: escaping, mentions, timestamps and limits."""

from __future__ import annotations

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


def test_limits_are_respected() -> None:
    long = "x" * 5000
    assert len(render(simple(long)).content or "") == CONTENT_MAX
    r = render(MessageBuilder().heading("h" * 300).para(long).fields([("k" * 300, (Text(long),))]).build())
    [embed] = r.embeds
    assert len(embed.title or "") == 256 and len(embed.description or "") <= EMBED_DESCRIPTION_MAX
    total = (
        len(embed.title or "")
        + len(embed.description or "")
        + sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    )
    assert total <= 6000
    buttons = [Button("L" * 100, f"actions:done:{i}") for i in range(30)]
    view = build_view(buttons, "500")
    assert view is not None
    rows = view.to_components()
    assert len(rows) == 5 and all(len(row["components"]) == 5 for row in rows)
    assert all(
        len(c["label"]) <= 80 and len(c["custom_id"]) <= 100 for row in rows for c in row["components"]
    )
