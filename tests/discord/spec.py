"""Checks recorded requests against Discord's official OpenAPI 3.1 spec (MIT, see discord-openapi.LICENSE)
with a JSON Schema validator, plus the component limits the spec does not express."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.discord.fakeapi import Recorded

SPEC_FILE = Path(__file__).with_name("discord-openapi.json")
BASE = "urn:discord-openapi"
METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True)
class Template:
    path: str
    pattern: re.Pattern[str]
    literal_parts: int


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC_FILE.read_text())
    return loaded


@cache
def registry() -> Registry:
    return Registry().with_resource(BASE, Resource.from_contents(spec(), default_specification=DRAFT202012))


@cache
def templates() -> list[Template]:
    out = []
    for path in spec()["paths"]:
        regex = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$"
        literal = sum(1 for part in path.split("/") if part and not part.startswith("{"))
        out.append(Template(path, re.compile(regex), literal))
    # "/users/@me/channels" must win over "/users/{user_id}/…": prefer the most literal template.
    return sorted(out, key=lambda t: -t.literal_parts)


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(quote(p.replace("~", "~0").replace("/", "~1"), safe="") for p in parts)


@cache
def _validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": BASE + pointer}, registry=registry())


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if kind == "boolean" or (isinstance(kind, list) and "boolean" in kind):
        return {"true": True, "false": False, "1": True, "0": False}.get(value.lower(), value)
    if kind == "integer" or (isinstance(kind, list) and "integer" in kind):
        return int(value) if value.lstrip("-").isdigit() else value
    return value


def validate_request(r: Recorded) -> list[str]:
    """Errors (empty when valid) for one request: known path and method, query parameters, JSON body."""
    for t in templates():
        if t.pattern.match(r.path):
            break
    else:
        return [f"{r}: no such path in Discord's API"]
    item = spec()["paths"][t.path]
    method = r.method.lower()
    if method not in item:
        return [f"{r}: {r.method} is not allowed on {t.path}"]
    op = item[method]
    errors: list[str] = []
    params: dict[str, tuple[dict[str, Any], str]] = {}
    for scope, owner in (((), item), ((method,), op)):
        for i, p in enumerate(owner.get("parameters", [])):
            if p["in"] == "query":
                params[p["name"]] = (
                    p["schema"],
                    _pointer("paths", t.path, *scope, "parameters", str(i), "schema"),
                )
    for name, value in r.query.items():
        if name not in params:
            errors.append(f"{r}: unknown query parameter {name!r}")
            continue
        schema, pointer = params[name]
        target = schema
        if "$ref" in schema:
            target = registry().resolver(BASE).lookup(BASE + schema["$ref"]).contents
        for e in _validator(pointer).iter_errors(_coerce(value, target)):
            errors.append(f"{r}: query {name}={value!r}: {e.message}")
    body_spec = op.get("requestBody")
    if r.body is None:
        if body_spec and body_spec.get("required"):
            errors.append(f"{r}: a JSON body is required")
        return errors
    if not body_spec or "application/json" not in body_spec["content"]:
        return [*errors, f"{r}: sends a JSON body where the spec takes none"]
    pointer = _pointer("paths", t.path, method, "requestBody", "content", "application/json", "schema")
    body = r.body
    if r.files:
        # A multipart upload: discord.py numbers the files 0, 1 … as integers in payload_json's
        # `attachments` (as Discord's own reference example does), where the spec types ids as snowflake
        # strings; compare the rest as is, and check every attachment names a file that was sent.
        sent = {name for name, _ in r.files}
        attachments = body.get("attachments") or []
        errors += [
            f"{r}: attachment {a} names no uploaded file" for a in attachments if a["filename"] not in sent
        ]
        body = {**body, "attachments": [{**a, "id": str(a["id"])} for a in attachments]}
    for e in sorted(_validator(pointer).iter_errors(body), key=lambda e: list(e.path)):
        where = "/".join(str(x) for x in e.absolute_path)
        errors.append(f"{r}: body at /{where}: {e.message[:300]}")
    return errors


# ---- limits the schema does not capture ---------------------------------------------------------


def _message_limits(body: dict[str, Any], where: str) -> list[str]:
    errors = []
    content = body.get("content") or ""
    if len(content) > 2000:
        errors.append(f"{where}: content is {len(content)} > 2000 characters")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        errors.append(f"{where}: {len(embeds)} > 10 embeds")
    for embed in embeds:
        total = (
            len(embed.get("title") or "")
            + len(embed.get("description") or "")
            + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or [])
        )
        if total > 6000:
            errors.append(f"{where}: an embed has {total} > 6000 characters")
    rows = body.get("components") or []
    if len(rows) > 5:
        errors.append(f"{where}: {len(rows)} > 5 action rows")
    for row in rows:
        buttons = row.get("components") or []
        if row.get("type") == 1 and len(buttons) > 5:
            errors.append(f"{where}: a row has {len(buttons)} > 5 components")
        for c in buttons:
            if len(c.get("label") or "") > 80:
                errors.append(f"{where}: label {c['label']!r} > 80 characters")
            if len(c.get("custom_id") or "") > 100:
                errors.append(f"{where}: custom_id {c['custom_id']!r} > 100 characters")
    return errors


# Application commands (discord.com/developers/docs/interactions/application-commands): per application
# 100 chat-input commands (global, and again per guild), 25 options per command, group or sub-command,
# 25 choices, names of 1-32 lowercase characters, descriptions of 1-100, and 4,000 characters in all of one
# command's names, descriptions and choice values.
MAX_COMMANDS, MAX_OPTIONS, MAX_CHOICES, MAX_COMMAND_CHARS = 100, 25, 25, 4000
NAME = re.compile(r"^[-_\w]{1,32}$")


def command_limits(commands: list[dict[str, Any]]) -> list[str]:
    """What in an application-command sync body (PUT …/commands) Discord would refuse."""
    errors: list[str] = []
    chat = [c for c in commands if c.get("type", 1) == 1]
    if len(chat) > MAX_COMMANDS:
        errors.append(f"{len(chat)} chat-input commands > {MAX_COMMANDS}")
    for command in commands:
        errors += _option_limits(command, "/" + str(command.get("name")))
        chars = _characters(command)
        if chars > MAX_COMMAND_CHARS:
            errors.append(f"/{command.get('name')}: {chars} characters > {MAX_COMMAND_CHARS}")
    return errors


def _option_limits(item: dict[str, Any], where: str) -> list[str]:
    errors: list[str] = []
    name, description = str(item.get("name", "")), str(item.get("description", ""))
    if not NAME.fullmatch(name) or name != name.lower():
        errors.append(f"{where}: name {name!r} is not 1-32 lowercase characters")
    if item.get("type", 1) in (1, 2) and not 1 <= len(description) <= 100 and "options" in item:
        errors.append(f"{where}: description of {len(description)} characters (1-100)")
    options = item.get("options") or []
    if len(options) > MAX_OPTIONS:
        errors.append(f"{where}: {len(options)} options > {MAX_OPTIONS}")
    if len(item.get("choices") or []) > MAX_CHOICES:
        errors.append(f"{where}: {len(item['choices'])} choices > {MAX_CHOICES}")
    for option in options:
        errors += _option_limits(option, f"{where} {option.get('name')}")
    return errors


def _characters(item: dict[str, Any]) -> int:
    total = len(str(item.get("name", ""))) + len(str(item.get("description", "")))
    total += sum(
        len(str(c.get("name", ""))) + len(str(c.get("value", ""))) for c in item.get("choices") or []
    )
    return total + sum(_characters(o) for o in item.get("options") or [])


def check_limits(r: Recorded) -> list[str]:
    if r.method == "PUT" and re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", r.path):
        return command_limits(r.body if isinstance(r.body, list) else [])
    if not isinstance(r.body, dict):
        return []
    if r.path.endswith("/callback"):
        data = r.body.get("data") or {}
        if r.body.get("type") == 9:
            errors = []
            if len(data.get("title", "")) > 45:
                errors.append(f"{r}: modal title > 45 characters")
            if len(data.get("components") or []) > 5:
                errors.append(f"{r}: modal has > 5 inputs")
            return errors
        return _message_limits(data, str(r))
    if r.method in ("POST", "PATCH") and ("/messages" in r.path or r.path.startswith("/webhooks/")):
        return _message_limits(r.body, str(r))
    return []


def check_all(requests: list[Recorded]) -> list[str]:
    errors: list[str] = []
    for r in requests:
        errors += validate_request(r)
        errors += check_limits(r)
    return errors
