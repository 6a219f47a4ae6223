"""The server side of benchmark 1, in its own process so the load generator does not share its loop:
`python -m bench.slack_server URL API_URL PORT_FILE [--bare]`.

Without --bare it is the Slack adapter's HTTP face (adapters.slack.run.web_app over build_slack), as
`mentorbot serve slack` runs it minus the dispatcher (these commands plan nothing). With --bare it is
a bolt app whose command handler only acks: the floor any bolt app pays for parsing and signatures."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.run import EVENTS_PATH, SlackConfig, build_slack, web_app

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"


def bare_app(api_url: str) -> web.Application:
    bolt = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=api_url))

    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    for name in ("/checkin", "/actions"):
        bolt.command(name)(only_ack)

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post(EVENTS_PATH, events)
    return app


async def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("api_url")
    p.add_argument("port_file", type=Path)
    p.add_argument("--bare", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    runtime = None
    if args.bare:
        app = bare_app(args.api_url)
    else:
        config = SlackConfig(
            database_url=args.url, bot_token=TOKEN, signing_secret=SECRET, api_url=args.api_url
        )
        runtime = await build_slack(config)
        app = web_app(runtime)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    args.port_file.write_text(str(port))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
        if runtime is not None:
            await runtime.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
