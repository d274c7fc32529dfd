"""Lints on entities: markup Rasa can read, products the catalogue knows, the product lookup table, order
numbers the regex finds, and domain entities that examples actually annotate.

Entities are extracted by RegexEntityExtractor, which finds exactly the lookup table's entries and the
regex's matches (case-insensitive); an annotation it would never produce teaches the model nothing, and
the CI checks in tests/test_nlu_data.py fail on it.
"""

from __future__ import annotations

import difflib
import re
from typing import Collection, Dict, List, Optional, Sequence, Tuple

from bot.shop.catalogue import Catalogue
from bot.trainer.lint_findings import Finding, Severity
from bot.trainer.training_sources import Location, Named, NluExample, TrainerData

PRODUCT_ENTITY = "product"
MARKUP_FORM = "[words](entity), e.g. [Nimbus Wireless Earbuds](product)"
# Leftovers of entity markup Rasa did not recognise (it then trains on the brackets as text).
BROKEN_MARKUP = (
    (re.compile(r"\]\s+[({]"), "a space between ']' and '(' (or '{'), so Rasa reads the markup as plain text",
     "remove the space: [my earbuds](product)"),
    (re.compile(r"\]\([^)]*$"), "'(' after ']' is never closed with ')', so Rasa reads the markup as plain text",
     "close it right after the entity name: [#55213](order_id) at the store"),
    (re.compile(r"\]\{[^}]*$"), "'{' after ']' is never closed with '}', so Rasa reads the markup as plain text",
     'close it: [earbuds]{"entity": "product"} at the store'),
    (re.compile(r"\[[^\]]*$"), "'[' is never closed with ']', so Rasa reads the markup as plain text",
     "close the brackets round the entity's words, then the entity name: " + MARKUP_FORM),
    (re.compile(r"\[|\]"), "a '[' or ']' that is not part of an entity annotation", "annotate as " + MARKUP_FORM
     + ", or remove the bracket"),
)


def alias_key(text: str) -> str:
    """A product name reduced to lower-case words, as the catalogue indexes its aliases."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def closest(name: str, candidates: Sequence[str]) -> str:
    """A hint naming the closest catalogue alias, or nothing when none is close."""
    match = difflib.get_close_matches(alias_key(name), candidates, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def catalogue_names(catalogue: Catalogue) -> List[str]:
    """Every product name and synonym, lower-cased as written: what `lookup: product` must list."""
    return sorted({name.lower() for product in catalogue.products for name in (product.name, *product.synonyms)})


def unknown_products(data: TrainerData, catalogue: Catalogue, catalogue_file: str) -> List[Finding]:
    """Products annotated in examples or listed in `lookup: product` must be catalogue names or synonyms;
    products in stories must be ones the catalogue finds.

    An annotation is compared exactly (ignoring case), as the extractor's lookup table matches: a
    misspelt `[earbudz](product)` is never extracted. Story entities are slot values the actions
    look up with the catalogue's typo-tolerant search, so there a close spelling passes.
    """
    aliases = catalogue.aliases()
    names = set(catalogue_names(catalogue))
    fix = (
        f"add it to {catalogue_file} as a product or to an existing product's 'synonyms:', "
        "or correct the spelling"
    )
    findings = []
    for example in data.examples:
        for mention in example.mentions:
            if mention.entity == PRODUCT_ENTITY and mention.value.lower() not in names:
                findings.append(Finding(
                    "product-not-in-catalogue", Severity.ERROR, example.where,
                    f"product '{mention.value}' is not in the catalogue as a name or synonym"
                    f"{closest(mention.value, aliases)}, and the extractor finds only those, spelt exactly",
                    f"annotate the catalogue's spelling, or leave a customer's misspelling unannotated (the "
                    f"assistant still finds it by spelling); or {fix}",
                ))
    for mention, where in data.step_mentions:
        if mention.entity == PRODUCT_ENTITY and catalogue.find(mention.value) is None:
            findings.append(Finding(
                "product-not-in-catalogue", Severity.ERROR, where,
                f"product '{mention.value}' is not in the catalogue{closest(mention.value, aliases)}", fix,
            ))
    for table, element in data.lookups:
        if table == PRODUCT_ENTITY and element.name not in names:
            findings.append(Finding(
                "product-not-in-catalogue", Severity.ERROR, element.where,
                f"lookup entry '{element.name}' is not a product name or synonym in the catalogue"
                f"{closest(element.name, aliases)}",
                fix + "; the lookup table must list exactly the catalogue's names and synonyms, in lower case",
            ))
    return findings


def product_lookup_gaps(data: TrainerData, catalogue: Catalogue, catalogue_file: str) -> List[Finding]:
    """`lookup: product` lists every catalogue name and synonym once, longer names before the shorter ones
    they contain (the extractor takes the first entry that matches, so 'aura' first hides 'aura mini')."""
    table = next((named for named in data.lookup_tables if named.name == PRODUCT_ENTITY), None)
    if table is None:
        return []
    entries = [element for name, element in data.lookups if name == PRODUCT_ENTITY]
    listed = {element.name for element in entries}
    findings = [
        Finding(
            "lookup-missing-product", Severity.ERROR, table.where,
            f"'{name}' is a product name or synonym in {catalogue_file} but not in this lookup table, "
            "so the extractor never finds it",
            f"add the line '    - {name}' to this 'lookup: product' block (above any shorter name it contains)",
        )
        for name in catalogue_names(catalogue)
        if name not in listed
    ]
    return findings + lookup_repeats(entries) + lookup_order(entries)


def lookup_repeats(entries: Sequence[Named]) -> List[Finding]:
    """The same entry twice in a lookup table."""
    first: Dict[str, Named] = {}
    findings = []
    for element in entries:
        earlier = first.setdefault(element.name, element)
        if earlier is not element:
            findings.append(Finding(
                "lookup-entry-twice", Severity.ERROR, element.where,
                f"'{element.name}' is already in this lookup table at {earlier.where}", "delete this line",
            ))
    return findings


def lookup_order(entries: Sequence[Named]) -> List[Finding]:
    """A lookup entry listed before a longer entry that contains it."""
    findings = []
    for index, element in enumerate(entries):
        word = re.compile(rf"\b{re.escape(element.name)}\b")
        longer = next((later for later in entries[index + 1:] if later.name != element.name and word.search(later.name)), None)
        if longer is not None:
            findings.append(Finding(
                "lookup-order", Severity.ERROR, element.where,
                f"'{element.name}' comes before '{longer.name}' ({longer.where}), which contains it; the extractor "
                f"takes the first entry that matches, so '{longer.name}' would be found as '{element.name}'",
                f"move the line '{longer.name}' above this one",
            ))
    return findings


def markup_problem(example: NluExample, entities: Collection[str]) -> Optional[Finding]:
    """Entity markup Rasa refused or did not recognise in one example, or None when there is none."""
    if example.markup_problem:
        return Finding("entity-markup-broken", Severity.ERROR, example.where,
                       f"Rasa cannot read the entity markup in '{example.text}' ({example.markup_problem})",
                       "write it as " + MARKUP_FORM + ', or [words]{"entity": "product", "value": "..."} with double quotes')
    for pattern, problem, fix in BROKEN_MARKUP:
        if pattern.search(example.text):
            return Finding("entity-markup-broken", Severity.ERROR, example.where, f"'{example.text}' has {problem}", fix)
    bare = re.search(rf"\((?:{'|'.join(map(re.escape, entities))})(?::[^)]*)?\)", example.text) if entities else None
    if bare:
        return Finding("entity-markup-broken", Severity.ERROR, example.where,
                       f"'{example.text}' has '{bare.group()}' without '[words]' right before it, so Rasa reads it as text",
                       "put the entity's words in brackets right before it: " + MARKUP_FORM)
    return None


def broken_markup(data: TrainerData) -> List[Finding]:
    """Examples whose entity markup is broken: Rasa would train on the brackets as words and annotate nothing."""
    entities = sorted({entity.name for entity in data.domain_entities})
    return [finding for example in data.examples if (finding := markup_problem(example, entities)) is not None]


def compiled_regexes(data: TrainerData) -> Tuple[Dict[str, re.Pattern], List[Finding]]:
    """(entity -> compiled pattern, findings for patterns that do not compile), for regexes named after an entity."""
    entities = {entity.name for entity in data.domain_entities}
    patterns: Dict[str, re.Pattern] = {}
    findings = []
    for name, pattern in data.regexes:
        if name not in entities:
            continue
        try:
            patterns[name] = re.compile(pattern.name, re.IGNORECASE)
        except re.error as error:
            findings.append(Finding("regex-invalid", Severity.ERROR, pattern.where,
                                    f"the '{name}' regex is not a valid regular expression ({error})",
                                    "fix the pattern (test it at https://regex101.com, flavour Python)"))
    return patterns, findings


def regex_entities_disagree(data: TrainerData, broken: Collection[Location] = ()) -> List[Finding]:
    """An entity with a regex (order_id): every annotation must be a full match, and every match annotated,
    or the examples teach something else than the extractor finds. Examples at `broken` (markup that
    is already reported) are left out."""
    patterns, findings = compiled_regexes(data)
    for example in data.examples:
        if example.where in broken:
            continue
        for entity, pattern in patterns.items():
            annotated = {m.value for m in example.mentions if m.entity == entity}
            for value in sorted(v for v in annotated if not pattern.fullmatch(v)):
                findings.append(Finding(
                    "entity-not-matched-by-regex", Severity.ERROR, example.where,
                    f"'{value}' is annotated as {entity}, but the {entity} regex does not match it, so it is never "
                    "extracted", f"annotate only the number itself, or remove the annotation if it is not an {entity}",
                ))
            for value in sorted({m.group() for m in pattern.finditer(example.text)} - annotated):
                findings.append(Finding(
                    "entity-not-annotated", Severity.ERROR, example.where,
                    f"'{value}' in '{example.text}' is an {entity} (the regex finds it) but is not annotated",
                    f"annotate it: [{value}]({entity})",
                ))
    return findings


def entities_never_annotated(data: TrainerData) -> List[Finding]:
    """A domain entity no example annotates is never extracted: RegexEntityExtractor drops its patterns."""
    annotated = {mention.entity for example in data.examples for mention in example.mentions}
    example_file = next((e.where.file for e in data.examples), "data/nlu/<intent>.yml")
    return [
        Finding(
            "entity-never-annotated", Severity.ERROR, entity.where,
            f"entity '{entity.name}' is annotated in no example, so it is never extracted "
            "(RegexEntityExtractor keeps only regexes and lookup tables of annotated entities)",
            f"annotate it in a few examples, e.g. '- my [value]({entity.name}) ...' in {example_file}, "
            "or remove it from domain.yml",
        )
        for entity in data.domain_entities
        if entity.name not in annotated
    ]


def entities_outside_domain(data: TrainerData) -> List[Finding]:
    """An entity annotated in examples must be listed under `entities:` in domain.yml."""
    declared = {entity.name for entity in data.domain_entities}
    reported: set[str] = set()
    findings = []
    for example in data.examples:
        for mention in example.mentions:
            if mention.entity not in declared and mention.entity not in reported:
                reported.add(mention.entity)
                findings.append(Finding(
                    "entity-not-in-domain", Severity.ERROR, example.where,
                    f"entity '{mention.entity}' is annotated here but not listed in domain.yml",
                    f"add '  - {mention.entity}' under 'entities:' in domain.yml, or correct the annotation",
                ))
    return findings

