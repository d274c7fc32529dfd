"""Rasa checks whether the domain is empty against an empty domain built once, not for every message.

Rasa 3.6's `Domain.is_empty` is `self.as_dict() == Domain.empty().as_dict()`, and the processor asks
it for every message (`MessageProcessor._check_for_unseen_features`): building the empty domain
again (its default intents, actions and slots, copied) was about 0.2 ms of every turn. `install()`
compares with the empty domain's dictionary built on first use; the comparison, so the answer, is
Rasa's.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from rasa.shared.core.domain import Domain

_empty_as_dict: Optional[Dict[str, Any]] = None
_rasa_is_empty: Optional[Callable[[Domain], bool]] = None


def is_empty(domain: Domain) -> bool:
    """True when `domain` has nothing an empty domain lacks, as Rasa's `Domain.is_empty` says."""
    global _empty_as_dict
    if _empty_as_dict is None:
        _empty_as_dict = Domain.empty().as_dict()
    return domain.as_dict() == _empty_as_dict


def install() -> None:
    """Make `Domain.is_empty` compare with the empty domain built once (idempotent)."""
    global _rasa_is_empty
    if _rasa_is_empty is None:
        _rasa_is_empty = Domain.is_empty
        Domain.is_empty = is_empty  # type: ignore[assignment]
