"""The Discord adapter: app commands, buttons, modals and private threads over the platform-neutral core."""
