"""The action server finds every action the domain names, and every response they use exists."""

from __future__ import annotations

import re
from typing import Any, Dict

from rasa_sdk.executor import ActionExecutor

import actions
from bot.settings import REPO_ROOT


def test_every_custom_action_in_the_domain_is_registered(domain_dict: Dict[str, Any]) -> None:
    executor = ActionExecutor()

    executor.register_package(actions)

    assert set(domain_dict["actions"]) <= set(executor.actions)


def test_every_response_an_action_dispatches_by_name_is_in_the_domain(domain_dict: Dict[str, Any]) -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in (REPO_ROOT / "actions").glob("*.py"))
    used = set(re.findall(r"""response=["'](utter_\w+)["']""", source))

    assert "utter_nps_question" in used
    assert used - set(domain_dict["responses"]) == set()
