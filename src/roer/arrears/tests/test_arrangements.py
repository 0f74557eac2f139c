"""Payment arrangements: self-service within the policy, a person decides outside it, instalments, reconciling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.arrears import selectors_arrangements as queries
from roer.arrears.constants import ArrangementEndReason, ArrangementStatus
from roer.arrears.models import Arrangement
from roer.arrears.policy import Policy
from roer.arrears.services.arrangements import (
    ArrangementError,
    SelfServiceFacts,
    arrangement_decide,
    arrangement_end,
    arrangement_propose,
    equal_instalments,
    instalments_reconcile,
    missed_instalment_reason,
    paid_towards_timeline,
    self_service_allowed,
)
from roer.casework.models import Case
from roer.core.models import Decision, JournalEvent
from roer.ledger.constants import EntryKind, PaymentChannel
from roer.ledger.tests.factories import LedgerEntryFactory
from roer.tenancies.tests.factories import TenancyFactory

RENT = Decimal("700.00")
START = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def charge(tenancy, day, amount=RENT):
    return LedgerEntryFactory(tenancy=tenancy, date=day, amount=amount, period=day.replace(day=1))


def pay(tenancy, day, amount):
    return LedgerEntryFactory(
        tenancy=tenancy,
        date=day,
        kind=EntryKind.PAYMENT,
        amount=-Decimal(amount),
        period=None,
        method=PaymentChannel.TRANSFER,
    )


def firsts(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day = (day + dt.timedelta(days=32)).replace(day=1)


def rent_history(tenancy, *, first=dt.date(2024, 1, 1), last=dt.date(2026, 3, 1), unpaid=()):
    """A charge on each 1st, paid three days before it, except the months in `unpaid`."""
    for due in firsts(first, last):
        charge(tenancy, due)
        if due not in unpaid:
            pay(tenancy, due - dt.timedelta(days=3), RENT)


@pytest.fixture
def tenant_tenancy(db):
    """30 years' tenant pattern in short: two years on time, then March 2026 unpaid (€ 700 arrears)."""
    tenancy = TenancyFactory()
    rent_history(tenancy, unpaid=[dt.date(2026, 3, 1)])
    return tenancy


def tenant_user(tenancy):
    user = UserFactory(roles=[Role.TENANT])
    person = tenancy.parties.get().person
    person.user = user
    person.save(update_fields=["user"])
    return user


@pytest.fixture
def officer(db):
    return UserFactory(roles=[Role.COLLECTIONS_OFFICER])


@pytest.fixture
def social_manager(db):
    return UserFactory(roles=[Role.SOCIAL_MANAGER])


# --- pure ------------------------------------------------------------------------------------------


def test_equal_instalments_add_up_exactly_and_the_last_takes_the_cents():
    schedule = equal_instalments(Decimal("100.00"), 3, dt.date(2026, 1, 31))
    assert [amount for _day, amount in schedule] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert [day for day, _amount in schedule] == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]
    assert sum(a for _d, a in equal_instalments(Decimal("1234.57"), 7, START)) == Decimal("1234.57")


def facts(**changes):
    base = {
        "as_of": START,
        "arrears": Decimal("700.00"),
        "monthly_rent": RENT,
        "tenancy_months": 120,
        "on_time_months": 24,
        "last_arrangement_on": None,
        "bailiff": False,
        "debt_measure": False,
        "instalment_count": 3,
    }
    return SelfServiceFacts(**{**base, **changes})


def test_self_service_inside_the_default_policy():
    allowed, reasons = self_service_allowed(facts(), Policy.default())
    assert allowed
    assert len(reasons) == 1


@pytest.mark.parametrize(
    ("change", "count"),
    [
        ({"instalment_count": 7}, 1),
        ({"on_time_months": 11}, 1),
        ({"tenancy_months": 11}, 1),
        ({"last_arrangement_on": dt.date(2025, 6, 1)}, 1),
        ({"arrears": Decimal("700.01")}, 1),
        ({"bailiff": True}, 1),
        ({"debt_measure": True}, 1),
        ({"automation_may_act": False, "automation_reason": "manual"}, 1),
        ({"bailiff": True, "debt_measure": True, "instalment_count": 12}, 3),
    ],
)
def test_self_service_refused_outside_the_policy(change, count):
    allowed, reasons = self_service_allowed(facts(**change), Policy.default())
    assert not allowed
    assert len(reasons) == count


def test_an_arrangement_more_than_twelve_months_ago_does_not_count():
    allowed, _reasons = self_service_allowed(facts(last_arrangement_on=dt.date(2025, 3, 9)), Policy.default())
    assert allowed


# --- propose and decide ----------------------------------------------------------------------------


def test_a_tenant_inside_the_policy_arranges_it_alone(tenant_tenancy):
    user = tenant_user(tenant_tenancy)
    arrangement = arrangement_propose(tenancy=tenant_tenancy, count=3, start_date=START, by=user)

    assert arrangement.status == ArrangementStatus.ACTIVE
    assert arrangement.self_service is True
    assert arrangement.proposed_by == user
    assert arrangement.amount == Decimal("700.00")
    instalments = list(arrangement.instalments.order_by("number"))
    assert [i.amount for i in instalments] == [Decimal("233.33"), Decimal("233.33"), Decimal("233.34")]
    assert sum(i.amount for i in instalments) == arrangement.amount
    assert [i.due_date for i in instalments] == [START, dt.date(2026, 4, 10), dt.date(2026, 5, 10)]
    decision = Decision.objects.get(subject_kind="arrears.arrangement", subject_id=str(arrangement.pk))
    assert decision.outcome == "self_service"
    event = JournalEvent.objects.get(activity="arrangement_proposed")
    assert event.facts["self_service"] is True
    assert event.facts["refusals"] == []
    assert event.channel == "INT"


def test_a_tenant_outside_the_policy_asks_and_a_person_approves(tenant_tenancy, officer):
    user = tenant_user(tenant_tenancy)
    arrangement = arrangement_propose(tenancy=tenant_tenancy, count=8, start_date=START, by=user)

    assert arrangement.status == ArrangementStatus.REQUESTED
    assert arrangement.self_service is False
    assert JournalEvent.objects.get(activity="arrangement_proposed").facts["refusals"] == [
        "too_many_instalments"
    ]
    assert queries.arrangements_requested() == [arrangement]

    arrangement = arrangement_decide(arrangement=arrangement, by=officer, approve=True, note="Vaste baan")
    arrangement.refresh_from_db()
    assert arrangement.status == ArrangementStatus.ACTIVE
    assert arrangement.decided_by == officer
    assert arrangement.decision_note == "Vaste baan"
    assert JournalEvent.objects.get(activity="arrangement_decided").facts == {
        "approved": True,
        "status": "ACT",
        "with_note": True,
    }


def test_arrears_above_one_months_rent_go_to_a_person(db, social_manager):
    tenancy = TenancyFactory()
    rent_history(tenancy, unpaid=[dt.date(2026, 2, 1), dt.date(2026, 3, 1)])
    user = tenant_user(tenancy)
    arrangement = arrangement_propose(tenancy=tenancy, count=4, start_date=START, by=user)
    assert arrangement.status == ArrangementStatus.REQUESTED
    assert arrangement.amount == Decimal("1400.00")
    assert "arrears_too_high" in JournalEvent.objects.get(activity="arrangement_proposed").facts["refusals"]

    with pytest.raises(ArrangementError):
        arrangement_decide(arrangement=arrangement, by=social_manager, approve=False, note="  ")
    arrangement = arrangement_decide(
        arrangement=arrangement, by=social_manager, approve=False, note="Eerst bellen"
    )
    assert arrangement.status == ArrangementStatus.REMOVED
    assert arrangement.decision_note == "Eerst bellen"


def test_a_late_payer_cannot_arrange_it_alone(db):
    tenancy = TenancyFactory()
    rent_history(tenancy, unpaid=[dt.date(2026, 3, 1)])
    # Paid late in autumn 2025: not on time for the 12 months before these arrears.
    late = LedgerEntryFactory._meta.model.objects.filter(tenancy=tenancy, date=dt.date(2025, 10, 29))
    late.update(date=dt.date(2025, 11, 20))
    arrangement = arrangement_propose(tenancy=tenancy, count=2, start_date=START, by=tenant_user(tenancy))
    assert arrangement.status == ArrangementStatus.REQUESTED
    assert JournalEvent.objects.get(activity="arrangement_proposed").facts["refusals"] == ["not_on_time"]


def test_only_a_social_manager_or_officer_decides(tenant_tenancy):
    user = tenant_user(tenant_tenancy)
    arrangement = arrangement_propose(tenancy=tenant_tenancy, count=8, start_date=START, by=user)
    with pytest.raises(PermissionDenied):
        arrangement_decide(
            arrangement=arrangement, by=UserFactory(roles=[Role.CUSTOMER_SERVICE]), approve=True
        )
    with pytest.raises(PermissionDenied):
        arrangement_decide(arrangement=arrangement, by=user, approve=True)


def test_staff_proposals_wait_for_a_decision(tenant_tenancy, social_manager):
    arrangement = arrangement_propose(
        tenancy=tenant_tenancy,
        instalments=[(START, Decimal("400.00")), (dt.date(2026, 4, 15), Decimal("300.00"))],
        start_date=START,
        by=social_manager,
    )
    assert arrangement.status == ArrangementStatus.REQUESTED
    assert [i.amount for i in arrangement.instalments.all()] == [Decimal("400.00"), Decimal("300.00")]


def test_given_instalments_must_add_up_to_the_arrears(tenant_tenancy, social_manager):
    with pytest.raises(ArrangementError, match="700"):
        arrangement_propose(
            tenancy=tenant_tenancy,
            instalments=[(START, Decimal("400.00")), (dt.date(2026, 4, 15), Decimal("200.00"))],
            start_date=START,
            by=social_manager,
        )
    assert not Arrangement.objects.exists()


def test_one_open_arrangement_at_a_time_and_none_without_arrears(tenant_tenancy, db):
    user = tenant_user(tenant_tenancy)
    arrangement_propose(tenancy=tenant_tenancy, count=3, start_date=START, by=user)
    with pytest.raises(ArrangementError):
        arrangement_propose(tenancy=tenant_tenancy, count=2, start_date=START, by=user)
    paid_up = TenancyFactory()
    rent_history(paid_up)
    with pytest.raises(ArrangementError):
        arrangement_propose(tenancy=paid_up, count=2, start_date=START, by=tenant_user(paid_up))


def test_someone_elses_tenant_cannot_propose(tenant_tenancy):
    stranger = tenant_user(TenancyFactory())
    with pytest.raises(PermissionDenied):
        arrangement_propose(tenancy=tenant_tenancy, count=2, start_date=START, by=stranger)


def test_options_for_the_portal(tenant_tenancy):
    options = queries.arrangement_options(tenant_tenancy, START)
    assert options.allowed
    assert options.arrears == Decimal("700.00")
    assert options.max_instalments == 6
    assert sum(a for _d, a in options.example) == Decimal("700.00")
    assert len(options.example) == 6


# --- reconciling -----------------------------------------------------------------------------------


@pytest.fixture
def running(tenant_tenancy):
    arrangement = arrangement_propose(
        tenancy=tenant_tenancy, count=3, start_date=START, by=tenant_user(tenant_tenancy)
    )
    for due in firsts(dt.date(2026, 4, 1), dt.date(2026, 6, 1)):
        charge(tenant_tenancy, due)
    return arrangement


def test_payments_beyond_the_rent_pay_the_instalments_and_complete_it(running):
    tenancy = running.tenancy
    pay(tenancy, START, "233.33")
    pay(tenancy, dt.date(2026, 3, 28), RENT)  # April's rent, in advance
    pay(tenancy, dt.date(2026, 4, 10), "233.33")
    pay(tenancy, dt.date(2026, 4, 28), RENT)
    pay(tenancy, dt.date(2026, 5, 9), "233.34")
    pay(tenancy, dt.date(2026, 5, 28), RENT)

    summary = instalments_reconcile(as_of=dt.date(2026, 3, 30))
    assert summary.instalments_paid == 1  # the advance rent does not pay the next instalment
    running.refresh_from_db()
    assert running.status == ArrangementStatus.ACTIVE

    summary = instalments_reconcile(as_of=dt.date(2026, 6, 5))
    running.refresh_from_db()
    assert running.status == ArrangementStatus.ENDED
    assert running.end_reason == ArrangementEndReason.PAID_OFF
    assert running.ended_on == dt.date(2026, 5, 9)
    paid = list(running.instalments.order_by("number").values_list("paid_on", "paid_amount"))
    assert paid == [
        (START, Decimal("233.33")),
        (dt.date(2026, 4, 10), Decimal("233.33")),
        (dt.date(2026, 5, 9), Decimal("233.34")),
    ]
    assert summary.completed == 1
    assert not Case.objects.exists()
    assert JournalEvent.objects.filter(activity="arrangement_completed").count() == 1


def test_rent_paid_within_the_grace_days_does_not_undo_an_instalment(running):
    tenancy = running.tenancy
    pay(tenancy, START, "233.33")
    pay(tenancy, dt.date(2026, 4, 3), RENT)  # April's rent on the 3rd
    instalments_reconcile(as_of=dt.date(2026, 4, 2))
    assert running.instalments.get(number=1).paid_on == START
    assert not Case.objects.exists()


def test_a_missed_instalment_opens_a_case_once_and_does_not_escalate(running):
    tenancy = running.tenancy
    pay(tenancy, START, "233.33")
    pay(tenancy, dt.date(2026, 3, 28), RENT)

    instalments_reconcile(as_of=dt.date(2026, 4, 15))  # 10 April + 5 grace days: not yet missed
    assert not Case.objects.exists()

    summary = instalments_reconcile(as_of=dt.date(2026, 4, 16))
    assert summary.missed_signalled == 1
    case = Case.objects.get()
    assert case.tenancy == tenancy
    assert case.reasons == [missed_instalment_reason(dt.date(2026, 4, 10))]
    second = running.instalments.get(number=2)
    assert second.missed_signalled_on == dt.date(2026, 4, 16)
    assert second.paid_on is None

    instalments_reconcile(as_of=dt.date(2026, 4, 17))
    assert Case.objects.count() == 1
    assert JournalEvent.objects.filter(activity="arrangement_instalment_missed").count() == 1
    assert JournalEvent.objects.filter(activity="case_signal_repeated").count() == 0
    running.refresh_from_db()
    assert running.status == ArrangementStatus.ACTIVE  # a person decides, not the system


def test_a_returned_payment_makes_the_instalment_unpaid_again(running):
    tenancy = running.tenancy
    pay(tenancy, START, "233.33")
    instalments_reconcile(as_of=dt.date(2026, 3, 12))
    assert running.instalments.get(number=1).paid_on == START
    LedgerEntryFactory(
        tenancy=tenancy,
        date=dt.date(2026, 3, 13),
        kind=EntryKind.RETURN,
        amount=Decimal("233.33"),
        period=None,
    )
    instalments_reconcile(as_of=dt.date(2026, 3, 20))
    first = running.instalments.get(number=1)
    assert first.paid_on is None
    assert first.missed_signalled_on == dt.date(2026, 3, 20)
    assert Case.objects.count() == 1


def test_a_person_ends_an_arrangement_with_a_vera_reason(running, social_manager):
    ended = arrangement_end(
        arrangement=running,
        by=social_manager,
        reason=ArrangementEndReason.NOT_SUITABLE,
        on=dt.date(2026, 4, 20),
    )
    assert ended.status == ArrangementStatus.CANCELLED
    assert ended.end_reason == "VOL"
    assert ended.ended_on == dt.date(2026, 4, 20)
    assert instalments_reconcile(as_of=dt.date(2026, 5, 30)).arrangements == 0
    with pytest.raises(ArrangementError):
        arrangement_end(arrangement=running, by=social_manager, reason=ArrangementEndReason.UNCOLLECTABLE)


def test_paid_towards_timeline_counts_advance_rent_as_rent():
    entries = [
        (dt.date(2026, 3, 1), RENT, "charge"),
        (dt.date(2026, 3, 10), Decimal("-100.00"), "payment"),
        (dt.date(2026, 3, 27), Decimal("-800.00"), "payment"),
    ]
    timeline = paid_towards_timeline(
        amount=RENT,
        start_date=dt.date(2026, 3, 5),
        entries=entries,
        as_of=dt.date(2026, 3, 30),
        monthly_rent=RENT,
    )
    assert timeline[-1] == (dt.date(2026, 3, 30), Decimal("200.00"))
