"""Settings, read from the environment in main() — never at import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.persistence.db import SSL_MODES, default_sqlite_url, normalize_url

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(Exception):
    """A missing or malformed setting; the message is one line naming it."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    log_level: str = "INFO"
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str | None = None
    discord_token: str | None = None
    discord_dev_guild_id: str | None = None
    port: int = 3000
    # No DATABASE_URL given: the console's own try-out database (simulated clock, logs to a file).
    tryout: bool = False
    # Where the web process is reachable (calendar feeds live under it); None: no feeds.
    public_url: str | None = None
    # Days a workspace's data is kept after the app was uninstalled / the bot left the guild.
    retention_days: int = 30
    # The program dashboard (adapters/web): cookie signing key, Discord sign-in (its URL: public_url).
    dashboard_secret: str | None = None
    discord_client_id: str | None = None
    discord_client_secret: str | None = None

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], *, database_url: str | None = None, data_dir: str | None = None
    ) -> Settings:
        directory = Path(data_dir or env.get("MENTORBOT_DATA_DIR") or "data")
        given = database_url or env.get("DATABASE_URL")
        url = given or default_sqlite_url(directory.resolve())
        port_text = env.get("PORT", "3000")
        if not port_text.isdigit():
            raise SettingsError(f"PORT must be a number, got {port_text!r}")
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level == "WARN":
            level = "WARNING"
        if level not in LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {env['LOG_LEVEL']!r}")
        try:
            parsed = make_url(normalize_url(url))
        except Exception as exc:
            raise SettingsError(f"DATABASE_URL is not a database URL ({exc})") from exc
        sslmode = parsed.query.get("sslmode")
        if sslmode is not None and str(sslmode) not in SSL_MODES:
            raise SettingsError(
                f"sslmode in DATABASE_URL must be one of {', '.join(SSL_MODES)}, got {sslmode!r}"
            )

        retention_text = env.get("MENTORBOT_RETENTION_DAYS", "30")
        if not retention_text.isdigit():
            raise SettingsError(
                f"MENTORBOT_RETENTION_DAYS must be a whole number of days, got {retention_text!r}"
            )

        def get(name: str) -> str | None:
            return env.get(name) or None

        return cls(
            database_url=normalize_url(url),
            data_dir=directory,
            log_level=level,
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_client_id=get("SLACK_CLIENT_ID"),
            slack_client_secret=get("SLACK_CLIENT_SECRET"),
            slack_api_url=get("SLACK_API_URL"),
            discord_token=get("DISCORD_TOKEN"),
            discord_dev_guild_id=get("DISCORD_DEV_GUILD_ID"),
            port=int(port_text),
            tryout=not given,
            public_url=get("MENTORBOT_PUBLIC_URL"),
            retention_days=int(retention_text),
            dashboard_secret=get("DASHBOARD_SECRET"),
            discord_client_id=get("DISCORD_CLIENT_ID"),
            discord_client_secret=get("DISCORD_CLIENT_SECRET"),
        )

    def require(self, *names: str) -> None:
        """Fail with a one-line message naming every missing setting."""
        missing = [n for n in names if not getattr(self, n.lower())]
        if missing:
            raise SettingsError(f"missing setting{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")

    def default_platform(self) -> str:
        """Slack with both Socket Mode tokens, else Discord with its token, else the console. One
        Slack token without the other is a mistake, named rather than silently ignored."""
        if self.slack_bot_token and self.slack_app_token:
            return "slack"
        if self.slack_bot_token and not self.discord_token:
            raise SettingsError(
                "SLACK_BOT_TOKEN is set but SLACK_APP_TOKEN is not: Socket Mode (`mentorbot run slack`)"
                " needs both; for HTTP mode run `mentorbot serve slack` with SLACK_SIGNING_SECRET"
            )
        if self.slack_app_token and not self.discord_token:
            raise SettingsError(
                "SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not:"
                " Socket Mode (`mentorbot run slack`) needs both"
            )
        if self.discord_token:
            return "discord"
        return "console"
