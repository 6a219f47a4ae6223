"""Settings, read from the environment in main() — never at import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.persistence.db import default_sqlite_url, normalize_url


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
    # The program dashboard (adapters/web): cookie signing key, public URL, Discord sign-in.
    dashboard_secret: str | None = None
    dashboard_url: str | None = None
    discord_client_id: str | None = None
    discord_client_secret: str | None = None

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], *, database_url: str | None = None, data_dir: str | None = None
    ) -> Settings:
        directory = Path(data_dir or env.get("MENTORBOT_DATA_DIR") or "data")
        url = database_url or env.get("DATABASE_URL") or default_sqlite_url(directory.resolve())
        port_text = env.get("PORT", "3000")
        if not port_text.isdigit():
            raise SettingsError(f"PORT must be a number, got {port_text!r}")

        def get(name: str) -> str | None:
            return env.get(name) or None

        return cls(
            database_url=normalize_url(url),
            data_dir=directory,
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_client_id=get("SLACK_CLIENT_ID"),
            slack_client_secret=get("SLACK_CLIENT_SECRET"),
            slack_api_url=get("SLACK_API_URL"),
            discord_token=get("DISCORD_TOKEN"),
            discord_dev_guild_id=get("DISCORD_DEV_GUILD_ID"),
            port=int(port_text),
            dashboard_secret=get("DASHBOARD_SECRET"),
            dashboard_url=get("DASHBOARD_URL"),
            discord_client_id=get("DISCORD_CLIENT_ID"),
            discord_client_secret=get("DISCORD_CLIENT_SECRET"),
        )

    def require(self, *names: str) -> None:
        """Fail with a one-line message naming every missing setting."""
        missing = [n for n in names if not getattr(self, n.lower())]
        if missing:
            raise SettingsError(f"missing setting{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")

    def default_platform(self) -> str:
        if self.slack_bot_token and self.slack_app_token:
            return "slack"
        if self.discord_token:
            return "discord"
        return "console"
