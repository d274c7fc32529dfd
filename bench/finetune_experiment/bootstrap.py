"""Paired bootstrap (2,000 resamples, seed 14, stratified by label) of the test-set figures: run vs today's model.

    <experiment venv>/bin/python bootstrap.py      # from this folder; reads runs/*/scores.npz
"""

from typing import Dict, List

import numpy as np
from sklearn.metrics import average_precision_score

from finetune_frustration import at_cut, best_f1_cut, budget_cut, load_goemotions, load_ours, splits

RUNS = ("joint30", "joint45", "today_model", "baseline_frozen_lr")


def main() -> None:
    """Print each run's 95% intervals and each fine-tuned run's paired difference to today's model."""
    s = splits()
    _, gl = load_goemotions()
    _, ol, _ = load_ours()
    gt, ot = gl[s["g_test"]], ol[s["o_test"]]
    runs = {n: np.load(f"runs/{n}/scores.npz") for n in RUNS}
    cuts = {n: best_f1_cut(d["g_val"], gl[s["g_val"]]) for n, d in runs.items()}
    rng = np.random.default_rng(14)
    pos, neg = np.where(ot == 1)[0], np.where(ot == 0)[0]
    gpos, gneg = np.where(gt == 1)[0], np.where(gt == 0)[0]
    res: Dict[str, Dict[str, List[float]]] = {n: {"ap": [], "rb": [], "gf1": []} for n in runs}
    for _ in range(2000):
        i = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        j = np.concatenate([rng.choice(gpos, len(gpos)), rng.choice(gneg, len(gneg))])
        for n, d in runs.items():
            sc, y = d["o_test"][i], ot[i]
            res[n]["ap"].append(average_precision_score(y, sc))
            res[n]["rb"].append(at_cut(sc, y, budget_cut(sc, y))[2])
            res[n]["gf1"].append(at_cut(d["g_test"][j], gt[j], cuts[n])[0])
    for n in runs:
        print(n, {k: f"{np.percentile(v, 2.5):.3f}-{np.percentile(v, 97.5):.3f}" for k, v in res[n].items()})
    for a in ("joint30", "joint45"):
        for k in ("ap", "rb", "gf1"):
            diff = np.array(res[a][k]) - np.array(res["today_model"][k])
            print(f"{a} - today_model {k}: mean {diff.mean():+.3f}, 95% {np.percentile(diff, 2.5):+.3f}..{np.percentile(diff, 97.5):+.3f}, share>=0 {np.mean(diff >= 0):.3f}")
    print("P(joint45 GoE test F1 >= 0.60):", np.mean(np.array(res["joint45"]["gf1"]) >= 0.60), " joint30:", np.mean(np.array(res["joint30"]["gf1"]) >= 0.60))


if __name__ == "__main__":
    main()
