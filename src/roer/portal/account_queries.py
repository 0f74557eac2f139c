"""Reads for the rent-account pages, scoped to the signed-in tenant.

The access helpers (`tenancies_for_user`, `get_tenancy_for_user`, `get_letter_for_user`) are the one place
these pages reach a tenant's tenancy or letter: anything that is not the user's raises Http404, so another
tenant's id looks exactly like an id that does not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils.formats import date_format

from roer.arrears import selectors as arrears_selectors
from roer.arrears.models import Letter
from roer.core.money import ZERO, euros, format_euros
from roer.ledger import selectors as ledger_selectors
from roer.tenancies.models import Tenancy

MONTHS_SHOWN = 12

# --- access helpers --------------------------------------------------------------------------------


def tenancies_for_user(user: Any) -> QuerySet[Tenancy]:
    """The tenancies this user is a tenant or co-tenant of: running ones first, then the newest."""
    if user is None or getattr(user, "pk", None) is None:
        return Tenancy.objects.none()
    return (
        Tenancy.objects.filter(parties__person__user_id=user.pk)
        .select_related("dwelling")
        .distinct()
        .order_by(F("end_date").desc(nulls_first=True), "-start_date", "-id")
    )


def get_tenancy_for_user(user: Any, tenancy_id: int | str) -> Tenancy:
    try:
        return tenancies_for_user(user).get(pk=int(tenancy_id))
    except (Tenancy.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such tenancy") from exc


def get_letter_for_user(user: Any, letter_id: int | str) -> Letter:
    if user is None or getattr(user, "pk", None) is None:
        raise Http404("No such letter")
    try:
        return (
            Letter.objects.filter(tenancy__parties__person__user_id=user.pk).distinct().get(pk=int(letter_id))
        )
    except (Letter.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such letter") from exc


def current_tenancy_for_user(user: Any, tenancy_id: int | str | None = None) -> Tenancy | None:
    """The tenancy asked for (through the access helper), else the user's running one; None if they have none."""
    if tenancy_id not in (None, ""):
        assert tenancy_id is not None
        return get_tenancy_for_user(user, tenancy_id)
    return tenancies_for_user(user).first()


# --- the rent account ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    date: dt.date
    kind: str
    kind_label: str
    charged: str  # what was added to the account, formatted; empty for a payment
    paid: str  # what came off it, formatted; empty for a charge
    balance: str


@dataclass(frozen=True)
class Bar:
    label: str  # the month, short
    month: str  # the month, long, for the text alternative
    balance: Decimal
    balance_text: str
    amount_text: str  # without sign: the words around it say behind or in advance
    x: float
    y: float
    width: float
    height: float
    arrears: bool
    credit: bool


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    zero_y: float
    label_y: float
    highest: str


@dataclass(frozen=True)
class RentAccount:
    tenancy: Tenancy
    today: dt.date
    balance: Decimal
    balance_text: str  # the amount without sign, formatted
    in_arrears: bool
    in_credit: bool
    monthly_rent: str
    rows: list[EntryRow]
    chart: Chart
    first_shown: dt.date


def _first_of_month(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1)


def _month_end(first: dt.date) -> dt.date:
    return _first_of_month(first, -1) - dt.timedelta(days=1)


CHART_WIDTH = 480
CHART_HEIGHT = 200
CHART_TOP = 10
CHART_BOTTOM = 30  # room for the month labels


def balance_chart(points: list[tuple[dt.date, Decimal]]) -> Chart:
    """Bars of the balance at each month end, drawn on the server as SVG coordinates. Above the zero line:
    arrears; below it: paid in advance."""
    values = [value for _day, value in points]
    top = max([ZERO, *values])
    bottom = min([ZERO, *values])
    span = (top - bottom) or Decimal(1)
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    slot = CHART_WIDTH / max(len(points), 1)

    def y_of(value: Decimal) -> float:
        return round(CHART_TOP + float((top - value) / span) * plot, 1)

    zero_y = y_of(ZERO)
    bars = []
    for n, (day, value) in enumerate(points):
        y = y_of(value)
        bars.append(
            Bar(
                label=date_format(day, "M"),
                month=date_format(day, "F Y"),
                balance=value,
                balance_text=format_euros(value),
                amount_text=format_euros(abs(value)),
                x=round(n * slot + slot * 0.15, 1),
                y=min(y, zero_y),
                width=round(slot * 0.7, 1),
                height=max(abs(y - zero_y), 0.0),
                arrears=value > 0,
                credit=value < 0,
            )
        )
    return Chart(
        bars=bars,
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        zero_y=zero_y,
        label_y=CHART_HEIGHT - 10,
        highest=format_euros(top),
    )


def rent_account(tenancy: Tenancy, today: dt.date) -> RentAccount:
    """The balance today, the monthly rent, the last 12 months of movements (newest first) and the balance at
    each month end. Reads the ledger once."""
    from roer.arrears.selectors_arrangements import monthly_rent_on

    entries = ledger_selectors.entries_of(tenancy_id=tenancy.pk, until=today)
    first_shown = _first_of_month(today, MONTHS_SHOWN - 1)
    month_firsts = [_first_of_month(today, back) for back in range(MONTHS_SHOWN - 1, -1, -1)]
    month_ends = [min(_month_end(first), today) for first in month_firsts]

    running = ZERO
    rows: list[EntryRow] = []
    at_month_end: list[Decimal] = []
    index = 0
    for entry in entries:
        while index < len(month_ends) and entry.date > month_ends[index]:
            at_month_end.append(running)
            index += 1
        running = euros(running + entry.amount)
        if entry.date >= first_shown:
            rows.append(
                EntryRow(
                    date=entry.date,
                    kind=entry.kind,
                    kind_label=str(entry.get_kind_display()),
                    charged=format_euros(entry.amount) if entry.amount > 0 else "",
                    paid=format_euros(-entry.amount) if entry.amount < 0 else "",
                    balance=format_euros(running),
                )
            )
    while index < len(month_ends):
        at_month_end.append(running)
        index += 1
    rows.reverse()

    return RentAccount(
        tenancy=tenancy,
        today=today,
        balance=running,
        balance_text=format_euros(abs(running)),
        in_arrears=running > 0,
        in_credit=running < 0,
        monthly_rent=format_euros(monthly_rent_on(tenancy, today)),
        rows=rows,
        chart=balance_chart(list(zip(month_ends, at_month_end, strict=True))),
        first_shown=first_shown,
    )


# --- letters ---------------------------------------------------------------------------------------


def letters_for_tenancy(tenancy: Tenancy) -> list[Letter]:
    """The tenancy's letters, newest first; call only with a tenancy from `get_tenancy_for_user`."""
    return arrears_selectors.letters_of_tenancy(tenancy.pk)
