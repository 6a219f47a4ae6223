"""Outbox kinds and their payloads as typed records: one dataclass per kind, built by the planner and
parsed once by the handler, so the two cannot drift apart.

A row's `payload` column holds `Payload.to_json()` (ids as integers, instants as ISO 8601 UTC strings);
`KIND.of(row)` reads it back and raises `BadPayload` when a field is missing or of the wrong type (the
dispatcher then fails that row with the reason instead of crashing). Extra fields some one-off notices
carry (who did it, the old and new time) live in `extra`, flattened into the same JSON object.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from typing import Any, ClassVar, Self, Union

from bot.outbox import Planned


class BadPayload(ValueError):
    """A row's payload does not have the shape its kind declares."""


@dataclasses.dataclass(frozen=True)
class Payload:
    kind: ClassVar[str] = ""
    # Payload kinds whose JSON also carries free-form fields (rendered by the wording module).
    open_ended: ClassVar[bool] = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "extra":
                data.update(value)
            else:
                data[f.name] = value.isoformat() if isinstance(value, datetime) else value
        return data

    @classmethod
    def of(cls, row: Any) -> Self:
        """Parse a row (anything with `.payload`) or a payload dict."""
        data = row.payload if hasattr(row, "payload") else row
        if not isinstance(data, dict):
            raise BadPayload(f"{cls.kind}: payload is not an object")
        hints = _hints(cls)
        values: dict[str, Any] = {}
        names = set()
        for f in dataclasses.fields(cls):
            names.add(f.name)
            if f.name == "extra":
                continue
            if f.name not in data:
                if f.default is not dataclasses.MISSING:
                    continue
                raise BadPayload(f"{cls.kind}: missing {f.name}")
            values[f.name] = _coerce(cls.kind, f.name, hints[f.name], data[f.name])
        if "extra" in names:
            values["extra"] = {k: v for k, v in data.items() if k not in names}
        return cls(**values)

    def plan(
        self, key: str, topic: str, due: datetime, *, stale_if_late: bool = False, reminder: bool = False
    ) -> Planned:
        """`reminder`: stale when late, and a lead time moved into the past keeps the time it can make."""
        return Planned(
            self.kind,
            key,
            topic,
            due,
            self.to_json(),
            stale_if_late=stale_if_late or reminder,
            keep_time_if_late=reminder,
        )


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    # Resolving the annotations compiles each one: once per kind, not once per row the dispatcher reads.
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _coerce(kind: str, name: str, hint: Any, value: Any) -> Any:
    options = typing.get_args(hint) if typing.get_origin(hint) in (Union, types.UnionType) else (hint,)
    if value is None:
        if type(None) in options:
            return None
        raise BadPayload(f"{kind}: {name} is empty")
    for option in options:
        if option is bool and isinstance(value, bool):
            return value
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if option is int and isinstance(value, str) and value.isdigit():
            return int(value)
        if option is str and isinstance(value, str):
            return value
        if option is datetime and isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                break
    raise BadPayload(f"{kind}: {name} has the wrong type ({type(value).__name__})")


# ---- mentorships and check-ins -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MentorshipRef(Payload):
    mentorship_id: int


@dataclasses.dataclass(frozen=True)
class MentorshipWelcome(MentorshipRef):
    kind = "mentorship.welcome"


@dataclasses.dataclass(frozen=True)
class MentorshipResume(MentorshipRef):
    kind = "mentorship.resume"


@dataclasses.dataclass(frozen=True)
class MentorshipSilence(MentorshipRef):
    kind = "mentorship.silence"


@dataclasses.dataclass(frozen=True)
class MentorshipNotice(Payload):
    """A one-off notice; `to` is "home" or "dm:<member id>"; `extra` holds the event's own fields."""

    kind = "mentorship.notice"
    open_ended = True
    mentorship_id: int
    event: str
    to: str
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class CheckinRef(Payload):
    """A row about one occurrence, planned for the time it had then (a moved check-in drops it)."""

    mentorship_id: int
    checkin_id: int
    scheduled_at: datetime


@dataclasses.dataclass(frozen=True)
class CheckinAnnounce(CheckinRef):
    kind = "checkin.announce"


@dataclasses.dataclass(frozen=True)
class CheckinStart(CheckinRef):
    """Says nothing: at the start the next occurrence is put on the calendar (its reminders may be due)."""

    kind = "checkin.start"


@dataclasses.dataclass(frozen=True)
class CheckinWrapup(CheckinRef):
    kind = "checkin.wrapup"


@dataclasses.dataclass(frozen=True)
class CheckinFollowup(CheckinRef):
    kind = "checkin.followup"


@dataclasses.dataclass(frozen=True)
class CheckinCalledOff(CheckinRef):
    """Posted in the thread of a check-in that was announced and is now off (paused, cadence changed)."""

    kind = "checkin.called_off"


@dataclasses.dataclass(frozen=True)
class CheckinRemind(CheckinRef):
    kind = "checkin.remind"
    member_id: int
    lead_minutes: int


@dataclasses.dataclass(frozen=True)
class CheckinSummary(Payload):
    kind = "checkin.summary"
    mentorship_id: int
    checkin_id: int
    member_id: int
    updated: bool = False


@dataclasses.dataclass(frozen=True)
class CheckinUpdate(Payload):
    kind = "checkin.update"
    mentorship_id: int
    checkin_id: int
    update_id: int


@dataclasses.dataclass(frozen=True)
class ActionFollowup(Payload):
    kind = "action.followup"
    mentorship_id: int
    action_id: int
    n: int


@dataclasses.dataclass(frozen=True)
class DeliveryFailed(Payload):
    """Tells people a message did not arrive; `to` is "home" or "dms"."""

    kind = "delivery.failed"
    mentorship_id: int
    failed_kind: str
    reason: str
    to: str
    member_id: int | None = None


# ---- office hours ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SessionRef(Payload):
    office_hours_id: int
    session_id: int
    # Set on rows planned for the session's time then; a moved session drops them.
    scheduled_at: datetime | None = None


@dataclasses.dataclass(frozen=True)
class SessionAnnounce(SessionRef):
    kind = "oh.announce"


@dataclasses.dataclass(frozen=True)
class SessionRefresh(SessionRef):
    kind = "oh.refresh"


@dataclasses.dataclass(frozen=True)
class SessionRemindAll(SessionRef):
    kind = "oh.remind_all"


@dataclasses.dataclass(frozen=True)
class SessionStart(SessionRef):
    kind = "oh.start"


@dataclasses.dataclass(frozen=True)
class SessionWrapup(SessionRef):
    kind = "oh.wrapup"


@dataclasses.dataclass(frozen=True)
class SessionRecap(SessionRef):
    kind = "oh.recap"


@dataclasses.dataclass(frozen=True)
class SessionDm(Payload):
    """A DM to one attendee: "remind", "skipped", "cancelled" or "carried" (with the question's text)."""

    kind = "oh.dm"
    office_hours_id: int
    session_id: int
    member_id: int
    event: str
    text: str = ""


@dataclasses.dataclass(frozen=True)
class HostInvite(Payload):
    """A DM asking `member_id` to co-host a series, named by `by_id`; answered by its buttons."""

    kind = "oh.host_invite"
    office_hours_id: int
    member_id: int
    by_id: int


# ---- mentor requests ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RequestRef(Payload):
    """A row for a waiting request, planned for the mentor it waited on then (None: open to all)."""

    request_id: int
    mentor_id: int | None = None


@dataclasses.dataclass(frozen=True)
class RequestToMentor(RequestRef):
    kind = "match.request"


@dataclasses.dataclass(frozen=True)
class RequestPosted(RequestRef):
    kind = "match.posted"


@dataclasses.dataclass(frozen=True)
class RequestRemind(RequestRef):
    kind = "match.remind"


@dataclasses.dataclass(frozen=True)
class RequestExpire(RequestRef):
    kind = "match.expire"


@dataclasses.dataclass(frozen=True)
class RequestNotice(Payload):
    kind = "match.notice"
    open_ended = True
    request_id: int
    event: str
    to: int
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class RequestKickoff(Payload):
    kind = "match.kickoff"
    request_id: int
    mentorship_id: int


# ---- privacy (bot/privacy) ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PrivacyExport(Payload):
    """Send this member (members.id) everything mentorbot holds about them, by DM, rendered at send time."""

    kind = "privacy.export"
    member_id: int


# ---- program insight ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class InsightNudge(Payload):
    """A "nudge both" DM to `member_id`, one of the two people of `mentorship_id`; `by_id` pressed the
    button (None: a console operator signed in with a one-time link)."""

    kind = "insight.nudge"
    mentorship_id: int
    member_id: int
    by_id: int | None = None


@dataclasses.dataclass(frozen=True)
class InsightDigest(Payload):
    """The program digest of `workspace_id`, posted to `channel_id`; `every` is weekly or monthly."""

    kind = "insight.digest"
    workspace_id: int
    channel_id: str
    every: str


def _all(cls: type[Payload]) -> list[type[Payload]]:
    found = []
    for sub in cls.__subclasses__():
        if sub.kind:
            found.append(sub)
        found.extend(_all(sub))
    return found


KINDS: dict[str, type[Payload]] = {cls.kind: cls for cls in _all(Payload)}
