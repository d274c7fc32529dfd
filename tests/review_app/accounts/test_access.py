"""Tests for review_app/accounts/access.py: leads review and work the desk, agents only work the desk."""

from __future__ import annotations

from review_app.accounts.access import AGENT, DESK, LEAD, REVIEW, allows, home_for


def test_leads_may_review_and_work_the_desk() -> None:
    assert allows(LEAD, REVIEW) and allows(LEAD, DESK)
    assert home_for(LEAD) == REVIEW


def test_agents_may_only_work_the_desk() -> None:
    assert allows(AGENT, DESK) and not allows(AGENT, REVIEW)
    assert home_for(AGENT) == DESK


def test_unknown_roles_may_do_nothing() -> None:
    assert not allows("admin", REVIEW) and not allows("", DESK)
