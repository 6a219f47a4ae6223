"""What kind of failure an exception is, so each gets the right answer.

- INPUT: the person's to fix (the database refused a value: too long, out of range, a NUL byte). Trying
  again cannot help, so the reply says what to change. Validation (bot/validation.py) catches these
  first with a precise message; this is the safety net.
- OUTAGE: the database (or the network to it) is down, restarting, overloaded, or a transaction lost a
  race (serialization failure, deadlock). Nothing was changed; "try again" is the honest answer.
- BUG: everything else. Logged with its trace and a reference, answered as our fault.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterator
from enum import Enum

from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError, StatementError


class Failure(Enum):
    INPUT = "input"
    OUTAGE = "outage"
    BUG = "bug"


# SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_INPUT_CLASSES = ("22",)  # data exception: string too long, numeric out of range, bad encoding, …
_OUTAGE_CLASSES = ("08", "53", "57", "58")  # connection, resources, operator intervention, system
_OUTAGE_STATES = ("40001", "40P01", "55P03")  # serialization failure, deadlock, lock not available
_NETWORK_ERRNOS = frozenset(
    getattr(errno, name)
    for name in (
        "ECONNREFUSED",
        "ECONNRESET",
        "ECONNABORTED",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "ENETDOWN",
        "ETIMEDOUT",
        "EPIPE",
        "ENOTCONN",
        "EADDRNOTAVAIL",
    )
    if hasattr(errno, name)
)


_ASYNCPG_CONNECTION_ERRORS = ("ConnectionDoesNotExistError", "ConnectionFailureError", "InterfaceError")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what SQLAlchemy wrapped (`.orig`), and their causes; each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen or len(seen) > 20:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        todo.extend(
            [orig if isinstance(orig, BaseException) else None, current.__cause__, current.__context__]
        )


def _sqlstate(exc: BaseException) -> str | None:
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return state if isinstance(state, str) and len(state) == 5 else None


def classify(exc: BaseException) -> Failure:
    chain = list(_chain(exc))
    for e in chain:
        state = _sqlstate(e)
        if state is None:
            continue
        if state[:2] in _INPUT_CLASSES:
            return Failure.INPUT
        if state[:2] in _OUTAGE_CLASSES or state in _OUTAGE_STATES:
            return Failure.OUTAGE
        return Failure.BUG
    if isinstance(exc, StatementError) and any(_refused_binding(e) for e in chain):
        return Failure.INPUT
    for e in chain:
        if isinstance(e, DBAPIError) and e.connection_invalidated:
            return Failure.OUTAGE
        if isinstance(e, ConnectionError | TimeoutError | socket.gaierror | DisconnectionError):
            return Failure.OUTAGE
        if isinstance(e, OSError) and e.errno in _NETWORK_ERRNOS:
            return Failure.OUTAGE
        if type(e).__module__.startswith("asyncpg") and type(e).__name__ in _ASYNCPG_CONNECTION_ERRORS:
            # The connection closed under a query, or the pool gave out a dead one.
            return Failure.OUTAGE
    # SQLite: "database is locked" and friends arrive as OperationalError without a SQLSTATE.
    if any(isinstance(e, OperationalError) for e in chain):
        return Failure.OUTAGE
    return Failure.BUG


def _refused_binding(exc: BaseException) -> bool:
    """A value the driver refused to bind: an int beyond 64 bits (SQLite) or beyond its column (asyncpg)."""
    if isinstance(exc, OverflowError):
        return True
    return type(exc).__module__.startswith("asyncpg") and type(exc).__name__ == "DataError"
