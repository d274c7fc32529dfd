"""Lints on intents and responses: enough examples, declared in the domain, answered by a rule or story."""

from __future__ import annotations

from collections import Counter
from typing import Dict, List

from bot.candidate_intents import is_placeholder_intent
from bot.lint_findings import Finding, Severity
from bot.training_sources import Named, TrainerData

RASA_DEFAULT_INTENTS = frozenset({"restart", "back", "out_of_scope", "session_start", "nlu_fallback"})


def first_places(items: List[Named]) -> Dict[str, Named]:
    """The first place each name is written."""
    places: Dict[str, Named] = {}
    for item in items:
        places.setdefault(item.name, item)
    return places


def plural(count: int, noun: str) -> str:
    """'1 example', '3 examples'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def too_few_examples(data: TrainerData, minimum: int) -> List[Finding]:
    """An intent with fewer than `minimum` examples is guessed poorly and rarely predicted."""
    counts = Counter(example.intent for example in data.examples)
    return [
        Finding(
            "too-few-examples", Severity.ERROR, block.where,
            f"intent '{block.name}' has {plural(counts[block.name], 'example')}, fewer than {minimum}",
            f"add {minimum - counts[block.name]} or more examples worded the way customers write "
            f"(short, long, typos, no punctuation) under '- intent: {block.name}'",
        )
        for block in first_places(data.intent_blocks).values()
        if counts[block.name] < minimum and not is_placeholder_intent(block.name)
    ]


def intents_outside_domain(data: TrainerData) -> List[Finding]:
    """Intents with examples or in rules/stories must be listed under `intents:` in domain.yml."""
    declared = {item.name for item in data.domain_intents}
    findings = [
        Finding(
            "intent-not-in-domain", Severity.ERROR, block.where,
            f"intent '{block.name}' has examples but is not listed in domain.yml",
            f"add '  - {block.name}' under 'intents:' in domain.yml, or rename the intent to one that is",
        )
        for block in first_places(data.intent_blocks).values()
        if block.name not in declared and not is_placeholder_intent(block.name)
    ]
    findings += [
        Finding(
            "intent-not-in-domain", Severity.ERROR, step.where,
            f"a rule or story uses intent '{step.name}', which is not listed in domain.yml",
            f"add '  - {step.name}' under 'intents:' in domain.yml, or correct the spelling of the step",
        )
        for step in first_places(data.step_intents).values()
        if step.name not in declared and step.name not in RASA_DEFAULT_INTENTS
    ]
    return findings


def domain_intents_unused(data: TrainerData) -> List[Finding]:
    """A domain intent needs examples to be recognised and a rule or story to be answered."""
    with_examples = {block.name for block in data.intent_blocks}
    in_flows = {step.name for step in data.step_intents}
    findings = []
    for intent in first_places(data.domain_intents).values():
        if intent.name not in with_examples:
            findings.append(Finding(
                "intent-without-examples", Severity.ERROR, intent.where,
                f"intent '{intent.name}' is in domain.yml but has no examples in data/nlu",
                f"create data/nlu/{intent.name}.yml with at least 25 examples, or remove it from domain.yml",
            ))
        if intent.name not in in_flows:
            findings.append(Finding(
                "intent-without-rule", Severity.ERROR, intent.where,
                f"intent '{intent.name}' is used by no rule or story, so the bot has no answer for it",
                f"add a rule to data/rules.yml: '- rule: {intent.name}' with steps "
                f"'- intent: {intent.name}' and '- action: utter_{intent.name}' (or a custom action)",
            ))
    return findings


def missing_responses(data: TrainerData) -> List[Finding]:
    """Every `utter_*` a rule, story, action or domain names needs a text under `responses:`."""
    defined = {response.name for response in data.domain_responses}
    used = data.step_actions + data.code_responses + data.domain_actions
    return [
        Finding(
            "response-missing", Severity.ERROR, use.where,
            f"'{use.name}' is used here but domain.yml has no response with that name",
            f"add under 'responses:' in domain.yml:  {use.name}:  - text: \"...\" "
            "(or correct the spelling to an existing response)",
        )
        for use in used
        if use.name.startswith("utter_") and use.name not in defined
    ]


def intents_without_regression_phrasings(data: TrainerData, frozen_intents: List[str], regression_file: str) -> List[Finding]:
    """An intent with no phrasings in the regression set is not protected by the CI gate's regression check."""
    covered = set(frozen_intents)
    return [
        Finding(
            "intent-not-in-regression-set", Severity.WARNING, block.where,
            f"intent '{block.name}' has no phrasings in {regression_file}, so the CI gate cannot tell "
            "when its examples are moved or mislabelled",
            f"add '- intent: {block.name}' with 8-15 customer phrasings of your own to {regression_file} "
            "(never copied from data/nlu), then accept a new report",
        )
        for block in first_places(data.intent_blocks).values()
        if block.name not in covered
    ]
