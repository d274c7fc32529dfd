"""The reply path's start-up patches change no prediction, and what they save in CPU per turn.

Loads our model in one process as the server runs it (actions in process, in-memory tracker store)
and switches the patches `bot.server.entry` installs for the dialogue policies and the processor
(`dialogue_states`, `rule_lookup`, `debug_log_copies`) off and on by swapping the
attributes they replace:

- check: every next-action prediction (action scores, policy, events, flags) for every prefix of
  the story, rule and test-story trackers (plain and augmented), grown event by event as the
  processor grows them, and for text conversations through the whole processor (predictions and
  the stored events, ids and ticket numbers aside), off vs on; exits 1 on any difference.
- cpu (`--cpu`): CPU time (`time.process_time`) per turn of the bench's script with the parse
  results given (no NLU), and of the predictions in it, off and on alternating in blocks.

    .venv/bin/python bench/reply_path_check.py [--cpu] [--rounds 30] [--repeat 1]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

PATCHES = ("dialogue_states", "rule_lookup", "debug_log_copies")
CONVERSATIONS = [
    ["hi", "how much is the aura smart speaker?", "where is my order #55213?", "what is your return policy?",
     "do you deliver on saturdays?", "thanks", "9"],
    ["my blender doesn't work", "I want a refund", "this is useless, get me a human NOW", "hello?"],
    ["asdkjh qwe", "what is your return policy?", "do you deliver on saturdays?", "bye"],
    ["I want to complain about order #6607", "are you a bot?", "no", "yes please", "thanks", "bye"],
    ["hi there", "how much is the aura speaker?", "thanks!", "9", "where is my order #55213", "bye"],
    ["what's your returns policy?", "I want to make a complaint, the courier left my parcel outside in the rain",
     "feedback: your website is easy to use", "can I speak to a real person please"],
    ["/restart", "hi", "/session_start", "cancel my order", "#55213", "ok", "no", "the speaker", "what?", "what?"],
]
_RANDOM_IDS = re.compile(r"H-[A-Z0-9]{8}|CS-[A-Z0-9]{6}|[0-9a-f]{32}")


class PatchSwitch:
    """The patches installed once; `set(on)` puts their attributes or Rasa's in place."""

    def __init__(self) -> None:
        """Install the patches, noting every attribute they replace."""
        import rasa.core.policies.memoization
        import rasa.core.policies.rule_policy
        import rasa.core.processor
        from rasa.core.policies.rule_policy import RulePolicy
        from rasa.shared.core.domain import Domain

        watched = [
            (Domain, "states_for_tracker_history"), (RulePolicy, "_get_possible_keys"),
            (RulePolicy, "_is_rule_applicable"),
            *[(module, "copy") for module in (
                rasa.core.processor, rasa.core.policies.memoization, rasa.core.policies.rule_policy)],
        ]
        before = [owner.__dict__.get(name) for owner, name in watched]
        for patch in PATCHES:
            importlib.import_module(f"bot.server.{patch}").install()
        after = [owner.__dict__.get(name) for owner, name in watched]
        self.changes = [(owner, name, old, new) for (owner, name), old, new in zip(watched, before, after) if old is not new]

    def set(self, on: bool) -> None:
        """Patches on, or Rasa's own attributes back."""
        for owner, name, old, new in self.changes:
            setattr(owner, name, new if on else old)


async def load_agent() -> Any:
    """Our newest model, as the server runs it, with the in-memory tracker store."""
    from rasa.core.agent import load_agent as rasa_load_agent
    from rasa.core.utils import AvailableEndpoints

    from bench.speed.latency_profile import serve_actions_in_process, use_own_records_database, write_endpoints
    from bot.server import answer_check, empty_domain, event_types, graph_runner

    for module in (event_types, empty_domain, graph_runner, answer_check):
        module.install()
    use_own_records_database(Path(tempfile.mkdtemp(prefix="reply-path-records-")))
    serve_actions_in_process()
    model = sorted((REPO_ROOT / "models").glob("*.tar.gz"))[-1]
    endpoints = write_endpoints(Path(tempfile.mkdtemp(prefix="reply-path-")), lean=True, in_memory_tracker=True)
    return await rasa_load_agent(model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(endpoints)))


def prediction_facts(prediction: Any) -> Tuple[Any, ...]:
    """Everything of a prediction the processor acts on."""
    def plain(events: Sequence[Any]) -> str:
        return json.dumps([{k: v for k, v in e.as_dict().items() if k != "timestamp"} for e in events], default=str)

    return (prediction.policy_name, tuple(prediction.probabilities), plain(prediction.events),
            plain(prediction.optional_events), prediction.is_end_to_end_prediction,
            prediction.is_no_user_prediction, prediction.hide_rule_turn, repr(prediction.action_metadata))


def training_event_lists(domain: Any) -> List[List[Any]]:
    """The events of every story, rule and test-story tracker, plain and augmented."""
    from rasa.shared.core.generator import TrainingDataGenerator
    from rasa.shared.importers.importer import TrainingDataImporter

    lists = []
    for paths in (["data"], ["tests/test_stories.yml"]):
        importer = TrainingDataImporter.load_from_dict(
            domain_path=str(REPO_ROOT / "domain.yml"), training_data_paths=[str(REPO_ROOT / p) for p in paths]
        )
        graph = importer.get_stories()
        for augmentation in (0, 20):
            generator = TrainingDataGenerator(graph, domain, remove_duplicates=False, augmentation_factor=augmentation)
            lists += [list(tracker.events) for tracker in generator.generate()]
    return lists


def check_training_prefixes(agent: Any, switch: PatchSwitch) -> Tuple[int, int]:
    """Predictions before every action of every training tracker, grown event by event: (count, differing)."""
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker

    processor = agent.processor
    target = processor.model_metadata.core_target
    count = differing = 0
    for events in training_event_lists(processor.domain):
        trackers = {on: DialogueStateTracker("check", processor.domain.slots) for on in (False, True)}
        for event in events:
            if isinstance(event, ActionExecuted):
                facts = {}
                for on in (False, True):
                    switch.set(on)
                    facts[on] = prediction_facts(processor.graph_runner.run(inputs={"__tracker__": trackers[on]}, targets=[target])[target])
                count += 1
                differing += facts[False] != facts[True]
            for tracker in trackers.values():
                tracker.update(event)
    return count, differing


async def check_conversations(agent: Any, switch: PatchSwitch) -> Tuple[int, int, int]:
    """Text conversations through the processor: (predictions, differing predictions, differing conversations)."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    processor_class = type(agent.processor)
    predict = processor_class._predict_next_with_tracker
    seen: Dict[bool, List[Tuple[Any, ...]]] = {False: [], True: []}
    state = {"on": False}

    def recording(self: Any, tracker: Any) -> Any:
        prediction = predict(self, tracker)
        seen[state["on"]].append(prediction_facts(prediction))
        return prediction

    processor_class._predict_next_with_tracker = recording
    try:
        for number, texts in enumerate(CONVERSATIONS):
            for on in (False, True):
                switch.set(on)
                state["on"] = on
                for text in texts:
                    await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender_id=f"check-{number}-{on}"))
    finally:
        processor_class._predict_next_with_tracker = predict
    differing = sum(a != b for a, b in zip(seen[False], seen[True])) + abs(len(seen[False]) - len(seen[True]))
    conversations = 0
    for number in range(len(CONVERSATIONS)):
        stored = [await stored_events(agent, f"check-{number}-{on}") for on in (False, True)]
        conversations += stored[0] != stored[1]
    return len(seen[True]), differing, conversations


async def stored_events(agent: Any, sender_id: str) -> List[str]:
    """The conversation's stored events without times, metadata and random ids."""
    tracker = await agent.tracker_store.retrieve(sender_id)
    events = []
    for event in tracker.events:
        fields = {k: v for k, v in event.as_dict().items() if k not in ("timestamp", "metadata", "message_id")}
        text = re.sub(r'"message_id": "[0-9a-f]+"', "", json.dumps(fields, sort_keys=True, default=str))
        events.append(_RANDOM_IDS.sub("ID", text))
    return events


async def cpu_per_turn(agent: Any, switch: PatchSwitch, rounds: int, repeat: int) -> Dict[bool, Tuple[float, float]]:
    """Median CPU ms per turn and of its predictions, off and on, blocks alternating."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bench.speed.script import SCRIPT

    processor = agent.processor
    parsed = {text: await processor.parse_message(UserMessage(text)) for text in SCRIPT}
    processor_class = type(processor)
    predict = processor_class._predict_next_with_tracker
    spent = {"predictions": 0.0}

    def timed(self: Any, tracker: Any) -> Any:
        started = time.process_time()
        prediction = predict(self, tracker)
        spent["predictions"] += time.process_time() - started
        return prediction

    processor_class._predict_next_with_tracker = timed
    blocks: Dict[bool, List[Tuple[float, float]]] = {False: [], True: []}
    conversation = 0
    try:
        for number in range(rounds):
            for on in ((False, True) if number % 2 == 0 else (True, False)):
                switch.set(on)
                spent["predictions"] = 0.0
                started = time.process_time()
                turns = 0
                for _ in range(4):
                    conversation += 1
                    for text in SCRIPT * repeat:
                        await agent.handle_message(UserMessage(
                            text, CollectingOutputChannel(), sender_id=f"cpu-{conversation}", parse_data=parsed[text]
                        ))
                        turns += 1
                if number >= 2:  # the first rounds warm up
                    blocks[on].append(((time.process_time() - started) / turns * 1000, spent["predictions"] / turns * 1000))
    finally:
        processor_class._predict_next_with_tracker = predict
    return {on: (statistics.median(b[0] for b in blocks[on]), statistics.median(b[1] for b in blocks[on])) for on in blocks}


async def main_async(args: argparse.Namespace) -> int:
    """Run the check or the CPU measurement; print the figures."""
    from bench.speed.script import SCRIPT

    agent = await load_agent()
    switch = PatchSwitch()
    if args.cpu:
        figures = await cpu_per_turn(agent, switch, args.rounds, args.repeat)
        for on, (turn, predictions) in figures.items():
            print(f"patches {'on ' if on else 'off'}: {turn:.3f} ms CPU per turn without NLU, {predictions:.3f} ms in predictions")
        print(f"saved: {figures[False][0] - figures[True][0]:.3f} ms per turn, {figures[False][1] - figures[True][1]:.3f} ms in predictions"
              f" ({len(SCRIPT) * args.repeat}-turn conversations)")
        switch.set(True)
        return 0
    count, differing = check_training_prefixes(agent, switch)
    print(f"story, rule and test-story prefixes: {count} predictions, {differing} differ")
    predictions, differing_predictions, differing_conversations = await check_conversations(agent, switch)
    print(f"text conversations: {predictions} predictions, {differing_predictions} differ; "
          f"{differing_conversations} of {len(CONVERSATIONS)} conversations stored different events")
    switch.set(True)
    return 0 if differing == differing_predictions == differing_conversations == 0 else 1


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command line: the check, or `--cpu` for the CPU figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cpu", action="store_true", help="CPU per turn off vs on instead of the check")
    parser.add_argument("--rounds", type=int, default=30, help="alternating rounds of 4 conversations (--cpu)")
    parser.add_argument("--repeat", type=int, default=1, help="the script this many times per conversation (--cpu)")
    args = parser.parse_args(argv)
    from bench.speed.latency_profile import quiet
    from bot.server import blas_threads

    blas_threads.use_one_thread()
    quiet()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
