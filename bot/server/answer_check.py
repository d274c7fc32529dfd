"""Checks each custom action's answer against Rasa's schema with a validator built once.

Rasa 3.6 calls `jsonschema.validate` on every answer from the action server, and that call
first checks the schema itself against its meta-schema before checking the answer: about 33 ms
of a 59 ms turn on 2 cores (bench/results/speed_profile.txt). The schema never changes, so it is
checked once at start-up; answers are checked exactly as before, with the same errors.
"""

from __future__ import annotations

from typing import Any, Dict

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_INSTALLED = "brightway_prebuilt_check"


def answer_validator() -> Any:
    """A jsonschema validator for Rasa's action-server answer format, its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def install() -> None:
    """Make Rasa check action answers with a validator built once (idempotent); call at start-up."""
    if getattr(RemoteAction._validate_action_result, _INSTALLED, False):
        return
    validator = answer_validator()

    def validate_action_result(action: RemoteAction, result: Dict[str, Any]) -> bool:
        """Rasa's check of an answer (same best-matching error, same hint), without re-checking the schema."""
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            f"the Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    setattr(validate_action_result, _INSTALLED, True)
    RemoteAction._validate_action_result = validate_action_result
