"""Checks what the adapter sent against Slack's own Web API spec and Block Kit models and limits."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock
from slack_sdk.models.views import View

from tests.slack.fake_slack import Call

SPEC = Path(__file__).with_name("slack-web-openapi-v2.json")
# Newer than the spec (2019): message metadata, and token rotation's refresh grant (2021).
ALLOWED_EXTRA = {
    "chat.postMessage": {"metadata"},
    "conversations.history": {"include_all_metadata"},
    "conversations.replies": {"include_all_metadata"},
    "oauth.v2.access": {"grant_type", "refresh_token"},
}
# Bolt's per-request client sends the workspace's team_id with every call (for org-wide installs);
# Slack accepts it on all methods, though the 2019 spec lists it on few.
EVERYWHERE = {"team_id"}
# Socket Mode's connection call is not in the (older) spec either.
NOT_IN_SPEC = {"apps.connections.open"}
# The file upload flow (files.upload was retired in 2025) is newer than the spec: its documented
# parameters, https://api.slack.com/methods/files.getUploadURLExternal and …completeUploadExternal.
NEWER_METHODS = {
    "files.getUploadURLExternal": {"filename", "length", "alt_text", "snippet_type"},
    "files.completeUploadExternal": {"files", "channel_id", "channels", "initial_comment", "thread_ts"},
}


@cache
def spec_params() -> dict[str, set[str]]:
    spec = json.loads(SPEC.read_text())
    out: dict[str, set[str]] = {}
    for path, verbs in spec["paths"].items():
        names: set[str] = set()
        for op in verbs.values():
            names |= {p["name"] for p in op.get("parameters", [])}
        out[path.lstrip("/")] = names
    return out


def check_call(call: Call) -> None:
    if call.method in NOT_IN_SPEC:
        return
    known = {**spec_params(), **NEWER_METHODS}
    assert call.method in known, f"{call.method} is not a Slack Web API method"
    allowed = known[call.method] | ALLOWED_EXTRA.get(call.method, set()) | EVERYWHERE
    unknown = set(call.params) - allowed
    assert not unknown, f"{call.method}: parameters unknown to Slack's spec: {sorted(unknown)}"
    if "blocks" in call.params:
        check_blocks(call.params["blocks"])
    if "view" in call.params:
        check_view(call.params["view"])


def check_blocks(blocks: list[dict[str, Any]], limit: int = 50) -> None:
    assert isinstance(blocks, list)
    assert len(blocks) <= limit, f"{len(blocks)} blocks (Slack allows {limit})"
    parsed = Block.parse_all(blocks)
    assert len(parsed) == len(blocks)
    for raw, block in zip(blocks, parsed, strict=True):
        assert block is not None, f"unparseable block {raw}"
        block.to_dict()  # runs slack_sdk's validators (lengths, counts)
        if isinstance(block, SectionBlock):
            if block.text is not None:
                assert len(block.text.text) <= 3000
            assert len(block.fields or []) <= 10
        if isinstance(block, ActionsBlock):
            assert len(block.elements) <= 25
            for element in block.elements:
                if isinstance(element, ButtonElement):
                    assert element.text is not None and len(element.text.text) <= 75


def check_view(view: dict[str, Any]) -> None:
    model = View(**view)
    model.to_dict()
    check_blocks(view.get("blocks", []), limit=100)


def check_all(calls: list[Call]) -> int:
    for call in calls:
        check_call(call)
    return len(calls)
