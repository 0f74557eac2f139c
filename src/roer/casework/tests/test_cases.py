import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.casework import selectors, services
from roer.casework.constants import CaseOutcome, CaseStatus
from roer.casework.models import Case
from roer.casework.services import CaseClosedError
from roer.core.journal import events_for
from roer.tenancies.tests.factories import TenancyFactory

from .factories import CaseFactory

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def activities(subject):
    return [event.activity for event in events_for(subject)]


def test_the_signal_opens_a_case_with_its_reasons(tenancy):
    case = services.case_open(
        tenancy=tenancy, priority=70, reasons=["Eerste achterstand in 30 jaar"], now=NOW
    )

    assert case.status == CaseStatus.OPEN
    assert case.priority == 70
    assert case.reasons == ["Eerste achterstand in 30 jaar"]
    assert case.opened_at == NOW
    assert case.opened_by is None
    (event,) = events_for(case)
    assert event.activity == "case_opened"
    assert event.actor_kind == "system"
    assert event.facts == {"priority": 70, "reason_count": 1, "by_signal": True}
    assert {(s.kind, s.subject_id) for s in event.subjects.all()} == {
        ("tenancies.tenancy", str(tenancy.pk)),
        ("casework.case", str(case.pk)),
    }


def test_opening_again_strengthens_the_open_case(tenancy, social_manager):
    first = services.case_open(tenancy=tenancy, priority=60, reasons=["Eerste achterstand in 30 jaar"])

    again = services.case_open(
        tenancy=tenancy,
        priority=40,
        reasons=["Eerste achterstand  in 30 jaar", "Automatische incasso gestorneerd (AM04)", " "],
        by=social_manager,
    )
    higher = services.case_open(tenancy=tenancy, priority=85, reasons=[])
    same = services.case_open(tenancy=tenancy, priority=85, reasons=["Eerste achterstand in 30 jaar"])

    assert again.pk == first.pk == higher.pk == same.pk
    assert Case.objects.filter(tenancy=tenancy).count() == 1
    higher.refresh_from_db()
    assert higher.priority == 85
    assert higher.reasons == ["Eerste achterstand in 30 jaar", "Automatische incasso gestorneerd (AM04)"]
    assert activities(first) == ["case_opened", "case_signal_repeated", "case_signal_repeated"]
    # The very same signal again (the nightly run, every night) changes and journals nothing.
    repeated, raised = events_for(first)[1:]
    assert repeated.facts == {"priority_from": 60, "priority_to": 60, "reasons_added": 1}
    assert repeated.actor_id == social_manager.pk
    assert raised.facts == {"priority_from": 60, "priority_to": 85, "reasons_added": 0}


def test_the_database_allows_one_open_case_per_tenancy(tenancy):
    CaseFactory(tenancy=tenancy)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(tenancy=tenancy)

    # Closed cases do not count: history keeps them.
    CaseFactory(tenancy=tenancy, closed=True)
    CaseFactory(tenancy=tenancy, closed=True)
    assert Case.objects.filter(tenancy=tenancy).count() == 3


@pytest.mark.parametrize("priority", [-1, 101])
def test_priority_lies_between_0_and_100(tenancy, priority):
    with pytest.raises(ValueError):
        services.case_open(tenancy=tenancy, priority=priority, reasons=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(tenancy=tenancy, priority=101)


def test_a_closed_case_must_say_how_it_ended(tenancy):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(tenancy=tenancy, status=CaseStatus.CLOSED, closed_at=NOW)


def test_close_records_the_outcome(tenancy, social_manager):
    case = services.case_open(tenancy=tenancy, priority=50, reasons=["x"], now=NOW)
    closed_at = NOW + dt.timedelta(days=12)

    services.case_close(
        case=case,
        by=social_manager,
        outcome=CaseOutcome.ARRANGEMENT_MADE,
        note="Regeling van 6 termijnen afgesproken.",
        now=closed_at,
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome == CaseOutcome.ARRANGEMENT_MADE
    assert case.outcome_note == "Regeling van 6 termijnen afgesproken."
    assert case.closed_at == closed_at
    assert case.closed_by == social_manager
    closed = events_for(case)[-1]
    assert closed.activity == "case_closed"
    assert closed.facts == {
        "outcome": "arrangement_made",
        "days_open": 12,
        "referred_to_debt_help": False,
        "with_note": True,
    }
    assert selectors.open_case_for_tenancy(tenancy.pk) is None
    assert selectors.tenancies_with_open_cases() == set()


def test_a_closed_case_stays_closed_and_a_new_signal_opens_a_new_case(tenancy, social_manager):
    case = services.case_open(tenancy=tenancy, priority=50, reasons=["x"])
    services.case_close(case=case, by=social_manager, outcome="paid")

    with pytest.raises(CaseClosedError):
        services.case_close(case=case, by=social_manager, outcome="paid")
    with pytest.raises(CaseClosedError):
        services.case_refer_to_debt_help(case=case, by=social_manager)

    new = services.case_open(tenancy=tenancy, priority=30, reasons=["y"])
    assert new.pk != case.pk
    assert selectors.open_case_for_tenancy(tenancy.pk) == new


def test_an_unknown_outcome_is_refused(tenancy, social_manager):
    case = CaseFactory(tenancy=tenancy)
    with pytest.raises(ValueError):
        services.case_close(case=case, by=social_manager, outcome="evicted")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_case_is_assigned_to_a_social_manager_only(tenancy, social_manager, customer_service):
    case = CaseFactory(tenancy=tenancy)

    services.case_assign(case=case, to=social_manager, by=social_manager)
    with pytest.raises(ValueError):
        services.case_assign(case=case, to=customer_service, by=social_manager)

    case.refresh_from_db()
    assert case.assigned_to == social_manager
    assigned = events_for(case)[-1]
    assert assigned.activity == "case_assigned"
    assert assigned.facts == {"from_user_id": None, "to_user_id": social_manager.pk}

    # Assigning again to the same person changes nothing and writes nothing.
    services.case_assign(case=case, to=social_manager, by=social_manager)
    assert activities(case) == ["case_assigned"]

    services.case_assign(case=case, to=None, by=social_manager)
    case.refresh_from_db()
    assert case.assigned_to is None


def test_referral_to_debt_help_is_recorded_once(tenancy, social_manager):
    case = CaseFactory(tenancy=tenancy)

    services.case_refer_to_debt_help(case=case, by=social_manager, now=NOW)
    services.case_refer_to_debt_help(case=case, by=social_manager, now=NOW + dt.timedelta(days=1))

    case.refresh_from_db()
    assert case.referred_to_debt_help_at == NOW
    assert activities(case) == ["case_referred_to_debt_help"]


def test_tenancies_with_open_cases_takes_one_query(django_assert_num_queries):
    open_cases = CaseFactory.create_batch(3)
    CaseFactory(closed=True)
    CaseFactory(tenancy=TenancyFactory(), closed=True)

    with django_assert_num_queries(1):
        found = selectors.tenancies_with_open_cases()

    assert found == {case.tenancy_id for case in open_cases}


def test_the_closed_trait_and_a_social_manager_factory_agree():
    case = CaseFactory(closed=True, assigned=True)
    assert case.closed_by.has_role(Role.SOCIAL_MANAGER)
    assert UserFactory(roles=[Role.SOCIAL_MANAGER]).has_role(Role.SOCIAL_MANAGER)
