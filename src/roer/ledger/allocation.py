"""Payments are allocated to the oldest open charge first (pure; no database)."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from roer.core.money import ZERO


@dataclass(frozen=True)
class Movement:
    date: dt.date
    amount: Decimal  # effect on what is owed: debits positive, credits negative
    kind: str = ""
    entry_id: int | None = None


@dataclass(frozen=True)
class OpenItem:
    """What remains unpaid of one debit."""

    date: dt.date
    original: Decimal
    remaining: Decimal
    kind: str
    entry_id: int | None


@dataclass(frozen=True)
class Allocation:
    open_items: tuple[OpenItem, ...]
    unallocated_credit: Decimal  # paid in advance or overpaid

    @property
    def arrears(self) -> Decimal:
        return sum((item.remaining for item in self.open_items), ZERO)

    @property
    def oldest_open(self) -> OpenItem | None:
        return self.open_items[0] if self.open_items else None

    @property
    def balance(self) -> Decimal:
        return self.arrears - self.unallocated_credit


def allocate(movements: Iterable[Movement]) -> Allocation:
    """Allocate credits to debits, oldest debit first; a credit before a debit waits for it."""
    debits: deque[list] = deque()  # [movement, remaining]
    credit = ZERO
    for movement in sorted(movements, key=lambda m: (m.date, m.amount < 0, m.entry_id or 0)):
        if movement.amount > 0:
            remaining = movement.amount
            if credit > 0:
                used = min(credit, remaining)
                credit -= used
                remaining -= used
            if remaining > 0:
                debits.append([movement, remaining])
        elif movement.amount < 0:
            credit += -movement.amount
            while credit > 0 and debits:
                oldest = debits[0]
                used = min(credit, oldest[1])
                oldest[1] -= used
                credit -= used
                if oldest[1] == 0:
                    debits.popleft()
    return Allocation(
        open_items=tuple(
            OpenItem(date=m.date, original=m.amount, remaining=rest, kind=m.kind, entry_id=m.entry_id)
            for m, rest in debits
        ),
        unallocated_credit=credit,
    )
