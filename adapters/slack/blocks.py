"""Block Kit rendering of the core's neutral messages, within Slack's limits, with user text escaped.

Times become `<!date^…>` tokens so each reader sees their own local time, which is why one rendering
serves a group DM of people in different zones."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from adapters.textsplit import split_text
from bot.messages import (
    Bullets,
    Button,
    Buttons,
    ButtonStyle,
    ChannelLink,
    Fields,
    Form,
    Heading,
    Inline,
    Line,
    Mention,
    Message,
    Paragraph,
    Strong,
    Text,
    Timestamp,
    TimeStyle,
)

JsonDict = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER = 150
MAX_BUTTON_LABEL = 75
MAX_BUTTONS = 25
MAX_ACTION_ID = 255
MAX_FALLBACK = 4000
MAX_MODAL_TITLE = 24
MAX_MODAL_BLOCKS = 100
MAX_PLACEHOLDER = 150
MAX_INPUT_LABEL = 2000


def escape(text: str) -> str:
    """Slack's three control characters; with them escaped, `<!channel>` in user text is inert."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack sends message and command text escaped; the core keeps what the person typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _strong(text: str) -> str:
    # A `*` inside would end the bold early; the look-alike keeps the text intact.
    return f"*{escape(text).replace('*', '∗')}*" if text.strip() else escape(text)


def _date_token(ts: Timestamp) -> str:
    at = ts.at.astimezone(UTC)
    epoch = int(at.timestamp())
    if ts.style is TimeStyle.RELATIVE:
        fmt, fallback = "{ago}", at.strftime("%Y-%m-%d %H:%M UTC")
    elif ts.style is TimeStyle.DATE:
        fmt, fallback = "{date_short_pretty}", at.strftime("%a %d %b %Y")
    else:
        fmt, fallback = "{date_short_pretty} at {time}", at.strftime("%a %d %b %Y %H:%M UTC")
    return f"<!date^{epoch}^{fmt}|{fallback}>"


def inline(part: Inline) -> str:
    if isinstance(part, Text):
        return escape(part.text)
    if isinstance(part, Strong):
        return _strong(part.text)
    if isinstance(part, Mention):
        return f"<@{part.user_id}>" if _is_slack_id(part.user_id) else escape("@" + part.name)
    if isinstance(part, ChannelLink):
        return f"<#{part.channel_id}>" if _is_slack_id(part.channel_id) else escape("#" + part.name)
    return _date_token(part)


def _is_slack_id(ident: str) -> bool:
    # Only real ids go inside <…>: anything else there could be a crafted special mention.
    return ident.isascii() and ident.replace("_", "").isalnum() and ident[:1].isupper()


def mrkdwn(parts: Line) -> str:
    return "".join(inline(p) for p in parts)


def plain(parts: Line) -> str:
    """Fallback text for notifications (no markup, escaped)."""
    out = []
    for p in parts:
        if isinstance(p, Timestamp):
            out.append(_date_token(p))
        elif isinstance(p, Mention | ChannelLink):
            out.append(inline(p))
        else:
            out.append(escape(p.text))
    return "".join(out)


def _section(text: str) -> JsonDict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Join lines into texts of at most `limit` characters; a single overlong line continues in the
    next text (never clipped, never cut inside an entity or a `<…>` token)."""
    out: list[str] = []
    current = ""
    for raw in lines:
        pieces = split_text(raw, limit)
        for text in pieces[:-1]:
            if current:
                out.append(current)
                current = ""
            out.append(text)
        text = pieces[-1]
        if current and len(current) + 1 + len(text) > limit:
            out.append(current)
            current = text
        else:
            current = f"{current}\n{text}" if current else text
    if current:
        out.append(current)
    return out


def button(b: Button, value: str = "") -> JsonDict:
    element: JsonDict = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(b.label, MAX_BUTTON_LABEL) or "…", "emoji": True},
        "action_id": b.action_id[:MAX_ACTION_ID],
    }
    if value:
        element["value"] = value[:2000]
    if b.style is not ButtonStyle.DEFAULT:
        element["style"] = b.style.value
    return element


def render_blocks(message: Message, seen_actions: set[str] | None = None) -> list[JsonDict]:
    """The message's blocks, at most 50. `seen_actions` keeps action ids unique across one view."""
    seen = seen_actions if seen_actions is not None else set()
    blocks: list[JsonDict] = []
    for block in message.blocks:
        if isinstance(block, Heading):
            if len(block.text) > MAX_HEADER:  # a long title (user text in it) is shown whole, in bold
                blocks.extend(_section(t) for t in _chunks([_strong(block.text)], MAX_SECTION_TEXT))
            elif block.text.strip():
                blocks.append({"type": "header", "text": {"type": "plain_text", "text": block.text}})
        elif isinstance(block, Paragraph):
            text = mrkdwn(block.parts)
            blocks.extend(_section(t) for t in _chunks(text.splitlines() or [text], MAX_SECTION_TEXT))
        elif isinstance(block, Bullets):
            lines = [f"• {mrkdwn(item)}" for item in block.items]
            blocks.extend(_section(t) for t in _chunks(lines, MAX_SECTION_TEXT))
        elif isinstance(block, Fields):
            texts = [f"{_strong(key)}\n{mrkdwn(value)}" for key, value in block.pairs]
            fields = [{"type": "mrkdwn", "text": t} for t in texts if len(t) <= MAX_FIELD_TEXT]
            for i in range(0, len(fields), MAX_FIELDS):
                blocks.append({"type": "section", "fields": fields[i : i + MAX_FIELDS]})
            # Too long for a field: shown whole in sections of its own.
            for t in texts:
                if len(t) > MAX_FIELD_TEXT:
                    blocks.extend(_section(c) for c in _chunks(t.splitlines(), MAX_SECTION_TEXT))
        elif isinstance(block, Buttons):
            elements = []
            for b in block.buttons:
                if b.action_id in seen:
                    continue
                seen.add(b.action_id)
                elements.append(button(b))
            for i in range(0, len(elements), MAX_BUTTONS):
                blocks.append({"type": "actions", "elements": elements[i : i + MAX_BUTTONS]})
    blocks = [b for b in blocks if b.get("type") != "section" or b.get("fields") or b["text"]["text"]]
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], _section("_…and more: the rest did not fit in one message._")]
    return blocks


def fallback_text(message: Message) -> str:
    """The notification text (and what screen readers and old clients show)."""
    if message.summary:
        return clip(escape(message.summary), MAX_FALLBACK)
    lines = [plain(line) for line in message.plain_lines()]
    return clip("\n".join(line for line in lines if line) or "mentorbot", MAX_FALLBACK)


def render(message: Message) -> tuple[str, list[JsonDict]]:
    return fallback_text(message), render_blocks(message)


def modal(form: Form, private_metadata: dict[str, str] | None = None) -> JsonDict:
    """A form as a modal; each field is an input block whose block_id is the field's name."""
    blocks: list[JsonDict] = []
    for f in form.fields[:MAX_MODAL_BLOCKS]:
        element: JsonDict = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": f.multiline,
            "max_length": max(1, min(f.max_length, 3000)),
        }
        if f.placeholder:
            element["placeholder"] = {"type": "plain_text", "text": clip(f.placeholder, MAX_PLACEHOLDER)}
        if f.initial:
            element["initial_value"] = f.initial[: element["max_length"]]
        blocks.append(
            {
                "type": "input",
                "block_id": f.name[:255],
                "label": {"type": "plain_text", "text": clip(f.label, MAX_INPUT_LABEL) or f.name},
                "element": element,
                "optional": not f.required,
            }
        )
    view: JsonDict = {
        "type": "modal",
        "callback_id": form.form_id[:255],
        "title": {"type": "plain_text", "text": clip(form.title, MAX_MODAL_TITLE) or "mentorbot"},
        "submit": {"type": "plain_text", "text": clip(form.submit_label, MAX_MODAL_TITLE) or "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }
    if private_metadata:
        view["private_metadata"] = json.dumps(private_metadata)[:3000]
    return view


def form_values(view: JsonDict) -> dict[str, str]:
    """The submitted values of a modal built by `modal`, by field name."""
    out: dict[str, str] = {}
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return out
    for block_id, actions in values.items():
        if not isinstance(actions, dict):
            continue
        for action in actions.values():
            if isinstance(action, dict):
                value = action.get("value")
                out[str(block_id)] = value if isinstance(value, str) else ""
                break
    return out


def home_view(messages: list[Message]) -> JsonDict:
    """App Home: several of the core's messages stacked, within the home tab's 100 blocks."""
    seen: set[str] = set()
    blocks: list[JsonDict] = []
    for i, message in enumerate(messages):
        if i:
            blocks.append({"type": "divider"})
        blocks.extend(render_blocks(message, seen))
    if len(blocks) > 100:
        blocks = [*blocks[:99], _section("_…and more: use `/mentor list` and `/actions`._")]
    return {"type": "home", "blocks": blocks}
