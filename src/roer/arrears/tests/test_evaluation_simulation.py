"""The evaluation's simulated world: a life-event-rich population, and households that keep an arrangement."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from roer.arrears.evaluation.people import first_instalment_day
from roer.demo.simulation import households
from roer.demo.simulation.corporation import plan_corporation
from roer.demo.simulation.households import life_event_boost, plan_dwelling
from roer.demo.simulation.names import NamePool
from roer.demo.simulation.payments import keeping_an_arrangement
from roer.ledger.constants import EntryKind
from roer.tenancies.constants import PaymentMethod

HISTORY_START = dt.date(2020, 11, 1)
UNTIL = dt.date(2025, 10, 31)
SINCE = dt.date(2024, 11, 1)
NAMES = NamePool.from_faker(5)


def _events(count: int = 120) -> list[tuple[str, dt.date]]:
    dwellings = plan_corporation(
        random.Random("corporation"), NAMES, dwellings=count, history_start=HISTORY_START, until=UNTIL
    )[1]
    return [
        (plan.reference, event.date)
        for dwelling in dwellings
        for plan in plan_dwelling(
            random.Random(f"dwelling:{dwelling.index}"),
            NAMES,
            dwelling,
            history_start=HISTORY_START,
            until=UNTIL,
        )
        for event in plan.events
    ]


def test_a_boost_makes_life_events_common_from_its_date_and_only_inside_its_block():
    usual = _events()
    with life_event_boost(0.5, since=SINCE):
        boosted = _events()
    with life_event_boost(0.0, since=SINCE):
        calm = _events()

    after = [day for _ref, day in boosted if day >= SINCE]
    assert len(after) > 40  # about half of ~150 tenancies in a year, minus the last 45 days
    assert len(after) > 5 * max(1, sum(1 for _ref, day in usual if day >= SINCE))
    assert not [day for _ref, day in calm if day >= SINCE]
    assert households._boost is None
    assert _events() == usual  # the usual plans again after the block


def test_a_boost_is_a_chance():
    with pytest.raises(ValueError), life_event_boost(1.5, since=SINCE):
        pass


def test_a_household_that_keeps_its_arrangement_pays_each_rent_and_instalment_on_its_day():
    made = dt.date(2025, 3, 12)
    bookings = keeping_an_arrangement(
        after=made,
        until=dt.date(2025, 5, 31),
        charges=[(dt.date(2025, 4, 1), 75_000), (dt.date(2025, 5, 1), 75_000), (dt.date(2025, 6, 1), 75_000)],
        instalments=[
            (dt.date(2025, 3, 15), 25_000),
            (dt.date(2025, 4, 15), 25_000),
            (dt.date(2025, 6, 15), 250),
        ],
        reference="RF18",
    )
    assert [(b.date, b.cents) for b in bookings] == [
        (dt.date(2025, 3, 15), -25_000),
        (dt.date(2025, 4, 1), -75_000),
        (dt.date(2025, 4, 15), -25_000),
        (dt.date(2025, 5, 1), -75_000),
    ]
    assert {(b.kind, b.method, b.reference) for b in bookings} == {
        (EntryKind.PAYMENT, PaymentMethod.TRANSFER, "RF18")
    }
    # An instalment due on the day the arrangement was made is paid the next day.
    late = keeping_an_arrangement(
        after=made, until=UNTIL, charges=[], instalments=[(made, 10_000)], reference=""
    )
    assert [(b.date, b.cents) for b in late] == [(made + dt.timedelta(days=1), -10_000)]


@pytest.mark.parametrize(
    ("call", "first"),
    [
        (dt.date(2025, 3, 3), dt.date(2025, 3, 15)),
        (dt.date(2025, 3, 12), dt.date(2025, 3, 15)),
        (dt.date(2025, 3, 13), dt.date(2025, 4, 15)),
        (dt.date(2025, 12, 20), dt.date(2026, 1, 15)),
    ],
)
def test_the_first_instalment_falls_on_a_15th_at_least_three_days_on(call, first):
    assert first_instalment_day(call) == first
