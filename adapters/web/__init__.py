"""The program dashboard on the web (aiohttp): sign-in, pages with server-side SVG charts, nudge, CSV."""
