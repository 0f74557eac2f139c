"""Booking in batches: a batch costs a fixed number of queries, however many entries it holds."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from roer.core.models import JournalEvent, JournalSubject
from roer.ledger.constants import BankEntryStatus, EntrySource
from roer.ledger.models import BankEntry, LedgerEntry
from roer.ledger.services.statements import statement_import
from roer.ledger.tests.conftest import RENT_DAY

pytestmark = pytest.mark.django_db


def _repeated(tmp_path: Path, times: int) -> Path:
    """The day of rent with each entry repeated `times` times under its own bank reference."""
    tree = etree.parse(str(RENT_DAY))
    entries = tree.xpath("//*[local-name()='Ntry']")
    for copy_number in range(1, times):
        for entry in entries:
            twin = copy.deepcopy(entry)
            for reference in twin.xpath("./*[local-name()='AcctSvcrRef']"):
                reference.text = f"{reference.text}-{copy_number}"
            entries[-1].addnext(twin)
    path = tmp_path / f"rent-day-x{times}.camt053.xml"
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path


def _import_counting_queries(path: Path) -> tuple[dict[str, object], int]:
    with CaptureQueriesContext(connection) as queries:
        summary = statement_import(paths=[path], batch_size=1000).as_dict()
    return summary, len(queries)


def test_one_batch_of_140_entries_costs_a_fixed_handful_of_queries(tenancies, tmp_path):
    path = _repeated(tmp_path, 20)
    summary, queries = _import_counting_queries(path)
    assert (summary["entries_read"], summary["booked"]) == (140, 140)
    # Per batch: dedupe keys, one look-up per kind, the bank entries, their ids, the bookings, the
    # journal's events, subjects (and savepoints); per file: the statement and its summary event.
    assert queries <= 20
    matched = BankEntry.objects.exclude(tenancy=None)
    assert LedgerEntry.objects.filter(source=EntrySource.BANK).count() == matched.count() > 0
    payments = JournalEvent.objects.filter(activity="payment_received")
    assert payments.count() == matched.filter(status=BankEntryStatus.MATCHED).count()
    assert JournalSubject.objects.filter(event__in=payments).count() == 2 * payments.count()
    # Read again: every entry is known, nothing is booked, and the queries stay as few.
    summary, queries = _import_counting_queries(path)
    assert (summary["booked"], summary["duplicates_skipped"]) == (0, 140)
    assert queries <= 10
