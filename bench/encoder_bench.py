"""The wheel's MiniLM network against the int8 one we build from it: time per message, memory, agreement.

Each network runs in a fresh process (so its memory is its own) inside `SentenceEncoder`, as the
server runs it (one thread, one text per run), over the texts of data/nlu. Prints p50/p95
milliseconds per message, the process's RSS growth when the encoder (session and tokenizer) is created, and the cosine between the two networks'
embeddings of the same texts; ratios are built / wheel, measured in the same run.

    python bench/encoder_bench.py [--texts 600] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402

from bench.speed.processes import resident_bytes  # noqa: E402


def measure(network: str, texts: List[str], rounds: int) -> Dict[str, object]:
    """In this process: load `SentenceEncoder` on one network, time every text `rounds` times, return figures and embeddings."""
    from bot.nlu.encoder_quantization import quantized_model_file
    from bot.nlu.sentence_encoder import MODEL_SHA256, SentenceEncoder, model_file

    path = model_file() if network == "wheel" else quantized_model_file(model_file(), MODEL_SHA256)
    before = resident_bytes(os.getpid())
    encoder = SentenceEncoder(model_file(), network=path)
    grown = resident_bytes(os.getpid()) - before
    for text in texts[:20]:
        encoder.encode([text])
    timings: List[float] = []
    rows: List[np.ndarray] = []
    for round_index in range(rounds):
        for text in texts:
            started = time.perf_counter()
            row = encoder.encode([text])[0]
            timings.append((time.perf_counter() - started) * 1000)
            if round_index == 0:
                rows.append(row)
    return {
        "p50_ms": float(np.percentile(timings, 50)),
        "p95_ms": float(np.percentile(timings, 95)),
        "session_rss_mb": grown / 2**20,
        "process_rss_mb": resident_bytes(os.getpid()) / 2**20,
        "embeddings": np.vstack(rows).tolist(),
    }


def run_in_fresh_process(network: str, count: int, rounds: int) -> Dict[str, object]:
    """`measure` in a new interpreter, so one network's memory does not count against the other."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", network, "--texts", str(count), "--rounds", str(rounds)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.splitlines()[-1])


def bench_texts(count: int) -> List[str]:
    """Every `count`-th slice of our NLU examples, so all intents and lengths are represented."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples = load_data(str(REPO_ROOT / "data" / "nlu")).intent_examples
    texts = sorted({example.get("text") for example in examples if example.get("text")})
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Measure both networks and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", choices=["wheel", "built"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    texts = bench_texts(args.texts)
    if args.measure:
        print(json.dumps(measure(args.measure, texts, args.rounds)))
        return 0
    wheel = run_in_fresh_process("wheel", args.texts, args.rounds)
    built = run_in_fresh_process("built", args.texts, args.rounds)
    cosine = (np.asarray(wheel["embeddings"]) * np.asarray(built["embeddings"])).sum(axis=1)
    print(f"{len(texts)} texts of data/nlu, {args.rounds} rounds, one thread, one text per run")
    print(f"{'figure':<32} {'wheel (float32)':>16} {'built (int8)':>13} {'built / wheel':>14}")
    for key, label in [
        ("p50_ms", "ms per message, p50"),
        ("p95_ms", "ms per message, p95"),
        ("session_rss_mb", "RSS growth, encoder load (MB)"),
        ("process_rss_mb", "process RSS after the run (MB)"),
    ]:
        first, second = float(wheel[key]), float(built[key])
        print(f"{label:<32} {first:16.2f} {second:13.2f} {second / first:14.2f}")
    print(f"cosine(wheel, built) per text: min {cosine.min():.4f}, p5 {np.percentile(cosine, 5):.4f}, mean {cosine.mean():.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
