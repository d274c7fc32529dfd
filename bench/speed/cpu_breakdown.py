"""Where a server thread's CPU goes, from py-spy's raw folded stacks (`--threads --format raw`).

Each sample of the thread is put in the first part (in `PARTS` order) with a rule matching any of
its frames (library frames such as json or sqlalchemy count for the code that called them: a
sample of sqlalchemy under the tracker store is the tracker store's); samples whose
innermost frame is the event loop's own `serve` are the loop waiting or running its C code, and
are left out. Shares of the rest, times the thread's measured CPU per message, give ms per part.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

IDLE_LEAF = "serve (sanic/server/runners.py"

# (part, substrings of a frame that put a sample in it); the first part with a match decides, so
# cross-cutting parts (logging, the encoder) come before the stages that call them.
PARTS: Sequence[Tuple[str, Sequence[str]]] = (
    ("logging", ("(logging/", "(structlog/", "(bot/server/log_privacy.py", "(bot/server/debug_log_copies.py")),
    ("encoder (onnxruntime)", ("(onnxruntime/", "(bot/nlu/sentence_encoder.py")),
    ("NLU other", ("(rasa/nlu/", "(bot/nlu/", "_parse_message_with_graph", "parse_message (rasa/core/processor")),
    ("policies", ("(rasa/core/policies/", "(bot/server/rule_lookup.py", "(bot/server/dialogue_states.py",
                  "(bot/handoff/policy", "_predict_next_with_tracker", "predict_next_with_tracker_if_should",
                  "(rasa/core/featurizers/")),
    ("python-telegram-bot objects (update in, calls out)", ("(telegram/",)),
    ("Telegram out: aiohttp client", ("(aiohttp/client", "(aiohttp/connector", "(aiohttp/http_writer",
                                      "(aiohttp/streams", "(channels/telegram/aiohttp_request.py")),
    ("Telegram out: output, delivery, pacing, retries", ("(channels/telegram/output.py", "(channels/delivery.py",
                                                         "(channels/pacing.py", "(channels/retry.py",
                                                         "(channels/splitting.py", "(channels/markdown.py",
                                                         "(channels/failed_deliveries.py")),
    ("custom actions", ("(bot/server/in_process_actions.py", "(bot/server/action_gateway.py",
                        "(bot/server/direct_action_calls.py", "(bot/server/answer_check.py", "(rasa_sdk/",
                        "(actions/", "(bot/records/", "(bot/shop/", "(bot/handoff/")),
    ("tracker store", ("tracker_store.py", "(bot/server/stored_events.py")),
    ("lock store", ("lock_store.py",)),
    ("dedupe + TTL store", ("(channels/ttl_store.py", "(channels/dedupe.py", "(channels/sql_calls.py")),
    ("Redis client, callers not on the stack (lock store or dedupe)", ("(redis/",)),
    ("Telegram in: webhook, checks, handover", ("(channels/",)),
    ("Rasa responses (NLG)", ("(rasa/core/nlg/",)),
    ("Rasa processor and agent glue", ("(rasa/core/processor.py", "(rasa/core/agent.py", "(rasa/shared/core/",
                                       "(rasa/core/actions/", "(rasa/core/channels/", "(rasa/engine/",
                                       "(bot/server/graph_runner.py", "(bot/server/event_types.py")),
    ("Sanic request handling", ("(sanic/", "(sanic_cors/", "(sanic_routing/", "http1_", "connection_task",
                                "(httptools")),
)
OTHER = "other"


def thread_samples(raw: str, thread: str) -> List[Tuple[List[str], int]]:
    """(frames root first, count) of every stack of the thread whose name contains `thread`."""
    samples = []
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if frames and thread in frames[0]:
            samples.append((frames[1:], int(count)))
    return samples


def part_of(frames: Sequence[str]) -> str:
    """The first part with a rule matching one of `frames`, or OTHER."""
    for part, needles in PARTS:
        if any(needle in frame for frame in frames for needle in needles):
            return part
    return OTHER


def breakdown(samples: Sequence[Tuple[List[str], int]]) -> Dict[str, int]:
    """Samples per part, the loop's idle leaf left out."""
    parts: Counter = Counter()
    for frames, count in samples:
        if frames and frames[-1].startswith(IDLE_LEAF):
            continue
        parts[part_of(frames)] += count
    return dict(parts)


def top_stacks(samples: Sequence[Tuple[List[str], int]], part: str, count: int = 15, depth: int = 6) -> str:
    """The `count` commonest innermost `depth` frames of `part`'s samples (to see what a part is)."""
    stacks: Counter = Counter()
    for frames, samples_count in samples:
        if frames and not frames[-1].startswith(IDLE_LEAF) and part_of(frames) == part:
            stacks[" < ".join(reversed(frames[-depth:]))] += samples_count
    return "\n".join(f"{n:6d} {stack}" for stack, n in stacks.most_common(count))


def report(raw_file: Path, thread: str, cpu_ms_per_message: float) -> str:
    """The parts of `thread`'s busy samples as ms per message, largest first."""
    parts = breakdown(thread_samples(raw_file.read_text(encoding="utf-8"), thread))
    busy = sum(parts.values()) or 1
    lines = [f"{thread}: {busy} busy samples, {cpu_ms_per_message:.2f} ms CPU per message"]
    for part, count in sorted(parts.items(), key=lambda item: -item[1]):
        lines.append(f"  {part:52s} {count / busy * cpu_ms_per_message:5.2f} ms  ({100 * count / busy:4.1f}%)")
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> int:
    """`python -m bench.speed.cpu_breakdown RAW CPU_MS [--part PART]`: the breakdown, or one part's stacks."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw", type=Path, help="py-spy record --threads --format raw output")
    parser.add_argument("cpu_ms", type=float, help="the thread's measured CPU ms per message")
    parser.add_argument("--thread", default="MainThread")
    parser.add_argument("--part", help="print this part's commonest stacks instead")
    options = parser.parse_args(list(argv) or None)
    if options.part:
        samples = thread_samples(options.raw.read_text(encoding="utf-8"), options.thread)
        print(top_stacks(samples, options.part))
    else:
        print(report(options.raw, options.thread, options.cpu_ms))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
