"""The collections meters in money and the arrangements kept (docs/meters.md, "Collections").

Money is stored in whole cents in MeterDay's integer columns and becomes Decimal euros only on screen.
Each day is a fixed number of aggregate queries, whatever the number of tenancies or events: the arrears
share reads the ledger and the rents (one grouped query per neighbourhood), the costs and arrangements
read the day's journal events (one grouped query each).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from roer.accounts.constants import Role
from roer.arrears.constants import ArrangementStatus
from roer.core.dates import local_date
from roer.ledger.models import LedgerEntry
from roer.supervision.meter_base import Meter, Rollup, Row, Rows, Unit, day_events
from roer.tenancies.models import Rent, Tenancy

MONEY = "money"  # a Unit: whole cents in the rollup, euros on screen
MONTHS_PER_YEAR = 12
AMOUNT = DecimalField(max_digits=14, decimal_places=2)


def cents(amount: Decimal | float | int | None) -> int:
    """Whole cents of an amount the database summed (SQLite may hand back a float for a decimal sum)."""
    if amount is None:
        return 0
    exact = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    return int((exact * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class StockShare(Meter):
    """A share of two stocks on the period's last day (arrears over annual rent): `Rollup.LAST`, and
    still a ratio rather than the numerator alone."""

    def value(self, numerator: int, denominator: int) -> Decimal | None:
        if not denominator:
            return None
        return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))


def _in_force(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def arrears_share(start: dt.datetime, end: dt.datetime) -> list[Row]:
    """One query: per neighbourhood, the tenancies in force with their balance and monthly rent on the day
    (correlated sub-queries on the ledger's (tenancy, date) index and the rents), summed in the database."""
    day = local_date(start)
    balance = Subquery(
        LedgerEntry.objects.filter(tenancy=OuterRef("pk"), date__lte=day)
        .order_by()
        .values("tenancy")
        .annotate(total=Sum("amount"))
        .values("total")[:1],
        output_field=AMOUNT,
    )
    monthly_rent = Subquery(
        Rent.objects.filter(tenancy=OuterRef("pk"), valid_from__lte=day)
        .order_by("-valid_from")
        .annotate(gross=F("base_rent") + F("service_charges"))
        .values("gross")[:1],
        output_field=AMOUNT,
    )
    rows = (
        Tenancy.objects.filter(_in_force(day))
        .annotate(balance=Coalesce(balance, Value(Decimal(0)), output_field=AMOUNT), monthly=monthly_rent)
        .values(neighbourhood=F("dwelling__neighbourhood"))
        .annotate(
            arrears=Sum(
                Case(When(balance__gt=0, then=F("balance")), default=Value(Decimal(0))), output_field=AMOUNT
            ),
            in_arrears=Count("pk", filter=Q(balance__gt=0)),
            rent=Sum("monthly"),
        )
        .order_by()
    )
    out = Rows()
    for r in rows:
        numbers = (cents(r["arrears"]), cents(r["rent"]) * MONTHS_PER_YEAR, r["in_arrears"])
        out.add("", "", None, *numbers)
        out.add("neighbourhood", r["neighbourhood"], None, *numbers)
    return out.rows()


def collection_costs(start: dt.datetime, end: dt.datetime) -> list[Row]:
    """The WIK costs charged (the amount booked) and waived (the costs the final notice stated), in cents;
    `extra` counts the episodes. The headline is what was charged."""
    amount = Cast(KT("facts__amount"), AMOUNT)
    stated = Cast(KT("facts__costs_stated"), AMOUNT)
    rows = (
        day_events(("collection_costs_charged", "collection_costs_waived"), start, end)
        .annotate(money=Case(When(activity="collection_costs_charged", then=amount), default=stated))
        .values("activity")
        .annotate(total=Sum("money", output_field=AMOUNT), n=Count("id"))
    )
    out = Rows()
    for r in rows:
        charged = r["activity"] == "collection_costs_charged"
        kind = "charged" if charged else "waived"
        out.add("kind", kind, None, cents(r["total"]), 0, r["n"])
        if charged:
            out.add("", "", None, cents(r["total"]), 0, r["n"])
    return out.rows()


def arrangements_kept(start: dt.datetime, end: dt.datetime) -> list[Row]:
    """Arrangements that ended that day: completed (paid off: `arrangement_completed`, or ended by staff
    as completed) over all that ended (completed, or cancelled by staff). A turned-down request never ran
    and does not count. One query."""
    rows = (
        day_events(("arrangement_completed", "arrangement_ended"), start, end)
        .values("activity", to=KT("facts__to"), reason=KT("facts__end_reason"))
        .annotate(n=Count("id"))
    )
    out = Rows()
    per_reason: dict[str, int] = defaultdict(int)
    for r in rows:
        completed = r["activity"] == "arrangement_completed" or r["to"] == ArrangementStatus.ENDED
        out.add("", "", None, r["n"] if completed else 0, r["n"])
        per_reason[r["reason"] or ""] += r["n"]
    ended = sum(per_reason.values())
    for reason, n in per_reason.items():
        out.add("end_reason", reason, None, n, ended)
    return out.rows()


COLLECTIONS_METERS: tuple[Meter, ...] = (
    StockShare(
        key="arrears_share",
        name=_("Arrears as a share of annual rent"),
        definition=_(
            "What the tenants of the tenancies in force owe at the end of the day (the sum of the positive "
            "ledger balances, collection costs included) as a share of their annual rent (the monthly "
            "rent in force that day, service charges included, times 12). The period shows its last day. "
            "The target of at most 1.5% is the corporation's choice."
        ),
        unit=Unit.SHARE,
        target=Decimal("1.5"),
        higher_is_better=False,
        rollup=Rollup.LAST,
        owner=Role.COLLECTIONS_OFFICER,
        compute=arrears_share,
        breakdowns=(("neighbourhood", _("Per neighbourhood")),),
    ),
    Meter(
        key="collection_costs",
        name=_("Collection costs charged"),
        definition=_(
            "The statutory collection costs (WIK) booked on tenants' ledgers, in euros, summed over the "
            "period; per kind also the costs waived by staff (the amount the final notice stated). The "
            "letters and bailiff proposals are counted in the 'Tenancies in arrears' meter."
        ),
        unit=MONEY,
        rollup=Rollup.SUM,
        higher_is_better=False,
        owner=Role.COLLECTIONS_OFFICER,
        compute=collection_costs,
        breakdowns=(("kind", _("Charged and waived")),),
    ),
    Meter(
        key="arrangements_kept",
        name=_("Payment arrangements kept"),
        definition=_(
            "Payment arrangements that ended completed (paid off), as a share of all arrangements that "
            "ended that day: completed, or cancelled by staff (after missed instalments, uncollectable, "
            "debt relief, or not suitable). A request that was turned down never ran and is not counted. "
            "The target of at least 80% is the corporation's choice."
        ),
        unit=Unit.SHARE,
        target=Decimal("80"),
        owner=Role.SOCIAL_MANAGER,
        compute=arrangements_kept,
        breakdowns=(("end_reason", _("Share of the ended arrangements per end reason")),),
    ),
)
