"""`roer charge_rent --month YYYY-MM`: charge each running tenancy its gross rent for the month, once.

Pro rata: a tenancy that runs the whole month pays the full gross rent. One that starts or ends
within the month pays for its days only: gross rent x days / days in the month, rounded half up to
cents, at the rent valid on its first day in the month. The charge is dated the first of the month,
or the start date for a tenancy that starts later in it, so nobody owes rent before they moved in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from roer.core import journal
from roer.core.csvfiles import chunked
from roer.core.dates import add_months
from roer.core.money import ZERO, euros
from roer.core.subjects import SubjectRef
from roer.ledger.constants import EntryKind, EntrySource
from roer.ledger.models import LedgerEntry
from roer.tenancies.selectors import rent_valid_on, tenancies_active_between

if TYPE_CHECKING:
    from roer.tenancies.models import Rent

logger = structlog.get_logger(__name__)

BATCH_SIZE = 2000


class LedgerOwnedByErp(Exception):
    """With the ERP as master of the rent ledger, Roer charges nothing itself (DESIGN.md, Runtime)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The ERP owns the rent ledger (ROER_LEDGER_OWNER=erp): Roer does not charge rent. "
                "Import the ERP's charges with `roer import_ledger` instead."
            )
        )


def ledger_owned_by_roer() -> bool:
    return settings.LEDGER_OWNER == "roer"


@dataclass(frozen=True)
class MonthCharge:
    date: dt.date
    amount: Decimal
    days: int
    month_days: int

    @property
    def pro_rata(self) -> bool:
        return self.days != self.month_days


def last_day_of(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def month_charge(
    *,
    start_date: dt.date,
    end_date: dt.date | None,
    gross_rent_on: Callable[[dt.date], Decimal | None],
    month: dt.date,
) -> MonthCharge | None:
    """What a tenancy owes for `month` (pure). `gross_rent_on(day)` gives the gross rent on a day, or None."""
    first, last = month.replace(day=1), last_day_of(month)
    begins = max(first, start_date)
    ends = min(last, end_date) if end_date else last
    if begins > ends:
        return None
    gross = gross_rent_on(begins)
    if gross is None:
        return None
    days, month_days = (ends - begins).days + 1, (last - first).days + 1
    amount = gross if days == month_days else euros(gross * days / month_days)
    return MonthCharge(date=begins, amount=amount, days=days, month_days=month_days)


@dataclass
class RentRunResult:
    month: dt.date
    charged: int = 0
    already_charged: int = 0
    pro_rata: int = 0
    total_amount: Decimal = ZERO
    skipped: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month.strftime("%Y-%m"),
            "charged": self.charged,
            "already_charged": self.already_charged,
            "pro_rata": self.pro_rata,
            "total_amount": str(self.total_amount),
            "skipped": self.skipped,
        }


def _gross_rent_lookup(rents: Sequence[Rent]) -> Callable[[dt.date], Decimal | None]:
    def gross_rent_on(day: dt.date) -> Decimal | None:
        rent = rent_valid_on(rents, day)
        return rent.gross_rent if rent is not None else None

    return gross_rent_on


def rent_charge_month(*, month: dt.date) -> RentRunResult:
    """Charge the month's rent to every tenancy running in it; a second run charges nothing again."""
    if not ledger_owned_by_roer():
        raise LedgerOwnedByErp()
    month = month.replace(day=1)
    result = RentRunResult(month=month)
    with transaction.atomic():
        # The unique constraint rent_charged_once_per_month is the lock: a concurrent run fails and
        # rolls back whole, and running again then finds every charge in place.
        charged = set(
            LedgerEntry.objects.filter(
                kind=EntryKind.CHARGE, source=EntrySource.ROER, period=month
            ).values_list("tenancy_id", flat=True)
        )
        new: list[LedgerEntry] = []
        tenancies = tenancies_active_between(first=month, last=last_day_of(month))
        for tenancy in tenancies.iterator(chunk_size=BATCH_SIZE):
            if tenancy.pk in charged:
                result.already_charged += 1
                continue
            charge = month_charge(
                start_date=tenancy.start_date,
                end_date=tenancy.end_date,
                gross_rent_on=_gross_rent_lookup(list(tenancy.rents.all())),
                month=month,
            )
            if charge is None or charge.amount <= 0:
                reason = "no_rent" if charge is None else "zero_rent"
                result.skipped.append({"tenancy": tenancy.reference, "reason": reason})
                continue
            new.append(
                LedgerEntry(
                    tenancy_id=tenancy.pk,
                    date=charge.date,
                    kind=EntryKind.CHARGE,
                    amount=charge.amount,
                    period=month,
                    reference=f"{month:%Y-%m}",
                    source=EntrySource.ROER,
                )
            )
            result.charged += 1
            result.pro_rata += charge.pro_rata
            result.total_amount += charge.amount
        for batch in chunked(new, BATCH_SIZE):
            LedgerEntry.objects.bulk_create(batch)
        journal.record(
            activity="rent_charged",
            subjects=[SubjectRef("ledger.rent_run", f"{month:%Y-%m}")],
            facts={
                "month": f"{month:%Y-%m}",
                "charged": result.charged,
                "already_charged": result.already_charged,
                "pro_rata": result.pro_rata,
                "skipped": len(result.skipped),
                "total_amount": result.total_amount,
            },
        )
    logger.info(
        "rent_charged",
        month=f"{month:%Y-%m}",
        charged=result.charged,
        already_charged=result.already_charged,
        total_amount=str(result.total_amount),
    )
    return result
