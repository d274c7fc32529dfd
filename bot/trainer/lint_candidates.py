"""Lint: exported NLU candidates still under a placeholder intent (`bot.nlu.candidate_intents`) make
`check-data` fail until a trainer has chosen the intent, so gibberish is never trained under a guess."""

from __future__ import annotations

from collections import Counter
from typing import List

from bot.nlu.candidate_intents import guess_in_placeholder, is_placeholder_intent
from bot.trainer.lint_findings import Finding, Severity
from bot.trainer.lint_intents import first_places, plural
from bot.trainer.training_sources import TrainerData


def unlabelled_candidates(data: TrainerData) -> List[Finding]:
    """One error per placeholder block: its examples need a real intent (or deleting) first."""
    counts = Counter(example.intent for example in data.examples)
    findings = []
    for block in first_places(data.intent_blocks).values():
        if not is_placeholder_intent(block.name):
            continue
        guess = guess_in_placeholder(block.name)
        leaning = f"the bot leaned to '{guess}' but was unsure: the guess is often wrong" if guess else "the bot had no guess"
        findings.append(Finding(
            "candidate-without-intent", Severity.ERROR, block.where,
            f"choose an intent for these examples: {plural(counts[block.name], 'exported message')} under "
            f"the placeholder '{block.name}' ({leaning})",
            "move each example under the intent the customer meant (data/nlu/<intent>.yml) or delete it "
            "if it means nothing, then delete this block",
        ))
    return findings
