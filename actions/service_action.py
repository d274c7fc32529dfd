"""Base class giving actions the project's services, injectable for tests."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Optional

from rasa_sdk import Action, Tracker

from bot.services import Services, default_services


class ServiceAction(Action, ABC):
    """An action that uses `bot.services.Services` (built on first use, or given in tests)."""

    def __init__(self, services: Optional[Services] = None) -> None:
        """Use `services`, or the process-wide ones built from settings on first use."""
        self._services = services

    @property
    def services(self) -> Services:
        """The services this action works with."""
        if self._services is None:
            self._services = default_services()
        return self._services

    @abstractmethod
    def name(self) -> str:
        """Subclasses return their action name."""


def conversation_channel(tracker: Tracker) -> str:
    """The channel the customer wrote on ("rest" for the terminal chat and REST API)."""
    return tracker.get_latest_input_channel() or "rest"


def customer_display(tracker: Tracker) -> str:
    """How agents see the customer: a name or number from the channel's metadata, else the id."""
    metadata: Dict[str, Any] = tracker.latest_message.get("metadata") or {}
    for key in ("customer_name", "name", "phone"):
        if metadata.get(key):
            return str(metadata[key])
    return tracker.sender_id
