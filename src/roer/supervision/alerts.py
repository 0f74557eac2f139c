"""Alerts on the meters (docs/meters.md, "Alerts"): the statistics, the daily check and the lifecycle.

Two rules fire, on the MeterDay rollups only (never the journal):

- threshold: the meter as a whole over the 7 days ending on the day misses its target (at least
  `MIN_OBSERVATIONS` observations in those days); a share of two stocks (the arrears share) on the day
  itself;
- drift: the day departs, in the worse direction, from the trailing 28 days before it. For a share the
  statistic is a one-sided exact binomial test of the day's numerator out of its denominator against the
  baseline rate (summed over the 28 days, all rule versions); the tail is summed in log space with
  `math.lgamma` up to `EXACT_LIMIT` trials, beyond that a normal approximation with continuity correction.
  For an average (a grade, a number of days) it is a z-test of the day's mean against the mean and
  standard deviation of the baseline's daily means (the rollup keeps sums and counts, not squares).
  Either fires at p < `ALPHA`, with at least `MIN_OBSERVATIONS` observations on the day and in the
  baseline. The day is tested per rule version (a new version departing from the old baseline is the
  point), per breakdown value and for the meter as a whole.

- disparity (the fairness meter): over the 28 days ending on the day, a neighbourhood or age band whose rate
  of escalations or collection costs per arrears episode is higher than the rest's, or whose rate of
  human-contact signals is lower, by the exact conditional test of two Poisson rates with Bonferroni over the
  groups (`roer.supervision.fairness.disparities`, adjusted p < 0.01, at least 20 episodes in the group).

One alert is open per (meter, kind, dimension, value, rule version): a new firing updates it, so the check
is idempotent per day. Every change is journaled with facts only: never the note or a breakdown's wording.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone

from roer.core import journal
from roer.core.dates import start_of_day
from roer.core.models import RuleVersion
from roer.supervision.fairness import FAIRNESS, SIGNAL, disparities
from roer.supervision.meter_selectors import Period, fairness_groups
from roer.supervision.meters import METERS, Meter, Rollup, Unit, example_requests
from roer.supervision.meters_collections import StockShare
from roer.supervision.models import Alert, AlertKind, AlertState, MeterDay
from roer.supervision.stats import EXACT_LIMIT, binomial_lower, binomial_upper, normal_sf

logger = structlog.get_logger(__name__)

ALPHA = 0.01
MIN_OBSERVATIONS = 20
BASELINE_DAYS = 28
THRESHOLD_DAYS = 7
MIN_BASELINE_DAYS = 7  # daily means needed for the z-test
# Breakdowns whose values are free text (the wording of a search) stay out of alerts and the journal.
SKIPPED_DIMENSIONS = frozenset({"wording", "callback_after", "days", "activity", "kind", "repeat_problem"})
# Rows of a meter whose "worse" direction is the other way round from the meter's own.
INVERTED = frozenset({("wizard_funnel", "step", "back"), ("wizard_funnel", "step", "abandoned")})
AVERAGE_UNITS = frozenset({Unit.GRADE, Unit.DAYS})
# Ratios that are rates per episode, not shares of observations: no binomial drift test.
NOT_SHARES = frozenset({FAIRNESS.key})


# --- statistics (pure) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZTest:
    z: float
    p_value: float
    mean: float
    sd: float


def z_test(observed: float, baseline: list[float], *, higher_is_worse: bool) -> ZTest | None:
    """A one-sided z-test of one day's mean against the baseline's daily means; None without spread."""
    if len(baseline) < 2:
        return None
    mean = sum(baseline) / len(baseline)
    sd = math.sqrt(sum((v - mean) ** 2 for v in baseline) / (len(baseline) - 1))
    if sd == 0:
        return None
    z = (observed - mean) / sd
    return ZTest(z=z, p_value=normal_sf(z if higher_is_worse else -z), mean=mean, sd=sd)


# --- the check ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Firing:
    meter: Meter
    kind: str
    dimension: str
    value: str
    rule_version_id: int | None
    evidence: dict[str, Any]

    @property
    def key(self) -> str:
        rv = "" if self.rule_version_id is None else str(self.rule_version_id)
        return f"{self.meter.key}|{self.kind}|{self.dimension}|{self.value}|{rv}"[:300]


@dataclass(frozen=True)
class CheckResult:
    day: dt.date
    raised: int
    updated: int


_Group = tuple[str, str]  # (dimension, value)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _shown(meter: Meter, num: int, den: int) -> str | None:
    value = meter.value(num, den)
    return None if value is None else str(value)


def _window(first: dt.date, last: dt.date) -> dict[str, str]:
    return {"first": first.isoformat(), "last": last.isoformat()}


def _stock_threshold(meter: Meter, day: dt.date, rows: list[MeterDay]) -> Firing | None:
    """A share of two stocks (the arrears share) on the day itself: its denominator is money, not a
    number of observations, so no minimum applies."""
    today = [r for r in rows if r.dimension == "" and r.day == day]
    num, den = sum(r.numerator for r in today), sum(r.denominator for r in today)
    value = meter.value(num, den)
    if meter.met(value) is not False:
        return None
    return Firing(
        meter=meter,
        kind=AlertKind.THRESHOLD,
        dimension="",
        value="",
        rule_version_id=None,
        evidence={
            "statistic": "threshold",
            "observed": {"numerator": num, "denominator": den, "value": str(value)},
            "target": str(meter.target),
            "higher_is_better": meter.higher_is_better,
            "window": _window(day, day),
            "rule_versions": [],
        },
    )


def _threshold(meter: Meter, day: dt.date, rows: list[MeterDay]) -> Firing | None:
    if meter.target is not None and isinstance(meter, StockShare):
        return _stock_threshold(meter, day, rows)
    if meter.target is None or meter.rollup != Rollup.RATIO:
        return None
    first = day - dt.timedelta(days=THRESHOLD_DAYS - 1)
    week = [r for r in rows if r.dimension == "" and first <= r.day <= day]
    num, den = sum(r.numerator for r in week), sum(r.denominator for r in week)
    if den < MIN_OBSERVATIONS:
        return None
    value = meter.value(num, den)
    if meter.met(value) is not False:
        return None
    versions = sorted({r.rule_version_id for r in week if r.day == day and r.rule_version_id})
    return Firing(
        meter=meter,
        kind=AlertKind.THRESHOLD,
        dimension="",
        value="",
        rule_version_id=None,
        evidence={
            "statistic": "threshold",
            "observed": {"numerator": num, "denominator": den, "value": str(value)},
            "target": str(meter.target),
            "higher_is_better": meter.higher_is_better,
            "window": _window(first, day),
            "rule_versions": versions,
        },
    )


def _drift_share(
    meter: Meter, today: MeterDay, baseline: list[MeterDay], worse_up: bool
) -> dict[str, Any] | None:
    k, n = today.numerator, today.denominator
    base_num = sum(r.numerator for r in baseline)
    base_den = sum(r.denominator for r in baseline)
    if n < MIN_OBSERVATIONS or base_den < MIN_OBSERVATIONS or k > n or base_num > base_den:
        return None
    p0 = base_num / base_den
    if p0 in (0.0, 1.0):
        return None
    p_value = binomial_upper(k, n, p0) if worse_up else binomial_lower(k, n, p0)
    if p_value >= ALPHA:
        return None
    return {
        "statistic": "binomial" if n <= EXACT_LIMIT else "binomial-normal",
        "p_value": p_value,
        "observed": {"numerator": k, "denominator": n, "value": _shown(meter, k, n)},
        "baseline": {
            "numerator": base_num,
            "denominator": base_den,
            "value": _shown(meter, base_num, base_den),
        },
    }


def _drift_average(
    meter: Meter, today: MeterDay, baseline: list[MeterDay], worse_up: bool
) -> dict[str, Any] | None:
    if today.denominator < MIN_OBSERVATIONS:
        return None
    by_day: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for r in baseline:
        by_day[r.day][0] += r.numerator
        by_day[r.day][1] += r.denominator
    means = [num / den for num, den in by_day.values() if den]
    if len(means) < MIN_BASELINE_DAYS or sum(den for _n, den in by_day.values()) < MIN_OBSERVATIONS:
        return None
    test = z_test(_ratio(today.numerator, today.denominator), means, higher_is_worse=worse_up)
    if test is None or test.p_value >= ALPHA:
        return None
    return {
        "statistic": "z",
        "z": round(test.z, 3),
        "p_value": test.p_value,
        "observed": {
            "numerator": today.numerator,
            "denominator": today.denominator,
            "value": _shown(meter, today.numerator, today.denominator),
        },
        "baseline": {"mean": f"{test.mean:.2f}", "sd": f"{test.sd:.2f}", "days": len(means)},
    }


def _drifts(meter: Meter, day: dt.date, rows: list[MeterDay]) -> list[Firing]:
    dimensions = {"", *(d for d, _label in meter.breakdowns)} - SKIPPED_DIMENSIONS
    if meter.rollup != Rollup.RATIO or meter.key in NOT_SHARES:
        return []
    first = day - dt.timedelta(days=BASELINE_DAYS)
    baseline: dict[_Group, list[MeterDay]] = defaultdict(list)
    todays: list[MeterDay] = []
    for r in rows:
        if r.dimension not in dimensions:
            continue
        if r.day == day:
            todays.append(r)
        elif first <= r.day < day:
            baseline[(r.dimension, r.value)].append(r)
    firings = []
    for today in todays:
        group = (today.dimension, today.value)
        worse_up = not meter.higher_is_better
        if (meter.key, *group) in INVERTED:
            worse_up = not worse_up
        if meter.unit in AVERAGE_UNITS:
            found = _drift_average(meter, today, baseline[group], worse_up)
        else:
            found = _drift_share(meter, today, baseline[group], worse_up)
        if found is None:
            continue
        found.update(
            {
                "window": _window(first, day - dt.timedelta(days=1)),
                "higher_is_better": meter.higher_is_better != ((meter.key, *group) in INVERTED),
                "rule_versions": [today.rule_version_id] if today.rule_version_id else [],
            }
        )
        firings.append(
            Firing(
                meter=meter,
                kind=AlertKind.DRIFT,
                dimension=today.dimension,
                value=today.value,
                rule_version_id=today.rule_version_id,
                evidence=found,
            )
        )
    return firings


def _disparities(day: dt.date) -> list[Firing]:
    """Groups the collections treat worse than the rest over the 28 days ending on the day: fewer
    human-contact signals, or more escalations or costs, per arrears episode."""
    period = Period(first=day - dt.timedelta(days=BASELINE_DAYS - 1), last=day)
    found: list[Firing] = []
    for (dimension, rate), groups in fairness_groups(period).items():
        for disparity in disparities(groups):
            worse = disparity.higher != (rate == SIGNAL)
            if not disparity.flagged or disparity.higher is None or not worse:
                continue
            found.append(
                Firing(
                    meter=FAIRNESS,
                    kind=AlertKind.DISPARITY,
                    dimension=f"{dimension}:{rate}",
                    value=disparity.group,
                    rule_version_id=None,
                    evidence={
                        "statistic": "poisson_rates",
                        "p_value": disparity.p_value,
                        "adjusted_p": disparity.adjusted_p,
                        "observed": {"numerator": disparity.events, "denominator": disparity.episodes},
                        "baseline": {
                            "numerator": disparity.rest_events,
                            "denominator": disparity.rest_episodes,
                        },
                        "window": _window(period.first, period.last),
                    },
                )
            )
    return found


def firings_for(day: dt.date, meters: tuple[Meter, ...] = METERS) -> list[Firing]:
    """What fires on one day: one query over the 29 days of rollups it needs."""
    first = day - dt.timedelta(days=BASELINE_DAYS)
    rows: dict[str, list[MeterDay]] = defaultdict(list)
    keys = [m.key for m in meters]
    for row in MeterDay.objects.filter(meter__in=keys, day__gte=first, day__lte=day).order_by():
        rows[row.meter].append(row)
    found: list[Firing] = []
    for meter in meters:
        if not any(r.day == day for r in rows[meter.key]):
            continue
        threshold = _threshold(meter, day, rows[meter.key])
        if threshold is not None:
            found.append(threshold)
        found.extend(_drifts(meter, day, rows[meter.key]))
        if meter.key == FAIRNESS.key:
            found.extend(_disparities(day))
    return found


def _facts(alert: Alert) -> dict[str, Any]:
    return {"meter": alert.meter, "kind": alert.kind, "dimension": alert.dimension, "state": alert.state}


def _versions(alert: Alert) -> list[RuleVersion]:
    return [alert.rule_version] if alert.rule_version is not None else []


def _store(firing: Firing, day: dt.date) -> bool:
    """Raise a new alert or update the open one of its key; True when raised."""
    evidence = {
        **firing.evidence,
        "meter": firing.meter.key,
        "dimension": firing.dimension,
        "value": firing.value,
        "day": day.isoformat(),
        "examples": example_requests(
            firing.meter.key, start_of_day(day), start_of_day(day + dt.timedelta(days=1)), limit=5
        ),
    }
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .exclude(state=AlertState.RESOLVED)
            .filter(key=firing.key)
            .first()
        )
        if alert is not None:
            fields = ["evidence"]
            alert.evidence = evidence
            if day > alert.last_day:
                alert.last_day = day
                alert.firings += 1
                fields += ["last_day", "firings"]
            alert.save(update_fields=fields)
            return False
        alert = Alert.objects.create(
            key=firing.key,
            meter=firing.meter.key,
            kind=firing.kind,
            dimension=firing.dimension,
            value=firing.value,
            rule_version_id=firing.rule_version_id,
            first_day=day,
            last_day=day,
            evidence=evidence,
        )
        facts = {**_facts(alert), "day": day.isoformat(), "statistic": str(evidence.get("statistic", ""))}
        if "p_value" in evidence:
            facts["p_value"] = f"{evidence['p_value']:.2g}"
        journal.record(activity="alert_raised", subjects=[alert], rule_versions=_versions(alert), facts=facts)
    return True


def check(day: dt.date, meters: tuple[Meter, ...] = METERS) -> CheckResult:
    """Run the checks for one day: raise new alerts, update the open ones (idempotent per day)."""
    raised = updated = 0
    for firing in firings_for(day, meters):
        try:
            if _store(firing, day):
                raised += 1
            else:
                updated += 1
        except IntegrityError:  # raised concurrently by another run: that one stands
            updated += 1
    logger.info("alerts_checked", day=day.isoformat(), raised=raised, updated=updated)
    return CheckResult(day=day, raised=raised, updated=updated)


# --- the lifecycle --------------------------------------------------------------------------------------


class AlertClosed(Exception):
    """A resolved alert cannot be assigned, acknowledged or resolved again."""


def _locked(alert: Alert) -> Alert:
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.state == AlertState.RESOLVED:
        raise AlertClosed
    return locked


def alert_assign(*, alert: Alert, to: Any, by: Any) -> Alert:
    with transaction.atomic():
        alert = _locked(alert)
        alert.assigned_to = to
        alert.save(update_fields=["assigned_to"])
        journal.record(
            activity="alert_assigned",
            subjects=[alert],
            actor=by,
            rule_versions=_versions(alert),
            facts={**_facts(alert), "assigned_to": to.pk if to is not None else None},
        )
    return alert


def alert_acknowledge(*, alert: Alert, by: Any) -> Alert:
    with transaction.atomic():
        alert = _locked(alert)
        if alert.state == AlertState.ACKNOWLEDGED:
            return alert
        alert.state = AlertState.ACKNOWLEDGED
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["state", "acknowledged_at"])
        journal.record(
            activity="alert_acknowledged",
            subjects=[alert],
            actor=by,
            rule_versions=_versions(alert),
            facts=_facts(alert),
        )
    return alert


def alert_resolve(*, alert: Alert, by: Any, note: str) -> Alert:
    if not note.strip():
        raise ValueError("a resolution needs a note")
    with transaction.atomic():
        alert = _locked(alert)
        alert.state = AlertState.RESOLVED
        alert.resolved_at = timezone.now()
        alert.resolution_note = note.strip()
        alert.save(update_fields=["state", "resolved_at", "resolution_note"])
        journal.record(
            activity="alert_resolved",
            subjects=[alert],
            actor=by,
            rule_versions=_versions(alert),
            facts={**_facts(alert), "days_open": (timezone.localdate() - alert.first_day).days},
        )
    return alert
