"""RulePolicy's rule lookup stops once the conversation is longer than every rule still in the running.

Rasa 3.6's `RulePolicy._get_possible_keys` checks every remaining rule against every state of the
conversation, from the newest back to the first, although a rule shorter than the distance back
counts as matching there without a look (`_is_rule_applicable` answers True), and it checks all of
our 53 rules against the newest state although a rule's newest state names the previous action and
the intent it needs: about 60 checks per lookup, three lookups per message. `install()` makes the
lookup check against the newest state only the rules whose action and intent there fit it (Rasa's
check of the others would say no: it requires a named action or intent to be the conversation's),
stop once no rule is left or every rule left is shorter than the distance back, and read a rule's
state by index instead of copying the rule reversed; the same rules come out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Set, Text, Tuple

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.core.domain import State
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

KeysFinder = Callable[[RulePolicy, Dict[Text, Text], List[State]], Set[Text]]
Fit = Tuple[Optional[Text], Optional[Text]]

_INDEXES_KEPT = 16  # rule sets indexed at once (a model has two: rules, loop unhappy paths)

_rasa_get_possible_keys: Optional[KeysFinder] = None
_indexes: Dict[FrozenSet[Text], "_RuleIndex"] = {}


@dataclass(frozen=True)
class _RuleIndex:
    """Rule keys by the previous action and intent their newest state needs (None: needs none)."""

    unconditional: Tuple[Text, ...]  # newest state without a previous action: Rasa's check decides
    by_fit: Dict[Fit, Tuple[Text, ...]]

    def candidates(self, state: State) -> Iterable[Text]:
        """The rules whose newest state may match `state`; every other rule's check says no."""
        action = (state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        intent = (state.get(USER) or {}).get(INTENT)
        fits = {(None, None), (action, None), (None, intent), (action, intent)}
        return [*self.unconditional, *(key for fit in fits for key in self.by_fit.get(fit, ()))]


def possible_rule_keys(policy: RulePolicy, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
    """The rule keys of `lookup` that apply to `states`, as `RulePolicy._get_possible_keys` finds them."""
    possible_keys = set(lookup.keys())
    indexed = type(policy)._is_rule_applicable is is_rule_applicable
    for turn_index, state in enumerate(reversed(states)):
        if not possible_keys or turn_index >= _longest_rule(policy, possible_keys):
            break
        candidates = _index_of(policy, possible_keys).candidates(state) if indexed and turn_index == 0 else possible_keys
        possible_keys = {key for key in candidates if policy._is_rule_applicable(key, turn_index, state)}
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


def _index_of(policy: RulePolicy, keys: Set[Text]) -> _RuleIndex:
    """The index of the rule set `keys`, built on first use."""
    frozen = frozenset(keys)
    index = _indexes.get(frozen)
    if index is None:
        if len(_indexes) >= _INDEXES_KEPT:
            _indexes.clear()
        index = _indexes[frozen] = _built_index(policy, frozen)
    return index


def _built_index(policy: RulePolicy, keys: FrozenSet[Text]) -> _RuleIndex:
    """Each rule under what its newest state requires of the previous action and intent."""
    unconditional: List[Text] = []
    by_fit: Dict[Fit, List[Text]] = {}
    for key in sorted(keys):
        rule_states = policy._rule_key_to_state(key)
        newest = rule_states[-1] if rule_states else {}
        previous_action = newest.get(PREVIOUS_ACTION)
        if not previous_action:
            unconditional.append(key)
            continue
        fit = (_required(previous_action.get(ACTION_NAME)), _required((newest.get(USER) or {}).get(INTENT)))
        by_fit.setdefault(fit, []).append(key)
    return _RuleIndex(tuple(unconditional), {fit: tuple(fitting) for fit, fitting in by_fit.items()})


def _required(value: object) -> Optional[Text]:
    """The value a rule requires the conversation to have (Rasa's check: set and not SHOULD_NOT_BE_SET)."""
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


def _longest_rule(policy: RulePolicy, keys: Set[Text]) -> int:
    """The number of states in the longest of the rules `keys` name."""
    return max(len(policy._rule_key_to_state(key)) for key in keys)
