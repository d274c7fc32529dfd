"""Reference: today's product frustration model (TF-IDF+LR stages, frozen MiniLM embedding, domain gate)
fitted with the project's own `bot.nlu.frustration_model.fit` on exactly the training parts of
finetune_frustration.py's splits (GoEmotions train + our train), then scored on the same
validation/test parts.

Run with the project's venv, from this folder:
    ../../.venv/bin/python today_model.py
Scores written: runs/today_model/scores.npz (the model's blended score, its threshold moved to 0.5).
"""

import json
import sys
import time
from pathlib import Path
from typing import Dict, List

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parents[1]))

from finetune_frustration import load_goemotions, load_ours, splits  # noqa: E402
from bot.nlu.frustration_corpus import LabelledText  # noqa: E402
from bot.nlu.frustration_model import TrainingOptions, fit  # noqa: E402
from bot.nlu.sentence_encoder import shared_encoder  # noqa: E402


def training_parts(s: Dict[str, np.ndarray]) -> List[LabelledText]:
    """The GoEmotions and our training parts of the splits, as the product's `fit` takes them."""
    g_texts, g_labels = load_goemotions()
    o_texts, o_labels, o_groups = load_ours()
    corpus = [LabelledText(g_texts[i], bool(g_labels[i]), "goemotions", False) for i in s["g_train"]]
    return corpus + [LabelledText(o_texts[i], bool(o_labels[i]), o_groups[i], True) for i in s["o_train"]]


def main() -> None:
    """Fit on the training parts, score the evaluation parts, save them in runs/today_model."""
    s = splits()
    g_texts, _ = load_goemotions()
    o_texts, _, _ = load_ours()
    corpus = training_parts(s)
    started = time.time()
    result = fit(corpus, TrainingOptions())
    fit_seconds = time.time() - started
    encoder = shared_encoder()
    scores = {}
    for key in ("g_val", "g_test", "o_val", "o_test"):
        texts = [(g_texts if key[0] == "g" else o_texts)[i] for i in s[key]]
        scores[key] = np.asarray(result.model.scores(texts, encoder.encode(texts)), dtype=np.float64)
    out = HERE / "runs" / "today_model"
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "scores.npz", **scores)
    meta = dict(name="today_model", fit_seconds=round(fit_seconds, 1), threshold=result.model.threshold,
                corpus=len(corpus), options=str(TrainingOptions()))
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
