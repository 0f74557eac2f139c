"""The tenant's timeline as an inline SVG chart: pure geometry from `queries.TimelineData`, no database.

The chart has a balance line (a step line: what was owed at the end of each day) above five lanes of
markers: payments, returned debits (with their reason code), letters and costs, contacts, household changes.
Each lane has a label and its own shape, so colour is never the only signal; the template adds a text
summary (`<desc>`) and the chronological list below is the full text alternative.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from roer.console.queries import EventKind, TimelineData, TimelineEvent
from roer.core.money import ZERO, format_euros

WIDTH = 960
LEFT = 150  # room for lane labels and amounts
RIGHT = 16
TOP = 28
PLOT_HEIGHT = 170
LANE_TOP = TOP + PLOT_HEIGHT + 24
LANE_HEIGHT = 26
LANES = (
    (EventKind.PAYMENT,),
    (EventKind.RETURN,),
    (EventKind.LETTER, EventKind.COST),
    (EventKind.CONTACT,),
    (EventKind.HOUSEHOLD,),
)


def _lane_labels() -> tuple[str, ...]:
    return (
        _("Payments"),
        _("Returned debits"),
        _("Letters and costs"),
        _("Contacts"),
        _("Household"),
    )


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    kind: str
    title: str
    code: str = ""
    hollow: bool = False


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Lane:
    y: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    path: str
    zero_y: float
    max_label: str
    max_y: float
    balance_label_y: float  # between the top amount and € 0, so the lane label never sits on an amount
    min_label: str
    min_y: float
    start_x: float
    start_label: str
    pre_ledger_width: float  # the part of the tenancy before the ledger began (0: none)
    lanes: list[Lane] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    summary: str = ""


def _year_step(years: int) -> int:
    for step in (1, 2, 5, 10):
        if years / step <= 12:
            return step
    return 20


def _event_title(event: TimelineEvent) -> str:
    parts = [event.day.strftime("%d-%m-%Y"), event.label]
    if event.amount is not None:
        parts.append(format_euros(event.amount))
    if event.code:
        parts.append(event.code)
    if event.detail:
        parts.append(event.detail)
    if event.succeeded is not None:
        parts.append(_("reached") if event.succeeded else _("not reached"))
    return " · ".join(parts)


def build_chart(data: TimelineData) -> Chart:
    start = min(data.tenancy_start, data.ledger_start or data.tenancy_start)
    end = max(data.today, start + dt.timedelta(days=30))
    span = (end - start).days or 1
    plot_right = WIDTH - RIGHT
    plot_width = plot_right - LEFT
    bottom = TOP + PLOT_HEIGHT

    def x(day: dt.date) -> float:
        return round(LEFT + (day - start).days / span * plot_width, 1)

    balances = [amount for _day, amount in data.balance] or [ZERO]
    high = max(max(balances), Decimal("100.00"))
    low = min(min(balances), ZERO)
    scale = high - low or Decimal(1)

    def y(amount: Decimal) -> float:
        return round(TOP + float((high - amount) / scale) * PLOT_HEIGHT, 1)

    path = ""
    if data.balance:
        first_day, first_amount = data.balance[0]
        path = f"M{x(first_day)} {y(ZERO)} V{y(first_amount)}"
        for day, amount in data.balance[1:]:
            path += f" H{x(day)} V{y(amount)}"
        path += f" H{x(end)}"

    lanes = [
        Lane(y=LANE_TOP + index * LANE_HEIGHT + LANE_HEIGHT / 2, label=label)
        for index, label in enumerate(_lane_labels())
    ]
    lane_of = {kind: lanes[index].y for index, kinds in enumerate(LANES) for kind in kinds}
    markers = [
        Marker(
            x=x(event.day),
            y=lane_of[event.kind],
            kind=event.kind,
            title=_event_title(event),
            code=event.code,
            hollow=event.succeeded is False,
        )
        for event in data.events
        if event.kind in lane_of
    ]

    step = _year_step(end.year - start.year)
    ticks = [
        Tick(x=x(dt.date(year, 1, 1)), label=str(year))
        for year in range(start.year + 1, end.year + 1)
        if (year - start.year) % step == 0 or step == 1
    ]
    ledger_start = data.ledger_start
    pre_ledger = x(ledger_start) - x(start) if ledger_start and ledger_start > data.tenancy_start else 0.0

    counts: dict[str, int] = {}
    for event in data.events:
        counts[event.kind] = counts.get(event.kind, 0) + 1
    now_balance = balances[-1]
    summary = _(
        "Tenant since %(start)s. Balance %(from)s: highest %(high)s, now %(now)s. "
        "%(payments)d payments, %(returns)d returned debits, %(letters)d letters, %(costs)d cost bookings, "
        "%(contacts)d contacts, %(household)d household changes."
    ) % {
        "start": data.tenancy_start.strftime("%d-%m-%Y"),
        "from": (
            _("from %(day)s") % {"day": ledger_start.strftime("%d-%m-%Y")}
            if ledger_start
            else _("(no ledger entries)")
        ),
        "high": format_euros(max(balances)),
        "now": format_euros(now_balance),
        "payments": counts.get(EventKind.PAYMENT, 0),
        "returns": counts.get(EventKind.RETURN, 0),
        "letters": counts.get(EventKind.LETTER, 0),
        "costs": counts.get(EventKind.COST, 0),
        "contacts": counts.get(EventKind.CONTACT, 0),
        "household": counts.get(EventKind.HOUSEHOLD, 0),
    }
    if pre_ledger:
        assert ledger_start is not None
        summary += " " + _(
            "The ledger starts in %(ledger)d; the tenancy began in %(start)d, so the years before are not shown."
        ) % {"ledger": ledger_start.year, "start": data.tenancy_start.year}

    return Chart(
        width=WIDTH,
        height=int(LANE_TOP + len(lanes) * LANE_HEIGHT + 24),
        plot_left=LEFT,
        plot_right=plot_right,
        plot_top=TOP,
        plot_bottom=bottom,
        path=path,
        zero_y=y(ZERO),
        max_label=format_euros(high),
        max_y=y(high),
        balance_label_y=round((y(high) + y(ZERO)) / 2, 1),
        min_label=format_euros(low),
        min_y=y(low),
        start_x=x(data.tenancy_start),
        start_label=_("Tenant since %(year)d") % {"year": data.tenancy_start.year},
        pre_ledger_width=round(pre_ledger, 1),
        lanes=lanes,
        markers=markers,
        ticks=ticks,
        summary=summary,
    )
