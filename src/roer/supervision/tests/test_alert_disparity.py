"""The disparity alert: a group the collections treat worse than the rest, over the 28 days ending on the day."""

from __future__ import annotations

import datetime as dt

import pytest

from roer.console.views_alerts import describe
from roer.supervision import alerts
from roer.supervision.fairness import FAIRNESS
from roer.supervision.models import Alert, AlertKind, MeterDay

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 31)


def _groups(dimension: str, counts: dict[str, tuple[int, int]], day: dt.date = DAY) -> None:
    """One day of the fairness meter: per group (events, episodes), plus the meter's headline row."""
    MeterDay.objects.get_or_create(meter=FAIRNESS.key, day=day, dimension="", value="")
    MeterDay.objects.bulk_create(
        MeterDay(meter=FAIRNESS.key, day=day, dimension=dimension, value=group, numerator=n, denominator=d)
        for group, (n, d) in counts.items()
    )


def test_a_neighbourhood_escalated_far_more_often_raises_one_alert_with_its_evidence():
    _groups(
        "neighbourhood:escalation",
        {"Noord": (90, 60), "Zuid": (20, 60), "Oost": (22, 60), "West": (18, 60)},
    )
    result = alerts.check(DAY)
    found = Alert.objects.get(kind=AlertKind.DISPARITY)
    assert result.raised == 1
    assert (found.dimension, found.value) == ("neighbourhood:escalation", "Noord")
    assert found.evidence["observed"] == {"numerator": 90, "denominator": 60}
    assert found.evidence["baseline"] == {"numerator": 60, "denominator": 180}
    assert found.evidence["adjusted_p"] < 0.01
    text = describe(found)
    assert "Noord" in text and "150.0" in text.replace(",", ".") and "Poisson" in text
    assert alerts.check(DAY).raised == 0  # idempotent per day


def test_fewer_signals_is_worse_and_more_signals_is_not():
    _groups("age_band:signal", {"65_plus": (5, 80), "under_30": (60, 80), "30_44": (30, 80)})
    alerts.check(DAY)
    raised = list(Alert.objects.filter(kind=AlertKind.DISPARITY).values_list("value", flat=True))
    assert raised == ["65_plus"]


def test_days_outside_the_28_day_window_do_not_count():
    _groups(
        "neighbourhood:cost",
        {"Noord": (90, 60), "Zuid": (20, 60), "Oost": (22, 60)},
        day=DAY - dt.timedelta(days=28),
    )
    MeterDay.objects.create(meter=FAIRNESS.key, day=DAY, dimension="", value="")
    alerts.check(DAY)
    assert not Alert.objects.filter(kind=AlertKind.DISPARITY).exists()
