"""The journal: one append-only record of everything that happens (DESIGN.md, "The journal")."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from roer.core.constants import ActorKind, Channel


class AppendOnlyError(RuntimeError):
    """The journal is never changed or deleted from; write a new event instead."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("journal events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("journal events cannot be deleted")


class JournalEvent(models.Model):
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    activity = models.CharField(max_length=80)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor_id = models.BigIntegerField(null=True, blank=True)  # no foreign key: the journal outlives accounts
    channel = models.CharField(max_length=3, choices=Channel.choices, blank=True)
    facts = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["activity", "occurred_at"], name="journal_activity_time")]
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.activity}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("journal events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("journal events cannot be deleted")


class JournalSubject(models.Model):
    """What an event is about: a subject's kind (app_label.model) and id."""

    event = models.ForeignKey(JournalEvent, on_delete=models.PROTECT, related_name="subjects")
    kind = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=40)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["kind", "subject_id"], name="journal_subject")]
        constraints = [
            models.UniqueConstraint(fields=["event", "kind", "subject_id"], name="journal_subject_once"),
        ]


class JournalRuleVersion(models.Model):
    """A rule version in force when the event happened."""

    event = models.ForeignKey(JournalEvent, on_delete=models.PROTECT, related_name="rule_versions")
    rule_version = models.ForeignKey("core.RuleVersion", on_delete=models.PROTECT, related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["rule_version", "event"], name="journal_rule_version")]
        constraints = [
            models.UniqueConstraint(fields=["event", "rule_version"], name="journal_rule_version_once"),
        ]
