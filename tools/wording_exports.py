"""Rewrite `bot/wording/__init__.py` from the public names of its modules: `python tools/wording_exports.py`.

Run it after adding a sentence to a wording module (tests/test_architecture.py fails until then)."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

MODULES = ("common", "mentorship", "safety")  # areas with a package keep their own (bot/<area>/wording.py)
HEAD = (
    '"""Every sentence the bot says, in one place: one module per area, each name imported explicitly\n'
    "here so `bot.wording.X` stays one namespace and every name says which module holds it\n"
    '(`python tools/wording_exports.py` rewrites this file)."""\n'
)


def public_names(module: str) -> list[str]:
    tree = ast.parse(Path(f"bot/wording/{module}.py").read_text())
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names.extend(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return sorted(n for n in names if not n.startswith("_"))


def render() -> str:
    out = [HEAD, ""]
    every: list[str] = []
    for module in MODULES:
        names = public_names(module)
        every.extend(names)
        out.append(f"from bot.wording.{module} import (\n" + "".join(f"    {n},\n" for n in names) + ")")
    out.append("\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(every)) + "]\n")
    return "\n".join(out)


def main() -> int:
    path = Path("bot/wording/__init__.py")
    path.write_text(render())
    # The import block in ruff's order, so `make lint` stays clean.
    subprocess.run(["ruff", "check", "--fix", "--quiet", "--select", "I", str(path)], check=False)
    subprocess.run(["ruff", "format", "--quiet", str(path)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
