"""The process supervisor's meters: the dashboard (a card per meter) and a meter's breakdowns.

Both pages read only the rollups (roer.supervision.meter_selectors), never the journal itself, so they stay
fast on millions of events; the one exception is a meter page's handful of example requests, one query
bounded by the period. Charts are server-drawn SVG with CSS classes only: no script, no inline style.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from roer.accounts.access import role_required
from roer.accounts.constants import Role
from roer.arrears.constants import ArrangementEndReason
from roer.casework.constants import ContactTopic
from roer.console.forms_period import PeriodForm
from roer.core.constants import Channel
from roer.core.dates import start_of_day
from roer.core.money import format_euros
from roer.repairs.constants import OrderFlag, WizardStep
from roer.repairs.models import Contractor
from roer.supervision import meter_selectors
from roer.supervision.meter_selectors import Card, Figure, Period
from roer.supervision.meters import Meter, Rollup, Unit, example_requests
from roer.supervision.meters_collections import MONEY, StockShare

MAX_DAYS = 366
SPARK_WIDTH, SPARK_HEIGHT = 120, 32
BAR_WIDTH = 300


class MeterFilterForm(PeriodForm):
    """The period (default: the last 28 days) and, optionally, one rule version."""

    longest_days = MAX_DAYS
    too_long = gettext_lazy("Choose a period of at most a year.")

    def period(self) -> tuple[Period, int | None]:
        default = meter_selectors.default_period(timezone.localdate())
        if not self.is_valid():
            return default, None
        first = self.cleaned_data.get("date_from")
        last = self.cleaned_data.get("date_to")
        if first is None and last is None:
            period = default
        elif first is None and last is not None:
            period = Period(first=last - dt.timedelta(days=meter_selectors.DEFAULT_DAYS - 1), last=last)
        elif first is not None and last is None:
            period = Period(first=first, last=min(first + dt.timedelta(days=MAX_DAYS - 1), default.last))
            if period.last < first:
                period = Period(first=first, last=first)
        else:
            assert first is not None and last is not None
            period = Period(first=first, last=last)
        return period, self.cleaned_data.get("version")


@dataclass(frozen=True)
class Spark:
    points: str
    dots: list[tuple[float, float]]
    target_y: float | None
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT


def sparkline(meter: Meter, series: list[Decimal | None]) -> Spark:
    """A polyline over the days with a value; a dashed target line when the meter has a target."""
    known = [v for v in series if v is not None]
    top = max([*known, meter.target or Decimal(0), Decimal(1)])
    bottom = min([*known, meter.target or Decimal(0), Decimal(0)])
    span = (top - bottom) or Decimal(1)
    step = SPARK_WIDTH / max(len(series) - 1, 1)

    def y(value: Decimal) -> float:
        return round(float(2 + (SPARK_HEIGHT - 4) * (1 - (value - bottom) / span)), 1)

    dots = [(round(i * step, 1), y(v)) for i, v in enumerate(series) if v is not None]
    points = " ".join(f"{x},{yy}" for x, yy in dots)
    target_y = y(meter.target) if meter.target is not None else None
    return Spark(points=points, dots=dots if len(dots) == 1 else [], target_y=target_y)


def _display(meter: Meter, figure: Figure) -> str:
    if figure.value is None:
        return "–"
    if meter.unit == MONEY:
        return format_euros(figure.value / 100)
    if meter.rollup != Rollup.RATIO and meter.unit != Unit.SHARE:
        return number_format(figure.value, decimal_pos=0)
    # As many places as the meter rounds to: 1 for most shares, 2 for the arrears share.
    places = max(0, -int(figure.value.as_tuple().exponent))
    shown = number_format(figure.value, decimal_pos=places)
    return f"{shown}%" if meter.unit == Unit.SHARE else shown


_KIND_LABELS = {
    "cancelled": gettext_lazy("Cancelled"),
    "repeat": gettext_lazy("Repeat request within 30 days"),
    "overridden": gettext_lazy("Decision overridden by staff"),
    "callback": gettext_lazy("Callback request"),
    "charged": gettext_lazy("Charged"),
    "waived": gettext_lazy("Waived"),
}


def _labeller(dimension: str, values: list[str]) -> dict[str, str]:
    """Readable labels for a breakdown's codes (steps, channels, flags, topics, contractors)."""
    labels: dict[str, str] = {}
    if dimension == "contractor":
        ids = [int(v) for v in values if v.isdigit()]
        labels = {
            str(pk): name for pk, name in Contractor.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    choices: dict[str, str] = {str(k): str(v) for k, v in _KIND_LABELS.items()}
    for enum in (WizardStep, Channel, OrderFlag, ContactTopic):
        choices.update({str(value): str(label) for value, label in enum.choices})
    choices.update({str(value): str(label) for value, label in ArrangementEndReason.choices})
    if dimension in ("step", "channel", "via", "kind", "topic", "end_reason"):
        labels = {v: choices[v] for v in values if v in choices}
    return labels


@dataclass(frozen=True)
class CardView:
    card: Card
    display: str
    spark: Spark
    owner: str
    counts: str = ""  # the figure's parts in words, when the template's generic line does not fit


def _counts(meter: Meter, figure: Figure) -> str:
    if isinstance(meter, StockShare):
        return _("%(owed)s owed of %(rent)s annual rent, on the last day of the period") % {
            "owed": format_euros(Decimal(figure.numerator) / 100),
            "rent": format_euros(Decimal(figure.denominator) / 100),
        }
    if meter.unit == MONEY:
        return ngettext(
            "%(n)s episode, summed over the period", "%(n)s episodes, summed over the period", figure.extra
        ) % {"n": figure.extra}
    return ""


def _card_view(card: Card) -> CardView:
    return CardView(
        card=card,
        display=_display(card.meter, card.figure),
        spark=sparkline(card.meter, card.series),
        owner=str(Role(card.meter.owner).label),
        counts=_counts(card.meter, card.figure),
    )


def _filters(request: HttpRequest) -> tuple[MeterFilterForm, Period, int | None]:
    form = MeterFilterForm(request.GET or None, versions=meter_selectors.rule_versions())
    period, version = form.period()
    return form, period, version


@role_required(Role.PROCESS_SUPERVISOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    form, period, version = _filters(request)
    cards = [_card_view(card) for card in meter_selectors.dashboard(period, version)]
    return render(
        request,
        "console/meters/dashboard.html",
        {"form": form, "period": period, "cards": cards, "query": request.GET.urlencode()},
    )


@dataclass(frozen=True)
class BarRow:
    value: str
    label: str
    figure: Figure
    display: str
    width: float
    y: int


def _bars(meter: Meter, dimension: str, rows: list[tuple[str, Figure]]) -> list[BarRow]:
    """Bars of the meter's value (a share against 100%, a grade against 10) when every row has a
    denominator; else bars of the counts, against the largest."""
    stock = isinstance(meter, StockShare)
    ratios = (meter.rollup == Rollup.RATIO or stock) and all(f.denominator for _v, f in rows)
    scale: Decimal | None = None
    if ratios and stock:  # a small share (arrears of rent): against the largest, not against 100%
        scale = max([Decimal(0), *(f.value or Decimal(0) for _v, f in rows)]) or Decimal(1)
    elif ratios:
        scale = (
            Decimal(100) if meter.unit == Unit.SHARE else Decimal(10) if meter.unit == Unit.GRADE else None
        )
    if scale is None:
        ratios = False
        scale = Decimal(max([f.numerator for _v, f in rows] + [1]))
    labels = _labeller(dimension, [value for value, _f in rows])
    bars = []
    for i, (value, figure) in enumerate(rows):
        amount = (figure.value or Decimal(0)) if ratios else Decimal(figure.numerator)
        shown = _display(meter, figure) if ratios or meter.unit == MONEY else str(figure.numerator)
        width = round(float(BAR_WIDTH * min(Decimal(1), amount / scale)), 1)
        label = labels.get(value, value or "–")
        bars.append(
            BarRow(value=value or "–", label=label, figure=figure, display=shown, width=width, y=i * 22)
        )
    return bars


@role_required(Role.PROCESS_SUPERVISOR)
def meter_detail(request: HttpRequest, key: str) -> HttpResponse:
    meter = meter_selectors.meter(key)
    if meter is None:
        raise Http404("no such meter")
    form, period, version = _filters(request)
    card = next(c for c in meter_selectors.dashboard(period, version) if c.meter.key == key)
    sections = [
        {"breakdown": b, "bars": _bars(meter, b.dimension, b.rows), "height": max(len(b.rows), 1) * 22}
        for b in meter_selectors.breakdowns(meter, period, version)
    ]
    examples = example_requests(
        key, start_of_day(period.first), start_of_day(period.last + dt.timedelta(days=1))
    )
    return render(
        request,
        "console/meters/detail.html",
        {
            "form": form,
            "period": period,
            "card": _card_view(card),
            "meter": meter,
            "sections": sections,
            "examples": examples,
            "bar_width": BAR_WIDTH,
            "query": request.GET.urlencode(),
        },
    )
