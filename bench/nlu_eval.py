"""Measure a trained Rasa model's intent classification on a labelled CSV (`text,intent[,tags]`).

Prints accuracy, macro-F1, a per-intent table, the most confused pairs, accuracy per
language-variation tag (each letter of the `tags` column counted on its own), how many
messages fell to `nlu_fallback`, and the mean parse time per message.

    python bench/nlu_eval.py [--data FILE.csv] [--model PATH] [--json OUT.json] [--errors N]

The measuring lives in the product (`bot/trainer/nlu_scoring.py`), which `make eval` uses too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bot.launcher.processes import newest_model  # noqa: E402
from bot.trainer.nlu_scoring import (  # noqa: E402
    DEFAULT_DATA,
    build_report,
    format_report,
    load_parser,
    quiet_rasa,
    read_examples,
    report_as_json,
    timed_predictions,
)

DEFAULT_MODELS_DIR = REPO_ROOT / "models"


def resolve_model(model: Optional[Path]) -> Path:
    """`model` itself if it is a file, the newest model inside it if it is a folder, else the repo's newest."""
    folder = DEFAULT_MODELS_DIR if model is None else model
    if folder.is_dir():
        newest = newest_model(folder)
        if newest is None:
            sys.exit(f"No trained model (*.tar.gz) in {folder}. Train one with 'make train' or pass --model PATH.")
        return newest
    if not folder.exists():
        sys.exit(f"Model {folder} does not exist.")
    return folder


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"CSV with text,intent[,tags] (default {DEFAULT_DATA})")
    parser.add_argument("--model", type=Path, help="model .tar.gz or a folder of them (default: newest in models/)")
    parser.add_argument("--json", type=Path, dest="json_out", help="also write the figures (and every error) as JSON here")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="print the first N misclassified messages")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the bench; return the process exit code."""
    args = parse_args(argv)
    if not args.data.exists():
        print(
            f"Evaluation data {args.data} not found. It lives in ../shared/eval next to the repo; "
            "pass --data FILE.csv to use another file.",
            file=sys.stderr,
        )
        return 2
    examples = read_examples(args.data)
    model_path = resolve_model(args.model)
    quiet_rasa()
    parse = load_parser(model_path)
    parse(examples[0].text)  # warm-up, so one-off lazy loading does not count as parse time
    predictions, seconds = timed_predictions(parse, [example.text for example in examples])
    report = build_report(examples, predictions, seconds)
    report.model, report.data = str(model_path), str(args.data)
    print(format_report(report))
    if args.errors:
        print(f"\nfirst {args.errors} errors (gold -> predicted, confidence, tags: text)")
        for error in report.errors[: args.errors]:
            print(f"  {error['gold']} -> {error['predicted']} {error['confidence']:.3f} {error['tags']}: {error['text']}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(report_as_json(report), indent=2), encoding="utf-8")
        print(f"\nwrote {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
