"""What the retention run did: one row per tenancy whose personal data it anonymised, so a second run
leaves it alone and the corporation can show when its data went."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Anonymisation(models.Model):
    tenancy = models.OneToOneField(
        "tenancies.Tenancy", on_delete=models.PROTECT, related_name="anonymisation"
    )
    anonymised_at = models.DateTimeField(default=timezone.now)
    retention_years = models.PositiveSmallIntegerField(
        help_text=_("The retention period in force when the data was anonymised.")
    )
    persons_anonymised = models.PositiveSmallIntegerField(
        default=0, help_text=_("Persons of this tenancy with no other tenancy still within retention.")
    )

    def __str__(self) -> str:
        return f"tenancy {self.tenancy_id} anonymised {self.anonymised_at:%Y-%m-%d}"
