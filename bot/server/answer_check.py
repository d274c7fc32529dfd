"""Checks each custom action's answer against Rasa's schema with a validator built once.

Rasa 3.6 calls `jsonschema.validate` on every answer from the action server, and that call
first checks the schema itself against its meta-schema before checking the answer: about 33 ms
of a 59 ms turn on 2 cores (bench/results/speed_profile.txt). The schema never changes, so it is
checked once at start-up; answers are checked exactly as before, with the same errors.

Each event in an answer must match exactly one of the schema's ~20 event shapes (`oneOf`), and
jsonschema builds a validation error for every shape it rules out. Every shape but the event's own
pins `event` to another name, so it cannot match; `oneOf` here checks only the event's own shape
and, unless that one is valid, runs jsonschema's `oneOf` for its exact errors.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping

from jsonschema import _validators, validators
from jsonschema.exceptions import ValidationError, best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_INSTALLED = "brightway_prebuilt_check"
EVENT_KEY = "event"


def answer_validator() -> Any:
    """A jsonschema validator for Rasa's action-server answer format, its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validators.extend(validator_class, {"oneOf": one_of_by_event})(schema)


def one_of_by_event(validator: Any, one_of: List[Any], instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """jsonschema's `oneOf`, skipping the shapes an event's name rules out when its own shape is valid.

    A shape whose `properties` pin `event` to another constant fails on this instance whatever
    else it holds, so when exactly one shape is left and the instance is valid under it, `oneOf`
    holds (the errors of the others are never reported then). Otherwise the errors are jsonschema's own.
    """
    if isinstance(instance, dict) and isinstance(instance.get(EVENT_KEY), str):
        left = [shape for shape in one_of if not _pinned_elsewhere(shape, instance[EVENT_KEY])]
        if len(left) == 1 and next(iter(validator.descend(instance, left[0])), None) is None:
            return
    yield from _validators.oneOf(validator, one_of, instance, schema)


def _pinned_elsewhere(shape: Any, name: str) -> bool:
    """Whether `shape` requires the `event` property to be a constant other than `name`."""
    if not isinstance(shape, dict):
        return False
    properties = shape.get("properties")
    pinned = properties.get(EVENT_KEY) if isinstance(properties, dict) else None
    return isinstance(pinned, dict) and "const" in pinned and pinned["const"] != name


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
