import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roer.accounts.tests.factories import UserFactory
from roer.core import journal
from roer.core.constants import ActorKind, Channel
from roer.core.models import AppendOnlyError, JournalEvent
from roer.core.subjects import SubjectRef

pytestmark = pytest.mark.django_db

TENANCY = SubjectRef("tenancies.tenancy", "7")
REPAIR = SubjectRef("repairs.repairrequest", "12")


def test_an_event_refers_to_several_subjects_and_is_found_from_each():
    event = journal.record(
        activity="repair_submitted", subjects=[TENANCY, REPAIR], channel=Channel.PORTAL, facts={"step": 3}
    )
    assert [e.pk for e in journal.events_for(TENANCY)] == [event.pk]
    assert [e.pk for e in journal.events_for(REPAIR)] == [event.pk]
    assert event.actor_kind == ActorKind.SYSTEM
    assert event.channel == "INT"


def test_the_actor_kind_comes_from_the_user():
    supervisor = UserFactory(roles=["process_supervisor"])
    event = journal.record(activity="looked", subjects=[TENANCY], actor=supervisor)
    assert (event.actor_kind, event.actor_id) == (ActorKind.STAFF, supervisor.pk)
    tenant = UserFactory(roles=["tenant"])
    assert journal.record(activity="looked", subjects=[TENANCY], actor=tenant).actor_kind == ActorKind.TENANT


def test_facts_are_stored_as_plain_json():
    event = journal.record(
        activity="cost_charged",
        subjects=[TENANCY],
        facts={"amount": Decimal("40.00"), "on": dt.date(2026, 1, 5)},
    )
    event.refresh_from_db()
    assert event.facts == {"amount": "40.00", "on": "2026-01-05"}


def test_personal_data_is_refused():
    before = JournalEvent.objects.count()
    with pytest.raises(ValueError, match="personal data"):
        journal.record(activity="x", subjects=[TENANCY], facts={"name": "J. de Vries"})
    assert JournalEvent.objects.count() == before


def test_an_event_needs_a_subject():
    with pytest.raises(ValueError):
        journal.record(activity="x", subjects=[])


def test_the_journal_is_append_only():
    event = journal.record(activity="x", subjects=[TENANCY])
    event.activity = "y"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        JournalEvent.objects.filter(pk=event.pk).update(activity="y")
    with pytest.raises(AppendOnlyError):
        JournalEvent.objects.all().delete()
    assert JournalEvent.objects.get(pk=event.pk).activity == "x"


def test_indexes_serve_subject_activity_and_rule_version_queries():
    indexed = {
        (model._meta.label_lower, tuple(index.fields))
        for model in (JournalEvent, journal.JournalSubject, journal.JournalRuleVersion)
        for index in model._meta.indexes
    }
    assert ("core.journalevent", ("activity", "occurred_at")) in indexed
    assert ("core.journalsubject", ("kind", "subject_id")) in indexed
    assert ("core.journalruleversion", ("rule_version", "event")) in indexed


def test_record_many_appends_a_batch_in_a_constant_number_of_queries():
    def batch(size: int, offset: int) -> list[journal.Entry]:
        return [
            journal.Entry(
                activity="payment_received", subjects=[SubjectRef("tenancies.tenancy", str(n)), REPAIR]
            )
            for n in range(offset, offset + size)
        ]

    with CaptureQueriesContext(connection) as two:
        journal.record_many(batch(2, 0))
    with CaptureQueriesContext(connection) as fifty:
        events = journal.record_many(batch(50, 100))
    assert len(fifty) == len(two) <= 5
    assert len(events) == 50
    assert [e.pk for e in journal.events_for(SubjectRef("tenancies.tenancy", "149"))] == [events[-1].pk]
    assert len(journal.events_for(REPAIR)) == 52
