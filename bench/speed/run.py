"""One whole bench run: prepare and train the bots, evaluate, serve, load, measure memory, profile.

Training and evaluation run before any server starts, and the servers only start once all
models exist, so training never competes with the measured traffic for the 2 cores.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bench.speed import accuracy, bots
from bench.speed.accuracy import Accuracy
from bench.speed.load import QUIET_S, RestTarget, Target, TelegramTarget
from bench.speed.measure import LoadPlan, Schedule, run_schedule
from bench.speed.processes import clean_environment
from bench.speed.report import BotResult
from bench.speed.script import HANDOFF_MARKERS, SCRIPT
from bench.speed.servers import Deployment, start_ours, start_reference, wait_until_serving
from bot.settings import REPO_ROOT
from tests.fakes.channel_assistant import PlatformSecrets
from tests.fakes.telegram_api import FakeTelegramApi
from tests.local_services import redis_server_binary

LABELS = {
    "default": "default (rasa init)",
    "light": "light (rasa init data)",
    "ours": "ours, 1 instance",
    "ours-x2": "ours, 2 instances",
    "ours-rest": "ours, 1 instance, REST (diagnostic)",
}
CHAT_BASES = {"ours": 10_000_000, "ours-x2": 12_000_000}


@dataclass(frozen=True)
class Options:
    """What to run and where to keep things."""

    work_dir: Path
    results_dir: Path
    plan: LoadPlan
    instance_counts: Sequence[int] = (1, 2)
    skip_train: bool = False
    reference_pipelines: Sequence[str] = ("light",)
    profile: bool = True
    profile_conversations: int = 20


@dataclass
class Outcome:
    """Everything a run produced, for the report."""

    results: List[BotResult]
    diagnostics: List[BotResult]
    pipelines: Dict[str, Optional[Accuracy]] = field(default_factory=dict)
    pipeline_trainings: Dict[str, bots.Training] = field(default_factory=dict)
    load_averages: Dict[str, Sequence[float]] = field(default_factory=dict)
    level_load: Dict[int, float] = field(default_factory=dict)
    calibration: Dict[str, List[List[str]]] = field(default_factory=dict)
    extra_replies: Dict[str, int] = field(default_factory=dict)
    log_errors: Dict[str, int] = field(default_factory=dict)
    profile: str = ""


def say(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


def run(options: Options) -> Outcome:
    """Run the whole bench; every server it starts is stopped before it returns."""
    loads = {"start": os.getloadavg()}
    trainings = _train_all(options)
    pipelines, pipeline_trainings = _reference_pipelines(options)
    results = {name: BotResult(name, LABELS[name], training=trainings[name]) for name in ("default", "light")}
    results["default"].accuracy_note = results["light"].accuracy_note = "n/a (other intents)"
    say("evaluating our intents on intents_dev.csv ...")
    ours_accuracy = accuracy.evaluate(
        trainings["ours"].model, options.work_dir / "eval" / "ours.json", options.work_dir / "logs" / "eval.log"
    )
    for count in _instance_counts(options):
        name = "ours" if count == 1 else "ours-x2"
        results[name] = BotResult(name, LABELS[name], training=trainings["ours"], accuracy=ours_accuracy)
        results[name].accuracy_note = "" if accuracy.dev_set_available() else "n/a (no ../shared/eval)"
    loads["before load"] = os.getloadavg()
    outcome = Outcome([], [], pipelines, pipeline_trainings)
    _serve_and_measure(options, trainings, results, outcome)
    loads["after load"] = os.getloadavg()
    outcome.load_averages = loads
    outcome.results = [results[name] for name in LABELS if name in results and name != "ours-rest"]
    outcome.diagnostics = [results["ours-rest"]] if "ours-rest" in results else []
    return outcome


def profile_only(options: Options) -> str:
    """Only the latency profile of our model (reused when recorded, else trained); no server needed."""
    models_root = options.work_dir / "models"
    training = bots.reusable(bots.load_trainings(models_root), "ours") or _train(
        bots.our_project(), models_root, options.work_dir / "logs"
    )
    (options.work_dir / "logs").mkdir(parents=True, exist_ok=True)
    return _profile(options, training.model)


def _instance_counts(options: Options) -> List[int]:
    """The asked-for ways of serving ours, without two instances when redis-server is missing."""
    counts = list(options.instance_counts)
    if 2 in counts and redis_server_binary() is None:
        say("redis-server is not installed (scripts/install_system_packages.sh): measuring one instance only")
        counts.remove(2)
    return counts


def _train_all(options: Options) -> Dict[str, bots.Training]:
    """The three models: reused with `skip_train` when recorded, otherwise trained cold one by one."""
    models_root = options.work_dir / "models"
    logs = options.work_dir / "logs"
    recorded = bots.load_trainings(models_root) if options.skip_train else {}
    init_folder = options.work_dir / "init-bot"
    if not (init_folder / "domain.yml").exists():
        say(f"creating the rasa init bot in {init_folder} (rasa init also trains it once) ...")
        bots.create_init_project(init_folder, logs / "rasa-init.log")
    projects = [*bots.reference_projects(init_folder), bots.our_project()]
    trainings = {}
    for project in projects:
        trainings[project.name] = bots.reusable(recorded, project.name) or _train(project, models_root, logs)
    bots.save_trainings(models_root, {**bots.load_trainings(models_root), **trainings})
    return trainings


def _train(project: bots.BotProject, models_root: Path, logs: Path, nlu_only: bool = False) -> bots.Training:
    say(f"training {project.name} cold (empty cache) ...")
    training = bots.train_cold(project, models_root / project.name.replace(" ", "-"), logs / "train.log", nlu_only)
    say(f"  {project.name}: {training.seconds:.1f} s")
    return training


def _reference_pipelines(options: Options) -> Tuple[Dict[str, Optional[Accuracy]], Dict[str, bots.Training]]:
    """The chosen reference pipelines (light, default) trained on our NLU data, and their dev-set accuracy."""
    if not options.reference_pipelines or not accuracy.dev_set_available():
        return {}, {}
    models_root = options.work_dir / "models"
    recorded = bots.load_trainings(models_root) if options.skip_train else {}
    references = bots.reference_projects(options.work_dir / "init-bot")
    projects = accuracy.reference_pipelines([p for p in references if p.name in options.reference_pipelines])
    trainings, scores = {}, {}
    for project in projects:
        trainings[project.name] = bots.reusable(recorded, project.name) or _train(
            project, models_root, options.work_dir / "logs", nlu_only=True
        )
        say(f"evaluating the {project.name} on intents_dev.csv ...")
        scores[project.name] = accuracy.evaluate(
            trainings[project.name].model, options.work_dir / "eval" / f"{project.name.replace(' ', '-')}.json",
            options.work_dir / "logs" / "eval.log",
        )
    bots.save_trainings(models_root, {**bots.load_trainings(models_root), **trainings})
    return scores, trainings


def _serve_and_measure(
    options: Options, trainings: Dict[str, bots.Training], results: Dict[str, BotResult], outcome: Outcome
) -> None:
    """Start every server, load them, read their memory, profile ours, stop them all."""
    secrets = PlatformSecrets()
    run_dir = options.work_dir / "run"
    deployments: Dict[str, Deployment] = {}
    with FakeTelegramApi(secrets.telegram_token) as telegram:
        try:
            say("starting servers ...")
            for name in ("default", "light"):
                deployments[name] = start_reference(name, trainings[name].model, run_dir / name)
            for count in _instance_counts(options):
                name = "ours" if count == 1 else "ours-x2"
                deployments[name] = start_ours(
                    name, trainings["ours"].model, run_dir / name, count, telegram.url, secrets
                )
            for deployment in deployments.values():
                wait_until_serving(deployment)
            say("servers ready; measuring ...")
            schedule = asyncio.run(_load(deployments, telegram, secrets, options.plan, outcome))
            outcome.level_load = schedule.load_averages
            for name, levels in schedule.results.items():
                results.setdefault(name, BotResult(name, LABELS[name])).levels = levels
            for name, deployment in deployments.items():
                results[name].memory = deployment.memory()
                outcome.log_errors[name] = error_lines(run_dir / name)
            if "ours-rest" in results:
                results["ours-rest"].memory = results["ours"].memory
            if options.profile and "ours" in deployments:
                outcome.profile = _profile(options, trainings["ours"].model)
        finally:
            say("stopping servers ...")
            for deployment in deployments.values():
                deployment.stop()


async def _load(
    deployments: Dict[str, Deployment], telegram: FakeTelegramApi, secrets: PlatformSecrets, plan: LoadPlan,
    outcome: Outcome,
) -> Schedule:
    """Calibrate (also the warm-up), run the schedule, check no conversation got extra replies."""
    targets: List[Target] = [
        RestTarget(name, deployments[name].urls, f"speed-{name}") for name in ("default", "light")
    ]
    telegram_targets = [
        TelegramTarget(name, deployments[name].urls, telegram, secrets.telegram_secret, CHAT_BASES[name])
        for name in ("ours", "ours-x2") if name in deployments
    ]
    targets += telegram_targets
    only_levels = {}
    if "ours" in deployments:
        targets.append(RestTarget("ours-rest", deployments["ours"].urls, "speed-ours-rest"))
        only_levels["ours-rest"] = [1]
    try:
        for target in targets:
            outcome.calibration[target.name] = await target.calibrate(0, SCRIPT)
            _check_no_handoff(target.name, outcome.calibration[target.name])
        schedule = await run_schedule(targets, plan, SCRIPT, only_levels)
        await asyncio.sleep(2 * QUIET_S)
        for target in telegram_targets:
            outcome.extra_replies[target.name] = target.extra_replies()
        return schedule
    finally:
        for target in targets:
            await target.close()


def error_lines(folder: Path) -> int:
    """Lines of the server logs in `folder` that report an error or a traceback."""
    return sum(
        1
        for log in folder.glob("*.log")
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
        if " ERROR " in line or line.startswith("Traceback")
    )


def _check_no_handoff(name: str, replies: List[List[str]]) -> None:
    text = " ".join(" ".join(turn) for turn in replies).lower()
    if any(marker in text for marker in HANDOFF_MARKERS):
        raise RuntimeError(f"{name}: the bench script was handed off to a person: {replies}")


def _profile(options: Options, model: Path) -> str:
    """Run `bench.speed.latency_profile` (one Rasa agent per set-up in its own process)."""
    say("profiling one of our turns in process ...")
    out = options.results_dir / "speed_profile.txt"
    command = [
        sys.executable, "-m", "bench.speed.latency_profile", "--model", str(model),
        "--conversations", str(options.profile_conversations), "--out", str(out),
    ]
    log = options.work_dir / "logs" / "profile.log"
    with log.open("ab") as handle:
        result = subprocess.run(command, cwd=REPO_ROOT, env=clean_environment(), stdout=handle, stderr=subprocess.STDOUT)
    if result.returncode != 0 or not out.exists():
        return f"(profile failed; see {log})"
    return out.read_text(encoding="utf-8")
