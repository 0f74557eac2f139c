"""A tenant's own payment history, as plain data, and the measurements taken from it (pure).

What goes in is only what the ledger and the tenancy show: movements, dates, household changes and
arrangements. Nationality, origin, religion, age and neighbourhood have no field here on purpose: they are
never inputs to the assessment (issue 3; a test guards it). Age and neighbourhood are used only afterwards,
to check the outcomes for fairness.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from roer.core.money import ZERO
from roer.ledger.constants import EntryKind


@dataclass(frozen=True)
class LedgerMovement:
    date: dt.date
    amount: Decimal  # effect on what is owed: charges and returned debits positive, payments negative
    kind: str  # EntryKind
    method: str = ""  # PaymentChannel, for payments
    return_reason: str = ""  # SEPA reason code, for returned direct debits


@dataclass(frozen=True)
class HouseholdChange:
    date: dt.date
    kind: str  # MembershipEnd: moved_out, care_home, divorce, deceased


@dataclass(frozen=True)
class ArrangementRecord:
    started_on: dt.date
    ended_on: dt.date | None = None
    broken_on: dt.date | None = None  # the first missed instalment

    def active_on(self, day: dt.date) -> bool:
        if day < self.started_on:
            return False
        if self.broken_on is not None and self.broken_on <= day:
            return False
        return self.ended_on is None or day < self.ended_on


@dataclass(frozen=True)
class PaymentHistory:
    """Everything the assessment may look at. Anything dated after `as_of` is ignored, so a decision can
    be replayed for any past date."""

    as_of: dt.date
    tenancy_start: dt.date
    ledger_start: dt.date  # the first date in the ledger; later than tenancy_start after an ERP migration
    monthly_rent: Decimal  # gross rent now
    movements: tuple[LedgerMovement, ...]
    household_changes: tuple[HouseholdChange, ...] = ()
    arrangements: tuple[ArrangementRecord, ...] = ()

    def __post_init__(self) -> None:
        if self.monthly_rent <= 0:
            raise ValueError("monthly_rent must be positive")

    def seen_movements(self) -> list[LedgerMovement]:
        return sorted((m for m in self.movements if m.date <= self.as_of), key=lambda m: m.date)

    def seen_household_changes(self) -> list[HouseholdChange]:
        return sorted((c for c in self.household_changes if c.date <= self.as_of), key=lambda c: c.date)

    def seen_arrangements(self) -> list[ArrangementRecord]:
        return [a for a in self.arrangements if a.started_on <= self.as_of]

    @property
    def ledger_covers_tenancy(self) -> bool:
        # A month's slack: a ledger that starts with the first rent charge still covers the tenancy.
        return self.ledger_start <= self.tenancy_start + dt.timedelta(days=31)


# --- dates -------------------------------------------------------------------------------------


def full_years(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(0, years)


def months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# --- the balance through time ----------------------------------------------------------------------


class BalanceLine:
    """What is owed at the end of each day, from rent-related movements only. Collection costs are left
    out: they are not payment behaviour, and not principal."""

    def __init__(self, movements: Iterable[LedgerMovement]):
        self.dates: list[dt.date] = []
        self.balances: list[Decimal] = []
        balance = ZERO
        for movement in sorted(movements, key=lambda m: m.date):
            if movement.kind == EntryKind.COST:
                continue
            balance += movement.amount
            if self.dates and self.dates[-1] == movement.date:
                self.balances[-1] = balance
            else:
                self.dates.append(movement.date)
                self.balances.append(balance)

    def at(self, day: dt.date) -> Decimal:
        index = bisect.bisect_right(self.dates, day) - 1
        return self.balances[index] if index >= 0 else ZERO

    def cleared_from(self, limit: Decimal, *, on_or_after: dt.date, before: dt.date | None) -> dt.date | None:
        """The first day in [on_or_after, before) from which at most `limit` is owed for the rest of that
        period. A debit that is paid and then returned does not count as paid on the day it was collected."""
        cleared = on_or_after if self.at(on_or_after) <= limit else None
        index = bisect.bisect_right(self.dates, on_or_after)
        while index < len(self.dates) and (before is None or self.dates[index] < before):
            if self.balances[index] > limit:
                cleared = None
            elif cleared is None:
                cleared = self.dates[index]
            index += 1
        return cleared

    def highest(self, start: dt.date, end: dt.date) -> Decimal:
        """The most owed at the end of any day in [start, end)."""
        highest = self.at(start)
        low = bisect.bisect_right(self.dates, start)
        high = bisect.bisect_left(self.dates, end)
        return max([highest, *self.balances[low:high]])


# --- months --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthRecord:
    """One rent charge and how it was paid."""

    due: dt.date
    next_due: dt.date | None
    cleared_on: dt.date | None  # from this day on nothing (or a negligible amount) was owed; None: not yet
    carried: bool | None  # still owed the day before the next charge: arrears carried over; None: open

    @property
    def days_late(self) -> int | None:
        """Days after the due date until paid, when paid before the next charge."""
        if self.cleared_on is None or (self.next_due is not None and self.cleared_on >= self.next_due):
            return None
        return (self.cleared_on - self.due).days

    def on_time(self, grace_days: int) -> bool:
        late = self.days_late
        return late is not None and late <= grace_days and self.carried is not True


def month_records(
    movements: Sequence[LedgerMovement], balance: BalanceLine, *, as_of: dt.date, negligible: Decimal
) -> list[MonthRecord]:
    dues = sorted({m.date for m in movements if m.kind == EntryKind.CHARGE and m.amount > 0})
    records = []
    for index, due in enumerate(dues):
        next_due = dues[index + 1] if index + 1 < len(dues) else None
        cleared = balance.cleared_from(negligible, on_or_after=due, before=next_due)
        # Still owed the day before the next charge: the arrears were carried into the next month.
        carried = None if next_due is None else balance.at(next_due - dt.timedelta(days=1)) > negligible
        records.append(MonthRecord(due=due, next_due=next_due, cleared_on=cleared, carried=carried))
    return records


@dataclass(frozen=True)
class Episode:
    """Months in a row whose rent was carried into the next month."""

    first_due: dt.date
    last_due: dt.date


def episodes(records: Sequence[MonthRecord]) -> list[Episode]:
    found: list[Episode] = []
    start: MonthRecord | None = None
    previous: MonthRecord | None = None
    for record in records:
        if record.carried:
            start = start or record
        elif start is not None and previous is not None:
            found.append(Episode(first_due=start.due, last_due=previous.due))
            start = None
        previous = record
    if start is not None and previous is not None:
        found.append(Episode(first_due=start.due, last_due=previous.due))
    return found


def on_time_streak(records: Sequence[MonthRecord], grace_days: int) -> int:
    """Months in a row on time, counted back from the last month given."""
    streak = 0
    for record in reversed(records):
        if not record.on_time(grace_days):
            break
        streak += 1
    return streak


def payment_offset(day: dt.date) -> int:
    """Days after the nearest first of a month: a payment on the 28th is 3 or 4 days early (negative)."""
    if day.day <= 15:
        return day.day - 1
    next_first = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (day - next_first).days
