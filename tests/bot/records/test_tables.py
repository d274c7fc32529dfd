"""`bot.records.tables`: every module that defines a table on the project's metadata is registered."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path
from typing import List

from bot.records.database import metadata
from bot.records.tables import TABLE_MODULES, load_table_definitions
from bot.settings import REPO_ROOT
from tests.import_contract import module_name, product_files


def modules_defining_tables(root: Path) -> List[str]:
    """Product modules with a `sa.Table(name, metadata, ...)` on the project's `metadata`."""
    found = []
    for path in product_files(root):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, (ast.Attribute, ast.Name))
                and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "Table"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Name)
                and node.args[1].id == "metadata"
            ):
                found.append(module_name(root, path))
                break
    return sorted(found)


def unregistered(root: Path) -> List[str]:
    """Table modules in the tree at `root` that the registry does not list."""
    return [module for module in modules_defining_tables(root) if module not in TABLE_MODULES]


def test_every_table_module_is_registered_and_every_registered_module_defines_tables() -> None:
    assert unregistered(REPO_ROOT) == []
    assert sorted(TABLE_MODULES) == modules_defining_tables(REPO_ROOT)


def test_a_new_table_module_that_is_not_registered_is_named(tmp_path: Path) -> None:
    for package in ("bot", "actions", "channels", "desk", "review_app"):
        shutil.copytree(REPO_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "desk" / "shifts.py").write_text(
        "import sqlalchemy as sa\n\nfrom bot.records.database import metadata\n\n"
        'shifts_table = sa.Table("shifts", metadata, sa.Column("id", sa.Integer, primary_key=True))\n',
        encoding="utf-8",
    )
    assert unregistered(tmp_path) == ["desk.shifts"]


def test_loading_the_registry_puts_every_table_on_the_metadata() -> None:
    tables = set(load_table_definitions().tables)
    assert {"handoffs", "tickets", "review_users", "sms_opt_outs", "handoff_digests"} <= tables
    assert load_table_definitions() is metadata
