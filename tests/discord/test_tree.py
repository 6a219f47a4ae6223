"""Discord's app-command tree is derived from the command registry: every text sub-command has a Discord
form, descriptions are the registry's, and no group passes Discord's limits."""

from __future__ import annotations

from dataclasses import replace

import pytest
from discord import app_commands

from adapters.discord.commands import CALLBACKS, DISCORD_ONLY, FOLDED_CHOICES, build
from bot.app import command_registry
from bot.interactions.registry import DISCORD_MAX_OPTIONS, Sub


def groups() -> dict[str, app_commands.Group]:
    return {g.name: g for g in build(command_registry()) if isinstance(g, app_commands.Group)}


def test_every_registered_sub_command_is_on_discord_with_the_registrys_words() -> None:
    registry = command_registry()
    tree = groups()
    for command, subs in registry.subs.items():
        for sub in subs.values():
            placed = registry.discord_placement(command, sub)
            if placed is None:
                continue
            group, name = placed
            discord_sub = tree[group].get_command(name)
            assert discord_sub is not None, (command, sub.name)
            if (group, name) in FOLDED_CHOICES:
                # A folded sub-command offers the registry's word as a choice's first word.
                values = [c.value.split()[0] for c in FOLDED_CHOICES[(group, name)]]
                assert sub.name in values, (command, sub.name)
            else:
                assert discord_sub.description == sub.summary
    for group in tree.values():
        for discord_sub in group.commands:
            key = (group.name, discord_sub.name)
            assert key in CALLBACKS or key in DISCORD_ONLY


def test_groups_fit_discords_limits() -> None:
    tree = build(command_registry())
    assert len(tree) <= 100  # top-level commands per application
    for item in tree:
        assert len(item.description) <= 100
        if isinstance(item, app_commands.Group):
            assert len(item.commands) <= DISCORD_MAX_OPTIONS, item.name


def test_a_sub_command_without_a_discord_form_fails_the_build() -> None:
    registry = command_registry()

    async def handler(*_: object) -> None:
        raise AssertionError("not called")

    registry.add_sub("mentor", Sub("juggle", "Juggle", (("juggle", "juggle"),), handler))  # type: ignore[arg-type]
    with pytest.raises(LookupError, match="/mentor juggle"):
        build(registry)
    quiet = command_registry()
    quiet.add_sub("mentor", replace(Sub("juggle", "Juggle", (), handler), discord=None))  # type: ignore[arg-type]
    # Text-only: it builds, and Discord's /mentor does not show it.
    [mentor] = [g for g in build(quiet) if isinstance(g, app_commands.Group) and g.name == "mentor"]
    assert "juggle" not in [c.name for c in mentor.commands]
    assert quiet.sub("mentor", "juggle") is not None


def test_a_group_past_discords_limit_fails_the_build() -> None:
    registry = command_registry()

    async def handler(*_: object) -> None:
        raise AssertionError("not called")

    room = DISCORD_MAX_OPTIONS - len(groups()["mentor"].commands)
    for i in range(room + 1):
        registry.add_sub("mentor", replace(Sub(f"extra{i}", "Extra", (), handler), discord="mentor data"))  # type: ignore[arg-type]
    build(registry)  # folded into one: fits
    for i in range(room + 1):
        registry.add_sub("mentor", Sub(f"more{i}", "More", (), handler))  # type: ignore[arg-type]
        CALLBACKS[("mentor", f"more{i}")] = CALLBACKS[("mentor", "next")]
    try:
        with pytest.raises(ValueError, match="Discord allows 25"):
            build(registry)
    finally:
        for i in range(room + 1):
            del CALLBACKS[("mentor", f"more{i}")]
