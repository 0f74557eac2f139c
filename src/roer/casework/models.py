"""A social manager's cases, the contact moments with a household, and the notes on a case.

Shaped after VERA and Klantinteracties (klantcontact: kanaal, onderwerp, inhoud, indicatieContactGelukt,
plaatsgevondenOp). Free text lives here, never in the journal.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roer.casework.constants import (
    MAX_PRIORITY,
    MIN_PRIORITY,
    CaseOutcome,
    CaseStatus,
    ContactTopic,
    Direction,
    NoteCategory,
)
from roer.core.constants import Channel
from roer.core.subjects import SubjectRef


class Case(models.Model):
    """The social manager's case about one tenancy. At most one is open per tenancy."""

    tenancy = models.ForeignKey("tenancies.Tenancy", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    priority = models.PositiveSmallIntegerField(default=MIN_PRIORITY, help_text=_("0 (low) to 100 (high)."))
    reasons = models.JSONField(
        default=list, blank=True, help_text=_("Plain-language lines: why this household needs a person.")
    )
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: opened by the system's signal."),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    referred_to_debt_help_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=30, choices=CaseOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenancy"],
                condition=Q(status=CaseStatus.OPEN),
                name="casework_one_open_case_per_tenancy",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=MIN_PRIORITY) & Q(priority__lte=MAX_PRIORITY),
                name="casework_case_priority_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=CaseStatus.OPEN, closed_at__isnull=True, outcome="")
                    | (Q(status=CaseStatus.CLOSED, closed_at__isnull=False) & ~Q(outcome=""))
                ),
                name="casework_case_closed_with_outcome",
            ),
        ]
        indexes = [models.Index(fields=["status", "-priority", "opened_at"], name="casework_case_queue")]

    def __str__(self) -> str:
        return f"case #{self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    @property
    def tenancy_subject(self) -> SubjectRef:
        """The tenancy as a journal subject, without loading its row."""
        tenancy_model = cast("type[models.Model]", self._meta.get_field("tenancy").related_model)
        return SubjectRef(kind=tenancy_model._meta.label_lower, id=str(self.tenancy_id))


class ContactMoment(models.Model):
    """One contact with a household, successful or only attempted (VERA contactmoment)."""

    tenancy = models.ForeignKey("tenancies.Tenancy", on_delete=models.PROTECT, related_name="contact_moments")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="contact_moments"
    )
    channel = models.CharField(max_length=3, choices=Channel.choices)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    happened_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    succeeded = models.BooleanField(help_text=_("VERA/Klantinteracties: indicatieContactGelukt."))
    topic = models.CharField(max_length=20, choices=ContactTopic.choices)
    # What the contact was about, by the ids the portal's steps use, so the meters can see a tenant who
    # phones about what they just looked at in the portal (a channel switch).
    problem_id = models.CharField(
        max_length=60, blank=True, help_text=_("For a repair: the repair wizard's problem id.")
    )
    answer_id = models.CharField(max_length=60, blank=True, help_text=_("For a question: the answer's id."))
    summary = models.TextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["tenancy", "happened_at"], name="casework_contact_tenancy")]
        ordering = ["-happened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.direction} {self.happened_at:%Y-%m-%d %H:%M}"


class CaseNote(models.Model):
    """A note on a case. Health and family notes are protected: see `casework.access`."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    category = models.CharField(max_length=10, choices=NoteCategory.choices, default=NoteCategory.GENERAL)
    text = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["case", "category", "created_at"], name="casework_note_case")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.category} note #{self.pk}"
