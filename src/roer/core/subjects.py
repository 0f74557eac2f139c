"""A subject is anything an event, hold or decision is about, referred to by kind and id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.db import models


@dataclass(frozen=True)
class SubjectRef:
    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}#{self.id}"


class HasSubjectRef(Protocol):
    @property
    def subject_ref(self) -> SubjectRef: ...


Subject = models.Model | SubjectRef


def subject_ref(subject: Subject) -> SubjectRef:
    if isinstance(subject, SubjectRef):
        return subject
    if subject.pk is None:
        raise ValueError(f"{subject!r} must be saved before it can be a subject")
    return SubjectRef(kind=subject._meta.label_lower, id=str(subject.pk))
