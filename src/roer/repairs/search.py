"""Find repair problems from a tenant's own words ("gootsteen verstopt", "cv doet het niet").

Pure and deterministic. The words are normalised the same way on both sides (lowercase, accents
stripped, stopwords dropped, compounds split into known words, a light Dutch stemmer for plurals and
inflections), then each problem is scored on its label, synonyms and place in the tree:

- each query word counts by how rare the word it matched is (an idf weight), times how well it matched
  (exactly 1.0; typed the start of a word 0.8; a known word is the start of it 0.7; a typo within
  difflib's ratio 0.8, scaled down) and where it matched (label 1.0, synonym 0.9, room or element 0.35);
- a label or synonym whose words all occur in the query gets a bonus, the more of the query it covers
  (and the more exactly) the more;
- when the query holds an emergency word (gas, brand, rook, ...) the emergencies rank first.

A search that finds nothing says so (`unmatched`), with the words nobody's problem uses
(`unknown_words`), so the supervisor's meters can count unmet demand.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from roer.repairs.tree import Problem, Tree, default_outcome

LABEL, SYNONYM, CONTEXT = 1.0, 0.9, 0.35
MIN_COVERAGE = 0.25
PHRASE_BONUS = 0.6
EMERGENCY_BOOST = 10.0
SHORT_WORDS = 2  # "cv", "wc", "mv": two letters are enough for a known word

_NON_WORD = re.compile(r"[^a-z0-9]+")
_DOUBLE_VOWEL = re.compile(r"([aeou])\1")


def normalise(text: str) -> list[str]:
    """Lowercase words without accents or punctuation: "Cv-ketel lékt!" -> ["cv", "ketel", "lekt"]."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [w for w in _NON_WORD.split(plain.replace("'", "")) if w]


def stem(word: str) -> str:
    """A light Dutch stemmer, the same on both sides: kranen/kraan -> kran, verstopte -> verstopt."""
    w = word
    for suffix in ("etjes", "tjes", "jes", "tje", "je"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)]
            break
    if w.endswith("en") and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and len(w) > 4 and not w.endswith("ss"):
        w = w[:-1]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    w = _DOUBLE_VOWEL.sub(r"\1", w)
    if w.endswith("z"):
        w = w[:-1] + "s"
    elif w.endswith("v"):
        w = w[:-1] + "f"
    return w


@dataclass(frozen=True)
class Match:
    problem: Problem
    score: float
    emergency: bool

    @property
    def id(self) -> str:
        return self.problem.id

    @property
    def label(self) -> str:
        return self.problem.label


M = TypeVar("M")


class Found(list[M]):
    """The matches, best first; `unmatched` when there are none, with the words nothing knew. The wizard's
    search and the answers' search both return one."""

    def __init__(self, matches: Iterable[M], *, query: str, unknown_words: Iterable[str]):
        super().__init__(matches)
        self.query = query
        self.unknown_words = tuple(unknown_words)

    @property
    def unmatched(self) -> bool:
        return len(self) == 0

    @property
    def best(self) -> M | None:
        return self[0] if self else None


SearchResult = Found[Match]


@dataclass(frozen=True)
class _Entry:
    problem: Problem
    weights: dict[str, float]  # stem -> best field weight
    phrases: tuple[tuple[frozenset[str], float], ...]
    emergency: bool


@dataclass(frozen=True)
class _Index:
    entries: tuple[_Entry, ...]
    words: frozenset[str]  # normalised words, for splitting compounds
    stems: tuple[str, ...]
    idf: dict[str, float]
    stopwords: frozenset[str]
    emergency_words: frozenset[str]


def split_compound(word: str, words: frozenset[str]) -> list[str]:
    """A compound of two known words, e.g. gootsteenafvoer -> gootsteen + afvoer; else [word]."""
    for cut in range(len(word) - SHORT_WORDS, SHORT_WORDS - 1, -1):
        left, right = word[:cut], word[cut:]
        if left in words and right in words:
            return [left, right]
        if left in words and right.startswith("s") and right[1:] in words:  # the linking s
            return [left, right[1:]]
    return [word]


def content_words(text: str, stopwords: frozenset[str]) -> list[str]:
    return [w for w in normalise(text) if w not in stopwords]


def _index(tree: Tree) -> _Index:
    cached = tree.cache.get("search")
    if isinstance(cached, _Index):
        return cached
    stopwords = frozenset(w for s in tree.search_settings["stopwords"] for w in normalise(s))
    emergency_words = frozenset(w for s in tree.search_settings["emergency_words"] for w in normalise(s))
    problems = list(tree.problems.values())
    vocabulary = frozenset(
        w
        for p in problems
        for text in (p.label, *p.synonyms, p.location.label, p.element.label)
        for w in content_words(text, stopwords)
        if len(w) >= SHORT_WORDS
    )
    entries = []
    for p in problems:
        weights: dict[str, float] = {}
        fields = [(p.label, LABEL), *((s, SYNONYM) for s in p.synonyms)]
        fields += [(p.element.label, CONTEXT), (p.location.label, CONTEXT)]
        for text, weight in fields:
            for word in content_words(text, stopwords):
                parts = split_compound(word, vocabulary - {word})
                for part in {word, *parts}:
                    found = weight if part == word else weight * 0.9
                    key = stem(part)
                    weights[key] = max(weights.get(key, 0.0), found)
        phrases = tuple(
            (frozenset(stem(w) for w in content_words(text, stopwords)), 1.0 if text == p.label else 0.95)
            for text in (p.label, *p.synonyms)
        )
        outcome = default_outcome(tree, p.id)
        entries.append(
            _Entry(p, weights, tuple(x for x in phrases if x[0]), outcome.emergency_number is not None)
        )
    frequency: dict[str, int] = defaultdict(int)
    for entry in entries:
        for key in entry.weights:
            frequency[key] += 1
    idf = {key: math.log(1 + len(entries) / n) for key, n in frequency.items()}
    index = _Index(
        entries=tuple(entries),
        words=vocabulary,
        stems=tuple(sorted(idf)),
        idf=idf,
        stopwords=stopwords,
        emergency_words=emergency_words,
    )
    tree.cache["search"] = index
    return index


def _expand(query_stem: str, index: _Index) -> dict[str, float]:
    """The known stems a query stem may mean, with how sure: exact, prefix either way, or a typo."""
    found: dict[str, float] = {}
    if query_stem in index.idf:
        found[query_stem] = 1.0
    if len(query_stem) >= 3:
        for known in index.stems:
            if known != query_stem and known.startswith(query_stem):
                found.setdefault(known, 0.8)
            elif len(known) >= 4 and known != query_stem and query_stem.startswith(known):
                found.setdefault(known, 0.7)
    if len(query_stem) >= 4:
        for known in difflib.get_close_matches(query_stem, index.stems, n=5, cutoff=0.8):
            ratio = difflib.SequenceMatcher(None, query_stem, known).ratio()
            found[known] = max(found.get(known, 0.0), 0.85 * ratio)
    return found


def search(tree: Tree, text: str, limit: int = 10) -> SearchResult:
    """The problems that best match the tenant's words, best first (at most `limit`)."""
    index = _index(tree)
    raw = content_words(text, index.stopwords)
    emergency = any(w in index.emergency_words for w in raw)
    query: list[tuple[str, str]] = []  # (the tenant's word, a stem)
    for word in raw:
        if word in index.words or stem(word) in index.idf:
            query.append((word, stem(word)))
        else:
            query.extend((word, stem(part)) for part in split_compound(word, index.words))
    expansions = [(word, _expand(key, index)) for word, key in query]
    unknown = [word for word, found in expansions if not found]
    unknown_idf = math.log(1 + len(index.entries))
    # What each word can add at most: its exact match's weight if it has one, else its best guess.
    ceilings = [
        index.idf[key]
        if found.get(key) == 1.0
        else max((s * index.idf[k] for k, s in found.items()), default=unknown_idf)
        for (_, key), (_, found) in zip(query, expansions, strict=True)
    ]
    total = sum(ceilings)
    scored: list[tuple[float, int, Match]] = []
    for position, entry in enumerate(index.entries):
        gained = 0.0
        for (_, found), ceiling in zip(expansions, ceilings, strict=True):
            best = max(
                (sure * entry.weights[k] * index.idf[k] for k, sure in found.items() if k in entry.weights),
                default=0.0,
            )
            gained += min(best, ceiling)
        coverage = gained / total if total else 0.0
        if coverage < MIN_COVERAGE:
            continue
        bonus = 0.0
        for phrase, weight in entry.phrases:
            sureness = [max((found.get(k, 0.0) for _, found in expansions), default=0.0) for k in phrase]
            if min(sureness) >= 0.7:
                mean = sum(sureness) / len(sureness)
                bonus = max(bonus, weight * mean * mean * len(phrase) / max(len(phrase), len(query)))
        score = coverage + PHRASE_BONUS * bonus
        if emergency and entry.emergency:
            score += EMERGENCY_BOOST
        scored.append((score, position, Match(entry.problem, round(score, 4), entry.emergency)))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return SearchResult((m for _, _, m in scored[: max(limit, 0)]), query=text, unknown_words=unknown)
