"""Lints on the files themselves: readable as UTF-8 YAML and shaped as Rasa expects, before any content lint.

Rasa skips an NLU file without its `nlu:` key without a word, and a YAML mistake ends its
loaders (and ours) with a traceback. Here every such mistake, in every file, becomes one
`file:line` finding with the fix, so `check-data` never shows a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, List, Optional, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.trainer.lint_findings import Finding, Severity
from bot.trainer.lint_frustration import malformed_frustration_files
from bot.trainer.training_sources import Location, ProjectPaths, line_of_item, line_of_key, nlu_files

NLU_HEADER = "'version: \"3.1\"' and 'nlu:'"
NLU_ITEM_KEYS = ("intent", "synonym", "regex", "lookup")
STEP_NAME_KEYS = ("intent", "action")
LEADING_TAB = re.compile(r"^ *\t")
DUPLICATE_KEY = re.compile(r'found duplicate key "(?P<key>[^"]*)"')


def error(check: str, file: str, line: int, problem: str, fix: str) -> Finding:
    """An error finding at `file:line`."""
    return Finding(check, Severity.ERROR, Location(file, line), problem, fix)


def decode(raw: bytes, file: str) -> Tuple[Optional[str], List[Finding]]:
    """The file's text, or a finding at the line of the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        return None, [error(
            "file-not-utf8", file, line, f"the file is not UTF-8 (byte 0x{raw[problem.start]:02x} on this line)",
            "save the file with UTF-8 encoding (most editors: 'Save with encoding' > UTF-8) and check the "
            "accented letters and quotes on this line",
        )]


def tab_findings(text: str, file: str) -> List[Finding]:
    """YAML forbids tabs in indentation: one finding per line that indents with a tab."""
    return [
        error("yaml-tab", file, number, "this line is indented with a tab; YAML allows only spaces",
              "replace the tab with spaces (2 per level; set your editor to insert spaces for Tab)")
        for number, line in enumerate(text.splitlines(), start=1)
        if LEADING_TAB.match(line)
    ]


def syntax_fix(problem: str, context: str, nlu: bool) -> str:
    """What to do about a YAML syntax error, from the parser's own words; NLU advice only for NLU files."""
    if "quoted scalar" in context:
        return "close the quote that starts on this line" + (" (or remove it: examples need no quotes)" if nlu else "")
    if not nlu:
        return ("check the indentation around this line: keys of one entry line up, the items of one list line up "
                "under their key, spaces only; a ':' followed by a space inside plain text needs quotes "
                "(`git diff` shows what changed)")
    if "mapping values are not allowed" in problem:
        return ("check the indentation: keys of one entry line up ('  examples: |' under '- intent:'), "
                "and a ':' followed by a space inside plain text needs quotes")
    if "expected <block end>" in problem or "expected key" in problem or "block sequence" in problem:
        return ("check the indentation: every '- intent:' starts at column 1, 'examples: |' is indented 2 spaces "
                "and each example 4 spaces, all with spaces, not tabs")
    return "check the indentation (spaces, not tabs) and that every example line starts with '- '"


def yaml_error_finding(problem: YAMLError, file: str, nlu: bool = True) -> Finding:
    """A parser or duplicate-key error as a finding at the line that needs the fix."""
    if isinstance(problem, DuplicateKeyError):
        key = DUPLICATE_KEY.search(str(problem.problem))
        name = key.group("key") if key else "?"
        first = problem.context_mark.line + 1 if problem.context_mark is not None else 1
        line = problem.problem_mark.line + 1 if problem.problem_mark is not None else first
        return error("yaml-duplicate-key", file, line, f"'{name}:' appears twice in one entry (the entry starts at line {first}); "
                     "YAML keeps only one of them", f"merge the two '{name}:' parts into one or delete one")
    words = str(getattr(problem, "problem", None) or problem)
    context = str(getattr(problem, "context", None) or "")
    mark = getattr(problem, "problem_mark", None)
    if "quoted scalar" in context and isinstance(problem, MarkedYAMLError) and problem.context_mark is not None:
        mark = problem.context_mark
    line = mark.line + 1 if mark is not None else 1
    return error("yaml-syntax", file, line, f"not valid YAML ({words})", syntax_fix(words, context, nlu))


def parse(path: Path, paths: ProjectPaths, nlu: bool = True) -> Tuple[Any, List[Finding]]:
    """The YAML document of `path` with line numbers, or the findings that stop it being read
    (the advice for a syntax error is about NLU files unless `nlu` is False)."""
    file = paths.relative(path)
    text, findings = decode(path.read_bytes(), file)
    if text is None:
        return None, findings
    findings = tab_findings(text, file)
    if findings:
        return None, findings
    try:
        document = YAML(typ="rt").load(text)
    except YAMLError as problem:
        return None, [yaml_error_finding(problem, file, nlu)]
    if document is None:
        return None, [error("file-empty", file, 1, "the file is empty (or holds only comments)",
                            "add its content, or delete the file")]
    return document, []


def header_findings(document: Any, file: str) -> List[Finding]:
    """An NLU file is a mapping with `version:` and a `nlu:` list; Rasa skips it silently otherwise."""
    if isinstance(document, CommentedSeq):
        looks_like_nlu = any(isinstance(item, CommentedMap) and "intent" in item for item in document)
        return [error(
            "nlu-header-missing", file, 1,
            "the file is a bare list" + (" of intents without its 'version:' and 'nlu:' header, so Rasa ignores it"
                                         if looks_like_nlu else ", not an NLU file"),
            f"put the two lines {NLU_HEADER} above line 1 (the '- intent:' entries stay as they are)",
        )]
    if not isinstance(document, CommentedMap):
        return [error("nlu-header-missing", file, 1, "the file holds plain text, not an NLU file",
                      f"start it with the lines {NLU_HEADER}, followed by '- intent: <name>' entries")]
    findings = []
    if "version" not in document:
        findings.append(error("nlu-header-missing", file, 1, "the file has no 'version:' line",
                              "add 'version: \"3.1\"' as the first line"))
    if "nlu" not in document:
        findings.append(error("nlu-header-missing", file, 1,
                              "the file has no 'nlu:' key, so Rasa ignores every example in it",
                              "add the line 'nlu:' after 'version:' and put the '- intent:' entries under it"))
    elif not isinstance(document["nlu"], CommentedSeq) and document["nlu"] is not None:
        findings.append(error("nlu-not-a-list", file, line_of_key(document, "nlu"),
                              "'nlu:' must hold a list of entries", "start each entry with '- intent: <name>' under 'nlu:'"))
    return findings


def examples_findings(item: CommentedMap, file: str, where: int) -> List[Finding]:
    """`examples:` must be a block string (`examples: |`) whose lines each start with '- '."""
    if "examples" not in item:
        return [error("examples-missing", file, where, "this entry has no 'examples:'",
                      "add '  examples: |' under it with one '    - example' line per example")]
    value = item["examples"]
    line = line_of_key(item, "examples")
    if not isinstance(value, str):
        return [error("examples-not-block", file, line,
                      "'examples:' is a YAML list or mapping, but Rasa needs one block of text",
                      "write 'examples: |' and below it one '- example' line per example, indented 2 more spaces")]
    lines = value.splitlines()
    if not value.strip():
        return [error("examples-empty", file, line, "'examples: |' has no example lines below it",
                      "write one '    - example' line per example below it, indented 2 more spaces than 'examples:'")]
    if "\n" not in value and not value.startswith("-"):
        return [error("examples-not-block", file, line, f"'examples: {value}' is one plain line, not a block",
                      "write 'examples: |' and put each example on its own line below, as '    - example'")]
    return [
        error("example-without-dash", file, line + 1 + offset, f"'{text.strip()}' does not start with '- ', so Rasa drops it",
              "start the line with '- ' (dash and space) after the indentation")
        for offset, text in enumerate(lines)
        if text.strip() and not text.lstrip().startswith("-")
    ]


def nlu_entry_findings(document: CommentedMap, file: str) -> List[Finding]:
    """Each entry under `nlu:` is a mapping naming an intent (or synonym, regex, lookup) with its examples."""
    entries = document.get("nlu") or []
    findings = []
    for index, item in enumerate(entries):
        where = line_of_item(entries, index)
        if not isinstance(item, CommentedMap):
            findings.append(error("nlu-entry-malformed", file, where, f"'- {item}' is not an intent entry",
                                  "indent examples under an entry: '- intent: <name>', '  examples: |', '    - ...'"))
            continue
        kinds = [key for key in NLU_ITEM_KEYS if key in item]
        if not kinds:
            keys = ", ".join(f"'{key}:'" for key in item)
            findings.append(error("intent-key-missing", file, where, f"this entry has {keys} but no 'intent:'",
                                  "start the entry with '- intent: <name>' (check the spelling of 'intent')"))
            continue
        if item[kinds[0]] in (None, ""):
            findings.append(error("intent-name-missing", file, where, f"'{kinds[0]}:' has no name",
                                  f"write the name after it: '- {kinds[0]}: <name>'"))
        if kinds[0] != "regex" or "examples" in item:
            findings += examples_findings(item, file, where)
    return findings


def malformed_nlu_file(path: Path, paths: ProjectPaths) -> List[Finding]:
    """Every reason an NLU file cannot be read as Rasa reads it."""
    document, findings = parse(path, paths)
    if findings:
        return findings
    file = paths.relative(path)
    findings = header_findings(document, file)
    if findings or not isinstance(document, CommentedMap):
        return findings
    return nlu_entry_findings(document, file)


def unnamed_steps(steps: Any, file: str) -> List[Finding]:
    """`- intent:` or `- action:` without a name in one rule's or story's steps (and their `or:` alternatives)."""
    findings = []
    for index, step in enumerate(steps if isinstance(steps, CommentedSeq) else []):
        if not isinstance(step, CommentedMap):
            continue
        for key in STEP_NAME_KEYS:
            if key in step and step[key] in (None, ""):
                findings.append(error("step-name-missing", file, line_of_item(steps, index),
                                      f"this step is '- {key}:' without a name",
                                      f"write the {key} after it ('- {key}: <name>', as listed in domain.yml) "
                                      "or delete the step"))
        findings += unnamed_steps(step.get("or"), file)
    return findings


def flow_findings(document: CommentedMap, file: str) -> List[Finding]:
    """Every unnamed step of the rules and stories in a rules or stories file."""
    findings = []
    for section in ("rules", "stories"):
        for flow in document.get(section) or []:
            if isinstance(flow, CommentedMap):
                findings += unnamed_steps(flow.get("steps"), file)
    return findings


def malformed_mapping_file(path: Path, paths: ProjectPaths) -> List[Finding]:
    """A domain, rules, stories or catalogue file: readable YAML whose top level is a mapping of keys."""
    document, findings = parse(path, paths, nlu=False)
    file = paths.relative(path)
    if document is not None and not isinstance(document, CommentedMap):
        return findings + [error("file-not-a-mapping", file, 1,
                                 "the file must be a mapping of keys ('version:', ...), not a list or plain text",
                                 "compare its first lines with the same file in git (git diff) and restore the keys")]
    if path in (paths.rules, paths.stories) and document is not None:
        findings += flow_findings(document, file)
    return findings


def missing_files(paths: ProjectPaths) -> List[Finding]:
    """The files every check needs: domain.yml and the data/nlu folder."""
    return [
        error("file-missing", paths.relative(path), 1, f"{paths.relative(path)} does not exist in {paths.root}",
              f"check that --project names the project folder (the one with domain.yml and data/), "
              f"or restore it from git (git checkout -- {paths.relative(path)})")
        for path in (paths.domain, paths.nlu_dir)
        if not path.exists()
    ]


def malformed_files(paths: ProjectPaths) -> List[Finding]:
    """File-level problems in every data file: the NLU files, the regression set, domain, rules, stories,
    catalogue and the frustration classifier's files."""
    findings: List[Finding] = missing_files(paths)
    for path in [*nlu_files(paths), paths.regression_set]:
        if path.exists():
            findings += malformed_nlu_file(path, paths)
    for path in (paths.domain, paths.rules, paths.stories, paths.catalogue):
        if path.exists():
            findings += malformed_mapping_file(path, paths)
    return findings + malformed_frustration_files(paths)
