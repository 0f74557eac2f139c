"""Plain-row inserts: ids in row order, Django's errors, and one statement for a whole batch."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from roer.core.bulk import insert_rows, insert_rows_returning_ids
from roer.core.models import JournalEvent, JournalSubject

pytestmark = pytest.mark.django_db

_COLUMNS = ("occurred_at", "activity", "actor_kind", "actor_id", "channel", "facts")


def _rows(count: int) -> list[tuple[object, ...]]:
    ops = connection.ops
    return [
        ("2026-02-02 10:00:00", f"bulk_test_{n}", "system", None, "", ops.adapt_json_value({"n": n}, None))
        for n in range(count)
    ]


def test_ids_come_back_in_row_order():
    ids = insert_rows_returning_ids(JournalEvent, _COLUMNS, _rows(300))
    assert ids == sorted(ids) and len(set(ids)) == 300
    saved = dict(JournalEvent.objects.filter(pk__in=ids).values_list("pk", "activity"))
    assert [saved[pk] for pk in ids] == [f"bulk_test_{n}" for n in range(300)]
    assert JournalEvent.objects.get(pk=ids[7]).facts == {"n": 7}


def test_a_batch_is_one_statement_whatever_its_rows():
    with CaptureQueriesContext(connection) as few:
        insert_rows_returning_ids(JournalEvent, _COLUMNS, _rows(10))
    with CaptureQueriesContext(connection) as many:
        insert_rows_returning_ids(JournalEvent, _COLUMNS, _rows(2000))
    assert len(many) == len(few)


def test_a_broken_row_raises_djangos_error_and_inserts_nothing():
    [event] = insert_rows_returning_ids(JournalEvent, _COLUMNS, _rows(1))
    before = JournalSubject.objects.count()
    twice = [(event, "tenancies.tenancy", "7"), (event, "tenancies.tenancy", "7")]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(JournalSubject, ("event", "kind", "subject_id"), twice)
    assert JournalSubject.objects.count() == before
