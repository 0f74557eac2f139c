"""The answers rule document, parsed: topics and answers, and how an answer's text reads on a page.

Pure: nothing here touches the database. The document is validated by `answers.rules` before it is ever
stored, so parsing trusts its shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Document = dict[str, Any]

# Texts may name the corporation's phone number and office hours; they come from the settings, so a
# changed number needs no new rule version.
PLACEHOLDERS = ("{telefoon}", "{openingstijden}")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


class UnknownAnswer(LookupError):
    """The live answers have no answer with this id."""


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str


@dataclass(frozen=True)
class Topic:
    id: str
    label: str


@dataclass(frozen=True)
class Answer:
    id: str
    topic: Topic
    question: str
    text: str
    keywords: tuple[str, ...]
    links: tuple[Link, ...]

    def paragraphs(self, *, phone: str, office_hours: str) -> list[str]:
        """The answer as paragraphs, with the phone number and office hours filled in."""
        filled = self.text.replace("{telefoon}", phone).replace("{openingstijden}", office_hours)
        return [" ".join(p.split()) for p in filled.split("\n\n") if p.strip()]


@dataclass(frozen=True)
class Book:
    title: str
    topics: tuple[Topic, ...]
    answers: Mapping[str, Answer]
    search_settings: Mapping[str, Any]
    callback: Mapping[str, Any]
    # Derived data (the search index), built once per parsed book.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_document(cls, document: Document) -> Book:
        topics = {t["id"]: Topic(t["id"], t["label"]) for t in document["topics"]}
        answers = {
            a["id"]: Answer(
                id=a["id"],
                topic=topics[a["topic"]],
                question=a["question"],
                text=a["answer"],
                keywords=tuple(a["keywords"]),
                links=tuple(Link(link["url_name"], link["label"]) for link in a.get("links", [])),
            )
            for a in document["answers"]
        }
        return cls(
            title=document["title"],
            topics=tuple(topics.values()),
            answers=answers,
            search_settings=dict(document["search"]),
            callback=dict(document["callback"]),
        )

    def answer(self, answer_id: str) -> Answer:
        try:
            return self.answers[answer_id]
        except KeyError:
            raise UnknownAnswer(answer_id) from None

    def by_topic(self) -> list[tuple[Topic, list[Answer]]]:
        """Every topic that has answers, in the document's order, with its answers in order."""
        grouped: list[tuple[Topic, list[Answer]]] = []
        for topic in self.topics:
            found = [a for a in self.answers.values() if a.topic.id == topic.id]
            if found:
                grouped.append((topic, found))
        return grouped
