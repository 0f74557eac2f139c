"""Payment histories for the tests, month by month, as a tenant would have lived them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from roer.arrears.history import LedgerMovement
from roer.core.dates import add_months

RENT = Decimal("750.00")
Payments = Callable[[dt.date], Iterable[LedgerMovement]]


def charge(due: dt.date, amount: Decimal = RENT) -> LedgerMovement:
    return LedgerMovement(date=due, amount=amount, kind="charge")


def payment(day: dt.date, amount: Decimal = RENT, method: str = "transfer") -> LedgerMovement:
    return LedgerMovement(date=day, amount=-amount, kind="payment", method=method)


def returned(day: dt.date, code: str, amount: Decimal = RENT) -> LedgerMovement:
    return LedgerMovement(date=day, amount=amount, kind="return", return_reason=code)


def pays_early(due: dt.date) -> list[LedgerMovement]:
    """By transfer, four days before the first."""
    return [payment(due - dt.timedelta(days=4))]


def direct_debit(due: dt.date) -> list[LedgerMovement]:
    return [payment(due + dt.timedelta(days=2), method="direct_debit")]


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first of each month from `first` up to and including `last`'s month."""
    found, due = [], first.replace(day=1)
    while due <= last:
        found.append(due)
        due = add_months(due, 1)
    return found


def ledger(
    first: dt.date,
    last: dt.date,
    pays: Payments = pays_early,
    *,
    unpaid: Iterable[dt.date] = (),
    special: dict[dt.date, list[LedgerMovement]] | None = None,
    rent: Decimal = RENT,
) -> tuple[LedgerMovement, ...]:
    """A charge on each first; the tenant pays as `pays` says, except for the months in `unpaid` and
    those in `special`, which get exactly the movements given."""
    special = special or {}
    skipped = set(unpaid)
    movements: list[LedgerMovement] = []
    for due in months(first, last):
        movements.append(charge(due, rent))
        if due in special:
            movements.extend(special[due])
        elif due not in skipped:
            movements.extend(pays(due))
    return tuple(movements)
