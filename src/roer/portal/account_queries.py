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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roer.arrears import selectors as arrears_selectors
from roer.arrears.models import Letter
from roer.core.money import ZERO, euros, format_euros
from roer.ledger import selectors as ledger_selectors
from roer.ledger.constants import EntryKind, PaymentChannel, ReturnReason
from roer.ledger.models import LedgerEntry
from roer.tenancies.models import Person, Tenancy

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


def person_name_for(user: Any) -> str:
    """The name on the user's own person record, to fill in as the account holder; empty if none."""
    if user is None or getattr(user, "pk", None) is None:
        return ""
    return Person.objects.filter(user_id=user.pk).values_list("name", flat=True).first() or ""


# --- the rent account ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    date: dt.date
    kind: str
    kind_label: str  # what the movement is, in words: "Rent for March 2026", "Payment by direct debit"
    charged: str  # what was added to the account, formatted; empty for a payment
    paid: str  # what came off it, formatted; empty for a charge
    balance: str
    explanation: str = ""  # for a returned direct debit: why, and what to do, in plain words
    action: str = ""  # a next step the page links to: "change_iban", "sign_up" or "call"


# A returned direct debit, as the tenant reads it (the reason codes of DOMAIN.md), and the next step the
# page links to. The amount of a returned debit is owed again; the words say so where it helps.
_BACK_ON_ACCOUNT = gettext_lazy("The amount is back on your rent account: please pay it by transfer.")
RETURN_WORDS: dict[str, tuple[Any, str]] = {
    ReturnReason.AM04: (
        gettext_lazy("There was not enough money in the account, so your bank did not pay it."),
        "call",
    ),
    ReturnReason.MD06: (gettext_lazy("You asked your bank to pay this direct debit back to you."), ""),
    ReturnReason.MS02: (gettext_lazy("The account holder refused this direct debit at the bank."), ""),
    ReturnReason.MD07: (
        gettext_lazy(
            "The bank told us that the account holder has died. We are sorry for your loss. Please call us: "
            "we will arrange the rent with you."
        ),
        "call",
    ),
    ReturnReason.AC04: (
        gettext_lazy("The bank account is closed. Give us your new account number."),
        "change_iban",
    ),
    ReturnReason.AC06: (gettext_lazy("The bank account is blocked, so your bank could not pay."), "call"),
    ReturnReason.AC01: (
        gettext_lazy("The account number we have is not right. Give us the right one."),
        "change_iban",
    ),
    ReturnReason.MD01: (
        gettext_lazy(
            "Your bank has no valid permission from you for this direct debit. You can give it again."
        ),
        "sign_up",
    ),
    ReturnReason.MS03: (gettext_lazy("Your bank sent this direct debit back without giving a reason."), ""),
    ReturnReason.SL01: (
        gettext_lazy("Your bank blocks direct debits from us, perhaps because you asked it to."),
        "",
    ),
}
_RETURN_UNKNOWN = gettext_lazy("Your bank sent this direct debit back.")


def return_explanation(code: str) -> tuple[str, str]:
    """Why a direct debit came back and what to do next, in plain words; and the next step's link."""
    words, action = RETURN_WORDS.get((code or "").strip().upper(), (_RETURN_UNKNOWN, ""))
    if code == ReturnReason.MD07:
        return str(words), action
    return f"{words} {_BACK_ON_ACCOUNT}", action


_PAYMENT_LABELS: dict[str, Any] = {
    PaymentChannel.DIRECT_DEBIT: gettext_lazy("Payment by direct debit"),
    PaymentChannel.TRANSFER: gettext_lazy("Payment by transfer"),
    PaymentChannel.IDEAL: gettext_lazy("Payment by iDEAL"),
    PaymentChannel.CASH: gettext_lazy("Payment in cash"),
}


def entry_label(entry: LedgerEntry) -> str:
    if entry.kind == EntryKind.CHARGE and entry.period is not None:
        return _("Rent for %(month)s") % {"month": date_format(entry.period, "F Y")}
    if entry.kind == EntryKind.PAYMENT and entry.method in _PAYMENT_LABELS:
        return str(_PAYMENT_LABELS[entry.method])
    if entry.kind == EntryKind.RETURN:
        return _("Direct debit sent back by your bank")
    return str(entry.get_kind_display())


def entry_row(entry: LedgerEntry, balance: Decimal) -> EntryRow:
    explanation, action = (
        return_explanation(entry.return_reason) if entry.kind == EntryKind.RETURN else ("", "")
    )
    return EntryRow(
        date=entry.date,
        kind=entry.kind,
        kind_label=entry_label(entry),
        charged=format_euros(entry.amount) if entry.amount > 0 else "",
        paid=format_euros(-entry.amount) if entry.amount < 0 else "",
        balance=format_euros(balance),
        explanation=explanation,
        action=action,
    )


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
    showing_all: bool = False
    earlier_count: int = 0  # movements before `first_shown`, not listed unless all are asked for
    earlier_balance_text: str = ""  # the balance just before `first_shown`, formatted with sign


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


def rent_account(tenancy: Tenancy, today: dt.date, *, show_all: bool = False) -> RentAccount:
    """The balance today, the monthly rent, the last 12 months of movements (every movement with `show_all`),
    newest first, and the balance at each month end. Reads the ledger once."""
    from roer.arrears.selectors_arrangements import monthly_rent_on

    entries = ledger_selectors.entries_of(tenancy_id=tenancy.pk, until=today)
    first_shown = _first_of_month(today, MONTHS_SHOWN - 1)
    if show_all and entries:
        first_shown = min(first_shown, entries[0].date)
    month_firsts = [_first_of_month(today, back) for back in range(MONTHS_SHOWN - 1, -1, -1)]
    month_ends = [min(_month_end(first), today) for first in month_firsts]

    running = ZERO
    rows: list[EntryRow] = []
    at_month_end: list[Decimal] = []
    index = 0
    earlier_count = 0
    earlier_balance = ZERO
    for entry in entries:
        while index < len(month_ends) and entry.date > month_ends[index]:
            at_month_end.append(running)
            index += 1
        running = euros(running + entry.amount)
        if entry.date >= first_shown:
            rows.append(entry_row(entry, running))
        else:
            earlier_count += 1
            earlier_balance = running
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
        showing_all=show_all,
        earlier_count=earlier_count,
        earlier_balance_text=format_euros(earlier_balance),
    )


# --- letters ---------------------------------------------------------------------------------------


def letters_for_tenancy(tenancy: Tenancy) -> list[Letter]:
    """The tenancy's letters, newest first; call only with a tenancy from `get_tenancy_for_user`."""
    return arrears_selectors.letters_of_tenancy(tenancy.pk)


# --- the direct debit ------------------------------------------------------------------------------


def monthly_rent(tenancy: Tenancy, day: dt.date) -> Decimal:
    """The gross rent on `day`, for the direct-debit pages' "how to pay by transfer"."""
    from roer.arrears.selectors_arrangements import monthly_rent_on

    return monthly_rent_on(tenancy, day)
