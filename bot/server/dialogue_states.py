"""A tracker's dialogue states worked out once, kept beside the tracker and extended as events arrive.

Rasa 3.6 builds the states the policies look at (`Domain.states_for_tracker_history`) by replaying
every event of the conversation into a fresh tracker and describing it before every action, and it
does so for every lookup: MemoizationPolicy once and RulePolicy twice per prediction, and two or
three predictions per message, each from the first event. `install()` keeps, per live tracker, the
replayed tracker and the description before each action; a lookup replays only the events added
since (or all of them again when one of them rewrites the history: a restart, a new session, a
rewind, a loop), then applies Rasa's own steps for the policy's options to fresh copies, so every
caller gets the states Rasa would build and may change them as it likes. A customer message an
earlier state shows is described again when it has changed since (events such as
`DefinePrevUserUtteredFeaturization` change the message object in place).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable, Dict, List, Optional, Set, Text, Tuple

from rasa.shared.core.constants import PREVIOUS_ACTION, USER
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUttered,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.kept_per_tracker import KeptPerTracker

StatesBuilder = Callable[..., List[State]]
MessageLook = Tuple[Any, ...]

# Events after which the applied history is not the old one plus the new events (see
# `DialogueStateTracker.applied_events`): such an event makes the replay start again.
_HISTORY_REWRITING = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted, ActiveLoop)

_rasa_states_for_tracker_history: Optional[StatesBuilder] = None
_replays: "KeptPerTracker[_Replay]" = KeptPerTracker()


@dataclass(frozen=True)
class _Turn:
    """What Rasa reads of one prior tracker: its state and the facts about it that hide rule turns."""

    state: State
    message: Optional[UserUttered]
    message_look: MessageLook
    hide_rule_turn: bool
    previous_action: Optional[Dict[Text, Text]]
    followup_action: Optional[Text]
    latest_action_name: Optional[Text]
    active_loop_name: Optional[Text]


@dataclass
class _Replay:
    """One tracker's events replayed so far, for one domain, with the turn before each action."""

    domain: Domain
    events: List[Event]
    loop_names: Set[Text]
    tracker: DialogueStateTracker
    turns: List[_Turn] = field(default_factory=list)


def states_for_tracker_history(
    domain: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[Text, Any]] = None,
) -> List[State]:
    """The states of `tracker`'s history, as `Domain.states_for_tracker_history` builds them."""
    if omit_unset_slots or type(tracker) is not DialogueStateTracker:
        return _rasa_builder()(domain, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    replay = _replay_of(tracker, domain)
    final = _turn_of(domain, replay.tracker, False)
    return _states_of([*replay.turns, final], domain, ignore_rule_only_turns, rule_only_data)


def install() -> None:
    """Make `Domain.states_for_tracker_history` use the kept replays (idempotent)."""
    global _rasa_states_for_tracker_history
    if _rasa_states_for_tracker_history is None:
        _rasa_states_for_tracker_history = Domain.states_for_tracker_history
        Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[assignment]


def _rasa_builder() -> StatesBuilder:
    """Rasa's own `states_for_tracker_history` (the class's while not installed)."""
    return _rasa_states_for_tracker_history or Domain.states_for_tracker_history


def _replay_of(tracker: DialogueStateTracker, domain: Domain) -> _Replay:
    """The tracker's replay brought up to its events: extended when only plain events were added."""
    replay = _replays.get(tracker)
    events = tracker.events
    if replay is not None and replay.domain is domain and _extends(replay, events):
        for event in list(events)[len(replay.events):]:
            _apply(replay, domain, event)
        return replay
    replay = _Replay(domain, [], _loop_names(events), tracker.init_copy())
    for event in tracker.applied_events():
        _apply(replay, domain, event)
    replay.events = list(events)
    _replays.put(tracker, replay)
    return replay


def _extends(replay: _Replay, events: Any) -> bool:
    """True when `events` are the replayed ones (the same objects) followed by plain events only."""
    seen = len(replay.events)
    if len(events) < seen:
        return False
    current = list(events)
    if any(old is not new for old, new in zip(replay.events, current)):
        return False
    for event in current[seen:]:
        if isinstance(event, _HISTORY_REWRITING):
            return False
        if isinstance(event, ActionExecuted) and event.action_name in replay.loop_names:
            return False
    return True


def _apply(replay: _Replay, domain: Domain, event: Event) -> None:
    """Replay one applied event, noting the turn before it when it is an action (as Rasa yields it)."""
    if isinstance(event, ActionExecuted):
        replay.turns.append(_turn_of(domain, replay.tracker, event.hide_rule_turn))
    replay.tracker.update(event)
    replay.events.append(event)


def _loop_names(events: Any) -> Set[Text]:
    """The names of the loops the events activate (Rasa's `applied_events` treats their actions apart)."""
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def _turn_of(domain: Domain, prior: DialogueStateTracker, hide_rule_turn: bool) -> _Turn:
    """What Rasa's state builder reads of `prior`, read now (the replayed tracker moves on)."""
    return _Turn(
        state=domain.get_active_state(prior),
        message=prior.latest_message,
        message_look=_look_of(prior.latest_message),
        hide_rule_turn=hide_rule_turn,
        previous_action=domain._get_prev_action_sub_state(prior),
        followup_action=prior.followup_action,
        latest_action_name=prior.latest_action_name,
        active_loop_name=prior.active_loop_name,
    )


def _states_of(
    turns: List[_Turn], domain: Domain, ignore_rule_only_turns: bool, rule_only_data: Optional[Dict[Text, Any]]
) -> List[State]:
    """Rasa's loop of `Domain.states_for_tracker_history` over the noted turns, on fresh copies."""
    states: List[State] = []
    last_ml_action_sub_state: Optional[Dict[Text, Text]] = None
    turn_was_hidden = False
    copies: Dict[int, Dict[Text, Text]] = {}
    for turn in turns:
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action_sub_state = _shared_copy(turn.previous_action, copies)
            if not turn.followup_action and not turn.latest_action_name == turn.active_loop_name:
                turn_was_hidden = turn.hide_rule_turn
            if turn_was_hidden:
                continue
        state = _state_copy(_current_state(turn, domain), copies)
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action_sub_state:
                state[PREVIOUS_ACTION] = last_ml_action_sub_state
        states.append(domain._clean_state(state))
    return states


def _look_of(message: Optional[UserUttered]) -> MessageLook:
    """What of a customer message its state shows, as far as it can change after the message arrived."""
    if message is None:
        return ()
    return (message.use_text_for_featurization, message.text, message.intent_name, len(message.entities))


def _current_state(turn: _Turn, domain: Domain) -> State:
    """The turn's state, with the customer message described again if the message changed since."""
    if turn.message is None or _look_of(turn.message) == turn.message_look:
        return turn.state
    user = domain._get_user_sub_state(SimpleNamespace(latest_message=turn.message))  # type: ignore[arg-type]
    state = {USER: user, **{kind: sub_state for kind, sub_state in turn.state.items() if kind != USER}}
    return domain._clean_state(state)


def _shared_copy(sub_state: Optional[Dict[Text, Text]], copies: Dict[int, Dict[Text, Text]]) -> Optional[Dict[Text, Text]]:
    """A copy of `sub_state`, the same copy for the same original within one build (as Rasa shares it)."""
    if sub_state is None:
        return None
    key = id(sub_state)
    if key not in copies:
        copies[key] = dict(sub_state)
    return copies[key]


def _state_copy(state: State, copies: Dict[int, Dict[Text, Text]]) -> State:
    """A copy of `state` whose sub-states callers may change; the previous action shared as in Rasa."""
    copied: State = {}
    for kind, sub_state in state.items():
        if kind == PREVIOUS_ACTION:
            copied[kind] = _shared_copy(sub_state, copies)  # type: ignore[assignment]
        else:
            copied[kind] = dict(sub_state)  # type: ignore[assignment]
    return copied


def kept_replays() -> List[int]:
    """The ids of the trackers whose replays are kept (for tests: a replay goes with its tracker)."""
    return _replays.tracker_ids()
