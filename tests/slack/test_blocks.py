"""Block Kit rendering: every shape the core can produce parses with slack_sdk and stays within limits."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from adapters.slack.blocks import escape, form_values, home_view, inline, modal, render, unescape
from bot.messages import (
    Button,
    ChannelLink,
    Form,
    FormField,
    Mention,
    MessageBuilder,
    Text,
    Timestamp,
    TimeStyle,
)
from tests.slack.spec import check_blocks, check_view

AT = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def test_escaping_defuses_special_mentions() -> None:
    assert escape("<!channel> & <!everyone> <@U1>") == "&lt;!channel&gt; &amp; &lt;!everyone&gt; &lt;@U1&gt;"
    assert unescape(escape("a < b & c > d")) == "a < b & c > d"
    assert inline(Mention("U123ABC", "ana")) == "<@U123ABC>"
    # A "user id" that is really a special mention is shown as text, never as markup.
    assert inline(Mention("!channel", "x")) == "@x"
    assert inline(ChannelLink("C42", "general")) == "<#C42>"
    assert inline(ChannelLink("!here|x", "sneaky")) == "#sneaky"


def test_timestamps_render_in_each_readers_zone() -> None:
    epoch = int(AT.timestamp())
    assert (
        inline(Timestamp(AT))
        == f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|Tue 01 Dec 2026 15:00 UTC>"
    )
    assert inline(Timestamp(AT, TimeStyle.DATE)).startswith(f"<!date^{epoch}^{{date_short_pretty}}|")
    assert inline(Timestamp(AT, TimeStyle.RELATIVE)).startswith(f"<!date^{epoch}^{{ago}}|")


def test_huge_messages_stay_within_slacks_limits() -> None:
    b = MessageBuilder().heading("H" * 400)
    b.para("x" * 7000)
    b.bullets([(Text("item " + "y" * 500),) for _ in range(40)])
    b.fields([(f"key {i}", (Text("v" * 2500),)) for i in range(23)])
    b.buttons(*(Button("L" * 100, f"actions:done:{i}") for i in range(60)))
    for _ in range(40):
        b.para("more")
    text, blocks = render(b.build())
    check_blocks(blocks)
    assert len(blocks) == 50
    assert blocks[-1]["text"]["text"].startswith("_…and more")
    assert len(text) <= 4000


def test_buttons_are_split_in_groups_of_25_and_labels_clipped() -> None:
    message = MessageBuilder().buttons(*(Button("L" * 100, f"a:b:{i}") for i in range(60))).build()
    _, blocks = render(message)
    check_blocks(blocks)
    assert [len(b["elements"]) for b in blocks] == [25, 25, 10]
    assert len(blocks[0]["elements"][0]["text"]["text"]) == 75


def test_a_form_becomes_a_valid_modal_and_its_values_come_back() -> None:
    form = Form(
        "checkin:update:7",
        "Post an update to your mentor please",
        (
            FormField("progress", "Progress", multiline=True, placeholder="p" * 300, initial="so far"),
            FormField("blockers", "Blockers", required=False, max_length=500),
        ),
    )
    view = modal(form, {"channel": "C1", "response_url": "http://x"})
    check_view(view)
    assert view["callback_id"] == "checkin:update:7" and len(view["title"]["text"]) <= 24
    assert [b["optional"] for b in view["blocks"]] == [False, True]
    state = {"values": {"progress": {"value": {"value": "drafted"}}, "blockers": {"value": {"value": None}}}}
    assert form_values({**view, "state": state}) == {"progress": "drafted", "blockers": ""}
    assert form_values({"state": "garbage"}) == {}


def test_home_view_is_valid_and_keeps_action_ids_unique() -> None:
    message = MessageBuilder().heading("A").buttons(Button("Done", "actions:done:1")).build()
    view = home_view([message, message])
    check_view(view)
    ids = [e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert ids == ["actions:done:1"]


# Markup Slack would act on in mrkdwn: special mentions, user/channel mentions, links with a label.
SLACK_LIVE = re.compile(r"<[!@#]|<https?:[^>]*\|")


def test_user_text_cannot_make_links_or_mentions_in_the_bots_voice() -> None:
    evil = (
        "see <https://evil.example/login|Open your check-in> <!channel> <@U999> <#C1|general> <!subteam^S1>"
    )
    msg = (
        MessageBuilder()
        .heading("Mentor profile: " + evil)
        .para(evil)
        .bullets([(Text(evil),)])
        .fields([(evil, (Text(evil),))])
        .build()
    )
    text, blocks = render(msg)
    check_blocks(blocks)
    assert not SLACK_LIVE.search(text)
    # Only mrkdwn is interpreted; plain_text (the header) shows characters as they are.
    interpreted = [t for t in _texts(blocks, "mrkdwn")]
    assert len(interpreted) >= 3 and not any(SLACK_LIVE.search(t) for t in interpreted)
    assert all("&lt;https://evil.example/login|Open your check-in&gt;" in t for t in interpreted)


def _texts(node: object, kind: str) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == kind and isinstance(node.get("text"), str) else []
        return found + [t for v in node.values() for t in _texts(v, kind)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v, kind)]
    return []


def test_a_long_update_is_shown_whole_across_sections() -> None:
    update = " ".join(f"word{i:04d}" for i in range(900)) + " & <end>"  # about 8,100 characters, one line
    msg = MessageBuilder().para(Text("Update from ana: "), Text(update)).build()
    _text, blocks = render(msg)
    check_blocks(blocks)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(sections) >= 3 and all(len(s) <= 3000 for s in sections)
    joined = "".join(sections)
    assert joined == "Update from ana: " + escape(update)
    long_title = render(MessageBuilder().heading("Office hours: " + "t" * 300).build())[1]
    check_blocks(long_title)
    assert "t" * 300 in json.dumps(long_title)
