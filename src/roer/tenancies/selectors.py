"""Reads of tenancies, for this app and for the apps above it (ledger, arrears)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import Prefetch, Q, QuerySet

from roer.core.csvfiles import chunked
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import Rent, Tenancy, TenancyParty

IN_BATCH = 1000  # bound the parameters of one IN (...) on every database


def tenancy_ids_by_reference(references: Iterable[str]) -> dict[str, int]:
    """The ids of the tenancies with these references; unknown references are left out."""
    found: dict[str, int] = {}
    for batch in chunked(sorted(set(references)), IN_BATCH):
        found.update(Tenancy.objects.filter(reference__in=batch).values_list("reference", "id"))
    return found


def tenancies_active_between(*, first: dt.date, last: dt.date) -> QuerySet[Tenancy]:
    """Tenancies running on at least one day from `first` to `last`, with their rents and main tenant."""
    return (
        Tenancy.objects.filter(start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .prefetch_related(
            Prefetch("rents", queryset=Rent.objects.order_by("valid_from")),
            Prefetch(
                "parties",
                queryset=TenancyParty.objects.filter(role=PartyRole.TENANT)
                .select_related("person")
                .order_by("id"),
                to_attr="main_parties",
            ),
        )
        .order_by("reference")
    )


def rent_valid_on(rents: Sequence[Rent], day: dt.date) -> Rent | None:
    """The latest rent row on or before `day` (rows in any order)."""
    valid = [rent for rent in rents if rent.valid_from <= day]
    return max(valid, key=lambda rent: rent.valid_from) if valid else None


def tenancy_ids_by_payment_reference(references: Iterable[str]) -> dict[str, int]:
    """Tenancy ids by their structured payment reference, upper case."""
    found: dict[str, int] = {}
    for batch in chunked(sorted(set(references)), IN_BATCH):
        found.update(
            (str(reference).upper(), pk)
            for reference, pk in Tenancy.objects.filter(payment_reference__in=batch).values_list(
                "payment_reference", "pk"
            )
        )
    return found


def tenancy_periods_by_iban(ibans: Iterable[str]) -> list[tuple[int, str, dt.date, dt.date | None]]:
    """(id, iban as stored, start, end) of the tenancies paying from these IBANs, as stored."""
    rows: list[tuple[int, str, dt.date, dt.date | None]] = []
    for batch in chunked(sorted(set(ibans)), IN_BATCH):
        rows.extend(
            Tenancy.objects.filter(iban__in=batch).values_list("pk", "iban", "start_date", "end_date")
        )
    return rows


def tenancy_ids_by_mandate(mandate_ids: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for batch in chunked(sorted(set(mandate_ids)), IN_BATCH):
        found.update(Tenancy.objects.filter(mandate_id__in=batch).values_list("mandate_id", "pk"))
    return found
