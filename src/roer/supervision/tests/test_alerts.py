"""Alerts on the meters: the statistics on known numbers, firing on a synthetic history, idempotence and the
lifecycle with its journal."""

from __future__ import annotations

import datetime as dt
import math
from io import StringIO

import pytest
from django.core.management import call_command

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core.models import JournalEvent
from roer.supervision import alerts, stats
from roer.supervision.alerts import binomial_lower, binomial_upper, z_test
from roer.supervision.meters import BY_KEY
from roer.supervision.models import Alert, AlertKind, AlertState, MeterDay

DAY = dt.date(2026, 3, 3)


# --- statistics -----------------------------------------------------------------------------------------


def test_binomial_upper_exact_values():
    assert binomial_upper(8, 10, 0.5) == pytest.approx(56 / 1024, rel=1e-12)
    assert binomial_upper(10, 10, 0.5) == pytest.approx(1 / 1024, rel=1e-12)
    assert binomial_upper(0, 10, 0.3) == 1.0
    assert binomial_upper(11, 10, 0.3) == 0.0
    # P(X >= 3 | n=20, p=0.05) = 1 - sum_{i<3} C(20,i) .05^i .95^(20-i)
    below = sum(math.comb(20, i) * 0.05**i * 0.95 ** (20 - i) for i in range(3))
    assert binomial_upper(3, 20, 0.05) == pytest.approx(1 - below, rel=1e-10)


def test_binomial_lower_exact_values():
    assert binomial_lower(0, 20, 0.2) == pytest.approx(0.8**20, rel=1e-12)
    assert binomial_lower(2, 10, 0.5) == pytest.approx(56 / 1024, rel=1e-12)
    assert binomial_lower(10, 10, 0.5) == pytest.approx(1.0)


def test_binomial_large_n_uses_normal_approximation_close_to_exact():
    exact = math.fsum(
        math.exp(stats._log_pmf(i, 20_000, 0.3)) for i in range(6_100, 20_001)
    )  # beyond EXACT_LIMIT
    assert binomial_upper(6_100, 20_000, 0.3) == pytest.approx(exact, rel=0.05)


def test_binomial_rejects_nonsense():
    with pytest.raises(ValueError):
        binomial_upper(1, 10, 1.5)


def test_z_test():
    result = z_test(9.0, [7.0, 7.5, 8.0, 7.5], higher_is_worse=True)
    assert result is not None
    assert result.mean == pytest.approx(7.5)
    assert result.sd == pytest.approx(math.sqrt(1 / 6))
    assert result.z == pytest.approx(1.5 / math.sqrt(1 / 6))
    assert result.p_value == pytest.approx(0.5 * math.erfc(result.z / math.sqrt(2)))
    assert z_test(9.0, [7.0, 7.0, 7.0], higher_is_worse=True) is None  # no spread


# --- the check ------------------------------------------------------------------------------------------


def _history(meter: str, today: tuple[int, int], baseline: tuple[int, int], *, dimension: str = "", value=""):
    """28 days of a stable baseline before DAY, and DAY itself."""
    for back in range(1, 29):
        MeterDay.objects.create(
            meter=meter,
            day=DAY - dt.timedelta(days=back),
            dimension=dimension,
            value=value,
            numerator=baseline[0] + (back % 3) - 1,
            denominator=baseline[1],
        )
    MeterDay.objects.create(
        meter=meter, day=DAY, dimension=dimension, value=value, numerator=today[0], denominator=today[1]
    )


@pytest.mark.django_db
def test_a_drop_in_a_share_fires_drift_with_evidence():
    # digital share: 40 of 100 a day over the 28 days before, then 20 of 100 (target 33%: also a miss?
    # the 7 days are 6 x ~40 + 20 of 700 = 37%: the target is met, so only drift fires)
    _history("digital_share", (20, 100), (40, 100))
    result = alerts.check(DAY)
    assert result.raised == 1
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.DRIFT and alert.meter == "digital_share" and alert.dimension == ""
    evidence = alert.evidence
    assert evidence["statistic"] == "binomial"
    assert evidence["p_value"] < 0.01
    assert evidence["observed"] == {"numerator": 20, "denominator": 100, "value": "20.0"}
    assert evidence["baseline"]["denominator"] == 2800
    assert evidence["window"] == {"first": "2026-02-03", "last": "2026-03-02"}
    assert evidence["examples"] == []
    assert alert.state == AlertState.OPEN
    event = JournalEvent.objects.get(activity="alert_raised")
    assert event.facts["meter"] == "digital_share" and event.facts["kind"] == "drift"


@pytest.mark.django_db
def test_a_stable_history_fires_nothing():
    _history("digital_share", (41, 100), (40, 100))
    assert alerts.check(DAY).raised == 0
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_too_few_observations_fire_nothing():
    _history("digital_share", (0, 10), (40, 100))
    assert alerts.check(DAY).raised == 0


@pytest.mark.django_db
def test_a_rise_in_a_lower_is_better_share_fires():
    _history("wrong_answers", (30, 100), (10, 100))  # 7-day share 17%: under its 20% target
    alert = Alert.objects.get() if alerts.check(DAY).raised else None
    assert alert is not None and alert.kind == AlertKind.DRIFT


@pytest.mark.django_db
def test_missing_the_target_over_seven_days_fires_threshold():
    _history("timeliness", (80, 100), (80, 100))  # 80% on time against a 90% target, but steady
    alerts.check(DAY)
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.THRESHOLD
    assert alert.evidence["target"] == "90"
    assert alert.evidence["window"] == {"first": "2026-02-25", "last": "2026-03-03"}


@pytest.mark.django_db
def test_a_low_grade_day_fires_a_z_test():
    for back in range(1, 29):
        MeterDay.objects.create(
            meter="satisfaction",
            day=DAY - dt.timedelta(days=back),
            numerator=(78 + back % 3) * 3,  # daily mean 7.8 to 8.0 over 30 grades
            denominator=30,
        )
    MeterDay.objects.create(meter="satisfaction", day=DAY, numerator=6 * 30, denominator=30)
    alerts.check(DAY)
    kinds = set(Alert.objects.values_list("kind", flat=True))
    assert AlertKind.DRIFT in kinds
    drift = Alert.objects.get(kind=AlertKind.DRIFT)
    assert drift.evidence["statistic"] == "z" and drift.evidence["z"] < -2.3


@pytest.mark.django_db
def test_the_check_is_idempotent_and_a_new_day_updates_the_open_alert():
    _history("digital_share", (20, 100), (40, 100))
    alerts.check(DAY)
    second = alerts.check(DAY)
    assert second.raised == 0 and second.updated == 1
    assert Alert.objects.count() == 1
    assert Alert.objects.get().firings == 1
    MeterDay.objects.create(
        meter="digital_share", day=DAY + dt.timedelta(days=1), numerator=15, denominator=100
    )
    alerts.check(DAY + dt.timedelta(days=1))
    alert = Alert.objects.get()
    assert (alert.firings, alert.first_day, alert.last_day) == (2, DAY, DAY + dt.timedelta(days=1))
    assert JournalEvent.objects.filter(activity="alert_raised").count() == 1


@pytest.mark.django_db
def test_a_breakdown_fires_on_its_own():
    _history("digital_share", (40, 100), (40, 100))
    _history("digital_share", (5, 60), (30, 60), dimension="problem", value="boiler-broken")
    alerts.check(DAY)
    alert = Alert.objects.get()
    assert (alert.dimension, alert.value) == ("problem", "boiler-broken")


# --- the lifecycle --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lifecycle_is_journaled_without_the_note():
    _history("digital_share", (20, 100), (40, 100))
    alerts.check(DAY)
    alert = Alert.objects.get()
    boss = UserFactory(roles=[Role.PROCESS_SUPERVISOR])
    colleague = UserFactory(roles=[Role.PROCESS_SUPERVISOR])
    alerts.alert_assign(alert=alert, to=colleague, by=boss)
    alerts.alert_acknowledge(alert=alert, by=colleague)
    with pytest.raises(ValueError):
        alerts.alert_resolve(alert=alert, by=colleague, note="  ")
    alerts.alert_resolve(alert=alert, by=colleague, note="Portal was down for two hours.")
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED and alert.assigned_to == colleague
    assert alert.resolution_note == "Portal was down for two hours."
    activities = list(
        JournalEvent.objects.filter(activity__startswith="alert_")
        .order_by("pk")
        .values_list("activity", flat=True)
    )
    assert activities == ["alert_raised", "alert_assigned", "alert_acknowledged", "alert_resolved"]
    assigned = JournalEvent.objects.get(activity="alert_assigned")
    assert assigned.facts["assigned_to"] == colleague.pk and assigned.actor_id == boss.pk
    for event in JournalEvent.objects.filter(activity__startswith="alert_"):
        assert "Portal" not in str(event.facts)
    with pytest.raises(alerts.AlertClosed):
        alerts.alert_acknowledge(alert=alert, by=colleague)
    # after resolving, a new firing opens a new alert
    alerts.check(DAY)
    assert Alert.objects.filter(state=AlertState.OPEN).count() == 1
    assert Alert.objects.count() == 2


@pytest.mark.django_db
def test_command_and_task():
    _history("digital_share", (20, 100), (40, 100))
    out = StringIO()
    call_command("check_alerts", "--date", DAY.isoformat(), "--json", stdout=out)
    assert '"raised": 1' in out.getvalue()
    from roer.supervision.tasks import check_alerts

    assert check_alerts(DAY.isoformat()) == {"date": "2026-03-03", "raised": 0, "updated": 1}


def test_every_alert_meter_exists():
    assert {key for key, _d, _v in alerts.INVERTED} <= set(BY_KEY)
