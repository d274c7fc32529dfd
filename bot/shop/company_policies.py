"""Company policies in plain language, each with what we can and cannot do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml


@dataclass(frozen=True)
class Policy:
    """One policy: what it is called, the words that point to it, what we can and cannot do."""

    topic: str
    title: str
    keywords: Tuple[str, ...]
    can: str
    cannot: str

    def explain(self) -> str:
        """The plain-language answer, the limits stated as clearly as the promise."""
        return f"{self.title}: {self.can} What we can't do: {self.cannot}"


class PolicyBook:
    """Finds the policy a question is about by its keywords."""

    def __init__(self, policies: Dict[str, Policy]) -> None:
        """Keep policies in file order; earlier ones win ties."""
        self.policies = policies

    @classmethod
    def from_yaml(cls, path: Path) -> "PolicyBook":
        """Load `data/shop/policies.yml`."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        policies = {
            topic: Policy(
                topic=topic,
                title=str(item["title"]),
                keywords=tuple(str(k).lower() for k in item.get("keywords", [])),
                can=str(item["can"]).strip(),
                cannot=str(item["cannot"]).strip(),
            )
            for topic, item in (raw.get("policies") or {}).items()
        }
        return cls(policies)

    def get(self, topic: str) -> Optional[Policy]:
        """The policy for a topic name such as "returns"."""
        return self.policies.get(topic)

    def find_for_question(self, text: str) -> Optional[Policy]:
        """The policy whose keywords best match the question (longest keyword match wins)."""
        lowered = " ".join(re.findall(r"[a-z0-9']+", text.lower()))
        best: Optional[Policy] = None
        best_length = 0
        for policy in self.policies.values():
            for keyword in policy.keywords:
                if re.search(rf"\b{re.escape(keyword)}\b", lowered) and len(keyword) > best_length:
                    best, best_length = policy, len(keyword)
        return best

    def topics(self) -> Tuple[str, ...]:
        """Policy titles, for "I can explain …" answers."""
        return tuple(policy.title.lower() for policy in self.policies.values())
