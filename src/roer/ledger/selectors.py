"""Reads of the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from roer.core.money import ZERO, euros
from roer.ledger.allocation import Allocation, Movement, allocate
from roer.ledger.constants import BankEntryStatus
from roer.ledger.models import BankEntry, LedgerEntry


def balance_on(*, tenancy_id: int, day: dt.date) -> Decimal:
    """What the tenant owes at the end of `day` (negative: paid in advance)."""
    total = LedgerEntry.objects.filter(tenancy_id=tenancy_id, date__lte=day).aggregate(total=Sum("amount"))[
        "total"
    ]
    # SQLite sums decimals as floats; cents are what we mean.
    return euros(total) if total is not None else ZERO


def balances_on(*, day: dt.date) -> dict[int, Decimal]:
    """Every tenancy's balance at the end of `day`, in one query."""
    rows = (
        LedgerEntry.objects.filter(date__lte=day)
        .values("tenancy_id")
        .annotate(total=Sum("amount"))
        .values_list("tenancy_id", "total")
    )
    return {tenancy_id: euros(total) for tenancy_id, total in rows}


def allocation_on(*, tenancy_id: int, day: dt.date) -> Allocation:
    """Open debits at the end of `day`, after allocating payments to the oldest first."""
    movements = [
        Movement(date=date, amount=amount, kind=kind, entry_id=pk)
        for pk, date, amount, kind in LedgerEntry.objects.filter(
            tenancy_id=tenancy_id, date__lte=day
        ).values_list("pk", "date", "amount", "kind")
    ]
    return allocate(movements)


def entries_of(*, tenancy_id: int, until: dt.date | None = None) -> list[LedgerEntry]:
    entries = LedgerEntry.objects.filter(tenancy_id=tenancy_id)
    if until is not None:
        entries = entries.filter(date__lte=until)
    return list(entries.order_by("date", "id"))


def unmatched_bank_entries() -> list[BankEntry]:
    return list(
        BankEntry.objects.filter(status=BankEntryStatus.UNMATCHED)
        .select_related("statement")
        .order_by("booking_date")
    )
