"""The helm: a mode per flow, holds on subjects, and the decisions automation took."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from roer.core.constants import Flow, Mode


class FlowMode(models.Model):
    flow = models.CharField(max_length=30, choices=Flow.choices, unique=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.AUTO)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.flow}: {self.mode}"


class Hold(models.Model):
    """A person has the helm of one subject: no automated step touches it until released or expired."""

    subject_kind = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=40)
    reason = models.TextField()
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True, help_text="Empty: until released.")
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="hold_subject")]

    def __str__(self) -> str:
        return f"hold on {self.subject_kind}#{self.subject_id}"


class Decision(models.Model):
    """One automated step: which rule version decided, on what, with what outcome and why."""

    flow = models.CharField(max_length=30, choices=Flow.choices)
    subject_kind = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=40)
    rule_version = models.ForeignKey(
        "core.RuleVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    inputs = models.JSONField(default=dict)
    outcome = models.CharField(max_length=60)
    reasons = models.JSONField(default=list)
    decided_at = models.DateTimeField(default=timezone.now)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    override_outcome = models.CharField(max_length=60, blank=True)
    override_reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["subject_kind", "subject_id", "decided_at"], name="decision_subject"),
            models.Index(fields=["flow", "decided_at"], name="decision_flow_time"),
        ]

    def __str__(self) -> str:
        return f"{self.flow} {self.subject_kind}#{self.subject_id}: {self.effective_outcome}"

    @property
    def effective_outcome(self) -> str:
        return self.override_outcome or self.outcome
