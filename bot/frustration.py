"""Frustration scoring for customer messages, from word lists, sentiment and the conversation so far.

Cheap enough to run on every message (under 200 µs, most of it VADER): word lists are indexed
in dictionaries when a `FrustrationScorer` is built, never at import time. Weights and word
lists live in `frustration_lexicon.yml`; the threshold lives in the project settings.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Type, TypeVar

import yaml

__all__ = ["DEFAULT_LEXICON_PATH", "FrustrationAssessment", "FrustrationScorer", "load_lexicon"]

DEFAULT_LEXICON_PATH = Path(__file__).with_name("frustration_lexicon.yml")

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
_PLACEHOLDER = re.compile(r"\[[^\]\n]{1,40}\]|\{\{[^}\n]{1,40}\}\}")
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_REPEATED_PUNCTUATION = re.compile(r"[!?]{2,}")
_CACHE_SIZE = 2048
_Section = TypeVar("_Section")


@dataclass(frozen=True)
class FrustrationAssessment:
    """How frustrated a message sounds: a score in [0, 1], the signals that fired, the verdict."""

    score: float
    signals: tuple[str, ...]
    is_frustrated: bool


@dataclass(frozen=True)
class _Cue:
    """One named kind of evidence in a message, with its logit weight and optional raw regex.

    `min_words` keeps weak cues quiet in one-word answers ("no"); `overrides_calming` is for
    sarcasm ("thanks for nothing"), where polite words must not count as calm.
    """

    name: str
    weight: float
    pattern: Optional[re.Pattern[str]] = None
    min_words: int = 0
    overrides_calming: bool = False

    @classmethod
    def from_spec(cls, name: str, spec: Mapping[str, Any]) -> _Cue:
        """Build a cue from its lexicon YAML section."""
        return cls(
            name=name,
            weight=float(spec["weight"]),
            pattern=_compile_patterns(spec.get("patterns", ())),
            min_words=int(spec.get("min_words", 0)),
            overrides_calming=bool(spec.get("overrides_calming", False)),
        )


@dataclass(frozen=True)
class _Sentiment:
    """How VADER's compound score counts, and the valences we override for customer service."""

    negative_weight: float
    positive_weight: float
    min_words: int
    overrides: Mapping[str, float]


@dataclass(frozen=True)
class _Intensity:
    """Shouting or !!!: multiplies the negative evidence and adds a little on its own."""

    multiplier: float
    alone: float


@dataclass(frozen=True)
class _Shouting(_Intensity):
    """ALL CAPS: enough letters, mostly upper case or several all-caps words."""

    min_letters: int
    min_ratio: float
    min_words: int


@dataclass(frozen=True)
class _History:
    """How earlier messages and the bot's misunderstandings raise the score."""

    window: int
    repeated_request_weight: float
    repeated_request_similarity: float
    repeated_request_min_tokens: int
    earlier_frustration_weight: float
    earlier_frustration_decay: float
    misunderstood_weight: float
    misunderstood_escalation: int


@dataclass(frozen=True)
class _MessageAnalysis:
    """What one message says on its own: logit contributions per signal and its content words."""

    contributions: Mapping[str, float]
    logit: float
    tokens: frozenset[str]
    word_count: int


def tokenize(text: str) -> list[str]:
    """Lower-case words, keeping contractions whole ("doesn't"), curly apostrophes normalised."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


class _PhraseMatcher:
    """Finds lexicon phrases in a token list with dictionary look-ups, not a regex per phrase."""

    def __init__(self, phrases_by_cue: Mapping[str, Sequence[object]]) -> None:
        """Index single words, `stem*` prefixes and multi-word phrases by their first word."""
        self._words: dict[str, set[str]] = {}
        self._stems: dict[str, set[str]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for cue, phrases in phrases_by_cue.items():
            for phrase in phrases:
                self._add(cue, phrase)
        self._stem_lengths = tuple(sorted({len(stem) for stem in self._stems}))
        self._word_cache: dict[str, frozenset[str]] = {}

    def _add(self, cue: str, phrase: object) -> None:
        """Index one phrase, rejecting what the matcher cannot express."""
        if not isinstance(phrase, str) or not tokenize(phrase):
            raise ValueError(
                f"lexicon phrase {phrase!r} in '{cue}' is not a word: quote it "
                "(YAML reads no/yes/on/off as booleans)"
            )
        words = tuple(tokenize(phrase.rstrip("*")))
        if phrase.endswith("*") and len(words) != 1:
            raise ValueError(f"lexicon phrase {phrase!r} in '{cue}': * works on single words only")
        if phrase.endswith("*"):
            self._stems.setdefault(words[0], set()).add(cue)
        elif len(words) == 1:
            self._words.setdefault(words[0], set()).add(cue)
        else:
            self._phrases.setdefault(words[0], []).append((words, cue))

    def count(self, tokens: Sequence[str]) -> dict[str, int]:
        """How many times each cue's phrases occur in `tokens`."""
        counts: dict[str, int] = {}
        for index, token in enumerate(tokens):
            for cue in self._word_cues(token):
                counts[cue] = counts.get(cue, 0) + 1
            for words, cue in self._phrases.get(token, ()):
                if tuple(tokens[index : index + len(words)]) == words:
                    counts[cue] = counts.get(cue, 0) + 1
        return counts

    def _word_cues(self, token: str) -> frozenset[str]:
        """Cues that a single token matches, exactly or by prefix; memoised per token."""
        cached = self._word_cache.get(token)
        if cached is not None:
            return cached
        cues = set(self._words.get(token, ()))
        for length in self._stem_lengths:
            if length > len(token):
                break
            cues.update(self._stems.get(token[:length], ()))
        if len(self._word_cache) >= _CACHE_SIZE * 8:
            self._word_cache.clear()
        result = self._word_cache[token] = frozenset(cues)
        return result


def load_lexicon(path: Path = DEFAULT_LEXICON_PATH) -> dict[str, Any]:
    """Read the lexicon YAML, failing with a message that names the file if it is unusable."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read frustration lexicon {path}: {error}") from error
    if not isinstance(data, dict) or "cues" not in data:
        raise ValueError(f"frustration lexicon {path} has no 'cues' section")
    return data


def _section(lexicon: Mapping[str, Any], name: str, kind: Type[_Section]) -> _Section:
    """Build a typed settings section, naming the section when a key is missing or unknown."""
    try:
        return kind(**lexicon[name])
    except (KeyError, TypeError) as error:
        raise ValueError(f"frustration lexicon section '{name}' is incomplete: {error}") from error


def _compile_patterns(patterns: Sequence[str]) -> Optional[re.Pattern[str]]:
    """One case-insensitive regex for a cue's raw patterns, or None when it has none."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


def _sigmoid(value: float) -> float:
    """Logistic function, safe for large magnitudes."""
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def _settings_threshold() -> float:
    """Read `frustration.threshold` from the project settings (settings.yml or environment)."""
    from bot.settings import load_settings

    return float(load_settings().frustration.threshold)


class FrustrationScorer:
    """Scores how frustrated a customer sounds, from the message and the conversation's history.

    The evidence adds up on a logit scale (see `frustration_lexicon.yml`) and a sigmoid turns it
    into a score in [0, 1]; the customer counts as frustrated at `threshold` and above.
    """

    def __init__(
        self, threshold: Optional[float] = None, lexicon_path: Path = DEFAULT_LEXICON_PATH
    ) -> None:
        """Load the lexicon and VADER; `threshold=None` takes it from the project settings."""
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.threshold = _settings_threshold() if threshold is None else float(threshold)
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(
                f"frustration threshold must be between 0 and 1 (exclusive), got {self.threshold}"
            )
        lexicon = load_lexicon(lexicon_path)
        self._bias = float(lexicon["bias"])
        self._repeat_bonus = float(lexicon["repeat_bonus"])
        self._max_repeats = int(lexicon["max_repeats"])
        self._max_chars = int(lexicon["max_chars"])
        self._signal_min = float(lexicon["signal_min_contribution"])
        self._question_weight = float(lexicon["calming"]["question_weight"])
        self._stopwords = frozenset(str(word) for word in lexicon["stopwords"])
        self._sentiment = _section(lexicon, "sentiment", _Sentiment)
        self._shouting = _section(lexicon["intensity"], "all_caps", _Shouting)
        self._punctuation = _section(lexicon["intensity"], "repeated_punctuation", _Intensity)
        self._history = _section(lexicon, "history", _History)
        specs = {"calming": lexicon["calming"], **lexicon["cues"]}
        self._cues = {name: _Cue.from_spec(name, spec) for name, spec in specs.items()}
        self._matcher = _PhraseMatcher(
            {name: spec.get("phrases", ()) for name, spec in specs.items()}
        )
        self._vader = SentimentIntensityAnalyzer()
        self._vader.lexicon.update(
            {str(word): float(v) for word, v in self._sentiment.overrides.items()}
        )
        self._analysis = functools.lru_cache(maxsize=_CACHE_SIZE)(self._analyse)

    def score(self, text: str, history: Sequence[str] = (), misunderstood_streak: int = 0) -> float:
        """Frustration in [0, 1] for `text`, given the customer's earlier messages (oldest first)."""
        return self.assess(text, history, misunderstood_streak).score

    def assess(
        self, text: str, history: Sequence[str] = (), misunderstood_streak: int = 0
    ) -> FrustrationAssessment:
        """Score `text` in its conversation and name the signals behind the score, strongest first."""
        current = self._analysis(text)
        earlier = [self._analysis(previous) for previous in self._window(history)]
        added = {
            "repeated_request": self._repeat_contribution(current, earlier),
            "earlier_frustration": self._earlier_frustration(earlier),
            "bot_misunderstood": self._history.misunderstood_weight * max(0, misunderstood_streak),
        }
        score = _sigmoid(current.logit + sum(added.values()))
        if misunderstood_streak >= self._history.misunderstood_escalation:
            score = max(score, self.threshold)
        contributions = {**current.contributions, **added}
        ranked = sorted(contributions.items(), key=lambda item: item[1], reverse=True)
        signals = tuple(name for name, value in ranked if value >= self._signal_min)
        return FrustrationAssessment(score, signals, is_frustrated=score >= self.threshold)

    def _window(self, history: Sequence[str]) -> Sequence[str]:
        """The most recent earlier messages that still count."""
        window = self._history.window
        return list(history)[-window:] if window > 0 else []

    def _analyse(self, text: str) -> _MessageAnalysis:
        """Per-signal logit contributions for one message on its own (cached by the caller)."""
        text = self._clip(text)
        words = tokenize(text)
        hits = self._cue_hits(text, words)
        contributions = {
            name: self._cue_weight(cue, hits.get(name, 0), len(words))
            for name, cue in self._cues.items()
            if name != "calming"
        }
        compound = self._compound(text, len(words))
        contributions["negative_sentiment"] = self._sentiment.negative_weight * max(0.0, -compound)
        contributions.update(self._intensity(text, sum(contributions.values())))
        sarcastic = any(self._cues[name].overrides_calming for name in hits)
        calming = 0.0 if sarcastic else self._calming(text, compound, "calming" in hits)
        logit = self._bias + sum(contributions.values()) - calming
        tokens = frozenset(word for word in words if word not in self._stopwords)
        return _MessageAnalysis(contributions, logit, tokens, len(words))

    def _clip(self, text: str) -> str:
        """Keep the start and the end of very long messages, where greetings and demands sit."""
        if len(text) <= self._max_chars:
            return text
        half = self._max_chars // 2
        return f"{text[:half]} {text[-half:]}"

    def _cue_hits(self, text: str, words: Sequence[str]) -> dict[str, int]:
        """Hits per cue: phrase matches on the words plus raw-pattern matches on the text."""
        hits = self._matcher.count(words)
        for cue in self._cues.values():
            if cue.pattern is not None and cue.pattern.search(text):
                hits[cue.name] = hits.get(cue.name, 0) + 1
        return hits

    def _cue_weight(self, cue: _Cue, hits: int, word_count: int) -> float:
        """Return a cue's logit contribution: its weight plus a bonus per extra hit."""
        if not hits or word_count < cue.min_words:
            return 0.0
        return cue.weight + self._repeat_bonus * (min(hits, self._max_repeats) - 1)

    def _compound(self, text: str, word_count: int) -> float:
        """VADER's compound score, or 0 for texts too short to judge (a bare "no" is an answer)."""
        if not text.strip() or 0 < word_count < self._sentiment.min_words:
            return 0.0
        return float(self._vader.polarity_scores(text)["compound"])

    def _intensity(self, text: str, negative: float) -> dict[str, float]:
        """Contributions of shouting and of !!!/???, which amplify the negative evidence."""
        shouting = self._is_shouting(_PLACEHOLDER.sub(" ", text))
        repeated = _REPEATED_PUNCTUATION.search(text) is not None
        return {
            "all_caps": self._amplify(self._shouting, negative) if shouting else 0.0,
            "repeated_punctuation": self._amplify(self._punctuation, negative) if repeated else 0.0,
        }

    @staticmethod
    def _amplify(intensity: _Intensity, negative: float) -> float:
        """Return what an intensity marker adds: its own weight plus a share of the negative cues."""
        return intensity.alone + negative * intensity.multiplier

    def _is_shouting(self, text: str) -> bool:
        """Mostly upper-case letters, or several all-caps words (placeholders like [NAME] removed)."""
        upper = sum(map(str.isupper, text))
        letters = sum(map(str.isalpha, text))
        if upper < 3 or letters < self._shouting.min_letters:
            return False
        if upper / letters >= self._shouting.min_ratio:
            return True
        return len(_CAPS_WORD.findall(text)) >= self._shouting.min_words

    def _calming(self, text: str, compound: float, polite: bool) -> float:
        """Logit taken off for positive sentiment, thanks or laughter, and for a plain question."""
        calming = self._sentiment.positive_weight * max(0.0, compound)
        calming += self._cues["calming"].weight if polite else 0.0
        if "?" in text and _REPEATED_PUNCTUATION.search(text) is None:
            calming += self._question_weight
        return calming

    def _repeat_contribution(
        self, current: _MessageAnalysis, earlier: Sequence[_MessageAnalysis]
    ) -> float:
        """Weight for asking the same thing again, growing with each repeat."""
        repeats = sum(1 for previous in earlier if self._is_same_request(current, previous))
        if not repeats:
            return 0.0
        extra = min(repeats, self._max_repeats) - 1
        return self._history.repeated_request_weight + self._repeat_bonus * extra

    def _is_same_request(self, current: _MessageAnalysis, previous: _MessageAnalysis) -> bool:
        """Token-set Jaccard similarity of content words at or above the configured bar."""
        if min(current.word_count, previous.word_count) < self._history.repeated_request_min_tokens:
            return False
        if not current.tokens or not previous.tokens:
            return False
        overlap = len(current.tokens & previous.tokens) / len(current.tokens | previous.tokens)
        return overlap >= self._history.repeated_request_similarity

    def _earlier_frustration(self, earlier: Sequence[_MessageAnalysis]) -> float:
        """Weight for the most frustrated earlier message, decayed by how long ago it was."""
        neutral = _sigmoid(self._bias)
        decay = self._history.earlier_frustration_decay
        strongest = 0.0
        for distance, previous in enumerate(reversed(earlier)):
            excess = max(0.0, _sigmoid(previous.logit) - neutral) / (1.0 - neutral)
            strongest = max(strongest, excess * decay**distance)
        return self._history.earlier_frustration_weight * strongest
