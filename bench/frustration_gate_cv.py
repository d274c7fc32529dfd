"""How sharp should the frustration model's domain gate be? Chosen on training data only.

The gate (`bot.nlu.domain_gate`) gives the Reddit stage the texts that read like general chat.
Here the GoEmotions comments are split: the model learns from 80% of them (and all our texts),
and the other 20% are held out as unseen general chat. For each sharpness and offset the bench
prints the out-of-fold F1 and calm-flagged share on our texts (the same folds and cut as `rasa
train`) and F1, precision and recall on the held-out comments, and marks the choice: the best
held-out F1 among the settings that flag no more of our calm texts than the model without a gate
and lose at most 0.01 of its in-domain F1 (customer service first). No evaluation file is read.

    python bench/frustration_gate_cv.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import numpy as np  # noqa: E402

from bot.nlu.domain_gate import DomainGate, out_of_fold_shares  # noqa: E402
from bot.nlu.frustration_corpus import LabelledText, training_corpus  # noqa: E402
from bot.nlu.frustration_model import TrainingOptions, fit, service_folds  # noqa: E402
from bot.nlu.sentence_encoder import shared_encoder  # noqa: E402

SHARPNESS = (1.0, 2.0, 3.0, 4.0)
OFFSETS = (3.0, 2.5, 2.0, 1.5, 1.0, 0.0)
HELD_OUT_SHARE = 0.2
IN_DOMAIN_F1_SLACK = 0.01


def quality(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float, float, float]:
    """F1, precision, recall and share of calm texts flagged at score 0.5."""
    predicted = scores >= 0.5
    true_positive = float(np.sum(predicted & labels))
    precision = true_positive / max(float(np.sum(predicted)), 1.0)
    recall = true_positive / max(float(np.sum(labels)), 1.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall, float(np.sum(predicted & ~labels)) / max(float(np.sum(~labels)), 1.0)


def split_comments(corpus: Sequence[LabelledText], seed: int) -> tuple[List[LabelledText], List[LabelledText]]:
    """The corpus with 80% of the Reddit comments, and the other 20% held out."""
    reddit = [example for example in corpus if not example.in_domain]
    rows = np.random.default_rng(seed).permutation(len(reddit))
    held_out = set(rows[: int(HELD_OUT_SHARE * len(reddit))].tolist())
    kept = [example for index, example in enumerate(reddit) if index not in held_out]
    return [*kept, *(example for example in corpus if example.in_domain)], [reddit[index] for index in sorted(held_out)]


def logit(shares: np.ndarray) -> np.ndarray:
    """The gate's raw decision value back from an unsharpened share."""
    clipped = np.clip(shares, 1e-12, 1 - 1e-12)
    return np.log(clipped / (1 - clipped))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Fit once, then print one line per gate setting."""
    from rasa.shared.nlu.training_data.loading import load_data

    options = TrainingOptions()
    nlu = load_data(str(REPO_ROOT / "data" / "nlu")).intent_examples
    corpus = training_corpus([(m.get("text") or "", m.get("intent") or "") for m in nlu])
    learn, held_out = split_comments(corpus, options.seed)
    result = fit(learn, options)
    model, ours, chat = result.model, result.in_domain, result.chat_vectors
    our_labels = np.array([example.frustrated for example in ours], dtype=bool)
    service_ours = np.array(model.scores_from_probabilities(result.out_of_fold))
    encoder = shared_encoder()
    our_vectors = encoder.encode([example.text for example in ours])
    folds = [rows for _, rows in service_folds(our_labels.astype(int), options)]
    raw_ours = logit(out_of_fold_shares(our_vectors, chat, folds, 1.0, 0.0, options.seed))
    gate = DomainGate.fit(our_vectors, chat, 1.0, 0.0, options.seed)
    held_texts = [example.text for example in held_out]
    held_labels = np.array([example.frustrated for example in held_out], dtype=bool)
    held_vectors = encoder.encode(held_texts)
    raw_held = logit(gate.shares(held_vectors))
    service_held = np.array(model.service_scores(held_texts, held_vectors))
    reddit_ours = np.array(model.reddit_scores([example.text for example in ours]))
    reddit_held = np.array(model.reddit_scores(held_texts))

    base = quality(service_ours, our_labels)
    print(f"{len(ours)} of our texts (out-of-fold), {len(held_out)} held-out GoEmotions comments, gate sample {len(chat)}")
    print(f"{'gate':>14} {'ours F1':>8} {'calm flagged':>12} {'comments F1':>11} {'P':>6} {'R':>6}")
    rows = [("no gate", base, quality(service_held, held_labels))]
    rows.append(("Reddit alone", quality(reddit_ours, our_labels), quality(reddit_held, held_labels)))
    choice, choice_f1 = "", -1.0
    for sharpness in SHARPNESS:
        for offset in OFFSETS:
            share_ours = 1 / (1 + np.exp(-sharpness * (raw_ours + offset)))
            share_held = 1 / (1 + np.exp(-sharpness * (raw_held + offset)))
            in_domain = quality(DomainGate.blend(share_ours, service_ours, reddit_ours), our_labels)
            comments = quality(DomainGate.blend(share_held, service_held, reddit_held), held_labels)
            name = f"k={sharpness:g} b={offset:g}"
            rows.append((name, in_domain, comments))
            allowed = in_domain[3] <= base[3] + 1e-12 and in_domain[0] >= base[0] - IN_DOMAIN_F1_SLACK
            if allowed and comments[0] > choice_f1:
                choice, choice_f1 = name, comments[0]
    for name, in_domain, comments in rows:
        mark = " <- chosen" if name == choice else ""
        print(f"{name:>14} {in_domain[0]:8.3f} {in_domain[3]:12.3%} {comments[0]:11.3f} {comments[1]:6.3f} {comments[2]:6.3f}{mark}")
    print(f"TrainingOptions now: gate_sharpness={options.gate_sharpness:g}, gate_offset={options.gate_offset:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
