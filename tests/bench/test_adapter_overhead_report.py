"""The adapter-overhead bench pairs turns message by message and compares trees."""

from __future__ import annotations

from bench.adapter_overhead import report


def test_paired_differences_are_per_message_and_per_tree():
    latencies = {
        "rest_old": [0.010, 0.020, 0.030],
        "telegram_old": [0.011, 0.022, 0.033],
        "rest_new": [0.010, 0.020, 0.030],
        "telegram_new": [0.0105, 0.0205, 0.0305],
    }
    lines = report(latencies, ["old", "new"]).splitlines()
    assert "old: Telegram - REST, paired: median +2.00 ms, p50 ratio 1.100" in lines
    assert "new: Telegram - REST, paired: median +0.50 ms, p50 ratio 1.025" in lines
    assert "telegram: new - old, paired median -1.50 ms" in lines
    assert "rest: new - old, paired median +0.00 ms" in lines
