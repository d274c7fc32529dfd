"""The trainer's commands: `python -m bot.trainer check-data | eval | accept | gate | finetune | watch`.

Run from the repository root (`make check-data`, `make eval`); docs/training.md walks through them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, TextIO

from bot.launcher.processes import StartupError
from bot.launcher.terminal_chat import read_token
from bot.server import rasa_telemetry
from bot.server.local_ports import PortSettingError, rasa_url
from bot.trainer.data_lint import LintSettings, check_data, run_rasa_validate
from bot.trainer.finetune import retrain
from bot.trainer.library_log import TRAINER_LOG, library_output_to
from bot.trainer.nlu_comparison import DEFAULT_MARGIN, DEFAULT_REGRESSION_MARGIN, GateResult, accuracy_gate, describe_changes
from bot.trainer.nlu_scoring import format_report
from bot.trainer.nlu_evaluation import (
    ACCEPTED_REPORT, FULL_MODELS, LATEST_REPORT, EvalOptions, EvalResult, accept, read_report,
)
from bot.trainer.nlu_evaluation import run_eval as evaluate
from bot.trainer.nlu_misses import describe_misses
from bot.trainer.training_sources import ProjectPaths
from bot.trainer.watch import RasaModelLoader, TrainingWatch


def existing_file(text: str) -> Path:
    """An argparse type: a file that exists, checked before any training starts."""
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path


def project_folder(text: str) -> Path:
    """An argparse type: an existing folder (the project to check), so a typo is a usage error, not a traceback."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"no such folder: {text} (give the folder that holds domain.yml and data/)")
    return path


def example_minimum(text: str) -> int:
    """An argparse type: the fewest examples an intent may have, a whole number of at least 1."""
    try:
        minimum = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of examples, got {text!r}") from None
    if minimum < 1:
        raise argparse.ArgumentTypeError(f"an intent needs at least 1 example, got {text}")
    return minimum


def similarity(text: str) -> float:
    """An argparse type: a similarity threshold above 0 and at most 1 (above 1 no pair would ever be reported)."""
    try:
        threshold = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number above 0 and at most 1, got {text!r}") from None
    if not 0.0 < threshold <= 1.0:
        off = "; above 1 no pair is ever reported, which switches the check off" if threshold > 1.0 else ""
        raise argparse.ArgumentTypeError(f"a similarity is above 0 and at most 1 (1 = identical), got {text}{off}")
    return threshold


def accuracy_margin(text: str) -> float:
    """An argparse type: an allowed accuracy drop, from 0 to 1."""
    try:
        margin = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}") from None
    if not 0.0 <= margin <= 1.0:
        raise argparse.ArgumentTypeError(f"a margin is an accuracy drop from 0 to 1, got {text}")
    return margin


def build_parser() -> argparse.ArgumentParser:
    """The command line of every sub-command."""
    parser = argparse.ArgumentParser(prog="python -m bot.trainer", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check-data", help="rasa data validate plus the project's data lints")
    check.add_argument("--skip-rasa", action="store_true", help="only the project's lints (seconds instead of ~20 s)")
    check.add_argument("--project", type=project_folder, default=ProjectPaths().root,
                       help="folder with domain.yml, config.yml and data/ to check (default: this repository)")
    check.add_argument("--min-examples", type=example_minimum, default=LintSettings.min_examples,
                       help=f"fewest examples an intent may have (default {LintSettings.min_examples})")
    check.add_argument("--char-cosine", type=similarity, default=LintSettings.char_cosine,
                       help=f"near-duplicate threshold on character similarity, 0-1 (default {LintSettings.char_cosine})")
    check.add_argument("--token-jaccard", type=similarity, default=LintSettings.token_jaccard,
                       help=f"near-duplicate threshold on shared words, 0-1 (default {LintSettings.token_jaccard})")
    check.add_argument("--errors-only", action="store_true",
                       help="print only the errors (and the count of warnings), as `make train` does before training")

    evaluate = commands.add_parser("eval", help="train if needed, score held-out split and dev set, compare")
    evaluate.add_argument("--heldout-only", action="store_true", help="skip ../shared/eval (one training fewer)")
    evaluate.add_argument("--dev", type=existing_file, help="labelled CSV instead of ../shared/eval/intents_dev.csv")
    evaluate.add_argument("--all-misses", action="store_true",
                          help="list the misses of every intent (default: of every intent that changed)")
    evaluate.add_argument("--accept", action="store_true", help="then make this report the accepted one")
    evaluate.add_argument("--gate", action="store_true", help="exit 1 when held-out or regression-set accuracy fell below its margin")
    evaluate.add_argument("--margin", type=accuracy_margin, default=DEFAULT_MARGIN, help=f"gate margin (default {DEFAULT_MARGIN})")
    evaluate.add_argument("--regression-margin", type=accuracy_margin, default=DEFAULT_REGRESSION_MARGIN,
                          help=f"allowed drop on tests/nlu_regression.yml (default {DEFAULT_REGRESSION_MARGIN})")

    commands.add_parser("accept", help="copy reports/nlu_latest.json to reports/nlu_accepted.json")

    gate = commands.add_parser("gate", help="check reports/nlu_latest.json against the accepted report")
    gate.add_argument("--margin", type=accuracy_margin, default=DEFAULT_MARGIN, help=f"allowed drop (default {DEFAULT_MARGIN})")
    gate.add_argument("--regression-margin", type=accuracy_margin, default=DEFAULT_REGRESSION_MARGIN,
                      help=f"allowed drop on tests/nlu_regression.yml (default {DEFAULT_REGRESSION_MARGIN})")
    gate.add_argument("--latest", type=Path, default=LATEST_REPORT, help="report to check")
    gate.add_argument("--accepted", type=Path, default=ACCEPTED_REPORT, help="report to compare with")

    finetune = commands.add_parser("finetune", help="retrain after a data change (rasa train --finetune when possible)")
    finetune.add_argument("--model", type=Path, help="model to start from (default: newest in models/)")

    watch = commands.add_parser("watch", help="retrain on every saved data change and load it into the running assistant")
    watch.add_argument("--url", default=None,
                       help="the running Rasa server (default: http://127.0.0.1:$BRIGHTWAY_RASA_PORT, as `bot run` uses)")
    watch.add_argument("--no-load", action="store_true", help="only retrain; do not load into the assistant")
    watch.add_argument("--interval", type=float, default=1.0, help="seconds between checks for changes")
    return parser


def run_check_data(args: argparse.Namespace, out: TextIO) -> int:
    """`check-data`."""
    settings = LintSettings(args.min_examples, args.char_cosine, args.token_jaccard)
    return check_data(ProjectPaths(args.project.resolve()), settings, out,
                      rasa_validate=None if args.skip_rasa else run_rasa_validate, errors_only=args.errors_only)


def print_eval(result: EvalResult, accepted: Optional[Dict[str, Any]], args: argparse.Namespace, out: TextIO) -> GateResult:
    """The eval report: per dataset its figures and the misses of the intents that changed, then the
    comparison with the accepted report and the gate's verdict (returned)."""
    before = accepted or {}
    print("\n== Held-out split of data/nlu ==\n" + format_report(result.heldout), file=out)
    print("\n" + "\n".join(describe_misses(
        "held-out split", result.latest["heldout"], before.get("heldout"), args.all_misses)), file=out)
    if result.regression is not None:
        print(f"\n== {result.regression.data} ==\n" + format_report(result.regression), file=out)
        print("\n" + "\n".join(describe_misses(
            "regression set", result.latest["regression"], before.get("regression"), args.all_misses)), file=out)
    if result.dev is not None:
        print(f"\n== {result.dev.data} ==\n" + format_report(result.dev), file=out)
    print("\n" + describe_changes(result.latest, accepted), file=out)
    verdict = accuracy_gate(result.latest, accepted, args.margin, args.regression_margin)
    print(f"\ngate: {'passed' if verdict.passed else 'FAILED'}: {verdict.message}", file=out)
    return verdict


def run_eval(args: argparse.Namespace, out: TextIO) -> int:
    """`eval`: run, print the figures and the comparison, optionally accept and gate."""
    options = EvalOptions()
    if args.heldout_only:
        options.dev_data = None
    elif args.dev:
        options.dev_data = args.dev
    try:
        with library_output_to(TRAINER_LOG, ["eval"]):
            result = evaluate(options, out)
    except StartupError as error:
        print(error, file=out)
        return 1
    verdict = print_eval(result, read_report(ACCEPTED_REPORT), args, out)
    print(f"\nwrote {LATEST_REPORT} and {options.confusion_png}; library warnings in {TRAINER_LOG}", file=out)
    if args.accept:
        print(accept().describe(), file=out)
    return 1 if args.gate and not verdict.passed else 0


def run_accept(out: TextIO) -> int:
    """`accept`."""
    try:
        print(accept().describe(), file=out)
    except FileNotFoundError as error:
        print(error, file=out)
        return 1
    return 0


def run_gate(args: argparse.Namespace, out: TextIO) -> int:
    """`gate`: the CI check on an existing latest report."""
    latest = read_report(args.latest)
    if latest is None:
        print(f"{args.latest} does not exist: run `python -m bot.trainer eval --heldout-only` first.", file=out)
        return 1
    verdict = accuracy_gate(latest, read_report(args.accepted), args.margin, args.regression_margin)
    print(f"gate: {'passed' if verdict.passed else 'FAILED'}: {verdict.message}", file=out)
    return 0 if verdict.passed else 1


def run_finetune(args: argparse.Namespace, out: TextIO) -> int:
    """`finetune`: retrain the model in models/ and say how long it took."""
    try:
        outcome = retrain(FULL_MODELS, base=args.model, out=out)
    except StartupError as error:
        print(error, file=out)
        return 1
    print(f"{outcome.mode} training took {outcome.seconds:.0f} s: {outcome.model}", file=out)
    return 0


def assistant_loader(url: Optional[str] = None) -> RasaModelLoader:
    """Loads models into the assistant at `url`, by default the one `bot run` starts (BRIGHTWAY_RASA_PORT)."""
    return RasaModelLoader(url or rasa_url(), read_token())


def run_watch(args: argparse.Namespace, out: TextIO) -> int:
    """`watch`: retrain in this warm process whenever a training file changes."""
    try:
        assistant = None if args.no_load else assistant_loader(args.url)
    except PortSettingError as error:
        print(error, file=out)
        return 2
    watch = TrainingWatch(ProjectPaths(), FULL_MODELS, load_model=assistant.load_model if assistant else None, out=out,
                          library_log=TRAINER_LOG)
    watch.run(args.interval)
    return 0


def main(argv: Optional[List[str]] = None, out: TextIO = sys.stdout) -> int:
    """Dispatch to the sub-command; return the exit code."""
    args = build_parser().parse_args(argv)
    rasa_telemetry.keep_off()
    if args.command == "check-data":
        return run_check_data(args, out)
    if args.command == "eval":
        return run_eval(args, out)
    if args.command == "accept":
        return run_accept(out)
    if args.command == "gate":
        return run_gate(args, out)
    if args.command == "watch":
        return run_watch(args, out)
    return run_finetune(args, out)


if __name__ == "__main__":
    sys.exit(main())
