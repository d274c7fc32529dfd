"""bench/frustration_eval.py: calm handoffs counted per language-variation tag, each letter on its own."""

from pathlib import Path

import pytest

from bench.frustration_eval import false_handoff_report, handoffs_by_tag


def test_each_letter_of_a_rows_tags_counts_that_row_once() -> None:
    counts = handoffs_by_tag(["BQZ", "QQ", "", " W "], [True, False, False, True])

    assert counts == {"B": (1, 1), "Q": (1, 2), "W": (1, 1), "Z": (1, 1)}


def test_a_tag_that_is_not_a_string_of_capitals_counts_as_one_tag() -> None:
    counts = handoffs_by_tag(["clinc", "clinc", "B"], [True, False, False])

    assert counts == {"B": (0, 1), "clinc": (1, 2)}


def test_tags_and_handoffs_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        handoffs_by_tag(["B", "Q"], [True])


class KeywordModel:
    """Scores a text 1.0 when it says "furious", else 0.0: enough to drive the report."""

    def scores(self, texts: list[str]) -> list[float]:
        """One score per text."""
        return [1.0 if "furious" in text else 0.0 for text in texts]


def test_the_report_leaves_out_angry_intents_and_breaks_the_calm_rows_down_by_tag(tmp_path: Path) -> None:
    file = tmp_path / "intents_dev.csv"
    file.write_text(
        "text,intent,source_intent,tags\n"
        "I am furious where is my order,order_status,track_order,BW\n"
        "where is my order,order_status,track_order,B\n"
        "I am furious,complaint,complaint,W\n"
        "cancel it,cancel_order,cancel_order,Q\n",
        encoding="utf-8",
    )

    line, texts = false_handoff_report(KeywordModel(), file, 0.5, "calm intents")

    assert texts == ["I am furious where is my order", "where is my order", "cancel it"]
    assert "1 of     3 handed off (33.33%)" in line
    assert line.endswith("by tag (each letter of `tags` on its own): B 1 of 2, Q 0 of 1, W 1 of 1")


@pytest.mark.parametrize(
    "header, tag", [("text,intent", None), ("text,intent,source_intent,tags", "clinc")]
)
def test_a_file_without_tags_or_with_one_tag_for_all_rows_gets_no_tag_line(
    tmp_path: Path, header: str, tag: str | None
) -> None:
    rows = [("hello", "greet"), ("furious!", "deny"), ("what is a moose", "out_of_scope")]
    lines = [header] + [f"{text},{intent}" + (f",{intent},{tag}" if tag else "") for text, intent in rows]
    file = tmp_path / "oos_dev.csv"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    line, texts = false_handoff_report(KeywordModel(), file, 0.5, "in_scope")

    assert texts == ["hello", "furious!"]
    assert "1 of     2 handed off" in line
    assert "by tag" not in line
