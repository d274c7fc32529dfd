"""A small domain with featurized slots and a loop, and one conversation through every kind of event
that changes how Rasa builds dialogue states (for the tests of `bot.server.dialogue_states` and
`bot.server.rule_lookup`)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
    UserUtteranceReverted,
)

DOMAIN = Domain.from_dict(
    {
        "intents": ["greet", "order_status", "inform", "stop", "thank"],
        "entities": ["order_id", "product"],
        "slots": {
            "order_id": {"type": "text", "mappings": [{"type": "from_entity", "entity": "order_id"}]},
            "vip": {"type": "bool", "initial_value": False, "mappings": [{"type": "custom"}]},
            "mood": {"type": "categorical", "values": ["calm", "angry"], "mappings": [{"type": "custom"}]},
            "rule_flag": {"type": "bool", "mappings": [{"type": "custom"}]},
        },
        "forms": {"order_form": {"required_slots": ["order_id"]}},
        "actions": ["action_order_status", "action_check"],
        "responses": {"utter_greet": [{"text": "Hi"}], "utter_ask_order_id": [{"text": "Which order?"}]},
    }
)
RULE_ONLY_DATA = {"rule_only_slots": ["rule_flag"], "rule_only_loops": ["order_form"]}


def user(intent: Text, text: Text = "", entities: Optional[List[Dict[Text, Any]]] = None) -> UserUttered:
    """A customer message with its parse result."""
    return UserUttered(text or intent, {"name": intent, "confidence": 0.9}, entities or [])


def action(name: Text, hide_rule_turn: bool = False) -> ActionExecuted:
    """The bot having run `name`."""
    return ActionExecuted(name, hide_rule_turn=hide_rule_turn)


def conversation() -> List[Event]:
    """Fresh events (some events change earlier ones in place, so tests never share them)."""
    return [
        action("action_session_start"),
        SessionStarted(),
        action("action_listen"),
        user("greet", "hi"),
        DefinePrevUserUtteredFeaturization(False),
        action("utter_greet"),
        BotUttered("Hi"),
        action("action_listen"),
        user("order_status", "where is #1", [{"entity": "order_id", "value": "#1", "start": 9, "end": 11}]),
        SlotSet("order_id", "#1"),
        action("order_form"),
        ActiveLoop("order_form"),
        SlotSet("mood", "angry"),
        action("action_listen"),
        user("inform", "#2"),
        EntitiesAdded([{"entity": "order_id", "value": "#2"}]),
        DefinePrevUserUtteredFeaturization(True),
        action("order_form"),
        SlotSet("order_id", "#2"),
        ActiveLoop(None),
        action("action_order_status", hide_rule_turn=True),
        SlotSet("rule_flag", True),
        action("action_listen"),
        user("stop", "stop"),
        DefinePrevUserUtteredFeaturization(False),
        action("action_check"),
        DefinePrevUserUtteredFeaturization(True),
        ActionReverted(),
        action("action_listen"),
        user("thank", "thanks"),
        UserUtteranceReverted(),
        user("thank", "thanks again"),
        FollowupAction("action_check"),
        action("action_check", hide_rule_turn=True),
        SlotSet("vip", True),
        action("action_listen"),
        user("greet", "hello", [{"entity": "product", "value": "speaker", "start": 0, "end": 5}]),
        action("action_listen"),
        DefinePrevUserUtteredFeaturization(True),  # changes the message an earlier turn already showed
        EntitiesAdded([{"entity": "order_id", "value": "#3"}]),
        action("action_check"),
        Restarted(),
        action("action_listen"),
        user("greet", "hi again"),
        action("utter_greet"),
    ]
