"""The frustration classifier's training texts: GoEmotions (Reddit) plus our customer-service examples.

Everything training needs ships in `data/frustration/` (see its NOTICE), so a fresh clone trains
without `../shared`. In-domain texts carry a larger sample weight than the Reddit comments.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, List, Mapping, Optional, Sequence

import yaml

from bot.settings import REPO_ROOT

FRUSTRATION_DATA = REPO_ROOT / "data" / "frustration"
FRUSTRATED_FILE = "frustrated.yml"
CALM_FILE = "calm.yml"
GOEMOTIONS_FILE = "goemotions_train.csv.gz"
NLU_FRUSTRATED_FILE = "nlu_frustrated.yml"
GOEMOTIONS_GROUP = "goemotions"
NLU_GROUP = "nlu_examples"
NLU_FRUSTRATED_GROUP = "nlu_frustrated"
NOT_CALM_INTENTS = frozenset({"request_human", "complaint"})
CATEGORIES_KEY = "categories"
TEXTS_KEY = "texts"
# Each file of ours and the key that holds its messages (`categories:` of lists, or one `texts:` list).
CORPUS_FILES: Mapping[str, str] = {FRUSTRATED_FILE: CATEGORIES_KEY, CALM_FILE: CATEGORIES_KEY, NLU_FRUSTRATED_FILE: TEXTS_KEY}
SHAPES = {
    CATEGORIES_KEY: "'categories:' at column 1, each category below it indented 2 spaces ('  sarcasm:') "
                    "and its messages below that indented 4 spaces ('    - message')",
    TEXTS_KEY: "'texts:' at column 1 and one '  - message' line per message below it",
}
YAML_TAG = "tag:yaml.org,2002:"
# A message or value that opens a quote: `- "text` or `name: 'text`; the rest of the line follows.
OPENING_QUOTE = re.compile(r"""^\s*(?:-\s+|[^#"'\s][^#"']*:\s+)(?P<quote>["'])(?P<rest>.*)$""")
NOT_TEXT = {"bool": "a yes/no value", "int": "a number", "float": "a number", "timestamp": "a date"}


@dataclass(frozen=True)
class LabelledText:
    """One training text: frustrated or not, where it comes from (`group`) and whether it is ours."""

    text: str
    frustrated: bool
    group: str
    in_domain: bool


@dataclass(frozen=True)
class CorpusProblem:
    """One reason a file of data/frustration cannot be trained on: its line, what is wrong, how to fix it."""

    line: int
    problem: str
    fix: str


class CorpusFileError(ValueError):
    """A file of data/frustration the classifier refuses to train on; the message names its file, line and fix."""

    def __init__(self, path: Path, problems: Sequence[CorpusProblem]) -> None:
        """Keep the problems; the message lists each as `file:line: problem. Fix: fix`."""
        self.path = path
        self.problems = tuple(problems)
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        super().__init__("\n".join(f"{shown}:{p.line}: {p.problem}. Fix: {p.fix}" for p in self.problems))


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted message line, for fixes that say "put it in quotes"."""
    return f"- {json.dumps(text, ensure_ascii=False)}"


def unclosed_quote_line(text: str, before: int) -> Optional[int]:
    """The first line before line `before` that opens a quote it does not close: YAML then reads on to the
    next quote in the file and reports the error there, far from the mistake."""
    for number, line in enumerate(text.splitlines()[: before - 1], start=1):
        opened = OPENING_QUOTE.match(line)
        if opened:
            quote, rest = opened.group("quote"), opened.group("rest")
            closed = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
            if quote not in closed:
                return number
    return None


def yaml_problem(error: yaml.YAMLError, key: str, text: str) -> CorpusProblem:
    """A YAML syntax error at the line to fix (where an unclosed quote opens)."""
    words = str(getattr(error, "problem", None) or error)
    context = str(getattr(error, "context", None) or "")
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    if "quoted scalar" in context and getattr(error, "context_mark", None) is not None:
        return CorpusProblem(error.context_mark.line + 1, f"not valid YAML ({context}: {words})",
                             "close the quote that starts on this line, or remove it")
    opened = unclosed_quote_line(text, line)
    if opened is not None:
        return CorpusProblem(opened, f"not valid YAML: a quote opens on this line and is not closed on it, so YAML "
                                     f"reads on to the next quote and fails at line {line} ({words})",
                             "close the quote that starts on this line (at the end of the message), or remove it")
    if "'\\t'" in words:
        return CorpusProblem(line, "this line is indented with a tab; YAML allows only spaces", "replace the tab with spaces")
    return CorpusProblem(line, f"not valid YAML ({words})",
                         f"check the indentation (spaces only): {SHAPES[key]}; a message with ': ' or '#' in it needs quotes")


def cut_by_comment(item: yaml.ScalarNode, lines: Sequence[str]) -> bool:
    """True when an unquoted message is followed on its line by ' #...', which YAML drops as a comment."""
    if item.style is not None or item.end_mark.line >= len(lines):
        return False
    return lines[item.end_mark.line][item.end_mark.column:].lstrip().startswith("#")


def message_problem(item: yaml.Node, where: str, lines: Sequence[str]) -> Optional[CorpusProblem]:
    """Why one `- ...` entry of `where` is not a plain-text message, or None when it is."""
    line = item.start_mark.line + 1
    if isinstance(item, yaml.ScalarNode) and item.tag == YAML_TAG + "str" and cut_by_comment(item, lines):
        whole = lines[item.start_mark.line][item.start_mark.column:].strip()
        return CorpusProblem(line, f"YAML reads only '{item.value}' of '{whole}' in {where}: ' #' starts a comment",
                             f"put the message in double quotes: {quoted(whole)} (or move a comment to a line of its own)")
    if isinstance(item, yaml.ScalarNode) and item.tag == YAML_TAG + "str":
        return None if item.value.strip() else CorpusProblem(line, f"an empty message in {where}", "delete the line")
    if isinstance(item, yaml.ScalarNode) and item.tag == YAML_TAG + "null":
        return CorpusProblem(line, f"a '- ' line without a message in {where}", "write the message after '- ' or delete the line")
    if isinstance(item, yaml.ScalarNode):
        kind = NOT_TEXT.get(item.tag.replace(YAML_TAG, ""), item.tag)
        return CorpusProblem(line, f"YAML reads '{item.value}' in {where} as {kind}, not as the text '{item.value}'",
                             f"put the message in double quotes: {quoted(item.value)}")
    pairs = item.value if isinstance(item, yaml.MappingNode) else []
    if len(pairs) == 1 and all(isinstance(node, yaml.ScalarNode) for node in pairs[0]):
        text = f"{pairs[0][0].value}: {pairs[0][1].value}"
        return CorpusProblem(line, f"YAML reads '{text}' in {where} as a key and a value because of the ': ' in it, "
                                   "not as one message", f"put the message in double quotes: {quoted(text)}")
    return CorpusProblem(line, f"this entry of {where} is not one line of text (a nested list or mapping)",
                         "write one message per '- ' line, each at the same indentation")


def messages_problems(node: yaml.Node, where: str, key: str, lines: Sequence[str]) -> List[CorpusProblem]:
    """A list of plain-text messages; a single line of text or a mapping in its place is one problem."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode) and node.tag == YAML_TAG + "null":
        return []
    if isinstance(node, yaml.ScalarNode):
        return [CorpusProblem(line, f"{where} is one line of text ('{node.value}'), not a list of messages",
                              f"put each message on its own line below it as '- message': {SHAPES[key]}")]
    if isinstance(node, yaml.MappingNode):
        return [CorpusProblem(line, f"{where} holds 'name:' keys, not a list of messages", f"check the indentation: {SHAPES[key]}")]
    return [problem for item in node.value if (problem := message_problem(item, where, lines)) is not None]


def categories_problems(node: yaml.Node, lines: Sequence[str]) -> List[CorpusProblem]:
    """`categories:` maps each category name, once, to a list of plain-text messages."""
    if not isinstance(node, yaml.MappingNode):
        return [CorpusProblem(node.start_mark.line + 1, "'categories:' holds no categories",
                              f"lay the file out as {SHAPES[CATEGORIES_KEY]}")]
    problems: List[CorpusProblem] = []
    first_line: dict[str, int] = {}
    for name_node, value in node.value:
        name, line = str(name_node.value), name_node.start_mark.line + 1
        if name in first_line:
            problems.append(CorpusProblem(line, f"category '{name}' appears twice (first at line {first_line[name]}); "
                                                "YAML keeps only this one", f"merge the two lists under one '{name}:'"))
        first_line.setdefault(name, line)
        problems += messages_problems(value, f"category '{name}'", CATEGORIES_KEY, lines)
    return problems


def corpus_problems(raw: bytes, key: str) -> List[CorpusProblem]:
    """Every reason the bytes of a data/frustration file are not UTF-8 YAML with `key:` holding plain-text
    messages, as PyYAML (which training uses) reads them; empty when the file is fine."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return [CorpusProblem(raw[: error.start].count(b"\n") + 1,
                              f"the file is not UTF-8 (byte 0x{raw[error.start]:02x} on this line)",
                              "save the file with UTF-8 encoding and check the accented letters and quotes on this line")]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        return [yaml_problem(error, key, text)]
    values = {str(k.value): v for k, v in root.value} if isinstance(root, yaml.MappingNode) else {}
    if key not in values:
        return [CorpusProblem(1, f"the file has no '{key}:' key, so nothing in it is trained on",
                              f"lay the file out as {SHAPES[key]}")]
    lines = text.splitlines()
    if key == CATEGORIES_KEY:
        return categories_problems(values[key], lines)
    return messages_problems(values[key], f"'{key}:'", key, lines)


def checked_document(path: Path, key: str) -> Any:
    """The YAML of one of our files, after `corpus_problems` found nothing; raises `CorpusFileError` otherwise,
    so a YAML surprise (`- no` read as False, `- a: b` as a mapping) never becomes a training text."""
    raw = path.read_bytes()
    problems = corpus_problems(raw, key)
    if problems:
        raise CorpusFileError(path, problems)
    return yaml.safe_load(raw.decode("utf-8"))


def read_categories(path: Path) -> Mapping[str, List[str]]:
    """The `categories:` blocks of one of our YAML files, as category -> texts (a malformed file raises `CorpusFileError`)."""
    categories = checked_document(path, CATEGORIES_KEY)[CATEGORIES_KEY]
    return {str(name): list(texts or ()) for name, texts in categories.items()}


def in_domain_examples(data_dir: Path = FRUSTRATION_DATA) -> List[LabelledText]:
    """Our frustrated messages (positives) and calm hard negatives, grouped by category."""
    examples: List[LabelledText] = []
    for file_name, frustrated in ((FRUSTRATED_FILE, True), (CALM_FILE, False)):
        for category, texts in read_categories(data_dir / file_name).items():
            examples.extend(LabelledText(text, frustrated, category, True) for text in texts)
    return examples


def frustrated_nlu_texts(data_dir: Path = FRUSTRATION_DATA) -> frozenset[str]:
    """NLU examples (any intent) that we marked as frustrated in `nlu_frustrated.yml`."""
    return frozenset(checked_document(data_dir / NLU_FRUSTRATED_FILE, TEXTS_KEY)[TEXTS_KEY] or ())


def nlu_examples(
    examples_by_intent: Iterable[tuple[str, str]], frustrated: frozenset[str]
) -> List[LabelledText]:
    """Our NLU examples: the marked ones frustrated, the rest calm, except intents that may be angry."""
    examples: List[LabelledText] = []
    for text, intent in examples_by_intent:
        if text in frustrated:
            examples.append(LabelledText(text, True, NLU_FRUSTRATED_GROUP, True))
        elif intent not in NOT_CALM_INTENTS and text.strip():
            examples.append(LabelledText(text, False, NLU_GROUP, True))
    return examples


def goemotions_examples(data_dir: Path = FRUSTRATION_DATA) -> List[LabelledText]:
    """GoEmotions train comments labelled frustrated (anger, annoyance, ...) or calm."""
    with gzip.open(data_dir / GOEMOTIONS_FILE, "rt", encoding="utf-8", newline="") as handle:
        return [
            LabelledText(row["text"], row["label"] == "1", GOEMOTIONS_GROUP, False)
            for row in csv.DictReader(handle)
        ]


def training_corpus(
    examples_by_intent: Iterable[tuple[str, str]], data_dir: Path = FRUSTRATION_DATA
) -> List[LabelledText]:
    """Everything the classifier trains on: Reddit comments, our examples, our NLU examples."""
    return [
        *goemotions_examples(data_dir),
        *in_domain_examples(data_dir),
        *nlu_examples(examples_by_intent, frustrated_nlu_texts(data_dir)),
    ]


def data_fingerprint(data_dir: Path = FRUSTRATION_DATA) -> str:
    """A hash of the shipped training files, so Rasa retrains when one of them changes."""
    digest = hashlib.sha256()
    for name in (FRUSTRATED_FILE, CALM_FILE, NLU_FRUSTRATED_FILE, GOEMOTIONS_FILE):
        digest.update((data_dir / name).read_bytes())
    return digest.hexdigest()


def category_counts(examples: Sequence[LabelledText]) -> Mapping[str, int]:
    """How many in-domain examples each category holds."""
    counts: dict[str, int] = {}
    for example in examples:
        counts[example.group] = counts.get(example.group, 0) + 1
    return counts
