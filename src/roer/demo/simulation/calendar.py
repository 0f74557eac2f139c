"""Months, rent increases and direct-debit collection days of the simulated history."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from functools import lru_cache

from roer.core.dates import add_months, next_working_day

# The yearly July increase in basis points (1/100 of a percent), roughly the maxima the government
# allowed for social rent (2021 was a rent freeze). Years not listed get DEFAULT_INCREASE_BP.
# Basis points keep the arithmetic in integers: money is never a float.
JULY_INCREASE_BP: dict[int, int] = {
    2010: 120,
    2011: 130,
    2012: 230,
    2013: 400,
    2014: 400,
    2015: 250,
    2016: 160,
    2017: 130,
    2018: 140,
    2019: 260,
    2020: 260,
    2021: 0,
    2022: 230,
    2023: 310,
    2024: 580,
    2025: 500,
    2026: 410,
}
DEFAULT_INCREASE_BP = 250


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=_calendar.monthrange(day.year, day.month)[1])


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of every month from `first`'s month to `last`'s month, both included."""
    months = []
    current = month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def last_full_month_end(today: dt.date) -> dt.date:
    """The last day of the month before `today`'s month."""
    return month_start(today) - dt.timedelta(days=1)


def history_start_for(*, until: dt.date, years: int) -> dt.date:
    """`years` whole years of months that end with `until`'s month."""
    return add_months(month_start(until), 1 - 12 * years)


def increase_bp(year: int) -> int:
    return JULY_INCREASE_BP.get(year, DEFAULT_INCREASE_BP)


def raised(cents: int, basis_points: int) -> int:
    """`cents` raised by `basis_points`, rounded half up to a cent."""
    return (cents * (10_000 + basis_points) + 5_000) // 10_000


@lru_cache(maxsize=1024)
def collection_day(month: dt.date) -> dt.date:
    """Direct debits are collected on the first working day of the month they pay for."""
    return next_working_day(month)
