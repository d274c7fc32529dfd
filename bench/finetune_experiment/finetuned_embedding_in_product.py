"""Extra (no further MiniLM training): today's product model with the FINE-TUNED encoder's sentence
embedding in place of the frozen one. The product's `fit` takes an `embed` callable, so the
fine-tuned run's mean-pooled, L2-normalised embeddings are handed in from a lookup table.

Two phases, two venvs, from this folder (the fine-tuned weights are not kept in the repository):
    <experiment venv>/bin/python finetuned_embedding_in_product.py dump --run joint45
    ../../.venv/bin/python finetuned_embedding_in_product.py fit --run joint45
Scores: runs/today_model+ft_<run>/scores.npz. Caveat: the encoder was fine-tuned on our train texts,
so the product's own out-of-fold operating point inside `fit` is optimistic; the test figures are clean.
"""

import json
import sys
import time
from pathlib import Path
from typing import List

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parents[1]))

from finetune_frustration import load_goemotions, load_ours, splits  # noqa: E402

GATE_SAMPLE, GATE_SEED = 2000, 15  # TrainingOptions().gate_sample, seed + 1 (bot.nlu.frustration_model.gate_comments)


def needed_texts() -> List[str]:
    """Every text the product's fit and scoring will ask an embedding for, once each."""
    s = splits()
    g_texts, _ = load_goemotions()
    o_texts, _, _ = load_ours()
    g_train = [g_texts[i] for i in s["g_train"]]
    gate_rows = np.sort(np.random.default_rng(GATE_SEED).permutation(len(g_train))[:GATE_SAMPLE])
    texts = list(o_texts) + [g_train[i] for i in gate_rows] + [g_texts[i] for i in s["g_val"]] + [g_texts[i] for i in s["g_test"]]
    return list(dict.fromkeys(texts))


def dump(run: str) -> None:
    """Embed `needed_texts` with the run's fine-tuned encoder (experiment venv) into runs/<run>/."""
    import torch
    from transformers import AutoModel

    from finetune_frustration import build, embed

    torch.set_num_threads(2)
    tokenizer, model = build()
    model.encoder = AutoModel.from_pretrained(str(HERE / "runs" / run / "encoder"))
    texts = needed_texts()
    started = time.time()
    vectors = embed(model, tokenizer, texts)
    print(f"{len(texts)} texts embedded in {time.time() - started:.0f}s")
    # texts as JSON, vectors as .npy: the product venv's numpy 1.23 cannot unpickle numpy 2 object arrays
    (HERE / "runs" / run / "embedding_texts.json").write_text(json.dumps(texts))
    np.save(HERE / "runs" / run / "embedding_vectors.npy", vectors)


def fit_product(run: str) -> None:
    """Fit today's model with the dumped embeddings (project venv); score and save as the others."""
    from bot.nlu.frustration_model import TrainingOptions, fit
    from today_model import training_parts

    texts = json.loads((HERE / "runs" / run / "embedding_texts.json").read_text())
    table = dict(zip(texts, np.load(HERE / "runs" / run / "embedding_vectors.npy")))

    def embed(texts: List[str]) -> np.ndarray:
        return np.stack([table[text] for text in texts]).astype(np.float32)

    s = splits()
    g_texts, _ = load_goemotions()
    o_texts, _, _ = load_ours()
    corpus = training_parts(s)
    started = time.time()
    result = fit(corpus, TrainingOptions(), embed=embed)
    fit_seconds = time.time() - started
    scores = {}
    for key in ("g_val", "g_test", "o_val", "o_test"):
        texts = [(g_texts if key[0] == "g" else o_texts)[i] for i in s[key]]
        scores[key] = np.asarray(result.model.scores(texts, embed(texts)), dtype=np.float64)
    out = HERE / "runs" / f"today_model+ft_{run}"
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "scores.npz", **scores)
    meta = dict(name=out.name, fit_seconds=round(fit_seconds, 1), threshold=result.model.threshold)
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    print(json.dumps(meta))


if __name__ == "__main__":
    {"dump": dump, "fit": fit_product}[sys.argv[1]](sys.argv[sys.argv.index("--run") + 1])
