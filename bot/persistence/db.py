"""Engines and sessions: SQLite file by default, PostgreSQL through DATABASE_URL."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def normalize_url(url: str) -> str:
    """Accept the URL forms hosting providers hand out and pick the async drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        url = "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


def default_sqlite_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{data_dir / 'mentorbot.sqlite3'}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers run during the dispatcher's writes; busy_timeout makes writers queue, not fail.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    url = normalize_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    parsed, from_url = postgres_connect_options(url)
    if from_url:
        # Merged into the caller's connect_args (server_settings too: an application_name given by the
        # caller and the URL's search_path both apply).
        connect_args = dict(kwargs.pop("connect_args", {}))
        settings = {**from_url.get("server_settings", {}), **connect_args.get("server_settings", {})}
        connect_args = {**from_url, **connect_args}
        if settings:
            connect_args["server_settings"] = settings
        kwargs["connect_args"] = connect_args
    engine = create_async_engine(parsed, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        ping_after_idle(engine)
    return engine


# A connection that sat in the pool this long is pinged before use (one that was just used is not).
IDLE_BEFORE_PING = 10.0


def ping_after_idle(engine: AsyncEngine, idle: float = IDLE_BEFORE_PING) -> None:
    """Ping a pooled connection at check-out only when it has been idle for `idle` seconds (monotonic):
    a server restarted while the pool slept is noticed before a query fails, and a busy dispatcher or
    web process, whose connections go straight back into use, pays no round trip per check-out (what
    pool_pre_ping costs). A connection the server dropped mid-burst fails its query instead; SQLAlchemy
    then discards the pool, and the dispatcher and the command path already retry database errors."""
    dialect = engine.sync_engine.dialect

    def checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < idle:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool retries the check-out with a fresh connection
            raise DisconnectionError(f"a pooled connection did not answer a ping: {exc!r}") from exc

    event.listen(engine.sync_engine.pool, "checkin", checked_in)
    event.listen(engine.sync_engine.pool, "checkout", checked_out)


def postgres_connect_options(url: str) -> tuple[URL, dict[str, Any]]:
    """The URL asyncpg gets and its extra connect arguments, from the URL an operator configured.

    libpq's `?sslmode=require` (what PaaS providers hand out) becomes asyncpg's `ssl="require"`
    (asyncpg takes the same mode names); `?search_path=schema` becomes a server setting, which keeps
    mentorbot's tables in their own schema (and each test in its own). ValueError for an unknown
    sslmode."""
    parsed = make_url(normalize_url(url))
    connect_args: dict[str, Any] = {}
    sslmode = parsed.query.get("sslmode")
    if sslmode:
        if str(sslmode) not in SSL_MODES:
            raise ValueError(f"sslmode must be one of {', '.join(SSL_MODES)}, got {sslmode!r}")
        parsed = parsed.difference_update_query(["sslmode"])
        connect_args["ssl"] = str(sslmode)
    search_path = parsed.query.get("search_path")
    if search_path:
        parsed = parsed.difference_update_query(["search_path"])
        connect_args["server_settings"] = {"search_path": str(search_path)}
    return parsed, connect_args


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def describe_failure(exc: BaseException, url: str) -> str | None:
    """One line saying what is wrong with the database connection and how to fix it, for the errors an
    operator meets first (no such host, database or schema, refused, bad password); None otherwise.

    `url` is the configured URL (its password is never repeated)."""
    try:
        parsed = make_url(normalize_url(url))
    except Exception:
        return None
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    cause: BaseException | None = exc
    seen: list[BaseException] = []
    while cause is not None and len(seen) < 8:
        seen.append(cause)
        cause = getattr(cause, "orig", None) or cause.__cause__ or cause.__context__
    names = " ".join(type(e).__name__ for e in seen)
    text = " ".join(str(e) for e in seen).lower()
    codes = {getattr(e, "sqlstate", None) or getattr(e, "pgcode", None) for e in seen}
    if "gaierror" in names or "name or service not known" in text or "nodename nor servname" in text:
        return f"cannot find the database host {parsed.host!r}: check the host name in DATABASE_URL"
    if "3D000" in codes or "InvalidCatalogName" in names:
        return (
            f"the database {parsed.database!r} does not exist on {where}: create it"
            f" (createdb {parsed.database}) or fix the name in DATABASE_URL"
        )
    if "3F000" in codes or "InvalidSchemaName" in names or "no schema has been selected" in text:
        schema = parsed.query.get("search_path") or "public"
        return (
            f"the schema {schema!r} does not exist in {parsed.database!r}: create it"
            f" (CREATE SCHEMA {schema}) or fix search_path in DATABASE_URL"
        )
    if codes & {"28P01", "28000"} or "InvalidPassword" in names or "password authentication" in text:
        return (
            f"the database refused user {parsed.username!r} on {where}:"
            " check the user and password in DATABASE_URL"
        )
    if "ConnectionRefused" in names or "connection refused" in text or "connect call failed" in text:
        return (
            f"nothing accepts connections at {where}: is PostgreSQL running there, and is DATABASE_URL right?"
        )
    if "unable to open database file" in text:
        return (
            f"cannot open the SQLite file {parsed.database!r}: check that its folder exists and is writable"
        )
    if "ssl" in text and ("reject" in text or "not support" in text or "certificate" in text):
        return f"the TLS connection to {where} failed ({seen[-1]}): check sslmode in DATABASE_URL"
    return None
