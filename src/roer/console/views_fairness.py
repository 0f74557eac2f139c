"""The fairness page of the supervisor's meters: per neighbourhood and age band, the rates of human-contact
signals, escalations and collection costs per arrears episode, each group against the rest, with the
disparities flagged (roer.supervision.fairness). Reads only the rollups; charts are server-drawn SVG."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from roer.accounts.access import role_required
from roer.accounts.constants import Role
from roer.console.views_meters import MeterFilterForm
from roer.supervision import meter_selectors
from roer.supervision.fairness import (
    AGE_BAND_LABELS,
    ALPHA,
    DIMENSION_LABELS,
    DIMENSIONS,
    FAIRNESS,
    MIN_EPISODES,
    RATE_LABELS,
    RATES,
    UNKNOWN,
    Disparity,
    disparities,
)

BAR_WIDTH = 300
ROW_HEIGHT = 22
LABEL_WIDTH = 200


class FairnessFilterForm(MeterFilterForm):
    """The period only: the fairness meter is not reported per rule version."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, versions=[], **kwargs)
        del self.fields["version"]


def per_hundred(rate: float | None) -> str:
    """A rate per arrears episode, shown per 100 episodes: 0.456 → "45,6"."""
    return "–" if rate is None else number_format(round(rate * 100, 1), decimal_pos=1)


def p_shown(p_value: float | None) -> str:
    if p_value is None:
        return "–"
    if p_value < 0.001:
        return "< " + number_format(Decimal("0.001"), decimal_pos=3)
    return number_format(round(p_value, 3), decimal_pos=3)


@dataclass(frozen=True)
class GroupRow:
    disparity: Disparity
    label: str
    rate: str
    rest_rate: str
    p_value: str
    adjusted_p: str
    bar_width: float
    rest_x: float
    y: int


@dataclass(frozen=True)
class Table:
    dimension: str
    rate: str
    title: str
    rows: list[GroupRow]
    flagged: int
    height: int


def _label(dimension: str, group: str) -> str:
    if dimension == "age_band":
        return str(AGE_BAND_LABELS.get(group, group))
    return group or str(AGE_BAND_LABELS[UNKNOWN])


def _table(dimension: str, rate: str, found: list[Disparity]) -> Table:
    """The groups' rates as bars against the largest rate, with a tick at the rest's rate."""
    rates = [r for d in found for r in (d.rate, d.rest_rate) if r is not None]
    top = max([*rates, 0.0]) or 1.0
    rows = [
        GroupRow(
            disparity=d,
            label=_label(dimension, d.group),
            rate=per_hundred(d.rate),
            rest_rate=per_hundred(d.rest_rate),
            p_value=p_shown(d.p_value),
            adjusted_p=p_shown(d.adjusted_p),
            bar_width=round(BAR_WIDTH * (d.rate or 0.0) / top, 1),
            rest_x=round(LABEL_WIDTH + BAR_WIDTH * (d.rest_rate or 0.0) / top, 1),
            y=i * ROW_HEIGHT,
        )
        for i, d in enumerate(found)
    ]
    return Table(
        dimension=dimension,
        rate=rate,
        title=f"{DIMENSION_LABELS[dimension]}: {RATE_LABELS[rate]}",
        rows=rows,
        flagged=sum(1 for d in found if d.flagged),
        height=max(len(rows), 1) * ROW_HEIGHT,
    )


@role_required(Role.PROCESS_SUPERVISOR)
def fairness(request: HttpRequest) -> HttpResponse:
    form = FairnessFilterForm(request.GET or None)
    period, _version = form.period()
    groups = meter_selectors.fairness_groups(period)
    tables = [
        _table(dimension, rate, disparities(groups[(dimension, rate)]))
        for dimension in DIMENSIONS
        for rate in RATES
    ]
    return render(
        request,
        "console/meters/fairness.html",
        {
            "form": form,
            "period": period,
            "meter": FAIRNESS,
            "tables": tables,
            "flagged": sum(t.flagged for t in tables),
            "alpha": number_format(ALPHA, decimal_pos=2),
            "min_episodes": MIN_EPISODES,
            "bar_width": BAR_WIDTH,
            "label_width": LABEL_WIDTH,
            "query": request.GET.urlencode(),
            "statistic": _(
                "Which statistic decides: each group is compared with all other groups together. A rate "
                "is events per arrears episode opened, and one episode can have more than one escalation, "
                "so the test is the exact conditional test of two Poisson rates: given the events of the "
                "group and the rest together, the group's share of them is binomial with the group's share "
                "of the episodes. The p-value is two-sided and multiplied by the number of groups tested "
                "(Bonferroni). A group is flagged when that adjusted p is below %(alpha)s; groups with "
                "fewer than %(min)s episodes (or a rest with fewer) are not tested."
            )
            % {"alpha": number_format(ALPHA, decimal_pos=2), "min": MIN_EPISODES},
        },
    )
