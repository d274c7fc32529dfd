"""Speed on 2 cores (issue 7): our assistant against Rasa's default and a light config, in one run.

Trains three bots cold (the `rasa init` bot with its default config, the same bot with a light
config, and ours), serves them (REST for the references; ours through our Telegram adapter
against a fake Bot API on loopback, with one and with two `rasa run` instances), and measures
latency for one conversation, latency and throughput at 1, 5, 20 and 50 concurrent
conversations, resident memory after the run and intent accuracy; then profiles where one of our
turns spends its time. Prints the table with ratios and writes `bench/results/speed.md`,
`speed.json`, `speed_profile.txt` and `latency_vs_concurrency.png`.

    .venv/bin/python bench/speed_bench.py            # full run (about 15-25 minutes on 2 cores)
    .venv/bin/python bench/speed_bench.py --quick    # smoke check: few conversations, no extras
    .venv/bin/python bench/speed_bench.py --skip-train   # reuse the models of an earlier run
    .venv/bin/python bench/speed_bench.py --profile-only # only where one of our turns spends its time

Models, the `rasa init` bot, logs and server files live in `bench/out/speed/` (not committed).
Telegram pacing (1 message per second per chat) is lifted for the run, as in channels_bench:
it is a platform rule, and a person does not type several messages a second.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import List, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.speed.measure import LoadPlan  # noqa: E402  (needs the repo on sys.path)
from bench.speed.report import concurrency_table, main_table, plot, target_lines  # noqa: E402
from bench.speed.run import Options, Outcome, profile_only, run  # noqa: E402
from bench.speed.script import SCRIPT  # noqa: E402

WORK_DIR = REPO_ROOT / "bench" / "out" / "speed"
RESULTS_DIR = REPO_ROOT / "bench" / "results"
LEVELS = (1, 5, 20, 50)
REFERENCES = ("default", "light")
OURS = ("ours", "ours-x2")


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke check: few conversations, one round, no extras")
    parser.add_argument("--skip-train", action="store_true", help="reuse models recorded by an earlier run")
    parser.add_argument(
        "--instances", choices=("1", "2", "both"), default="both",
        help="serve ours with 1 or 2 rasa instances, or measure both (default)",
    )
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)), help="concurrency levels (comma-separated)")
    parser.add_argument("--single", type=int, help="conversations at concurrency 1 (default 40, quick 4)")
    parser.add_argument("--waves", type=int, help="conversations per level = waves x level (default 3, quick 1)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds per level (default 2, quick 1)")
    parser.add_argument(
        "--reference-accuracy", choices=("none", "light", "all"),
        help="train the reference NLU pipelines on our data for accuracy: light (default; quick: none) or "
        "all (adds DIET, 40+ minutes on 2 busy cores)",
    )
    parser.add_argument("--no-profile", action="store_true", help="skip the in-process latency profile")
    parser.add_argument("--profile-only", action="store_true",
                        help="only the latency profile of ours (reuses the recorded model when there is one)")
    parser.add_argument("--work-dir", type=Path, default=WORK_DIR, help=f"models and logs (default {WORK_DIR})")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help=f"outputs (default {RESULTS_DIR})")
    return parser.parse_args(argv)


def options_from(args: argparse.Namespace) -> Options:
    """The run's options; `--quick` changes the defaults, explicit numbers win."""
    levels = [int(level) for level in args.levels.split(",") if level.strip()]
    single = args.single or (4 if args.quick else 40)
    waves = args.waves or (1 if args.quick else 3)
    rounds = args.rounds or (1 if args.quick else 2)
    counts = {"1": (1,), "2": (2,), "both": (1, 2)}[args.instances]
    return Options(
        work_dir=args.work_dir.resolve(),
        results_dir=args.results_dir.resolve(),
        plan=LoadPlan.build(levels, single, waves, minimum=1 if args.quick else 20, rounds=rounds),
        instance_counts=counts,
        skip_train=args.skip_train,
        reference_pipelines={"none": (), "light": ("light",), "all": ("default", "light")}[
            args.reference_accuracy or ("none" if args.quick else "light")
        ],
        profile=not args.no_profile,
        profile_conversations=3 if args.quick else 20,
    )


def render(outcome: Outcome, options: Options, command: str, elapsed_s: float) -> str:
    """The Markdown report (printed and saved)."""
    ours = [name for name in OURS if any(r.name == name for r in outcome.results)]
    loads = ", ".join(f"{when} {values[0]:.2f}" for when, values in outcome.load_averages.items())
    per_level = ", ".join(f"{level} conv. {load:.2f}" for level, load in outcome.level_load.items())
    lines = [
        "# Speed on 2 cores (issue 7)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {platform.node()}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {_rasa_version()}; {'quick' if '--quick' in command else 'full'} run "
        f"in {elapsed_s / 60:.1f} min. Command: `{command}`",
        "",
        f"Load average (1 min): {loads}; before each level: {per_level}. Other jobs shared the machine when "
        "the load average is above what this bench puts on it, so figures are pessimistic then.",
        "",
        "## Ours against the references",
        "",
        main_table(outcome.results, REFERENCES, ours),
        "",
        "Ratios are ours / reference: below 1 is better for train time, latency and memory; above 1 is "
        "better for throughput and accuracy. The references serve REST with Rasa's in-memory tracker store; "
        "ours answers through the Telegram adapter (webhook in, reply timed at the fake Bot API), with its "
        "SQLite tracker store, custom actions and frustration scoring.",
        "",
        "## Targets",
        "",
        *target_lines(outcome.results, ours),
        "",
        "## Latency vs concurrency",
        "",
        concurrency_table([*outcome.results, *outcome.diagnostics]),
        "",
        "![latency vs concurrency](latency_vs_concurrency.png)",
        "",
        *_pipeline_section(outcome),
        *_diagnostics(outcome, options),
        "## How it is measured",
        "",
        f"- Script per conversation (fresh sender each time): {json.dumps(SCRIPT)}. Closed loop: the next "
        "message goes when the previous turn's last reply arrived; a new conversation starts when one ends.",
        "- Conversations per level: " + ", ".join(f"{c} at {level}" for level, c in options.plan.conversations.items())
        + f", in {options.plan.rounds} round(s); targets interleave, starting one later each round.",
        "- Train: wall time of `rasa train` with an empty `RASA_CACHE_DIRECTORY` and a fresh output folder.",
        "- RSS: VmRSS from /proc after the run. Ours runs its custom actions inside Rasa (no action server "
        "process, as `make run`); 'all server processes' adds Redis with 2 instances. Desk and review app "
        "are not started (not on a message's path).",
        "- Two instances: alternate messages of a conversation go to alternate instances; they share the "
        "SQLite files, the conversation lock is `bot.server.lock_store.RedisTicketLockStore` on a real "
        "redis-server, webhook dedupe is on the same Redis.",
        "- Telegram pacing lifted (TELEGRAM_PACE_PER_SECOND=1000).",
        "",
    ]
    if outcome.profile:
        lines += ["## Where one of our turns goes (in process, no HTTP server or adapter)", "", "```", outcome.profile.rstrip(), "```", ""]
    return "\n".join(lines)


def _pipeline_section(outcome: Outcome) -> List[str]:
    if not outcome.pipelines:
        return []
    ours = next((r for r in outcome.results if r.accuracy), None)
    lines = [
        "## The reference pipelines on our NLU data (intents_dev.csv)",
        "",
        "The `rasa init` bot has none of the dev set's intents, so its accuracy there is n/a; these are "
        "the reference configs' NLU pipelines trained on our `data/nlu` (NLU only, cold).",
        "",
        "| pipeline | NLU train s | accuracy | macro-F1 | parse ms (mean) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, score in outcome.pipelines.items():
        training = outcome.pipeline_trainings.get(name)
        seconds = f"{training.seconds:.1f}" + (" (earlier run)" if training and training.reused else "") if training else "n/a"
        lines.append(
            f"| {name} | {seconds} | {score.accuracy:.3f} | {score.macro_f1:.3f} | {score.mean_parse_ms:.2f} |"
            if score else f"| {name} | {seconds} | n/a | n/a | n/a |"
        )
    if ours and ours.accuracy:
        lines.append(
            f"| ours (full model) | {ours.training.seconds:.1f} (NLU + core) | {ours.accuracy.accuracy:.3f} | "
            f"{ours.accuracy.macro_f1:.3f} | {ours.accuracy.mean_parse_ms:.2f} |"
        )
    return [*lines, ""]


def _diagnostics(outcome: Outcome, options: Options) -> List[str]:
    lines = ["## Checks and diagnostics", ""]
    rest = outcome.diagnostics[0] if outcome.diagnostics else None
    ours = next((r for r in outcome.results if r.name == "ours"), None)
    if rest and ours:
        lines.append(
            f"- Same server, 1 conversation: REST p50 {rest.p(0.5):.1f} ms vs Telegram adapter p50 {ours.p(0.5):.1f} ms "
            f"(adapter + fake Bot API round trip: {ours.p(0.5) - rest.p(0.5):+.1f} ms)."
        )
    for result in [*outcome.results, *outcome.diagnostics]:
        single = result.levels.get(1)
        slow = sum(1 for latency in single.latencies if latency > 1.0) if single else 0
        if slow:
            lines.append(
                f"- {result.label}: {slow} of {single.turns} turns at 1 conversation took over 1 s."
                + (
                    " Rasa's in-memory lock store re-checks a busy conversation every 1 s, and the adapter "
                    "sends a reply before the turn has finished (tracker save), so a message sent the moment "
                    "the previous reply arrives can wait for that re-check."
                    if result.name == "ours" else ""
                )
            )
    if outcome.log_errors:
        lines.append(
            "- Error or traceback lines in the server logs: "
            + ", ".join(f"{name} {count}" for name, count in outcome.log_errors.items()) + "."
        )
    for name, extra in outcome.extra_replies.items():
        lines.append(f"- {name}: replies beyond the calibrated count: {extra} (0 = no turn lost its reply or got extra ones).")
    for name, replies in outcome.calibration.items():
        lines.append(f"- {name}: replies per turn {[len(turn) for turn in replies]}; no handoff.")
    lines.append(
        "- The `rasa init` bots answer the script with their own intents; a turn with 0 replies is one "
        "where their policies predicted only `action_listen` (a little less work than a reply)."
    )
    return [*lines, ""]


def _rasa_version() -> str:
    try:
        from importlib.metadata import version

        return f"Rasa {version('rasa')}"
    except Exception:  # the report still prints without it
        return "Rasa (version unknown)"


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the bench, print the report, save it with the JSON figures and the plot."""
    args = parse_args(argv)
    options = options_from(args)
    command = " ".join([".venv/bin/python bench/speed_bench.py", *(argv if argv is not None else sys.argv[1:])])
    if args.profile_only:
        print(profile_only(options))
        return 0
    started = time.monotonic()
    outcome = run(options)
    report = render(outcome, options, command, time.monotonic() - started)
    options.results_dir.mkdir(parents=True, exist_ok=True)
    plot(
        [*outcome.results], options.results_dir / "latency_vs_concurrency.png",
        f"{os.cpu_count()} CPUs; references via REST, ours via the Telegram adapter",
    )
    (options.results_dir / "speed.md").write_text(report + "\n", encoding="utf-8")
    (options.results_dir / "speed.json").write_text(json.dumps(_as_json(outcome), indent=2), encoding="utf-8")
    print(report)
    print(f"\nwrote {options.results_dir / 'speed.md'} and latency_vs_concurrency.png", file=sys.stderr)
    return 0


def _as_json(outcome: Outcome) -> dict:
    """Raw figures: every latency per bot and level, memory, trainings, accuracy."""
    def bot(result) -> dict:
        return {
            "label": result.label,
            "training": {"seconds": result.training.seconds, "reused": result.training.reused} if result.training else None,
            "levels": {
                level: {"latencies_s": [round(value, 5) for value in r.latencies], "wall_s": round(r.wall_s, 3)}
                for level, r in result.levels.items()
            },
            "memory_bytes": result.memory,
            "accuracy": asdict(result.accuracy) if result.accuracy else None,
        }

    return {
        "bots": {r.name: bot(r) for r in [*outcome.results, *outcome.diagnostics]},
        "reference_pipelines": {k: asdict(v) if v else None for k, v in outcome.pipelines.items()},
        "load_averages": outcome.load_averages,
        "load_average_per_level": outcome.level_load,
        "extra_replies": outcome.extra_replies,
    }


if __name__ == "__main__":
    sys.exit(main())
