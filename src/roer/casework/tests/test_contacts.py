import datetime as dt

import pytest
from django.utils import timezone

from roer.casework import selectors, services
from roer.casework.constants import ContactTopic, Direction
from roer.core.constants import Channel
from roer.core.journal import events_for

from .factories import CaseFactory, ContactMomentFactory

CALLED = dt.datetime(2026, 3, 11, 10, 15, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def log(tenancy, by, **kwargs):
    defaults = dict(
        tenancy=tenancy,
        by=by,
        channel=Channel.PHONE,
        direction=Direction.OUTGOING,
        succeeded=True,
        topic=ContactTopic.ARREARS,
        summary="Huurder verloor in februari haar baan.",
        happened_at=CALLED,
    )
    return services.contact_log(**(defaults | kwargs))


def test_a_contact_goes_to_the_open_case_of_the_tenancy(tenancy, social_manager):
    CaseFactory(tenancy=tenancy, closed=True)
    case = CaseFactory(tenancy=tenancy)

    contact = log(tenancy, social_manager)

    assert contact.case == case
    assert contact.happened_at == CALLED
    assert contact.summary == "Huurder verloor in februari haar baan."
    (event,) = events_for(contact)
    assert event.activity == "contact_logged"
    assert event.channel == Channel.PHONE
    assert event.occurred_at == CALLED
    assert event.actor_id == social_manager.pk
    assert event.facts == {"direction": "UIT", "succeeded": True, "topic": "arrears", "case_id": case.pk}
    assert {s.kind for s in event.subjects.all()} == {
        "tenancies.tenancy",
        "casework.case",
        "casework.contactmoment",
    }


def test_a_contact_without_an_open_case_stands_alone(tenancy, customer_service):
    CaseFactory(tenancy=tenancy, closed=True)

    contact = log(
        tenancy, customer_service, channel=Channel.DESK, direction=Direction.INCOMING, topic="repair"
    )

    assert contact.case is None
    assert events_for(contact)[0].facts["case_id"] is None


def test_an_attempt_is_logged_as_not_succeeded(tenancy, social_manager):
    contact = log(tenancy, social_manager, channel=Channel.VISIT, succeeded=False, summary="")
    assert contact.succeeded is False
    assert events_for(contact)[0].channel == Channel.VISIT


def test_a_case_of_another_tenancy_is_refused(tenancy, social_manager):
    other = CaseFactory()
    with pytest.raises(ValueError):
        log(tenancy, social_manager, case=other)


@pytest.mark.parametrize(
    "change",
    [
        {"channel": "INS"},
        {"channel": "FAX"},
        {"direction": "IN"},
        {"topic": "gossip"},
        {"happened_at": timezone.now() + dt.timedelta(hours=1)},
    ],
)
def test_bad_contacts_are_refused(tenancy, social_manager, change):
    with pytest.raises(ValueError):
        log(tenancy, social_manager, **change)


def test_first_contact_after_a_date(tenancy, social_manager):
    ContactMomentFactory(tenancy=tenancy, happened_at=dt.datetime(2026, 2, 27, 23, 30, tzinfo=dt.UTC))
    attempt = ContactMomentFactory(
        tenancy=tenancy, attempt=True, happened_at=dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)
    )
    ContactMomentFactory(tenancy=tenancy, happened_at=dt.datetime(2026, 3, 6, 9, 0, tzinfo=dt.UTC))
    letter = ContactMomentFactory(
        tenancy=tenancy, channel=Channel.LETTER, happened_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    )
    ContactMomentFactory(happened_at=dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC))  # another tenancy

    # 2026-02-27 23:30 UTC is already 28 February in Amsterdam, but a date means Amsterdam's day.
    assert selectors.first_contact_after(tenancy_id=tenancy.pk, since=dt.date(2026, 3, 1)) == letter
    human = frozenset({Channel.PHONE, Channel.VISIT, Channel.DESK})
    assert (
        selectors.first_contact_after(tenancy_id=tenancy.pk, since=dt.date(2026, 3, 1), channels=human)
        == attempt
    )
    assert (
        selectors.first_contact_after(tenancy_id=tenancy.pk, since=dt.datetime(2026, 3, 7, tzinfo=dt.UTC))
        is None
    )
    assert selectors.first_contact_after(tenancy_id=tenancy.pk, since=dt.date(2026, 2, 28)).happened_at == (
        dt.datetime(2026, 2, 27, 23, 30, tzinfo=dt.UTC)
    )
