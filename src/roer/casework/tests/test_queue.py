import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.accounts.tests.factories import UserFactory
from roer.casework import selectors
from roer.tenancies.tests.factories import DwellingFactory, TenancyFactory

from .factories import CaseFactory, ContactMomentFactory

NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)

pytestmark = pytest.mark.django_db


def test_the_queue_puts_the_most_urgent_first_then_the_longest_waiting(social_manager):
    low = CaseFactory(priority=20, opened_at=NOW - 9 * DAY)
    high_newer = CaseFactory(priority=80, opened_at=NOW - 2 * DAY)
    high_older = CaseFactory(priority=80, opened_at=NOW - 5 * DAY)
    CaseFactory(priority=100, closed=True)

    rows = selectors.case_queue(user=social_manager, now=NOW)

    assert [row.case_id for row in rows] == [high_older.pk, high_newer.pk, low.pk]
    assert [row.days_open for row in rows] == [5, 2, 9]


def test_a_row_tells_where_who_why_and_when_last_contacted(social_manager):
    tenancy = TenancyFactory(
        reference="HO-4711", dwelling=DwellingFactory(street="Kanaalweg", house_number="12a", city="Utrecht")
    )
    CaseFactory(
        tenancy=tenancy,
        priority=90,
        reasons=["Eerste achterstand in 30 jaar", "Partner overleden in januari"],
        assigned_to=social_manager,
        opened_at=NOW - 3 * DAY,
    )
    ContactMomentFactory(tenancy=tenancy, happened_at=NOW - 2 * DAY)
    last = ContactMomentFactory(tenancy=tenancy, attempt=True, happened_at=NOW - DAY)
    ContactMomentFactory(happened_at=NOW)  # someone else's

    (row,) = selectors.case_queue(user=social_manager, now=NOW)

    assert row.reference == "HO-4711"
    assert row.address == "Kanaalweg 12a, Utrecht"
    assert row.reasons == ("Eerste achterstand in 30 jaar", "Partner overleden in januari")
    assert row.priority == 90
    assert row.days_open == 3
    assert row.last_contact_at == last.happened_at
    assert row.assigned_to_id == social_manager.pk
    assert row.assigned_to_name == "Sanne de Vries"
    assert row.referred_to_debt_help is False


def test_a_case_without_contact_or_assignee(social_manager):
    CaseFactory()
    (row,) = selectors.case_queue(user=social_manager, now=NOW)
    assert row.last_contact_at is None
    assert row.assigned_to_id is None
    assert row.assigned_to_name == ""


def test_only_case_readers_get_a_queue(collections_officer, customer_service):
    CaseFactory()
    assert len(selectors.case_queue(user=collections_officer, now=NOW)) == 1
    assert selectors.case_queue(user=customer_service, now=NOW) == []


def _queries_for_queue(user_pk):
    user = User.objects.get(pk=user_pk)  # fresh: its roles are not cached yet
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.case_queue(user=user, now=NOW)
    return len(captured), rows


def test_the_queue_takes_the_same_queries_for_40_more_cases(social_manager, django_assert_max_num_queries):
    def build(n):
        for case in CaseFactory.create_batch(n, assigned_to=UserFactory(roles=[Role.SOCIAL_MANAGER])):
            ContactMomentFactory(tenancy=case.tenancy, happened_at=NOW - DAY)

    build(2)
    few, rows = _queries_for_queue(social_manager.pk)
    assert len(rows) == 2

    build(40)
    many, rows = _queries_for_queue(social_manager.pk)
    assert len(rows) == 42
    assert many == few

    user = User.objects.get(pk=social_manager.pk)
    with django_assert_max_num_queries(2):  # the user's roles, then the queue
        selectors.case_queue(user=user, now=NOW)
