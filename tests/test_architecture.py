"""The dependency rule, checked on the source: the core never imports a platform library or an adapter."""

from __future__ import annotations

import ast
import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM = ("slack_bolt", "slack_sdk", "discord", "adapters", "aiohttp")
DOMAIN_ALLOWED_THIRD_PARTY = ("dateutil", "bot.domain")


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def test_core_never_imports_platform_code() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "bot").rglob("*.py")
        for name in imports(path)
        if name.split(".")[0] in PLATFORM
        # The CLI is the composition root: it may start an adapter, and does so only lazily by name.
        and path.name != "cli.py"
    ]
    assert offenders == []


def test_domain_imports_only_the_standard_library_and_dateutil() -> None:
    stdlib = set(sys.stdlib_module_names)
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "bot" / "domain").rglob("*.py")
        for name in imports(path)
        if name.split(".")[0] not in stdlib
        and not name.startswith(DOMAIN_ALLOWED_THIRD_PARTY)
        and name != "__future__"
    ]
    assert offenders == []


def test_nothing_reads_the_environment_or_the_wall_clock_at_import() -> None:
    """Settings are read in main(); time comes from the injected clock."""
    offenders = []
    for path in list((ROOT / "bot").rglob("*.py")) + list((ROOT / "adapters").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in tree.body:  # module level only
            text = ast.get_source_segment(source, node) or ""
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.Expr) and (
                "os.environ" in text or "getenv" in text
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {text[:60]}")
        for bad in ("datetime.utcnow(", "datetime.now()", "date.today()"):
            if bad in source:
                offenders.append(f"{path.relative_to(ROOT)}: {bad}")
    assert offenders == []


def test_no_module_imports_itself_through_others() -> None:
    """`python tools/import_cycles.py` lists them; deferred imports inside functions count too."""
    spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "tools" / "import_cycles.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        assert tool.cycles(tool.graph(runtime_only=False)) == []
    finally:
        os.chdir(cwd)


def test_bot_wording_names_every_sentence_of_its_modules() -> None:
    """`bot.wording` imports each name explicitly; a new sentence needs `python tools/wording_exports.py`."""
    import bot.wording

    spec = importlib.util.spec_from_file_location("wording_exports", ROOT / "tools" / "wording_exports.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        expected = {name for module in tool.MODULES for name in tool.public_names(module)}
    finally:
        os.chdir(cwd)
    assert sorted(expected - set(bot.wording.__all__)) == []
