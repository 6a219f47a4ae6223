"""People's data is theirs: `/mentor export`, `/mentor forget me`, and deleting a workspace's data a
grace period after the app was uninstalled (`retention`). `commands.register(router)` wires the commands."""
