"""record_many's events are the saved rows, however they are built (quickly, or through Model.__init__
when something listens to the model's init signals)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models.signals import post_init

from roer.core import journal
from roer.core.models import JournalEvent
from roer.core.subjects import SubjectRef

pytestmark = pytest.mark.django_db

TENANCY = SubjectRef("tenancies.tenancy", "7")
ENTRY = SubjectRef("ledger.bankentry", "12")


def _batch() -> list[journal.Entry]:
    return [
        journal.Entry(
            activity="payment_received",
            subjects=[TENANCY, ENTRY, TENANCY],  # a subject given twice is recorded once
            facts={"amount": Decimal("695.00"), "booking_date": dt.date(2026, 2, 2)},
        ),
        journal.Entry(activity="bank_entry_unmatched", subjects=[ENTRY], facts={"flags": ["ambiguous"]}),
    ]


def _fields(event: JournalEvent) -> tuple[object, ...]:
    return (
        event.pk,
        event.occurred_at,
        event.activity,
        event.actor_kind,
        event.actor_id,
        event.channel,
        event.facts,
    )


def _check(events: list[JournalEvent]) -> None:
    saved = JournalEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("pk")
    assert [_fields(e) for e in events] == [_fields(e) for e in saved]
    assert all(not e._state.adding and e._state.db == connection.alias for e in events)
    assert events[0].facts == {"amount": "695.00", "booking_date": "2026-02-02"}
    assert [(s.kind, s.subject_id) for s in events[0].subjects.order_by("id")] == [
        ("tenancies.tenancy", "7"),
        ("ledger.bankentry", "12"),
    ]


def test_record_many_gives_the_saved_events():
    _check(journal.record_many(_batch()))


def test_record_many_builds_events_through_init_when_something_listens():
    seen: list[object] = []

    def listener(sender: type, instance: object, **kwargs: object) -> None:
        seen.append(instance)

    post_init.connect(listener, sender=JournalEvent)
    try:
        events = journal.record_many(_batch())
    finally:
        post_init.disconnect(listener, sender=JournalEvent)
    assert seen[: len(events)] == events
    _check(events)
