"""The import's queries do not grow with the entries of a batch: a per-entry query cannot creep back in."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from lxml import etree

from roer.ledger.models import BankEntry, LedgerEntry
from roer.ledger.services.statements import statement_import
from roer.ledger.tests.conftest import RENT_DAY

pytestmark = pytest.mark.django_db


def _day_of_rent_times(tmp_path: Path, times: int) -> Path:
    """The day of rent (7 entries, every way of matching) with each entry repeated `times` times."""
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


def _queries_of_one_batch(path: Path) -> tuple[int, int]:
    """(entries booked, queries) of importing the file as one batch; the database is left as it was."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            summary = statement_import(paths=[path], batch_size=10_000)
        booked = summary.total("booked")
        assert LedgerEntry.objects.filter(bank_entry__isnull=False).count() > booked // 2
        transaction.set_rollback(True)
    assert not BankEntry.objects.exists()
    return booked, len(queries)


def test_a_batch_twice_as_large_costs_the_same_queries(tenancies, tmp_path):
    # 504 and 1,008 entries: within one statement per table even on SQLite's default build
    # (32,766 parameters), so the comparison holds on every supported database.
    smaller = _queries_of_one_batch(_day_of_rent_times(tmp_path, 72))
    larger = _queries_of_one_batch(_day_of_rent_times(tmp_path, 144))
    assert (smaller[0], larger[0]) == (504, 1008)
    assert larger[1] == smaller[1] <= 20


def test_a_second_batch_costs_no_more_queries_than_the_first(tenancies, tmp_path):
    path = _day_of_rent_times(tmp_path, 72)
    _booked, one_batch = _queries_of_one_batch(path)
    with CaptureQueriesContext(connection) as queries:
        summary = statement_import(paths=[path], batch_size=252)
    assert summary.total("booked") == 504
    # The second batch repeats the first's look-ups, which the import remembers: no more queries.
    assert len(queries) <= 2 * one_batch
