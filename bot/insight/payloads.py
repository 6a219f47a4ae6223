"""Typed payloads of the outbox kinds program insight adds (rows store these as JSON objects)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class NudgePayload:
    """`insight.nudge`: a DM to `member_id`, one of the two people of `mentorship_id`; `by_id` is the
    member who pressed "nudge both" (None: a console operator)."""

    mentorship_id: int
    member_id: int
    by_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NudgePayload:
        by = data.get("by_id")
        return cls(int(data["mentorship_id"]), int(data["member_id"]), int(by) if by is not None else None)


@dataclass(frozen=True)
class DigestPayload:
    """`insight.digest`: the program digest of `workspace_id`, posted to `channel_id` (`every`: weekly or
    monthly)."""

    workspace_id: int
    channel_id: str
    every: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DigestPayload:
        return cls(int(data["workspace_id"]), str(data["channel_id"]), str(data["every"]))
