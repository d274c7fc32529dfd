"""The trainer's files (NLU, domain, rules, stories, catalogue) read with the file and line of every item.

Rasa's own loaders drop line numbers; the data lints need them so each message can say where
to look. Entity markup is parsed with Rasa's own parser so the lints see what training sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from bot.settings import REPO_ROOT

RESPONSE_IN_CODE = re.compile(r"""["'](utter_[A-Za-z0-9_]+)["']""")


@dataclass(frozen=True)
class Location:
    """A place in a data file, as `path:line` relative to the project root."""

    file: str
    line: int

    def __str__(self) -> str:
        """`file:line`, the form editors and terminals turn into links."""
        return f"{self.file}:{self.line}"


class SourceError(ValueError):
    """A data file cannot be read as YAML; `where` is the file and line, `problem` what is wrong."""

    def __init__(self, where: Location, problem: str) -> None:
        """Keep the location and the problem apart so callers can report them as a finding."""
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class Named:
    """A name (intent, entity, response, action, lookup element) and where it is written."""

    name: str
    where: Location


@dataclass(frozen=True)
class Mention:
    """An entity annotated in an example: `[text](entity)` or with an explicit `value`."""

    entity: str
    value: str


@dataclass(frozen=True)
class NluExample:
    """One training example: its intent, plain text (markup removed), entities and line; `markup_problem`
    is Rasa's reason when it refuses the example's entity markup (the text is then the line as written)."""

    intent: str
    text: str
    mentions: Tuple[Mention, ...]
    where: Location
    markup_problem: str = ""


@dataclass(frozen=True)
class ProjectPaths:
    """Where a project keeps the files a trainer edits; defaults are this repository's."""

    root: Path = REPO_ROOT

    @property
    def nlu_dir(self) -> Path:
        """`data/nlu/`: one file per intent plus `entities.yml`."""
        return self.root / "data" / "nlu"

    @property
    def entities_file(self) -> Path:
        """`data/nlu/entities.yml`: the lookup tables, regexes and synonyms (no intent has this file)."""
        return self.nlu_dir / "entities.yml"

    @property
    def frustration_dir(self) -> Path:
        """`data/frustration/`: the frustration classifier's own examples (bot/nlu/frustration_corpus.py)."""
        return self.root / "data" / "frustration"

    @property
    def rules(self) -> Path:
        """`data/rules.yml`."""
        return self.root / "data" / "rules.yml"

    @property
    def stories(self) -> Path:
        """`data/stories.yml`."""
        return self.root / "data" / "stories.yml"

    @property
    def domain(self) -> Path:
        """`domain.yml`."""
        return self.root / "domain.yml"

    @property
    def config(self) -> Path:
        """`config.yml`."""
        return self.root / "config.yml"

    @property
    def catalogue(self) -> Path:
        """`data/shop/catalogue.yml`."""
        return self.root / "data" / "shop" / "catalogue.yml"

    @property
    def regression_set(self) -> Path:
        """`tests/nlu_regression.yml`: the frozen phrasings the CI gate scores (not training data)."""
        return self.root / "tests" / "nlu_regression.yml"

    @property
    def nlu_data_tests(self) -> Path:
        """`tests/test_nlu_data.py`: the CI checks on data/nlu, with their own list of intents (`INTENTS`)."""
        return self.root / "tests" / "test_nlu_data.py"

    @property
    def actions_dir(self) -> Path:
        """`actions/`: custom actions, which may send responses by name."""
        return self.root / "actions"

    def relative(self, path: Path) -> str:
        """`path` relative to the root when it is inside it, for short messages."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


@dataclass
class TrainerData:
    """Everything the lints look at, each item with its location."""

    examples: List[NluExample] = field(default_factory=list)
    intent_blocks: List[Named] = field(default_factory=list)
    lookup_tables: List[Named] = field(default_factory=list)
    lookups: List[Tuple[str, Named]] = field(default_factory=list)
    regexes: List[Tuple[str, Named]] = field(default_factory=list)
    domain_intents: List[Named] = field(default_factory=list)
    domain_entities: List[Named] = field(default_factory=list)
    domain_responses: List[Named] = field(default_factory=list)
    domain_actions: List[Named] = field(default_factory=list)
    step_intents: List[Named] = field(default_factory=list)
    step_actions: List[Named] = field(default_factory=list)
    step_mentions: List[Tuple[Mention, Location]] = field(default_factory=list)
    code_responses: List[Named] = field(default_factory=list)


def load_yaml(path: Path, paths: ProjectPaths) -> Any:
    """Parse a YAML file keeping line numbers; a syntax error becomes a `SourceError`."""
    try:
        return YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = f"not valid YAML ({getattr(error, 'problem', None) or error})"
        raise SourceError(Location(paths.relative(path), line), problem) from error


def line_of_item(sequence: CommentedSeq, index: int) -> int:
    """1-based line of the `index`-th element of a YAML list."""
    return sequence.lc.item(index)[0] + 1


def line_of_key(mapping: CommentedMap, key: str) -> int:
    """1-based line of `key` in a YAML mapping."""
    return mapping.lc.key(key)[0] + 1


def block_lines(item: CommentedMap, key: str) -> Iterator[Tuple[int, str]]:
    """(1-based line, text) of every `- ...` entry of a `key: |` block, as Rasa reads them."""
    value = item.get(key)
    if isinstance(value, CommentedSeq):
        for index, entry in enumerate(value):
            text = entry.get("text", "") if isinstance(entry, dict) else str(entry)
            yield line_of_item(value, index), str(text).strip()
        return
    if not isinstance(value, str):
        return
    first_line = item.lc.value(key)[0] + 2  # the block starts on the line after `key: |`
    for offset, raw in enumerate(value.splitlines()):
        if raw.startswith("-"):
            yield first_line + offset, raw[1:].strip()


def parse_example(text: str) -> Tuple[str, Tuple[Mention, ...]]:
    """Plain text and entity mentions of an annotated example, parsed as Rasa parses it."""
    from rasa.shared.nlu.training_data import entities_parser

    entities = entities_parser.find_entities_in_training_example(text)
    mentions = tuple(Mention(str(e["entity"]), str(e["value"])) for e in entities)
    return entities_parser.replace_entities(text), mentions


def read_example(intent: str, raw: str, where: Location) -> NluExample:
    """One example line; markup Rasa refuses (`[x]{"entity": y}`, bad JSON) is kept as its reason, not raised."""
    from rasa.shared.exceptions import RasaException

    try:
        text, mentions = parse_example(raw)
    except (RasaException, ValueError) as error:
        reason = str(error).split(". More info", 1)[0].split("\n", 1)[0]
        return NluExample(intent, raw, (), where, reason or type(error).__name__)
    return NluExample(intent, text, mentions, where)


def read_nlu_file(path: Path, paths: ProjectPaths, data: TrainerData) -> None:
    """Add one NLU file's intent blocks and examples, lookup tables and regexes to `data`."""
    document = load_yaml(path, paths) or {}
    file = paths.relative(path)
    items = document.get("nlu") or []
    for index, item in enumerate(items):
        if not isinstance(item, CommentedMap):
            continue
        if "intent" in item:
            intent = str(item["intent"])
            data.intent_blocks.append(Named(intent, Location(file, line_of_item(items, index))))
            for line, raw in block_lines(item, "examples"):
                data.examples.append(read_example(intent, raw, Location(file, line)))
        elif "lookup" in item:
            table = str(item["lookup"])
            data.lookup_tables.append(Named(table, Location(file, line_of_item(items, index))))
            for line, element in block_lines(item, "examples"):
                data.lookups.append((table, Named(element, Location(file, line))))
        elif "regex" in item:
            for line, pattern in block_lines(item, "examples"):
                data.regexes.append((str(item["regex"]), Named(pattern, Location(file, line))))


def named_items(document: Any, key: str, file: str) -> List[Named]:
    """Names listed under a top-level key (a list of names or `{name: {...}}`, or a mapping)."""
    section = document.get(key) if isinstance(document, CommentedMap) else None
    if isinstance(section, CommentedMap):
        return [Named(str(name), Location(file, line_of_key(section, name))) for name in section]
    if not isinstance(section, CommentedSeq):
        return []
    names = []
    for index, entry in enumerate(section):
        name = next(iter(entry)) if isinstance(entry, dict) and entry else entry
        names.append(Named(str(name), Location(file, line_of_item(section, index))))
    return names


def read_domain(paths: ProjectPaths, data: TrainerData) -> None:
    """Add the domain's intents, entities, responses and actions to `data`."""
    document = load_yaml(paths.domain, paths) or {}
    file = paths.relative(paths.domain)
    data.domain_intents = named_items(document, "intents", file)
    data.domain_entities = named_items(document, "entities", file)
    data.domain_responses = named_items(document, "responses", file)
    data.domain_actions = named_items(document, "actions", file)


def read_steps(path: Path, paths: ProjectPaths, data: TrainerData) -> None:
    """Add the intents, actions and entities used by the rules or stories of one file."""
    if not path.exists():
        return
    document = load_yaml(path, paths) or {}
    file = paths.relative(path)
    for section in ("rules", "stories"):
        for flow in document.get(section) or []:
            steps = flow.get("steps") if isinstance(flow, CommentedMap) else None
            for index, step in enumerate(steps or []):
                read_step(step, Location(file, line_of_item(steps, index)), data)


def read_step(step: Any, where: Location, data: TrainerData) -> None:
    """One step of a rule or story: `intent`, `action`, `or:` alternatives, `entities`."""
    if not isinstance(step, CommentedMap):
        return
    if step.get("intent") not in (None, ""):
        data.step_intents.append(Named(str(step["intent"]), where))
    if step.get("action") not in (None, ""):
        data.step_actions.append(Named(str(step["action"]), where))
    for alternative in step.get("or") or []:
        read_step(alternative, where, data)
    for entity in step.get("entities") or []:
        if isinstance(entity, dict):
            data.step_mentions.extend((Mention(str(k), str(v)), where) for k, v in entity.items())


def read_code_responses(paths: ProjectPaths, data: TrainerData) -> None:
    """Responses the custom actions send by name (`response="utter_..."`)."""
    if not paths.actions_dir.is_dir():
        return
    for path in sorted(paths.actions_dir.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in RESPONSE_IN_CODE.finditer(line):
                data.code_responses.append(Named(match.group(1), Location(paths.relative(path), number)))


def nlu_files(paths: ProjectPaths) -> List[Path]:
    """Every YAML file under `data/nlu/`, sorted."""
    return sorted(p for p in paths.nlu_dir.rglob("*") if p.suffix in (".yml", ".yaml"))


def load_trainer_data(paths: Optional[ProjectPaths] = None) -> TrainerData:
    """Read every trainer-edited file of the project at `paths` (default: this repository)."""
    paths = paths or ProjectPaths()
    data = TrainerData()
    for path in nlu_files(paths):
        read_nlu_file(path, paths, data)
    read_domain(paths, data)
    for path in (paths.rules, paths.stories):
        read_steps(path, paths, data)
    read_code_responses(paths, data)
    return data
