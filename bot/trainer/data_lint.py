"""`check-data`: Rasa's own `rasa data validate` plus the project's lints, one message per problem.

Every message reads `file:line: error|warning: what is wrong. Fix: what to do.`; errors make
the check fail, warnings do not.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable, List, Optional, Set, TextIO

from bot.nlu.candidate_intents import PLACEHOLDER_PREFIX
from bot.shop.catalogue import Catalogue
from bot.trainer.lint_candidates import unlabelled_candidates
from bot.trainer.lint_entities import (
    broken_markup, entities_never_annotated, entities_outside_domain, product_lookup_gaps, regex_entities_disagree,
    unknown_products,
)
from bot.trainer.lint_examples import (
    duplicates_across_intents, duplicates_within_intent, near_duplicates, regression_copies,
)
from bot.trainer.lint_files import malformed_files
from bot.trainer.lint_findings import Finding, Severity, count_errors, sorted_findings
from bot.trainer.lint_frustration import unknown_frustration_files
from bot.trainer.lint_intents import (
    domain_intents_unused, files_not_named_after_their_intent, intents_outside_domain, intents_unlike_test_list,
    intents_without_regression_phrasings, missing_responses, regression_intents_outside_domain, too_few_examples,
)
from bot.trainer.training_sources import (
    Location, ProjectPaths, SourceError, TrainerData, load_trainer_data, nlu_files, read_code_responses, read_nlu_file,
)

WARNING_RECORD = re.compile(r"^\S.*?\.py:\d+: (?P<category>\w+): (?P<message>.*)$")
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")
UNUSED_RESPONSE = re.compile(r"The utterance '(?P<name>utter_\w+)' is not used in any story or rule")
RESPONSE_NAME = re.compile(r"\butter_[A-Za-z0-9_]+")
PLACEHOLDER_NOT_IN_DOMAIN = re.compile(rf"intent '{PLACEHOLDER_PREFIX}[^']*'\. This intent is not listed in your domain")
QUIET_ENV = {"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}


@dataclass(frozen=True)
class LintSettings:
    """Thresholds of the lints (defaults are the project's standard; the CLI can override them)."""

    min_examples: int = 25
    char_cosine: float = 0.9
    token_jaccard: float = 0.85


def run_lints(paths: ProjectPaths, settings: LintSettings = LintSettings()) -> List[Finding]:
    """Every project lint on the data at `paths`, sorted errors first."""
    unreadable = malformed_files(paths)
    if unreadable:
        return sorted_findings(unreadable)
    try:
        data = load_trainer_data(paths)
    except SourceError as error:
        return [Finding(
            "yaml-syntax", Severity.ERROR, error.where, error.problem,
            "check the indentation around this line (spaces, not tabs); `git diff` shows what changed",
        )]
    markup = broken_markup(data)
    findings = (
        unlabelled_candidates(data)
        + too_few_examples(data, settings.min_examples)
        + intents_outside_domain(data)
        + domain_intents_unused(data)
        + missing_responses(data)
        + layout_findings(data, paths)
        + duplicates_across_intents(data.examples)
        + duplicates_within_intent(data.examples)
        + near_duplicates(data.examples, settings.char_cosine, settings.token_jaccard)
        + markup
        + regex_entities_disagree(data, {finding.where for finding in markup})
        + entities_outside_domain(data)
        + entities_never_annotated(data)
        + catalogue_findings(data, paths)
        + regression_findings(data, paths)
        + unknown_frustration_files(paths)
    )
    return sorted_findings(findings)


def layout_findings(data: TrainerData, paths: ProjectPaths) -> List[Finding]:
    """One file per intent named after it, and the intents the CI data checks list (when the project has them)."""
    files = [paths.relative(path) for path in nlu_files(paths)]
    findings = files_not_named_after_their_intent(data, files, paths.relative(paths.entities_file))
    if paths.nlu_data_tests.exists():
        findings += intents_unlike_test_list(data, paths.nlu_data_tests, paths.relative(paths.nlu_data_tests))
    return findings


def regression_data(paths: ProjectPaths) -> TrainerData:
    """The frozen regression set's phrasings and intent blocks with their lines (none when the project has no such file)."""
    frozen = TrainerData()
    if paths.regression_set.exists():
        read_nlu_file(paths.regression_set, paths, frozen)
    return frozen


def regression_findings(data: TrainerData, paths: ProjectPaths) -> List[Finding]:
    """Training examples copied from the regression set, its intents the domain lacks, and intents it does not
    cover (when the project has one)."""
    if not paths.regression_set.exists():
        return []
    frozen = regression_data(paths)
    return (
        regression_copies(data.examples, frozen.examples)
        + regression_intents_outside_domain(data, frozen.intent_blocks)
        + intents_without_regression_phrasings(
            data, [phrase.intent for phrase in frozen.examples], paths.relative(paths.regression_set),
        )
    )


def catalogue_findings(data: TrainerData, paths: ProjectPaths) -> List[Finding]:
    """Product lints (annotations, stories, the lookup table), or one error saying the catalogue file is missing."""
    file = paths.relative(paths.catalogue)
    if not paths.catalogue.exists():
        return [Finding(
            "catalogue-missing", Severity.ERROR, Location(file, 1), "the product catalogue is missing",
            "restore data/shop/catalogue.yml from git (git checkout -- data/shop/catalogue.yml)",
        )]
    catalogue = Catalogue.from_yaml(paths.catalogue)
    return unknown_products(data, catalogue, file) + product_lookup_gaps(data, catalogue, file)


def rasa_validate_command(paths: ProjectPaths) -> List[str]:
    """`rasa data validate` on the project's domain, NLU, rules and stories."""
    return [
        sys.executable, "-m", "rasa", "data", "validate", "--quiet",
        "--domain", str(paths.domain), "--config", str(paths.config),
        "--data", str(paths.nlu_dir), str(paths.rules), str(paths.stories),
    ]


def responses_sent_elsewhere(paths: ProjectPaths) -> Set[str]:
    """Responses custom actions or config.yml use by name, which Rasa reports as unused."""
    data = TrainerData()
    read_code_responses(paths, data)
    used = {named.name for named in data.code_responses}
    if paths.config.exists():
        used |= set(RESPONSE_NAME.findall(paths.config.read_text(encoding="utf-8")))
    return used


def rasa_messages(output: str, sent_elsewhere: Set[str], failed: bool = False) -> List[str]:
    """Rasa's warnings as one line each, leaving out 'unused' ones for responses actions send and
    'add to domain' ones for exported candidates' placeholder intents (their own lint says what to do).

    Python's `path.py:N: Category: message` records are joined with their continuation lines;
    library deprecation records are dropped. When Rasa failed, every other line is kept so
    nothing that explains the failure is hidden.
    """
    warnings: List[str] = []
    other: List[str] = []
    category = ""
    for raw in ANSI_CODE.sub("", output).splitlines():
        record = WARNING_RECORD.match(raw)
        if record:
            category = record.group("category")
            if category == "UserWarning":
                warnings.append(record.group("message").strip())
        elif category == "UserWarning" and raw.strip() and not raw.strip().startswith("More info at"):
            warnings[-1] += " " + raw.strip()
        elif category and (raw.startswith(" ") or raw.startswith("Implementing implicit")):
            continue
        elif failed and raw.strip():
            category = ""
            other.append(f"rasa data validate: {raw.rstrip()}")
    kept = [
        f"rasa data validate: warning: {message}"
        for message in warnings
        if not (UNUSED_RESPONSE.search(message) and UNUSED_RESPONSE.search(message).group("name") in sent_elsewhere)
        and not PLACEHOLDER_NOT_IN_DOMAIN.search(message)
    ]
    return kept + other


def run_rasa_validate(paths: ProjectPaths, out: TextIO) -> int:
    """Run `rasa data validate`, print its messages tidied, return its exit code."""
    result = subprocess.run(
        rasa_validate_command(paths), cwd=paths.root, capture_output=True, text=True,
        env={**os.environ, **QUIET_ENV},
    )
    output = result.stdout + result.stderr
    for message in rasa_messages(output, responses_sent_elsewhere(paths), result.returncode != 0):
        print(message, file=out)
    return result.returncode


def check_data(
    paths: Optional[ProjectPaths] = None,
    settings: LintSettings = LintSettings(),
    out: TextIO = sys.stdout,
    rasa_validate: Optional[Callable[[ProjectPaths, TextIO], int]] = run_rasa_validate,
    errors_only: bool = False,
) -> int:
    """Run Rasa's validation (unless `rasa_validate` is None) and the lints; 0 when nothing is an error.

    `errors_only` leaves out the warnings' lines (their count stays), as training does before it starts.
    """
    paths = paths or ProjectPaths()
    unreadable = sorted_findings(malformed_files(paths))
    if unreadable:
        for finding in unreadable:
            print(finding, file=out)
        print(f"check-data FAILED: {len(unreadable)} file problem(s) above stop Rasa and the lints from reading "
              "the data; fix them (each names the file and line), then run it again.", file=out)
        return 1
    rasa_code = 0
    if rasa_validate is not None:
        print("Running rasa data validate ...", file=out, flush=True)
        rasa_code = rasa_validate(paths, out)
        print(f"rasa data validate: {'passed' if rasa_code == 0 else 'FAILED (see above)'}", file=out)
    print("Running the project's data lints ...", file=out, flush=True)
    findings = run_lints(paths, settings)
    for finding in findings:
        if finding.severity == Severity.ERROR or not errors_only:
            print(finding, file=out)
    errors = count_errors(findings)
    print(f"data lints: {errors} error(s), {len(findings) - errors} warning(s)", file=out)
    if errors or rasa_code:
        print("check-data FAILED: fix the errors above (each names the file and line), then run it again.", file=out)
        return 1
    print("check-data passed.", file=out)
    return 0
