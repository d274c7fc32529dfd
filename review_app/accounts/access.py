"""Who may do what in the review app: leads review everything, agents work the desk."""

from __future__ import annotations

from typing import Dict, FrozenSet

LEAD = "lead"
AGENT = "agent"
ROLES = (LEAD, AGENT)

REVIEW = "review"
DESK = "desk"

_GRANTS: Dict[str, FrozenSet[str]] = {
    LEAD: frozenset({REVIEW, DESK}),
    AGENT: frozenset({DESK}),
}


def allows(role: str, permission: str) -> bool:
    """True when users with `role` have `permission` (unknown roles have none)."""
    return permission in _GRANTS.get(role, frozenset())


def home_for(role: str) -> str:
    """The permission whose pages a user with `role` lands on after login."""
    return REVIEW if allows(role, REVIEW) else DESK
