"""RulePolicy's rule lookup stops once the conversation is longer than every rule still in the running.

Rasa 3.6's `RulePolicy._get_possible_keys` checks every remaining rule against every state of the
conversation, from the newest back to the first, although a rule shorter than the distance back
counts as matching there without a look (`_is_rule_applicable` answers True): every rule that had
matched so far was checked again against each older state, about 60 checks per lookup and two or
three lookups per prediction on our model. `install()` makes the lookup stop once no rule is left or
every rule left is shorter than the distance back, so the same rules come out; each check reads the
rule's state by index instead of copying the rule reversed.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional, Set, Text

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import State

KeysFinder = Callable[[RulePolicy, Dict[Text, Text], List[State]], Set[Text]]

_rasa_get_possible_keys: Optional[KeysFinder] = None


def possible_rule_keys(policy: RulePolicy, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
    """The rule keys of `lookup` that apply to `states`, as `RulePolicy._get_possible_keys` finds them."""
    possible_keys = set(lookup.keys())
    for turn_index, state in enumerate(reversed(states)):
        if not possible_keys or turn_index >= _longest_rule(policy, possible_keys):
            break
        possible_keys = {key for key in possible_keys if policy._is_rule_applicable(key, turn_index, state)}
    return possible_keys


def is_rule_applicable(policy: RulePolicy, rule_key: Text, turn_index: int, conversation_state: State) -> bool:
    """Whether the rule's state `turn_index` turns back matches `conversation_state` (Rasa's check)."""
    rule_states = policy._rule_key_to_state(rule_key)
    if turn_index >= len(rule_states):
        return True
    rule_state = rule_states[len(rule_states) - 1 - turn_index]
    current_previous_action = conversation_state.get(PREVIOUS_ACTION)
    rule_previous_action = rule_state.get(PREVIOUS_ACTION)
    if not rule_previous_action and not current_previous_action:
        return True
    if not rule_previous_action or not current_previous_action:
        return False
    return policy._does_rule_match_state(rule_state, conversation_state)


def install() -> None:
    """Make RulePolicy's rule lookup stop early and read rule states in place (idempotent)."""
    global _rasa_get_possible_keys
    if _rasa_get_possible_keys is None:
        _rasa_get_possible_keys = RulePolicy._get_possible_keys
        RulePolicy._get_possible_keys = possible_rule_keys  # type: ignore[assignment]
        RulePolicy._is_rule_applicable = is_rule_applicable  # type: ignore[assignment]


def _longest_rule(policy: RulePolicy, keys: Set[Text]) -> int:
    """The number of states in the longest of the rules `keys` name."""
    return max(len(policy._rule_key_to_state(key)) for key in keys)
