"""Count import cycles between the project's modules: `python tools/import_cycles.py [--all]`.

An edge is `import x` / `from x import y` found anywhere in a module (function bodies included, since a
deferred import is still a dependency); `--runtime` leaves out `if TYPE_CHECKING:` blocks. A cycle is a
strongly connected component of more than one module; each is printed with its modules.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOTS = ("bot", "adapters")


def module_name(path: Path) -> str:
    parts = list(path.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(tree: ast.AST, here: str, is_package: bool, runtime_only: bool) -> set[str]:
    found: set[str] = set()
    skip: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            # `from bot.services import planning` names a module, not an attribute.
            found.update(f"{target}.{a.name}" for a in node.names)
    return found


def graph(runtime_only: bool) -> dict[str, set[str]]:
    files = [p for root in ROOTS for p in Path(root).rglob("*.py")]
    modules = {module_name(p): p for p in files}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        targets = imports(tree, name, path.name == "__init__.py", runtime_only)
        # A package's __init__ is not an edge to every submodule; only the named module counts.
        edges[name] = {t for t in targets if t in modules and t != name and not name.startswith(t + ".")}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    runtime_only = "--runtime" in sys.argv
    found = cycles(graph(runtime_only))
    for comp in found:
        print(f"{len(comp)} modules: {', '.join(comp)}")
    print(f"import cycles: {len(found)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
