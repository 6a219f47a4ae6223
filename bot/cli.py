"""`mentorbot`: run the bot (console, Slack, Discord), migrate the database, or play the demo."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from bot.clock import Clock, SimulatedClock, SystemClock
from bot.persistence.db import describe_failure
from bot.persistence.migrate import SchemaBehind
from bot.settings import Settings, SettingsError

log = logging.getLogger("mentorbot")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mentorbot", description="Mentorship check-ins for Slack, Discord and the terminal."
    )
    p.add_argument(
        "--database-url", help="SQLAlchemy URL (default: $DATABASE_URL, else a SQLite file in data/)"
    )
    p.add_argument("--data-dir", help="where the SQLite file lives (default: $MENTORBOT_DATA_DIR or ./data)")
    p.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot (console when no platform tokens are set)")
    run.add_argument("platform", nargs="?", choices=["console", "slack", "discord"])
    run.add_argument(
        "--clock",
        choices=["system", "simulated"],
        help="console only: simulated time (default on the try-out database or when stdin is not a terminal)",
    )
    run.add_argument("--start", help="console only: the simulated clock's start, ISO 8601 (default: now)")
    serve = sub.add_parser("serve", help="serve a platform over HTTP (production form)")
    serve.add_argument(
        "platform",
        choices=["slack", "calendar", "dashboard"],
        help="slack: Slack's request URL with the dispatcher; calendar or dashboard: the web process"
        " alone (calendar feeds, the dashboard when DASHBOARD_SECRET is set, /healthz) for Discord or"
        " console deployments",
    )
    dash = sub.add_parser("dashboard", help="print a one-time sign-in link to the program dashboard")
    dash.add_argument("--workspace", help="platform:id, id or name (optional with one workspace)")
    export = sub.add_parser("export", help="write a program's metadata as CSV files (one per kind of thing)")
    export.add_argument("--workspace", help="platform:id, id or name (optional with one workspace)")
    export.add_argument("--out", default=".", help="directory to write the CSV files to (default: here)")
    mig = sub.add_parser("migrate", help="upgrade the database schema to the newest revision")
    mig.add_argument("--revision", default="head")
    doctor = sub.add_parser(
        "doctor", help="list schedules that do not match their desired state (exit 1 if any); --fix repairs"
    )
    doctor.add_argument("--fix", action="store_true", help="repair them (the running bot also does, hourly)")
    doctor.add_argument("--at", help="judge at this ISO 8601 time, e.g. a console try-out's simulated now")
    manifest = sub.add_parser(
        "manifest", help="print manifest.yml's slash_commands block, derived from the command registry"
    )
    manifest.add_argument("platform", choices=["slack"])
    manifest.add_argument("--base-url", default="https://mentorbot.example.com", help="your public address")
    demo = sub.add_parser("demo", help="play a scripted month of one mentorship in seconds")
    demo.add_argument(
        "--database-url",
        dest="demo_database_url",
        help="where the demo writes (default: a throwaway SQLite file)",
    )
    return p


def version() -> str:
    try:
        return metadata.version("mentorbot")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _logging(settings: Settings, console: bool) -> None:
    """Log lines go to stderr, except in the console: there they would land in the conversation, so
    they go to a file in the data folder and only errors reach the terminal."""
    # Alembic is imported only to migrate, after this set-up, and would log its plugin set-up at INFO;
    # `mentorbot migrate` says what it did on stdout.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not console:
        logging.basicConfig(level=settings.log_level, format=LOG_FORMAT, stream=sys.stderr)
        return
    root = logging.getLogger()
    root.setLevel(settings.log_level)
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        to_file: logging.Handler = logging.FileHandler(settings.data_dir / "mentorbot.log", encoding="utf-8")
        to_file.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(to_file)
    except OSError:
        pass  # a read-only folder: errors still reach the terminal below
    terminal = logging.StreamHandler(sys.stderr)
    terminal.setLevel(logging.ERROR)
    terminal.setFormatter(logging.Formatter("mentorbot: %(levelname)s %(message)s"))
    root.addHandler(terminal)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = Settings.from_env(os.environ, database_url=args.database_url, data_dir=args.data_dir)
        platform = getattr(args, "platform", None)
        if command == "run" and platform is None:
            platform = settings.default_platform()
    except SettingsError as exc:
        print(f"mentorbot: {exc}", file=sys.stderr)
        return 2
    _logging(settings, console=command == "run" and platform == "console")
    try:
        return _main(args, command, platform, settings)
    except SettingsError as exc:
        print(f"mentorbot: {exc}", file=sys.stderr)
        return 2
    except SchemaBehind as exc:
        print(f"mentorbot: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        problem = describe_failure(exc, settings.database_url)
        if problem is None:
            if isinstance(exc, OSError):
                print(f"mentorbot: {exc}", file=sys.stderr)
                return 1
            raise
        print(f"mentorbot: {problem}", file=sys.stderr)
        return 1


def _main(args: argparse.Namespace, command: str, platform: str | None, settings: Settings) -> int:
    if command == "migrate":
        return asyncio.run(_migrate(settings, args.revision))
    if command == "doctor":
        return asyncio.run(_doctor(settings, args.fix, _clock("simulated" if args.at else "system", args.at)))
    if command == "manifest":
        from adapters.slack.manifest import slash_commands_yaml
        from bot.app import command_registry

        print("  slash_commands:\n" + slash_commands_yaml(command_registry(), args.base_url), end="")
        return 0
    if command == "demo":
        from adapters.console.demo import play

        return asyncio.run(play(args.demo_database_url))
    if command == "dashboard":
        from adapters.web.serve import one_time_link

        print(asyncio.run(one_time_link(settings, args.workspace)))
        return 0
    if command == "export":
        return _write_csv(asyncio.run(_export(settings, args.workspace)), args.out)
    if command == "serve":
        return _serve(settings, args.platform)
    assert platform is not None
    if platform == "console":
        return asyncio.run(_console(settings, getattr(args, "clock", None), getattr(args, "start", None)))
    return _run_platform(settings, platform)


async def _migrate(settings: Settings, revision: str) -> int:
    from bot.persistence.db import create_engine
    from bot.persistence.migrate import schema_status, upgrade

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine, revision)
        status = await schema_status(engine)
    finally:
        await engine.dispose()
    print(f"mentorbot: database at revision {status.current} (newest: {status.head})")
    return 0


async def _doctor(settings: Settings, fix: bool, clock: Clock) -> int:
    from bot.persistence.db import create_engine, session_factory
    from bot.persistence.migrate import prepare
    from bot.services import schedules
    from bot.services.unit import Core

    engine = create_engine(settings.database_url)
    try:
        await prepare(engine)
        schedules.install()
        repairs = await schedules.reconcile_everything(
            Core(sessions=session_factory(engine), clock=clock), fix=fix
        )
    finally:
        await engine.dispose()
    for repair in repairs:
        print(("repaired " if fix else "needs repair: ") + repair.describe())
    if not repairs:
        print("mentorbot: every schedule matches its desired state")
        return 0
    if fix:
        print(f"mentorbot: repaired {len(repairs)} schedule(s)")
        return 0
    print(f"mentorbot: {len(repairs)} schedule(s) need repair; run `mentorbot doctor --fix`")
    return 1


async def _export(settings: Settings, workspace: str | None) -> dict[str, str]:
    from bot.insight.access import find_workspace
    from bot.insight.export import export_tables, to_csv
    from bot.persistence.db import create_engine, session_factory
    from bot.persistence.migrate import prepare

    engine = create_engine(settings.database_url)
    try:
        await prepare(engine)
        async with session_factory(engine)() as session:
            try:
                ws = await find_workspace(session, workspace)
            except LookupError as exc:
                raise SettingsError(str(exc)) from exc
            tables = await export_tables(session, ws.id)
    finally:
        await engine.dispose()
    return {name: to_csv(rows) for name, rows in tables.items()}


def _write_csv(files: dict[str, str], out: str) -> int:
    from pathlib import Path

    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = directory / f"{name}.csv"
        path.write_text(text, encoding="utf-8", newline="")
        print(f"{path}: {text.count(chr(10)) - 1} row(s)")
    return 0


def _clock(kind: str | None, start: str | None, tryout: bool = False) -> Clock:
    """Simulated time when asked, when input is piped, and on the console's own try-out database (so
    `:advance` works there); the system clock on a database named with DATABASE_URL."""
    simulated = kind == "simulated" or (kind is None and (tryout or not sys.stdin.isatty()))
    if not simulated:
        return SystemClock()
    if start:
        try:
            when = datetime.fromisoformat(start)
        except ValueError as exc:
            raise SettingsError(
                f"--start must be an ISO 8601 time such as 2026-12-01T09:00Z, got {start!r}"
            ) from exc
        return SimulatedClock(when if when.tzinfo else when.replace(tzinfo=UTC))
    return SimulatedClock(SystemClock().now().replace(second=0, microsecond=0))


async def _console(settings: Settings, clock_kind: str | None, start: str | None) -> int:
    from adapters.console.run import run_console

    return await run_console(
        settings.database_url,
        _clock(clock_kind, start, settings.tryout),
        sys.stdin,
        files_dir=settings.data_dir / "files",
        public_url=settings.public_url,
    )


def _run_platform(settings: Settings, platform: str) -> int:
    if platform == "slack":
        settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
        run_slack = _adapter("adapters.slack.run", "run_socket_mode", "slack")
        return asyncio.run(run_slack(settings))
    settings.require("DISCORD_TOKEN")
    run_discord = _adapter("adapters.discord.run", "run_gateway", "discord")
    return asyncio.run(run_discord(settings))


def _serve(settings: Settings, platform: str) -> int:
    if platform in ("calendar", "dashboard"):
        from adapters.web.serve import serve_web

        return asyncio.run(serve_web(settings, dashboard_required=platform == "dashboard"))
    settings.require("SLACK_SIGNING_SECRET")
    if not (settings.slack_bot_token or (settings.slack_client_id and settings.slack_client_secret)):
        raise SettingsError(
            "missing setting: SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth)"
        )
    serve_slack = _adapter("adapters.slack.run", "serve_http", "slack")
    return asyncio.run(serve_slack(settings))


def _adapter(module: str, name: str, extra: str) -> Any:
    """Import an adapter's entry point; a missing optional dependency is a one-line message."""
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        raise SettingsError(
            f"the {extra} adapter needs its extra: pip install 'mentorbot[{extra}]' ({exc.name})"
        ) from exc
