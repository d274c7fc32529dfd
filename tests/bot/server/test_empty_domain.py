"""`bot.server.empty_domain`: Rasa's empty-domain check answers as before, from an empty domain built once."""

from __future__ import annotations

from typing import List

import pytest
from rasa.shared.core.domain import Domain

from bot.server import empty_domain
from bot.settings import REPO_ROOT


@pytest.fixture(autouse=True)
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Install for the test; monkeypatch puts Rasa's check back afterwards."""
    monkeypatch.setattr(Domain, "is_empty", Domain.__dict__["is_empty"])
    monkeypatch.setattr(empty_domain, "_rasa_is_empty", None)
    empty_domain.install()


@pytest.mark.parametrize(
    "domain",
    [
        Domain.empty(),
        Domain.from_dict({}),
        Domain.from_dict({"intents": ["greet"]}),
        Domain.from_dict({"responses": {"utter_hi": [{"text": "Hi"}]}}),
        Domain.from_dict({"slots": {"order_id": {"type": "text", "mappings": [{"type": "custom"}]}}}),
        Domain.load(str(REPO_ROOT / "domain.yml")),
    ],
    ids=["empty", "from-empty-dict", "one-intent", "one-response", "one-slot", "ours"],
)
def test_answers_as_rasa_does(domain: Domain) -> None:
    rasa_is_empty = empty_domain._rasa_is_empty
    assert rasa_is_empty is not None
    assert domain.is_empty() is rasa_is_empty(domain)


def test_the_empty_domain_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    ours = Domain.load(str(REPO_ROOT / "domain.yml"))
    assert ours.is_empty() is False
    built: List[int] = []
    build = Domain.empty
    monkeypatch.setattr(Domain, "empty", classmethod(lambda cls: built.append(1) or build()))
    for _ in range(3):
        assert ours.is_empty() is False
        assert Domain.from_dict({}).is_empty() is True
    assert built == []


def test_install_is_idempotent() -> None:
    rasa_is_empty = empty_domain._rasa_is_empty
    empty_domain.install()
    assert empty_domain._rasa_is_empty is rasa_is_empty
    assert Domain.is_empty is empty_domain.is_empty
