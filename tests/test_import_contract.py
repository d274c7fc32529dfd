"""The import contract (tests/import_contract.py) holds for the tree, and fails on a bad import."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from bot.settings import REPO_ROOT
from tests.import_contract import PRODUCT, contract_problems


def test_the_tree_keeps_the_import_contract() -> None:
    assert contract_problems(REPO_ROOT) == []


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """A copy of the product packages to break on purpose."""
    for package in PRODUCT:
        shutil.copytree(REPO_ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")


def test_the_core_importing_the_desk_fails(tree_copy: Path) -> None:
    append(tree_copy / "bot" / "clock.py", "from desk.relay import DeskRelay")
    problems = contract_problems(tree_copy)
    assert "/bot/clock.py:" in problems[0]
    assert problems[0].endswith(": bot.clock (bot core) imports desk.relay (desk)")
    assert "import cycle between files: bot.clock -> desk.relay -> bot.clock" in problems


def test_a_lazy_import_of_the_trainer_from_a_channel_fails(tree_copy: Path) -> None:
    append(tree_copy / "channels" / "retry.py", "def later():\n    import bot.trainer.cli")
    assert any("channels.retry (channels) imports bot.trainer.cli (bot.trainer)" in p for p in contract_problems(tree_copy))


def test_product_code_importing_bench_fails(tree_copy: Path) -> None:
    append(tree_copy / "review_app" / "plots.py", "from bench.speed import report")
    assert any("imports bench.speed" in p for p in contract_problems(tree_copy))


def test_an_import_cycle_between_files_fails(tree_copy: Path) -> None:
    append(tree_copy / "bot" / "clock.py", "from bot.settings import load_settings")
    append(tree_copy / "bot" / "settings.py", "from bot.clock import Clock")
    problems = contract_problems(tree_copy)
    assert "import cycle between files: bot.clock -> bot.settings -> bot.clock" in problems


def test_an_import_cycle_between_packages_fails(tree_copy: Path) -> None:
    append(tree_copy / "bot" / "shop" / "orders.py", "from bot.handoff.store import HandoffStore")
    append(tree_copy / "bot" / "handoff" / "business_hours.py", "from bot.shop.catalogue import Catalogue")
    assert any(p.startswith("import cycle between packages:") for p in contract_problems(tree_copy))


def test_every_package_says_what_it_holds_and_what_it_may_import() -> None:
    missing = []
    for package in PRODUCT:
        for init in sorted((REPO_ROOT / package).rglob("__init__.py")):
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
            if "may import" not in doc.lower():
                missing.append(str(init.relative_to(REPO_ROOT)))
    assert missing == []


def test_bot_keeps_at_most_twelve_modules_at_its_top() -> None:
    """Everything else lives in a named subpackage (README "What is where")."""
    assert len(list((REPO_ROOT / "bot").glob("*.py"))) <= 12
