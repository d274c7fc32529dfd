"""Lints on entities: products the catalogue knows, and domain entities that examples actually annotate."""

from __future__ import annotations

import difflib
import re
from typing import List, Sequence

from bot.shop.catalogue import Catalogue
from bot.trainer.lint_findings import Finding, Severity
from bot.trainer.training_sources import TrainerData

PRODUCT_ENTITY = "product"


def alias_key(text: str) -> str:
    """A product name reduced to lower-case words, as the catalogue indexes its aliases."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def closest(name: str, candidates: Sequence[str]) -> str:
    """A hint naming the closest catalogue alias, or nothing when none is close."""
    match = difflib.get_close_matches(alias_key(name), candidates, n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def unknown_products(data: TrainerData, catalogue: Catalogue, catalogue_file: str) -> List[Finding]:
    """Products annotated in examples, listed in `lookup: product` or in stories must be in the catalogue.

    Annotated examples may carry customers' typos, so they pass when the catalogue's fuzzy
    lookup finds the product; lookup-table entries must be exact names or synonyms.
    """
    aliases = catalogue.aliases()
    known = set(aliases)
    fix = (
        f"add it to {catalogue_file} as a product or to an existing product's 'synonyms:', "
        "or correct the spelling"
    )
    findings = []
    mentions = [(m, e.where) for e in data.examples for m in e.mentions] + data.step_mentions
    for mention, where in mentions:
        if mention.entity == PRODUCT_ENTITY and catalogue.find(mention.value) is None:
            findings.append(Finding(
                "product-not-in-catalogue", Severity.ERROR, where,
                f"product '{mention.value}' is not in the catalogue{closest(mention.value, aliases)}", fix,
            ))
    for table, element in data.lookups:
        if table == PRODUCT_ENTITY and alias_key(element.name) not in known:
            findings.append(Finding(
                "product-not-in-catalogue", Severity.ERROR, element.where,
                f"lookup entry '{element.name}' is not a product name or synonym in the catalogue"
                f"{closest(element.name, aliases)}",
                fix + "; the lookup table must list exactly the catalogue's names and synonyms",
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

