"""Find answers from a tenant's own words ("wanneer gaat de huur omhoog", "huurtoeslag aanvragen").

Pure and deterministic, built like the repair wizard's search (`roer.repairs.search`) and sharing its
normalising and stemming: lowercase, accents stripped, stopwords dropped, compounds split into known words,
a light Dutch stemmer. Each answer is scored on its question, keywords, topic and text:

- each query word counts by how rare the word it matched is (an idf weight), times how well it matched
  (exactly 1.0; through a synonym group 0.9; typed the start of a word 0.8; a known word is the start of
  it 0.7; a typo within difflib's ratio 0.8, scaled down) and where it matched (question 1.0, keyword 0.9,
  topic 0.35, answer text 0.25);
- a keyword or the question whose words all occur in the query gets a bonus, the more of the query it
  covers the more;
- an answer that covers less than the document's `min_score` of the query is not a match.

A search that finds nothing says so (`unmatched`): the portal journals `matched: false` and keeps the
words, without any link to who typed them, so the supervisor can group unmet demand.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from roer.answers.book import Answer, Book

# The wizard's Dutch word handling (normalising, stemming, compounds) serves the answers too.
from roer.repairs.search import Found, content_words, normalise, split_compound, stem

QUESTION, KEYWORD, TOPIC, TEXT = 1.0, 0.9, 0.35, 0.25
SYNONYM_SURENESS = 0.9
PHRASE_BONUS = 0.6
SHORT_WORDS = 2


@dataclass(frozen=True)
class Match:
    answer: Answer
    score: float

    @property
    def id(self) -> str:
        return self.answer.id


SearchResult = Found[Match]


@dataclass(frozen=True)
class _Entry:
    answer: Answer
    weights: dict[str, float]  # stem -> best field weight
    phrases: tuple[tuple[frozenset[str], float], ...]


@dataclass(frozen=True)
class _Index:
    entries: tuple[_Entry, ...]
    words: frozenset[str]
    stems: tuple[str, ...]
    idf: dict[str, float]
    stopwords: frozenset[str]
    synonyms: dict[str, frozenset[str]]  # stem -> the other stems of its groups
    min_score: float


def normalised_text(text: str) -> str:
    """The words of a query as the search reads them, joined: for grouping unmet demand."""
    return " ".join(normalise(text))


def _index(book: Book) -> _Index:
    cached = book.cache.get("search")
    if isinstance(cached, _Index):
        return cached
    settings = book.search_settings
    stopwords = frozenset(w for s in settings["stopwords"] for w in normalise(s))
    answers = list(book.answers.values())
    vocabulary = frozenset(
        w
        for a in answers
        for text in (a.question, *a.keywords, a.topic.label)
        for w in content_words(text, stopwords)
        if len(w) >= SHORT_WORDS
    )
    entries = []
    for a in answers:
        weights: dict[str, float] = {}
        fields = [(a.question, QUESTION), *((k, KEYWORD) for k in a.keywords)]
        fields += [(a.topic.label, TOPIC), (a.text, TEXT)]
        for text, weight in fields:
            for word in content_words(text, stopwords):
                parts = split_compound(word, vocabulary - {word})
                for part in {word, *parts}:
                    found = weight if part == word else weight * 0.9
                    key = stem(part)
                    weights[key] = max(weights.get(key, 0.0), found)
        phrases = tuple(
            (frozenset(stem(w) for w in content_words(text, stopwords)), weight)
            for text, weight in ((a.question, 0.9), *((k, 1.0) for k in a.keywords))
        )
        entries.append(_Entry(a, weights, tuple(x for x in phrases if x[0])))
    frequency: dict[str, int] = defaultdict(int)
    for entry in entries:
        for key in entry.weights:
            frequency[key] += 1
    idf = {key: math.log(1 + len(entries) / n) for key, n in frequency.items()}
    synonyms: dict[str, set[str]] = defaultdict(set)
    for group in settings.get("synonyms", []):
        stems = {stem(w) for text in group for w in content_words(text, stopwords)}
        for key in stems:
            synonyms[key] |= stems - {key}
    index = _Index(
        entries=tuple(entries),
        words=vocabulary,
        stems=tuple(sorted(idf)),
        idf=idf,
        stopwords=stopwords,
        synonyms={k: frozenset(v) for k, v in synonyms.items()},
        min_score=float(settings["min_score"]),
    )
    book.cache["search"] = index
    return index


def _expand(query_stem: str, index: _Index) -> dict[str, float]:
    """The known stems a query stem may mean, with how sure: exact, a synonym, a prefix, or a typo."""
    found: dict[str, float] = {}
    if query_stem in index.idf:
        found[query_stem] = 1.0
    for other in index.synonyms.get(query_stem, ()):
        if other in index.idf:
            found[other] = max(found.get(other, 0.0), SYNONYM_SURENESS)
    if len(query_stem) >= 3:
        for known in index.stems:
            if known != query_stem and known.startswith(query_stem):
                found.setdefault(known, 0.8)
            elif len(known) >= 4 and known != query_stem and query_stem.startswith(known):
                found.setdefault(known, 0.7)
    if len(query_stem) >= 4 and not found:
        for known in difflib.get_close_matches(query_stem, index.stems, n=5, cutoff=0.8):
            ratio = difflib.SequenceMatcher(None, query_stem, known).ratio()
            found[known] = max(found.get(known, 0.0), 0.85 * ratio)
    return found


def search(book: Book, text: str, limit: int = 5) -> SearchResult:
    """The answers that best match the tenant's words, best first (at most `limit`)."""
    index = _index(book)
    raw = content_words(text, index.stopwords)
    query: list[tuple[str, str]] = []  # (the tenant's word, a stem)
    for word in raw:
        if word in index.words or stem(word) in index.idf or stem(word) in index.synonyms:
            query.append((word, stem(word)))
        else:
            query.extend((word, stem(part)) for part in split_compound(word, index.words))
    expansions = [(word, _expand(key, index)) for word, key in query]
    unknown = [word for word, found in expansions if not found]
    unknown_idf = math.log(1 + len(index.entries))
    ceilings = [
        max((s * index.idf[k] for k, s in found.items()), default=unknown_idf) for _, found in expansions
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
        if coverage < index.min_score:
            continue
        bonus = 0.0
        for phrase, weight in entry.phrases:
            sureness = [max((found.get(k, 0.0) for _, found in expansions), default=0.0) for k in phrase]
            if min(sureness) >= 0.7:
                mean = sum(sureness) / len(sureness)
                bonus = max(bonus, weight * mean * mean * len(phrase) / max(len(phrase), len(query)))
        score = coverage + PHRASE_BONUS * bonus
        scored.append((score, position, Match(entry.answer, round(score, 4))))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return SearchResult((m for _, _, m in scored[: max(limit, 0)]), query=text, unknown_words=unknown)


def replay(book: Book, texts: Iterable[str]) -> list[tuple[str, str | None]]:
    """Each text with the answer a (draft) book would give it first, or None: for trying a new version on
    the searches that found nothing before it goes live."""
    return [(text, best.id if (best := search(book, text, limit=1).best) else None) for text in texts]
