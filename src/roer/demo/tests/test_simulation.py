"""The pure simulation: plans and ledger bookings, no database."""

from __future__ import annotations

import datetime as dt
import random
import re
from itertools import accumulate

from schwifty import IBAN

from roer.demo.constants import LifeEventKind, PaymentBehaviour
from roer.demo.simulation.calendar import month_end, months_between
from roer.demo.simulation.corporation import plan_corporation
from roer.demo.simulation.households import plan_dwelling, plan_tenancy
from roer.demo.simulation.names import NamePool
from roer.demo.simulation.payments import Booking, simulate_tenancy
from roer.demo.simulation.plans import LifeEventPlan, MethodPeriod, RentStep, TenancyPlan
from roer.demo.simulation.references import structured_reference
from roer.ledger.constants import EntryKind, ReturnReason
from roer.tenancies.constants import MembershipEnd, PaymentMethod

HISTORY_START = dt.date(2023, 11, 1)
UNTIL = dt.date(2026, 10, 31)
NAMES = NamePool.from_faker(7)


def on_time_plan(**changes: object) -> TenancyPlan:
    values: dict[str, object] = {
        "reference": "HO-000001-1",
        "start_date": dt.date(1994, 5, 17),
        "rents": (
            RentStep(HISTORY_START, 61_250, 2_500),
            RentStep(dt.date(2024, 7, 1), 64_803, 2_500),
            RentStep(dt.date(2025, 7, 1), 68_043, 2_500),
            RentStep(dt.date(2026, 7, 1), 70_833, 2_500),
        ),
        "behaviour": PaymentBehaviour.ON_TIME,
        "methods": (
            MethodPeriod(
                dt.date(1994, 5, 17), PaymentMethod.DIRECT_DEBIT, "HO-000001-1-M1", dt.date(1994, 6, 1)
            ),
        ),
        "payment_reference": structured_reference("700000000000101"),
    }
    values.update(changes)
    return TenancyPlan(**values)  # type: ignore[arg-type]


def month_end_balances(bookings: list[Booking]) -> dict[dt.date, int]:
    """What is owed at the end of every month of the history, in cents."""
    balances = {}
    for month in months_between(HISTORY_START, UNTIL):
        end = month_end(month)
        balances[month] = sum(b.cents for b in bookings if b.date <= end)
    return balances


def test_an_on_time_payer_never_has_arrears_at_a_month_end() -> None:
    for seed in range(20):
        bookings = simulate_tenancy(
            random.Random(seed), on_time_plan(), history_start=HISTORY_START, until=UNTIL
        )
        assert set(month_end_balances(bookings).values()) == {0}
        charges = [b for b in bookings if b.kind == EntryKind.CHARGE]
        assert len(charges) == 36
        assert all(b.date.day == 1 and b.period == b.date for b in charges)
        assert not [b for b in bookings if b.kind == EntryKind.RETURN]
        # The July increase shows in the charges.
        assert {b.cents for b in charges if b.date.year == 2026 and b.date.month >= 7} == {73_333}


def test_a_tenancy_older_than_the_history_keeps_its_start_and_its_ledger_starts_at_the_history() -> None:
    plan = on_time_plan()
    bookings = simulate_tenancy(random.Random(1), plan, history_start=HISTORY_START, until=UNTIL)
    assert plan.start_date == dt.date(1994, 5, 17)
    assert min(b.date for b in bookings) == HISTORY_START
    dwelling = plan_corporation(
        random.Random(3), NAMES, dwellings=1, history_start=HISTORY_START, until=UNTIL
    )[1][0]
    old = plan_tenancy(
        random.Random(4),
        NAMES,
        dwelling,
        number=1,
        start=dt.date(1987, 3, 12),
        end=None,
        history_start=HISTORY_START,
        until=UNTIL,
    )
    assert old.start_date == dt.date(1987, 3, 12)
    assert old.rents[0].valid_from == HISTORY_START
    assert (
        min(b.date for b in simulate_tenancy(random.Random(5), old, history_start=HISTORY_START, until=UNTIL))
        >= HISTORY_START
    )


def test_job_loss_brings_am04_returns_and_arrears_after_its_date_only() -> None:
    lost_job = dt.date(2025, 3, 14)
    plan = on_time_plan(
        events=(LifeEventPlan(LifeEventKind.JOB_LOSS, lost_job, months=8, severity=90, recovers=True),)
    )
    seen_am04 = 0
    for seed in range(10):
        bookings = simulate_tenancy(random.Random(seed), plan, history_start=HISTORY_START, until=UNTIL)
        returns = [b for b in bookings if b.kind == EntryKind.RETURN]
        assert returns and all(b.date > lost_job for b in returns)
        assert {b.return_reason for b in returns} <= {ReturnReason.AM04, ReturnReason.MD06}
        assert all(b.method == PaymentMethod.DIRECT_DEBIT for b in returns)
        seen_am04 += sum(1 for b in returns if b.return_reason == ReturnReason.AM04)
        balances = month_end_balances(bookings)
        assert all(owed == 0 for month, owed in balances.items() if month_end(month) < lost_job)
        assert max(owed for month, owed in balances.items() if month > lost_job) > 0
        # Every return follows a collection of the same amount and reference.
        for returned in returns:
            assert any(
                b.kind == EntryKind.PAYMENT
                and b.reference == returned.reference
                and b.cents == -returned.cents
                and b.date < returned.date
                for b in bookings
            )
    assert seen_am04 >= 10


def test_a_partners_death_returns_the_next_direct_debit_with_md07() -> None:
    died = dt.date(2025, 1, 20)
    plan = on_time_plan(
        events=(LifeEventPlan(LifeEventKind.PARTNER_DIED, died, months=3, severity=80, recovers=True),),
        methods=(
            MethodPeriod(dt.date(1994, 5, 17), PaymentMethod.DIRECT_DEBIT, "M1", dt.date(1994, 6, 1)),
            MethodPeriod(dt.date(2025, 3, 1), PaymentMethod.TRANSFER),
        ),
    )
    bookings = simulate_tenancy(random.Random(2), plan, history_start=HISTORY_START, until=UNTIL)
    returns = [b for b in bookings if b.kind == EntryKind.RETURN]
    assert returns[0].return_reason == ReturnReason.MD07
    assert returns[0].date.month == 2 and returns[0].date.year == 2025


def test_a_partner_who_dies_leaves_the_household_as_deceased() -> None:
    dwellings = plan_corporation(
        random.Random(1), NAMES, dwellings=3000, history_start=HISTORY_START, until=UNTIL
    )[1]
    for dwelling in dwellings:
        for plan in plan_dwelling(
            random.Random(dwelling.index), NAMES, dwelling, history_start=HISTORY_START, until=UNTIL
        ):
            for event in plan.events:
                if event.kind == LifeEventKind.PARTNER_DIED:
                    partner = next(m for m in plan.members if m.is_partner)
                    assert partner.end_reason == MembershipEnd.DECEASED
                    assert partner.moved_out == partner.person.died_on == event.date
                    return
    raise AssertionError("no partner died among 3,000 dwellings")


def test_plans_are_deterministic_and_look_dutch() -> None:
    def plans(seed: int) -> list[TenancyPlan]:
        dwellings = plan_corporation(
            random.Random(seed), NAMES, dwellings=60, history_start=HISTORY_START, until=UNTIL
        )[1]
        return [
            p
            for d in dwellings
            for p in plan_dwelling(
                random.Random(f"{seed}:{d.index}"), NAMES, d, history_start=HISTORY_START, until=UNTIL
            )
        ]

    first, again = plans(11), plans(11)
    assert first == again
    assert first != plans(12)
    dwellings = plan_corporation(
        random.Random(11), NAMES, dwellings=60, history_start=HISTORY_START, until=UNTIL
    )[1]
    assert all(re.fullmatch(r"\d{4} [A-Z]{2}", d.postcode) for d in dwellings)
    for plan in first:
        IBAN(plan.iban)  # raises when the check digits are wrong
        assert re.fullmatch(r"\d{16}", plan.payment_reference)
        ages = [(UNTIL - m.person.birth_date).days // 365 for m in plan.members if m.relation == "tenant"]
        assert all(18 <= age <= 96 for age in ages)
        assert 0 <= (UNTIL - plan.start_date).days / 365.25 <= 41


def test_balances_add_up_to_charges_minus_payments_plus_returns() -> None:
    plan = on_time_plan(behaviour=PaymentBehaviour.CHAOTIC)
    bookings = simulate_tenancy(random.Random(9), plan, history_start=HISTORY_START, until=UNTIL)
    assert list(accumulate(b.cents for b in bookings))[-1] == sum(b.cents for b in bookings)
    assert all(b.cents > 0 for b in bookings if b.kind in (EntryKind.CHARGE, EntryKind.RETURN))
    assert all(b.cents < 0 for b in bookings if b.kind == EntryKind.PAYMENT)
    assert bookings == sorted(bookings, key=lambda b: b.date)


def test_structured_reference_has_the_betaalvereniging_check_digit() -> None:
    # The worked example of the Betaalvereniging's specification: (5)000 0567 8901 2345.
    assert structured_reference("000056789012345") == "5000056789012345"
