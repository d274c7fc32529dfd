"""Lints on intents and responses: enough examples, declared in the domain, answered by a rule or story,
one file per intent named after it, and listed where the CI checks and the regression set name intents."""

from __future__ import annotations

import ast
import difflib
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bot.nlu.candidate_intents import is_placeholder_intent
from bot.trainer.lint_findings import Finding, Severity
from bot.trainer.training_sources import Location, Named, TrainerData

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


def did_you_mean(name: str, candidates: Sequence[str]) -> str:
    """" (did you mean 'x'?)" for the closest candidate, or nothing when none is close."""
    match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def regression_intents_outside_domain(data: TrainerData, frozen_blocks: List[Named]) -> List[Finding]:
    """Every intent of the regression set must be a domain intent; a typo there scores right answers as misses."""
    declared = [item.name for item in data.domain_intents]
    return [
        Finding(
            "regression-intent-not-in-domain", Severity.ERROR, block.where,
            f"intent '{block.name}' is not an intent in domain.yml{did_you_mean(block.name, declared)}, so the gate "
            "counts every answer to these phrasings as wrong",
            "correct the name to the domain's intent, or add the intent to domain.yml (with its examples) first",
        )
        for block in first_places(frozen_blocks).values()
        if block.name not in declared
    ]


def file_intent(file: str, blocks: Sequence[Named]) -> str:
    """The intent a file belongs to: the one it is named after when it holds it, else its first."""
    stem = Path(file).stem
    return stem if any(block.name == stem for block in blocks) else blocks[0].name


def misplaced_intent_blocks(file: str, blocks: Sequence[Named], files: Sequence[str]) -> List[Finding]:
    """A file not named after its intent, and blocks of other intents inside an intent's file."""
    folder, intent = str(Path(file).parent), file_intent(file, blocks)
    findings = []
    if intent != Path(file).stem:
        target = f"{folder}/{intent}.yml"
        findings.append(Finding(
            "file-not-named-after-intent", Severity.ERROR, blocks[0].where,
            f"{file} holds intent '{intent}', but each intent's examples live in a file named after it",
            f"move them into {target}, which exists" if target in files else f"rename the file to {target}",
        ))
    for block in blocks:
        if block.name != intent:
            findings.append(Finding(
                "intent-in-another-intents-file", Severity.ERROR, block.where,
                f"a block of intent '{block.name}' in {file}, the file of '{intent}'",
                f"move this block's examples into {folder}/{block.name}.yml (create it if there is none)",
            ))
    return findings


def files_not_named_after_their_intent(data: TrainerData, files: Sequence[str], entities_file: str) -> List[Finding]:
    """One file per intent, named after it and holding only it (as tests/test_nlu_data.py checks); lookups,
    regexes and synonyms live in the entities file. Placeholder blocks of exported candidates have their own lint."""
    by_file: Dict[str, List[Named]] = {file: [] for file in files}
    placeholders = {block.where.file for block in data.intent_blocks if is_placeholder_intent(block.name)}
    for block in data.intent_blocks:
        if not is_placeholder_intent(block.name):
            by_file.setdefault(block.where.file, []).append(block)
    findings = []
    for file, blocks in by_file.items():
        if blocks and file != entities_file:
            findings += misplaced_intent_blocks(file, blocks, files)
        elif not blocks and file != entities_file and file not in placeholders:
            findings.append(Finding(
                "file-without-intent", Severity.ERROR, Location(file, 1),
                f"{file} holds no '- intent:' block, but every file in {Path(file).parent} except "
                f"{Path(entities_file).name} is one intent's examples",
                f"move its lookups, regexes and synonyms into {entities_file} and delete the file, "
                "or name it after the intent it is for",
            ))
    return findings


def listed_intents(test_file: Path) -> Optional[Tuple[List[str], int]]:
    """The `INTENTS = (...)` list of the CI data checks and its line, or None when there is no such literal."""
    try:
        tree = ast.parse(test_file.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "INTENTS" for t in node.targets):
            try:
                return [str(name) for name in ast.literal_eval(node.value)], node.lineno
            except ValueError:
                return None
    return None


def intents_unlike_test_list(data: TrainerData, test_file: Path, shown: str) -> List[Finding]:
    """The CI data checks list every intent (`INTENTS`); an intent missing there, or listed without its file,
    fails `make test` although the data is fine."""
    listed = listed_intents(test_file)
    if listed is None:
        return []
    names, line = listed
    where = Location(shown, line)
    with_examples = [b.name for b in first_places(data.intent_blocks).values() if not is_placeholder_intent(b.name)]
    findings = [
        Finding("intent-not-in-test-list", Severity.ERROR, where,
                f"INTENTS does not list '{name}', so make test fails on data/nlu/{name}.yml as an unexpected file",
                f'add "{name}" to INTENTS here (docs/training.md, "The list of intents in the tests")')
        for name in with_examples
        if name not in names
    ]
    findings += [
        Finding("test-list-intent-without-examples", Severity.ERROR, where,
                f"INTENTS lists '{name}', which has no examples in data/nlu, so make test fails (missing data/nlu/{name}.yml)",
                f"remove '{name}' from INTENTS, or write data/nlu/{name}.yml")
        for name in names
        if name not in with_examples
    ]
    return findings
