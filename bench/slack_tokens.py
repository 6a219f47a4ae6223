"""`python -m bench.slack_tokens`: what finding a workspace's bot token costs per outbox send on
slack_sdk's SQLAlchemy installation store (adapters/slack/installation.py), for a per-workspace
install and for a workspace of an org-wide Enterprise Grid install, on SQLite and PostgreSQL.
200 workspaces are installed; each lookup is timed 500 times; prints milliseconds per lookup."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from slack_sdk.oauth.installation_store.models.installation import Installation

from adapters.slack.installation import InstallationStore
from bench.db import fresh_database, pg_available
from bot.clock import SystemClock
from bot.persistence.db import create_engine

WORKSPACES = 200
LOOKUPS = 500


async def measure(backend: str) -> dict[str, float]:
    async with fresh_database(backend) as url:
        engine = create_engine(url)
        try:
            store = InstallationStore(engine, "111.222", SystemClock())
            base: dict[str, Any] = {
                "app_id": "A0001",
                "user_id": "UINSTALLER",
                "bot_id": "BBOT",
                "bot_user_id": "UBOT",
            }
            for i in range(WORKSPACES):
                await store.async_save(Installation(team_id=f"T{i:04d}", bot_token=f"xoxb-{i}", **base))
            await store.async_save(
                Installation(
                    enterprise_id="E0001",
                    team_id=None,
                    is_enterprise_install=True,
                    bot_token="xoxb-org",
                    **base,
                )
            )
            await store.remember_team("T0GRID", "E0001")
            out: dict[str, float] = {}
            for label, team in (("per-workspace", "T0100"), ("org-wide", "T0GRID")):
                start = time.perf_counter()
                for _ in range(LOOKUPS):
                    assert await store.bot_token(team)
                out[label] = (time.perf_counter() - start) / LOOKUPS * 1000
            return out
        finally:
            await engine.dispose()


async def main() -> None:
    backends = ["sqlite"] + (["postgresql"] if await pg_available() else [])
    for backend in backends:
        for label, ms in (await measure(backend)).items():
            print(f"{backend:10s} {label:13s} {ms:6.2f} ms per token lookup")


if __name__ == "__main__":
    asyncio.run(main())
