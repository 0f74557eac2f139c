"""The answers as a versioned rule set (`answers`): the JSON Schema, the checks a schema cannot express,
and the registration. The default answers are in `default_answers.py`; reading them is `book.py`, finding
them `search.py`."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.urls import NoReverseMatch, reverse

from roer.answers.book import PLACEHOLDER, PLACEHOLDERS
from roer.answers.constants import ANSWER_ID_MAX, KEY, AnswerTopic, CallbackPart
from roer.core.rules import Document, RuleSetDefinition, register

_ID = {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": ANSWER_ID_MAX}
_SHORT = {"type": "string", "minLength": 1, "maxLength": 200}
_WORD = {"type": "string", "minLength": 1, "maxLength": 80}

_ANSWER = {
    "type": "object",
    "properties": {
        "id": {**_ID, "description": "stable: meters, feedback and contacts refer to it; never rename one"},
        "topic": {"enum": list(AnswerTopic.values)},
        "question": {**_SHORT, "description": "the question in the tenant's words (Dutch, B1)"},
        "answer": {
            "type": "string",
            "minLength": 20,
            "maxLength": 2000,
            "description": "short plain text; paragraphs apart by an empty line; {telefoon} and "
            "{openingstijden} are filled in from the settings",
        },
        "keywords": {"type": "array", "minItems": 1, "items": _WORD, "description": "words tenants use"},
        "links": {
            "type": "array",
            "maxItems": 4,
            "items": {
                "type": "object",
                "properties": {
                    "url_name": {"type": "string", "pattern": r"^[a-z]+:[a-z0-9_-]+$"},
                    "label": _SHORT,
                },
                "required": ["url_name", "label"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["id", "topic", "question", "answer", "keywords"],
    "additionalProperties": False,
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Answers to tenants' common questions",
    "type": "object",
    "properties": {
        "title": _SHORT,
        "topics": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"id": {"enum": list(AnswerTopic.values)}, "label": _SHORT},
                "required": ["id", "label"],
                "additionalProperties": False,
            },
        },
        "search": {
            "type": "object",
            "properties": {
                "stopwords": {"type": "array", "items": _WORD},
                "synonyms": {
                    "type": "array",
                    "items": {"type": "array", "minItems": 2, "items": _WORD},
                    "description": "groups of words that mean the same to a tenant",
                },
                "min_score": {
                    "type": "number",
                    "minimum": 0.05,
                    "maximum": 1,
                    "description": "the share of the query an answer must cover to be a match",
                },
            },
            "required": ["stopwords", "synonyms", "min_score"],
            "additionalProperties": False,
        },
        "callback": {
            "type": "object",
            "properties": {
                "parts": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"enum": list(CallbackPart.values)},
                    "description": "the parts of the day customer service calls back in",
                },
                "days_ahead": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 20,
                    "description": "how many working days ahead a tenant may choose",
                },
            },
            "required": ["parts", "days_ahead"],
            "additionalProperties": False,
        },
        "answers": {"type": "array", "minItems": 1, "items": _ANSWER},
    },
    "required": ["title", "topics", "search", "callback", "answers"],
    "additionalProperties": False,
}


def _link_problems(where: str, url_name: str) -> list[str]:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return [f"{where}: no page {url_name!r} without arguments"]
    return []


def check(document: Document) -> list[str]:
    """What the schema cannot say: unique ids, known topics, known placeholders and pages that exist."""
    problems: list[str] = []
    topics = Counter(t["id"] for t in document["topics"])
    problems.extend(f"topic {t}: used {n} times; ids must be unique" for t, n in topics.items() if n > 1)
    ids = Counter(a["id"] for a in document["answers"])
    problems.extend(f"answer {a}: used {n} times; ids must be unique" for a, n in ids.items() if n > 1)
    for answer in document["answers"]:
        where = f"answers/{answer['id']}"
        if answer["topic"] not in topics:
            problems.append(f"{where}: topic {answer['topic']!r} is not in the topics list")
        for found in PLACEHOLDER.findall(answer["answer"]):
            if found not in PLACEHOLDERS:
                problems.append(f"{where}: unknown placeholder {found}; known: {', '.join(PLACEHOLDERS)}")
        for link in answer.get("links", []):
            problems.extend(_link_problems(f"{where}/links", link["url_name"]))
    return problems


def default_document() -> Document:
    from roer.answers.default_answers import default_answers

    return default_answers()


DEFINITION = register(
    RuleSetDefinition(
        key=KEY,
        title="Answers to tenants' common questions, and when customer service calls back",
        schema=SCHEMA,
        default=default_document,
        check=check,
    )
)
