"""Changes the latency profile can switch on inside its own process, to size them before anyone
makes them in the project: nothing here touches `bot/`, `actions/` or the config.

- `ValidationSwitch`: Rasa 3.6's `RemoteAction._validate_action_result` calls
  `jsonschema.validate`, which re-checks the whole events schema against the draft 2020-12
  meta-schema on every custom action answer; the switch validates with a validator built once.
- The tracker store is swapped in the profile's endpoints instead (`latency_profile.Scenario`).
"""

from __future__ import annotations

from typing import Any, Dict, Optional


class ValidationSwitch:
    """Stands in for `RemoteAction._validate_action_result`: Rasa's own check, or a prebuilt validator."""

    def __init__(self) -> None:
        """Off (Rasa's own check) until `fast` is set."""
        self.fast = False
        self._validator: Optional[Any] = None

    def install(self) -> None:
        """Replace the method on `RemoteAction` (before the profile wraps it for timing)."""
        from rasa.core.actions.action import RemoteAction

        original = RemoteAction._validate_action_result
        switch = self

        def validate_action_result(action: Any, result: Dict[str, Any]) -> bool:
            if not switch.fast:
                return original(action, result)
            switch.validator().validate(result)
            return True

        RemoteAction._validate_action_result = validate_action_result

    def validator(self) -> Any:
        """The jsonschema validator for Rasa's action answer format, built on first use."""
        if self._validator is None:
            from jsonschema.validators import validator_for
            from rasa.core.actions.action import RemoteAction

            schema = RemoteAction.action_response_format_spec()
            self._validator = validator_for(schema)(schema)
        return self._validator
