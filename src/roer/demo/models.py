"""The simulated corporation's bookkeeping and its ground truth.

`PaymentProfile` and `LifeEvent` record what the generator decided, so later work can measure how
well the product finds atypical arrears. The product never reads them (nothing imports `roer.demo`).
"""

from __future__ import annotations

from django.db import models

from roer.demo.constants import LifeEventKind, PaymentBehaviour


class SimulationRun(models.Model):
    """One build of the simulated corporation, with the parameters it was built from."""

    dwellings = models.PositiveIntegerField()
    years = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField()
    history_start = models.DateField(help_text="The first day of the simulated ledger.")
    until = models.DateField(help_text="The last day of the simulated ledger.")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"demo seed={self.seed} dwellings={self.dwellings} years={self.years}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class PaymentProfile(models.Model):
    tenancy = models.OneToOneField(
        "tenancies.Tenancy", on_delete=models.CASCADE, related_name="demo_payment_profile"
    )
    behaviour = models.CharField(max_length=12, choices=PaymentBehaviour.choices)
    pay_day_offset = models.SmallIntegerField(
        default=0,
        help_text="Usual payment day relative to the 1st of the month (negative: the month before).",
    )

    def __str__(self) -> str:
        return f"{self.tenancy_id}: {self.behaviour}"


class LifeEvent(models.Model):
    tenancy = models.ForeignKey(
        "tenancies.Tenancy", on_delete=models.CASCADE, related_name="demo_life_events"
    )
    kind = models.CharField(max_length=24, choices=LifeEventKind.choices)
    date = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["tenancy", "date"]
        indexes = [models.Index(fields=["kind", "date"], name="demo_life_event_kind_date")]

    def __str__(self) -> str:
        return f"{self.tenancy_id}: {self.kind} on {self.date}"
