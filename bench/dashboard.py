"""Dashboard page time with a seeded program of 500 mentorships (issue #16): the real web process on
loopback, signed in with a one-time link, each page fetched `--rounds` times over HTTP; reports p50 / p95 /
max in milliseconds (server time plus loopback HTTP). Figures, not a pass/fail.

    .venv/bin/python -m bench.dashboard [--pairs 500] [--rounds 30] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime

import aiohttp

from adapters.web.auth import DashboardConfig
from adapters.web.serve import web_process_app
from bench.db import fresh_database, pg_available
from bench.machine import cpu_model, load_average, ram_gib
from bot.app import build_app
from bot.clock import SimulatedClock
from bot.insight import access
from bot.persistence.tables import Workspace
from tests.program import seed_program
from tests.web.fake_oauth import loopback_socket, serve

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


async def measure(backend: str, pairs: int, rounds: int) -> dict[str, tuple[float, float, float]]:
    async with fresh_database(backend) as url:
        clock = SimulatedClock(NOW)
        app = await build_app(url, {}, clock, migrate=False)
        seeded = await seed_program(app.core.sessions, NOW, pairs)
        sock = loopback_socket()
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = DashboardConfig(secret="bench", base_url=base)
        # The web process as `mentorbot serve dashboard` runs it.
        runner = await serve(web_process_app(app.core, app.engine, clock, config), sock)
        try:
            async with app.core.unit() as uow:
                ws = await uow.session.get(Workspace, seeded.workspace_id)
                assert ws is not None
                token = await access.issue_token(uow.session, ws, uow.now)
            pages = {
                "program, by week": "/dashboard",
                "program, by month": "/dashboard?period=month",
                "one pair": f"/dashboard/pairs/{seeded.mentorship_ids[0]}",
                "CSV: check-ins": "/dashboard/export/checkins.csv",
            }
            out: dict[str, tuple[float, float, float]] = {}
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                async with http.get(f"{base}/dashboard/token?t={token}") as resp:
                    assert resp.status == 200 and "kpi-active" in await resp.text()
                for name, path in pages.items():
                    times = []
                    for _ in range(rounds):
                        started = time.perf_counter()
                        async with http.get(base + path) as resp:
                            assert resp.status == 200, path
                            await resp.read()
                        times.append((time.perf_counter() - started) * 1000)
                    times.sort()
                    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
                    out[name] = (statistics.median(times), p95, times[-1])
            return out
        finally:
            await runner.cleanup()
            await app.close()


def section(measured: dict[str, dict[str, tuple[float, float, float]]], pairs: int, rounds: int) -> list[str]:
    """Benchmark 7 of `python -m bench`: a Markdown section, one column per backend."""
    backends = list(measured)
    pages = list(next(iter(measured.values()))) if measured else []
    md = [
        f"## 7. Dashboard pages ({pairs} mentorships, issue #16)",
        "",
        "The web process of `mentorbot serve dashboard` on loopback with a seeded program"
        f" ({pairs} mentorships with their check-ins, action items, mentor requests and office hours),"
        f" signed in with a one-time link; each page fetched {rounds} times, one after another."
        " Milliseconds, p50 / p95 / max, server time plus loopback HTTP.",
        "",
        "| page | " + " | ".join(backends) + " |",
        "|" + "|".join(" --- " for _ in range(len(backends) + 1)) + "|",
    ]
    for page in pages:
        cells = [" / ".join(f"{v:.0f}" for v in measured[b][page]) for b in backends]
        md.append(f"| {page} | " + " | ".join(cells) + " |")
    return [*md, ""]


async def main(pairs: int, rounds: int, backend: str) -> None:
    backends = ["sqlite", "postgresql"] if backend == "both" else [backend]
    if "postgresql" in backends and not await pg_available():
        print("PostgreSQL is not reachable: measuring SQLite only")
        backends = ["sqlite"]
    print(f"# Dashboard with {pairs} mentorships, {rounds} requests per page")
    print(f"{cpu_model()}, {ram_gib():.1f} GiB RAM, load {load_average()}")
    for b in backends:
        result = await measure(b, pairs, rounds)
        print(f"\n{b}: page · p50 / p95 / max ms")
        for name, (p50, p95, worst) in result.items():
            print(f"  {name}: {p50:.1f} / {p95:.1f} / {worst:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.rounds, args.backend))
