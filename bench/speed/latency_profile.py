"""Where one of our turns spends its time, measured inside one Rasa process.

Loads our model with Rasa's `Agent` and the same endpoints the server uses (SQLite tracker store,
custom actions handed to an action gateway in this process that runs the `actions` package, as
`make run` has it), runs the bench's script for several fresh conversations, and times the stages
of every turn by wrapping Rasa's own methods: NLU (with frustration scoring), policies (with our
handoff policy), custom actions, responses, tracker store reads and writes. What is left is Rasa's
processor glue (events, slots, session checks). The HTTP server and the channel adapter are not in
here; the bench measures those as REST vs Telegram on the running server.

"As deployed" has what `bot.server.entry` installs in every Rasa server (answer check built once,
event classes found by name, direct calls to the own action gateway, prediction graphs run in order
without dask, the empty domain built once, the policies' dialogue states replayed once per turn,
RulePolicy's lookup stopping at the longest rule, no deep copies for dropped debug lines, each
conversation's tracker kept between its turns; one BLAS thread, as `rasa run` gets it; not the
encoding thread, whose overlap needs the server's concurrent turns). The same turns also run with changes switched on (see `what_if`):
Rasa 3.6's dask graph runner, Rasa 3.6's own tracker store queries (it re-counts the stored events
and writes through the ORM; `lean: false`), as a bound for any tracker store work Rasa's in-memory
tracker store (what the references run; not an option for us, conversations must survive a
restart), and Rasa 3.6's own answer check that rebuilds its validator for every answer.
One agent per variant, the variants taking turns conversation by conversation, so machine load
drifts over all of them alike.

    python -m bench.speed.latency_profile --model M --out FILE

Also writes a cProfile listing (top functions by cumulative time, as deployed) next to `--out`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import os
import pstats
import statistics
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

if TYPE_CHECKING:
    from bot.server.action_gateway import ActionGateway

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.speed.stage_timing import STAGES, TOP_LEVEL, StageClock, instrument  # noqa: E402
from bench.speed.what_if import ValidationSwitch  # noqa: E402

GATEWAY_URL = "http://127.0.0.1:9/webhooks/action_gateway/webhook"  # nothing listens: calls stay in process


def write_endpoints(folder: Path, lean: bool = True, in_memory_tracker: bool = False) -> Path:
    """endpoints.yml as the server gets it (tracker file in `folder`), with Rasa's own tracker store
    save, or with the in-memory tracker store."""
    import yaml

    from bot.launcher.processes import write_endpoints as write_server_endpoints

    path = write_server_endpoints(
        REPO_ROOT / "endpoints.yml", folder / "endpoints.yml", 0, folder, action_endpoint_url=GATEWAY_URL
    )
    endpoints = yaml.safe_load(path.read_text(encoding="utf-8"))
    if in_memory_tracker:
        endpoints.pop("tracker_store", None)
    elif not lean:
        endpoints["tracker_store"]["lean"] = False
    path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return path


def serve_actions_in_process() -> "ActionGateway":
    """Hand Rasa's custom-action calls to `GATEWAY_URL` to a gateway running the `actions` package
    here, as the Rasa server's own gateway does (bot/server/direct_action_calls.py); return it (its
    `fallbacks` count says whether any action failed and was answered by the fallback instead)."""
    from urllib.parse import urlsplit

    from bot.launcher.processes import DEFAULT_ACTION_TIMEOUT
    from bot.server import direct_action_calls
    from bot.server.action_gateway import ActionGateway, GatewaySettings

    direct_action_calls.install()
    gateway = ActionGateway(GatewaySettings(actions_module="actions", timeout_seconds=DEFAULT_ACTION_TIMEOUT))
    direct_action_calls.serve_locally(gateway, int(urlsplit(GATEWAY_URL).port or 0))
    return gateway


def use_own_records_database(folder: Path) -> None:
    """Point the actions' records (handoffs, tickets, NPS) at a new SQLite file in `folder`, not the
    checkout's var/brightway.db, whose schema may be older than the code (then every action would
    fail and the profile would time the fallback answer)."""
    os.environ["BRIGHTWAY_DB_URL"] = f"sqlite:///{folder / 'brightway.db'}"


@dataclass(frozen=True)
class Scenario:
    """One way of running the turns: which tracker store and which `what_if` changes are on."""

    title: str
    fast_validation: bool = True
    lean: bool = True
    in_memory_tracker: bool = False
    dask_runner: bool = False


def scenarios(what_if: bool = True) -> List[Scenario]:
    """As deployed (answer check built once, as `bot.server.entry` sets up every server), then, with
    `what_if`, one change each against it."""
    deployed = Scenario("as deployed (actions in process, lean tracker appends)")
    if not what_if:
        return [deployed]
    return [
        deployed,
        Scenario("instead: Rasa 3.6's dask graph runner", dask_runner=True),
        Scenario("instead: Rasa 3.6's tracker store save (re-count, ORM)", lean=False),
        Scenario("instead: in-memory tracker store (bound; references run so)", in_memory_tracker=True),
        Scenario("instead: Rasa 3.6's answer check, validator rebuilt per answer", fast_validation=False),
    ]


async def run_interleaved(
    model: Path, runs: Sequence[Scenario], script: Sequence[str], conversations: int, clock: StageClock,
    switch: ValidationSwitch, profiler: cProfile.Profile,
) -> Dict[str, List[Dict[str, Any]]]:
    """Load one agent per scenario, then run fresh conversations through `script`, the scenarios
    taking turns (one later each conversation) so that drift in the machine's load touches all
    alike; per scenario and turn: text, stage times, total, replies. Afterwards `profiler` watches
    a few more, untimed, conversations of the first scenario (its overhead would skew the timings)."""
    import rasa.core.processor
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.engine.runner.dask import DaskGraphRunner

    from bot.server.graph_runner import InOrderGraphRunner

    with tempfile.TemporaryDirectory(prefix="speed-profile-") as folder:
        agents = []
        for index, scenario in enumerate(runs):
            scenario_folder = Path(folder) / str(index)
            scenario_folder.mkdir()
            written = write_endpoints(scenario_folder, scenario.lean, scenario.in_memory_tracker)
            rasa.core.processor.DaskGraphRunner = DaskGraphRunner if scenario.dask_runner else InOrderGraphRunner
            agent = await load_agent(model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(written)))
            switch.fast = scenario.fast_validation
            for text in script:
                await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender_id="profile-warmup"))
            agents.append(agent)
        turns: Dict[str, List[Dict[str, Any]]] = {scenario.title: [] for scenario in runs}
        for conversation in range(conversations):
            order = [*range(len(runs))][conversation % len(runs):] + [*range(len(runs))][: conversation % len(runs)]
            for index in order:
                scenario, agent = runs[index], agents[index]
                switch.fast = scenario.fast_validation
                for text in script:
                    output = CollectingOutputChannel()
                    clock.new_turn()
                    started = time.perf_counter()
                    await agent.handle_message(UserMessage(text, output, sender_id=f"profile-{conversation}"))
                    total = time.perf_counter() - started
                    turns[scenario.title].append(
                        {"text": text, "total": total, "stages": clock.new_turn(), "replies": len(output.messages)}
                    )
        switch.fast = runs[0].fast_validation
        for conversation in range(max(2, conversations // 4)):
            for text in script:
                profiler.enable()
                await agents[0].handle_message(
                    UserMessage(text, CollectingOutputChannel(), sender_id=f"profile-cprofile-{conversation}")
                )
                profiler.disable()
        return turns


def summarise(turns: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """Median ms per stage and per message of the script, and the unexplained rest."""
    def median_ms(values: Sequence[float]) -> float:
        return 1000 * statistics.median(values) if values else 0.0

    stages = {key: median_ms([turn["stages"].get(key, 0.0) for turn in turns]) for key, _ in STAGES}
    totals = [turn["total"] for turn in turns]
    rest = [turn["total"] - sum(turn["stages"].get(key, 0.0) for key in TOP_LEVEL) for turn in turns]
    per_message: Dict[str, Dict[str, float]] = {}
    for text in dict.fromkeys(turn["text"] for turn in turns):
        mine = [turn for turn in turns if turn["text"] == text]
        per_message[text] = {
            "total": median_ms([turn["total"] for turn in mine]),
            **{key: median_ms([turn["stages"].get(key, 0.0) for turn in mine]) for key in TOP_LEVEL},
        }
    return {
        "turns": len(turns),
        "total_median_ms": median_ms(totals),
        "total_mean_ms": 1000 * statistics.fmean(totals),
        "stages_median_ms": stages,
        "rest_median_ms": median_ms(rest),
        "per_message_median_ms": per_message,
    }


def format_summary(title: str, summary: Dict[str, Any]) -> str:
    """The summary as plain-text tables."""
    total = summary["total_median_ms"]
    lines = [
        f"{title}: {summary['turns']} turns, median {total:.1f} ms per turn (mean {summary['total_mean_ms']:.1f} ms)",
        f"  {'stage':<62} {'median ms':>9} {'share':>6}",
    ]
    for key, label in STAGES:
        value = summary["stages_median_ms"][key]
        lines.append(f"  {label:<62} {value:9.2f} {value / total:6.0%}")
    rest = summary["rest_median_ms"]
    lines.append(f"  {'rest: Rasa processor glue (events, slots, session, lock)':<62} {rest:9.2f} {rest / total:6.0%}")
    lines += ["", f"  {'message':<40} {'total':>6} " + " ".join(f"{key[:10]:>10}" for key in TOP_LEVEL)]
    for text, values in summary["per_message_median_ms"].items():
        lines.append(
            f"  {text[:40]:<40} {values['total']:6.1f} " + " ".join(f"{values[key]:10.1f}" for key in TOP_LEVEL)
        )
    return "\n".join(lines)


def quiet() -> None:
    """Keep Rasa's INFO/DEBUG lines and warnings out of the output."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import warnings

    warnings.filterwarnings("ignore")
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.ERROR)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Profile as deployed, then with each `what_if` change on top; write the report files."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--no-what-if", action="store_true", help="only the deployed set-up")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--script", help="JSON list of messages (default: the bench's script)")
    parser.add_argument("--out", type=Path, required=True, help="text report; .json and .cprofile.txt beside it")
    args = parser.parse_args(argv)
    from bot.server import blas_threads

    blas_threads.use_one_thread()  # as bot.server.entry does for `rasa run`, before numpy is imported
    quiet()
    from bench.speed.script import SCRIPT

    script = json.loads(args.script) if args.script else SCRIPT
    switch = ValidationSwitch()
    switch.install()
    from bot.server.entry import install_prediction_patches

    install_prediction_patches()  # as bot.server.entry does for the deployed server
    records = Path(tempfile.mkdtemp(prefix="speed-profile-records-"))
    use_own_records_database(records)
    gateway = serve_actions_in_process()
    clock = StageClock()
    instrument(clock)
    profiler = cProfile.Profile()
    runs = scenarios(not args.no_what_if)
    turns = asyncio.run(run_interleaved(args.model, runs, script, args.conversations, clock, switch, profiler))
    shutil.rmtree(records, ignore_errors=True)
    if gateway.fallbacks:
        print(f"{gateway.fallbacks} custom-action calls failed and got the fallback answer (see the warnings above): "
              "the profile would time that answer, not the actions; nothing written.", file=sys.stderr)
        return 1
    summaries = {title: summarise(scenario_turns) for title, scenario_turns in turns.items()}
    report = [overview(summaries), ""]
    report += [part for title, summary in summaries.items() for part in (format_summary(title, summary), "")]
    listing = io.StringIO()
    pstats.Stats(profiler, stream=listing).sort_stats("cumulative").print_stats(40)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(report), encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(summaries, indent=2), encoding="utf-8")
    args.out.with_suffix(".cprofile.txt").write_text(listing.getvalue(), encoding="utf-8")
    print("\n".join(report))
    return 0


def overview(summaries: Dict[str, Dict[str, Any]]) -> str:
    """One line per scenario: median and mean ms per turn."""
    lines = [f"  {'scenario':<68} {'median':>7} {'mean':>7}  (ms per turn, in process)"]
    for title, summary in summaries.items():
        lines.append(f"  {title:<68} {summary['total_median_ms']:7.1f} {summary['total_mean_ms']:7.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
