"""Reads about the simulated corporation: its runs, data that is not the simulation's, a fingerprint."""

from __future__ import annotations

import hashlib

from django.db.models import Count, Sum

from roer.demo.models import LifeEvent, PaymentProfile, SimulationRun
from roer.ledger.models import LedgerEntry
from roer.tenancies.models import (
    Complex,
    DebtMeasure,
    Dwelling,
    HouseholdMember,
    Person,
    Rent,
    Tenancy,
    TenancyParty,
)


def latest_run() -> SimulationRun | None:
    return SimulationRun.objects.order_by("-pk").first()


def foreign_data() -> list[str]:
    """What in the database the simulation did not make (a real corporation's data must never be wiped)."""
    found = []
    tenancies = Tenancy.objects.filter(demo_payment_profile__isnull=True).count()
    if tenancies:
        found.append(f"{tenancies:,} tenancies")
    dwellings = Dwelling.objects.exclude(tenancies__demo_payment_profile__isnull=False).count()
    if dwellings:
        found.append(f"{dwellings:,} dwellings")
    return found


def demo_fingerprint() -> dict[str, object]:
    """Counts, the ledger's total and a hash over the identifying fields: equal for equal builds."""
    counts = {
        model._meta.label: model.objects.count()
        for model in (
            Complex,
            Dwelling,
            Tenancy,
            Person,
            Rent,
            TenancyParty,
            HouseholdMember,
            DebtMeasure,
            LedgerEntry,
            PaymentProfile,
            LifeEvent,
        )
    }
    digest = hashlib.sha256()
    for tenancy in Tenancy.objects.order_by("reference").values_list(
        "reference",
        "dwelling__reference",
        "dwelling__postcode",
        "start_date",
        "end_date",
        "iban",
        "payment_reference",
        "mandate_id",
        "payment_method",
    ):
        digest.update(repr(tenancy).encode())
    for person in Person.objects.order_by("name", "birth_date", "email").values_list(
        "name", "birth_date", "email", "died_on"
    ):
        digest.update(repr(person).encode())
    for event in LifeEvent.objects.order_by("tenancy__reference", "date", "kind").values_list(
        "tenancy__reference", "kind", "date"
    ):
        digest.update(repr(event).encode())
    by_kind = dict(
        LedgerEntry.objects.values("kind").annotate(n=Count("id")).order_by("kind").values_list("kind", "n")
    )
    total = LedgerEntry.objects.aggregate(total=Sum("amount"))["total"]
    return {
        "counts": counts,
        "ledger_by_kind": by_kind,
        "ledger_total": str(total),
        "hash": digest.hexdigest(),
    }
