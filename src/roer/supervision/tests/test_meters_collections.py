"""The collections meters in money (arrears share, collection costs) and the arrangements kept, on small
hand-built ledgers and journals: exact numbers, the last-day reading of a stock, a fixed query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roer.core import journal
from roer.core.dates import AMSTERDAM
from roer.core.subjects import SubjectRef
from roer.ledger.constants import EntryKind, EntrySource
from roer.ledger.models import LedgerEntry
from roer.supervision import alerts, meter_selectors, rollups
from roer.supervision.meter_selectors import Period
from roer.supervision.meters import BY_KEY
from roer.supervision.meters_collections import cents
from roer.supervision.models import AlertKind, MeterDay
from roer.tenancies.models import Rent, Tenancy
from roer.tenancies.tests.factories import DwellingFactory, TenancyFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
START = dt.datetime.combine(DAY, dt.time(), tzinfo=AMSTERDAM)
END = START + dt.timedelta(days=1)


def figures(key: str, start: dt.datetime = START, end: dt.datetime = END) -> dict[tuple[str, str], tuple]:
    rows = BY_KEY[key].compute(start, end)
    return {(r.dimension, r.value): (r.numerator, r.denominator, r.extra) for r in rows}


def book(tenancy: Tenancy, amount: str, on: dt.date, kind: str = EntryKind.CHARGE) -> None:
    LedgerEntry.objects.create(
        tenancy=tenancy, date=on, kind=kind, amount=Decimal(amount), source=EntrySource.ERP
    )


def event(activity: str, tenancy_id: int, facts: dict[str, Any], hour: int = 12) -> None:
    journal.record(
        activity=activity,
        subjects=[SubjectRef(kind="tenancies.tenancy", id=str(tenancy_id))],
        facts=facts,
        occurred_at=START + dt.timedelta(hours=hour),
    )


def test_cents_rounds_half_up_and_takes_floats_as_written():
    assert cents(None) == 0
    assert cents(Decimal("12.345")) == 1235
    assert cents(0.1 + 0.2) == 30
    assert cents(7) == 700


def test_arrears_share_sums_positive_balances_of_tenancies_in_force_over_annual_rent():
    owing = TenancyFactory()  # rent 700 (670 + 30 service charges), Binnenstad
    book(owing, "700.00", dt.date(2026, 3, 1))
    book(owing, "-350.00", dt.date(2026, 3, 5), EntryKind.PAYMENT)
    book(owing, "40.00", DAY, EntryKind.COST)  # on the day: counted (end of the day)
    book(owing, "700.00", DAY + dt.timedelta(days=1))  # after the day: not counted
    ahead = TenancyFactory(dwelling=DwellingFactory(neighbourhood="Noord"))
    book(ahead, "-100.00", dt.date(2026, 3, 1), EntryKind.PAYMENT)  # paid in advance: no arrears
    raised = TenancyFactory(dwelling=DwellingFactory(neighbourhood="Noord"))
    Rent.objects.create(tenancy=raised, valid_from=dt.date(2026, 1, 1), base_rent=Decimal("770.00"))
    Rent.objects.create(tenancy=raised, valid_from=DAY + dt.timedelta(days=1), base_rent=Decimal("900"))
    book(raised, "100.00", dt.date(2026, 3, 2))
    gone = TenancyFactory(ended=True)  # ended 2025-12-31: former tenants are not in the share
    book(gone, "500.00", dt.date(2025, 12, 1))
    future = TenancyFactory(start_date=DAY + dt.timedelta(days=1))
    book(future, "300.00", DAY)

    found = figures("arrears_share")

    rent = (700 + 700 + 770) * 12 * 100
    assert found[("", "")] == (39_000 + 10_000, rent, 2)
    assert found[("neighbourhood", "Binnenstad")] == (39_000, 700 * 12 * 100, 1)
    assert found[("neighbourhood", "Noord")] == (10_000, (700 + 770) * 12 * 100, 1)
    assert BY_KEY["arrears_share"].value(49_000, rent) == Decimal("1.88")


def test_arrears_share_over_a_period_is_its_last_day():
    owing = TenancyFactory()
    book(owing, "420.00", DAY - dt.timedelta(days=1))
    book(owing, "-210.00", DAY, EntryKind.PAYMENT)
    for day in (DAY - dt.timedelta(days=1), DAY):
        rollups.meter_day_rollup(meter=BY_KEY["arrears_share"], day=day)

    period = Period(first=DAY - dt.timedelta(days=1), last=DAY)
    card = next(c for c in meter_selectors.dashboard(period) if c.meter.key == "arrears_share")

    assert (card.figure.numerator, card.figure.denominator) == (21_000, 840_000)
    assert card.figure.value == Decimal("2.50")
    assert card.met is False  # target: at most 1.5%
    assert card.series == [Decimal("5.00"), Decimal("2.50")]
    (breakdown,) = meter_selectors.breakdowns(BY_KEY["arrears_share"], period)
    assert [(v, f.numerator, f.denominator) for v, f in breakdown.rows] == [("Binnenstad", 21_000, 840_000)]


def test_collection_costs_in_cents_charged_and_waived():
    event("collection_costs_charged", 1, {"amount": Decimal("40.00")})
    event("collection_costs_charged", 2, {"amount": Decimal("52.50")})
    event("collection_costs_waived", 3, {"costs_stated": Decimal("40.00"), "notice_sent": True})
    event("collection_costs_waived", 4, {"costs_stated": None, "notice_sent": False})
    event("collection_costs_charged", 5, {"amount": Decimal("99.00")}, hour=30)  # the next day

    found = figures("collection_costs")

    assert found == {
        ("", ""): (9_250, 0, 2),
        ("kind", "charged"): (9_250, 0, 2),
        ("kind", "waived"): (4_000, 0, 2),
    }
    assert BY_KEY["collection_costs"].value(9_250, 0) == Decimal(9_250)  # cents; euros on screen


def test_arrangements_kept_counts_completed_over_ended():
    event("arrangement_completed", 1, {"end_reason": "AFB", "ended_on": DAY})
    event("arrangement_completed", 2, {"end_reason": "AFB", "ended_on": DAY})
    event("arrangement_ended", 3, {"from": "ACT", "to": "BEE", "end_reason": "AFB", "ended_on": DAY})
    event("arrangement_ended", 4, {"from": "ACT", "to": "ANN", "end_reason": "ONI", "ended_on": DAY})
    event("arrangement_decided", 5, {"approved": False, "status": "VER", "with_note": True})

    found = figures("arrangements_kept")

    assert found == {
        ("", ""): (3, 4, 0),
        ("end_reason", "AFB"): (3, 4, 0),
        ("end_reason", "ONI"): (1, 4, 0),
    }
    assert BY_KEY["arrangements_kept"].value(3, 4) == Decimal("75.0")


def _world(n: int) -> None:
    for i in range(n):
        tenancy = TenancyFactory(dwelling=DwellingFactory(neighbourhood=f"Wijk {i % 3}"))
        book(tenancy, "700.00", dt.date(2026, 3, 1))
        event("arrears_episode_opened", tenancy.pk, {"opened_on": DAY})
        event("letter_sent", tenancy.pk, {"kind": "reminder"})
        event("collection_costs_charged", tenancy.pk, {"amount": Decimal("40.00")})
        event("arrangement_completed", tenancy.pk, {"end_reason": "AFB"})


@pytest.mark.parametrize("key", ["arrears_share", "collection_costs", "arrangements_kept", "fairness"])
def test_a_day_costs_the_same_queries_for_few_or_many_tenancies(key):
    _world(2)
    with CaptureQueriesContext(connection) as few:
        rows_few = BY_KEY[key].compute(START, END)
    _world(30)
    with CaptureQueriesContext(connection) as many:
        rows_many = BY_KEY[key].compute(START, END)
    assert len(few) == len(many) == 1
    assert sum(r.numerator + r.denominator for r in rows_many) > sum(
        r.numerator + r.denominator for r in rows_few
    )


def _meter_day(key: str, day: dt.date, numerator: int, denominator: int, dimension: str = "") -> None:
    MeterDay.objects.create(
        meter=key, day=day, dimension=dimension, numerator=numerator, denominator=denominator
    )


def test_the_arrears_share_raises_a_threshold_alert_on_the_day_it_misses_the_target():
    share = BY_KEY["arrears_share"]
    _meter_day("arrears_share", DAY - dt.timedelta(days=1), 100, 10_000)  # 1%: met
    _meter_day("arrears_share", DAY, 300, 10_000)  # 3%: missed

    assert alerts.firings_for(DAY - dt.timedelta(days=1), (share,)) == []
    (firing,) = alerts.firings_for(DAY, (share,))
    assert firing.kind == AlertKind.THRESHOLD
    assert firing.evidence["observed"] == {"numerator": 300, "denominator": 10_000, "value": "3.00"}
    assert firing.evidence["window"] == {"first": DAY.isoformat(), "last": DAY.isoformat()}


def test_fairness_rates_are_not_tested_as_shares_for_drift():
    fairness = BY_KEY["fairness"]
    for back in range(1, 29):
        _meter_day("fairness", DAY - dt.timedelta(days=back), 10, 100)
    _meter_day("fairness", DAY, 90, 100)
    assert alerts.firings_for(DAY, (fairness,)) == []
