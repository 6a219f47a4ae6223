"""The web process's routes, independent of the chat platform (aiohttp): calendar feeds, and the program
dashboard (sign-in, pages with server-side SVG charts, nudge, CSV)."""
