"""Versioned rules: each rule set has draft, published and retired versions; one is live."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from roer.core.constants import RuleVersionStatus


class RuleSet(models.Model):
    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.key


class RuleVersion(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=RuleVersionStatus.choices, default=RuleVersionStatus.DRAFT
    )
    document = models.JSONField()
    schema = models.JSONField(help_text="The JSON Schema the document was validated against.")
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["rule_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "number"], name="rule_version_number_once"),
            models.UniqueConstraint(
                fields=["rule_set"],
                condition=Q(status=RuleVersionStatus.PUBLISHED),
                name="one_live_rule_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"

    @property
    def label(self) -> str:
        return f"{self.rule_set.key} v{self.number}"
