"""Reading the meters: only MeterDay rows (the rollups), never the journal, so the dashboard stays fast."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from roer.core.constants import RuleVersionStatus
from roer.core.models import RuleVersion
from roer.supervision.fairness import DIMENSIONS, FAIRNESS, RATES, GroupCount
from roer.supervision.meters import BY_KEY, METERS, Meter, Rollup, Unit
from roer.supervision.meters_collections import StockShare
from roer.supervision.models import MeterDay

DEFAULT_DAYS = 28


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def default_period(today: dt.date, days: int = DEFAULT_DAYS) -> Period:
    """The last `days` complete days before today."""
    last = today - dt.timedelta(days=1)
    return Period(first=last - dt.timedelta(days=days - 1), last=last)


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int
    extra: int
    value: Decimal | None

    @property
    def extra_share(self) -> Decimal | None:
        """`extra` as a percentage of the denominator (the share of grades below 6, say)."""
        if not self.denominator:
            return None
        return (Decimal(self.extra) * 100 / Decimal(self.denominator)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Card:
    meter: Meter
    figure: Figure
    met: bool | None
    series: list[Decimal | None]


def _figure(meter: Meter, numerator: int, denominator: int, extra: int) -> Figure:
    return Figure(numerator, denominator, extra, meter.value(numerator, denominator))


def _scope(period: Period, rule_version_id: int | None) -> Q:
    scope = Q(day__gte=period.first, day__lte=period.last)
    if rule_version_id is not None:
        scope &= Q(rule_version_id=rule_version_id)
    return scope


def _summed(meter: Meter, per_day: dict[dt.date, tuple[int, int, int]], period: Period) -> Figure:
    if meter.rollup == Rollup.LAST:
        num, den, extra = per_day.get(period.last, (0, 0, 0))
        return _figure(meter, num, den, extra)
    sums = [sum(values) for values in zip(*per_day.values(), strict=True)] or [0, 0, 0]
    return _figure(meter, *sums)


def dashboard(period: Period, rule_version_id: int | None = None) -> list[Card]:
    """Every meter over the period, with its daily series: one query over the rollups."""
    rows = (
        MeterDay.objects.filter(
            _scope(period, rule_version_id), meter__in=[m.key for m in METERS], dimension=""
        )
        .values("meter", "day")
        .annotate(num=Sum("numerator"), den=Sum("denominator"), extra=Sum("extra"))
        .order_by()
    )
    per_meter: dict[str, dict[dt.date, tuple[int, int, int]]] = defaultdict(dict)
    for r in rows:
        per_meter[r["meter"]][r["day"]] = (r["num"], r["den"], r["extra"])
    cards = []
    for meter in METERS:
        per_day = per_meter.get(meter.key, {})
        figure = _summed(meter, per_day, period)
        series = [meter.value(*per_day[day][:2]) if day in per_day else None for day in period.days]
        cards.append(Card(meter=meter, figure=figure, met=meter.met(figure.value), series=series))
    return cards


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    rows: list[tuple[str, Figure]]


def breakdowns(
    meter: Meter, period: Period, rule_version_id: int | None = None, top: int = 25
) -> list[Breakdown]:
    """The meter's breakdowns over the period, biggest first (a funnel keeps its step order): one query."""
    dimensions = [dimension for dimension, _label in meter.breakdowns]
    if not dimensions:
        return []
    # A share of two stocks is read on the period's last day, as its headline is; counts add up.
    scope = _scope(
        Period(period.last, period.last) if isinstance(meter, StockShare) else period, rule_version_id
    )
    rows = (
        MeterDay.objects.filter(scope, meter=meter.key, dimension__in=dimensions)
        .values("dimension", "value")
        .annotate(num=Sum("numerator"), den=Sum("denominator"), extra=Sum("extra"))
        .order_by()
    )
    grouped: dict[str, list[tuple[str, Figure]]] = defaultdict(list)
    for r in rows:
        grouped[r["dimension"]].append((r["value"], _figure(meter, r["num"], r["den"], r["extra"])))
    result = []
    for dimension, label in meter.breakdowns:
        items = grouped.get(dimension, [])
        if meter.key == "wizard_funnel" and dimension == "step":
            order = {step: i for i, step in enumerate(("searched", "questions_shown", "outcome_shown"))}
            order.update(submitted=3, back=4, abandoned=5)
            items.sort(key=lambda item: order.get(item[0], 9))
        else:
            items.sort(key=lambda item: (-(item[1].denominator or item[1].numerator), item[0]))
        result.append(Breakdown(dimension=dimension, label=str(label), rows=items[:top]))
    return result


def rule_versions() -> list[RuleVersion]:
    """The published and retired versions of the rule sets the meters are reported by: one query."""
    keys = sorted({m.rule_set for m in METERS if m.rule_set})
    return list(
        RuleVersion.objects.filter(rule_set__key__in=keys)
        .exclude(status=RuleVersionStatus.DRAFT)
        .select_related("rule_set")
        .order_by("rule_set__key", "number")
    )


def meter(key: str) -> Meter | None:
    return BY_KEY.get(key)


def unit_suffix(meter: Meter) -> str:
    return "%" if meter.unit == Unit.SHARE else ""


def fairness_groups(period: Period) -> dict[tuple[str, str], list[GroupCount]]:
    """The fairness meter's groups over the period, per (dimension, rate): each group's events and
    arrears episodes opened, summed over the days. One query over the rollups."""
    rows = (
        MeterDay.objects.filter(
            _scope(period, None),
            meter=FAIRNESS.key,
            dimension__in=[f"{d}:{r}" for d in DIMENSIONS for r in RATES],
        )
        .values("dimension", "value")
        .annotate(num=Sum("numerator"), den=Sum("denominator"))
        .order_by()
    )
    groups: dict[tuple[str, str], list[GroupCount]] = {(d, r): [] for d in DIMENSIONS for r in RATES}
    for r in rows:
        dimension, rate = r["dimension"].split(":", 1)
        groups[(dimension, rate)].append(GroupCount(group=r["value"], events=r["num"], episodes=r["den"]))
    for found in groups.values():
        found.sort(key=lambda g: (-g.episodes, g.group))
    return groups
