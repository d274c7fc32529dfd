"""The project's import contract, read from the source with `ast`: which package may import which.

Layers (first-party imports only; third-party ones are free):
- the bot core (`bot` without `bot.trainer`, `bot.launcher` and `bot/__main__.py`) imports only itself;
- `actions` and `channels` import the bot core; `desk` the bot core and `channels`;
  `review_app` the bot core and `desk`;
- the leaves `bot.trainer` and `bot.launcher` import the core and each other's modules only
  where no cycle results; `bot/__main__.py` (the command line) imports the core and the launcher;
- nothing in the product imports `bench`; no import cycles between files or between packages.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

FIRST_PARTY = ("bot", "actions", "channels", "desk", "review_app", "bench")
PRODUCT = ("bot", "actions", "channels", "desk", "review_app")
CORE = "bot core"

# Layer of the importer -> layers it may import.
ALLOWED: Dict[str, Set[str]] = {
    CORE: {CORE},
    "bot.trainer": {CORE, "bot.trainer", "bot.launcher"},
    "bot.launcher": {CORE, "bot.launcher"},
    "bot.__main__": {CORE, "bot.launcher"},
    "actions": {CORE, "actions"},
    "channels": {CORE, "channels"},
    "desk": {CORE, "channels", "desk"},
    "review_app": {CORE, "desk", "review_app"},
}


@dataclass(frozen=True)
class Import:
    """One import of a first-party module: who imports what, and on which line."""

    importer: str
    imported: str
    path: Path
    line: int


def layer_of(module: str) -> str:
    """The layer a dotted module name belongs to."""
    for leaf in ("bot.trainer", "bot.launcher", "bot.__main__"):
        if module == leaf or module.startswith(leaf + "."):
            return leaf
    top = module.split(".")[0]
    return CORE if top == "bot" else top


def module_name(root: Path, path: Path) -> str:
    """`bot/handoff/policy.py` -> `bot.handoff.policy`; a package's `__init__.py` -> the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_files(root: Path) -> Iterator[Path]:
    """Every Python file of the product packages."""
    for package in PRODUCT:
        yield from sorted((root / package).rglob("*.py"))


def resolve(root: Path, name: str) -> str:
    """The module a dotted import names: `bot.handoff.store.HandoffStore` -> `bot.handoff.store`."""
    parts = name.split(".")
    while parts:
        candidate = Path(root, *parts)
        if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return name


def imports_of(root: Path, path: Path) -> List[Import]:
    """First-party imports in one file, module-level and lazy (inside functions) alike."""
    importer = module_name(root, path)
    found: List[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names: List[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            if name.split(".")[0] in FIRST_PARTY:
                found.append(Import(importer, resolve(root, name), path, node.lineno))
    return found


def all_imports(root: Path) -> List[Import]:
    """First-party imports of every product file."""
    return [found for path in product_files(root) for found in imports_of(root, path)]


def forbidden_imports(imports: Sequence[Import]) -> List[str]:
    """One line per import that breaks the layer rules, with file and line."""
    problems = []
    for found in imports:
        source, target = layer_of(found.importer), layer_of(found.imported)
        if target not in ALLOWED.get(source, set()):
            problems.append(f"{found.path}:{found.line}: {found.importer} ({source}) imports {found.imported} ({target})")
    return problems


def package_of(module: str, root: Path) -> str:
    """The package a module is in (a package's `__init__` counts as in its own package)."""
    if (Path(root, *module.split(".")) / "__init__.py").is_file():
        return module
    return module.rpartition(".")[0] or module


def find_cycle(edges: Dict[str, Set[str]]) -> Optional[List[str]]:
    """One cycle in a directed graph, as the nodes along it, or None."""
    state: Dict[str, int] = {}
    stack: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def import_cycles(root: Path, imports: Sequence[Import]) -> List[str]:
    """A cycle between files and one between packages, if there are any.

    Packages are the subpackages (`bot.handoff`, `review_app.routes`, ...); `bot`'s own modules
    count one by one, since `bot.services` builds what `bot.handoff` and the others define.
    """
    files: Dict[str, Set[str]] = {}
    packages: Dict[str, Set[str]] = {}
    for found in imports:
        if found.imported != found.importer and not found.imported.startswith(found.importer + "."):
            files.setdefault(found.importer, set()).add(found.imported)
        source, target = package_of(found.importer, root), package_of(found.imported, root)
        source = found.importer if source == "bot" else source
        target = found.imported if target == "bot" else target
        if source != target and not target.startswith(source + ".") and not source.startswith(target + "."):
            packages.setdefault(source, set()).add(target)
    problems = []
    for kind, edges in (("files", files), ("packages", packages)):
        cycle = find_cycle(edges)
        if cycle:
            problems.append(f"import cycle between {kind}: {' -> '.join(cycle)}")
    return problems


def contract_problems(root: Path) -> List[str]:
    """Everything that breaks the import contract in the tree at `root`."""
    imports = all_imports(root)
    return list(dict.fromkeys(forbidden_imports(imports))) + import_cycles(root, imports)
