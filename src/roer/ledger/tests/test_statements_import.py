"""Booking bank files: matching, returns, flags, duplicates and the journal."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from roer.core.models import JournalEvent
from roer.ledger.bank import StatementError
from roer.ledger.constants import BankEntryFlag, BankEntryStatus, EntryKind, EntrySource
from roer.ledger.models import BankEntry, BankStatement, LedgerEntry
from roer.ledger.services.statements import statement_import
from roer.ledger.tests.conftest import NOTIFICATIONS, RENT_DAY, RETURNS
from roer.ledger.tests.factories import TenancyFactory
from roer.ledger.tests.test_statements_reading import expected_from_text, shared_files

pytestmark = pytest.mark.django_db


def test_every_shared_bank_file_imports_with_its_totals(shared_data):
    for path in shared_files(shared_data):
        count, credits, debits = expected_from_text(path)
        summary = statement_import(paths=[path])
        [file_summary] = summary.files
        assert (file_summary.entries_read, file_summary.credit_total, file_summary.debit_total) == (
            count,
            credits,
            debits,
        ), path.name
        statement = BankStatement.objects.get(file_name=path.name)
        assert statement.entries_read == count
        booked = BankEntry.objects.filter(statement=statement)
        assert booked.count() == file_summary.booked
        assert file_summary.booked + file_summary.duplicates_skipped == count
    # The genkgo "with party ids" file holds the very entry of its "minimal" file: booked once.
    assert BankEntry.objects.count() == 137
    assert BankStatement.objects.get(file_name="camt053.v2.with-party-ids.xml").entries.count() == 0


def test_a_day_of_rent_is_matched_by_reference_text_and_iban(tenancies):
    summary = statement_import(paths=[RENT_DAY]).as_dict()
    assert {k: summary[k] for k in ("entries_read", "booked", "matched", "unmatched", "outgoing")} == {
        "entries_read": 7,
        "booked": 7,
        "matched": 4,
        "unmatched": 1,
        "outgoing": 1,
    }
    assert summary["foreign_currency"] == 1
    assert summary["flagged"]["invalid_iban"] == 1
    assert summary["flagged"]["foreign_currency"] == 1
    payments = {
        e.bank_entry.bank_reference: (e.tenancy_id, e.amount, e.kind, e.source)
        for e in LedgerEntry.objects.filter(source=EntrySource.BANK).select_related("bank_entry")
    }
    assert payments == {
        "RD-0001": (tenancies["reference"].pk, Decimal("-695.00"), EntryKind.PAYMENT, EntrySource.BANK),
        "RD-0002": (tenancies["text"].pk, Decimal("-700.00"), EntryKind.PAYMENT, EntrySource.BANK),
        "RD-0003": (tenancies["iban"].pk, Decimal("-650.00"), EntryKind.PAYMENT, EntrySource.BANK),
        "": (tenancies["no_bank_reference"].pk, Decimal("-695.00"), EntryKind.PAYMENT, EntrySource.BANK),
    }
    matched_by = {e.facts["matched_by"] for e in JournalEvent.objects.filter(activity="payment_received")}
    assert matched_by == {"reference", "text_reference", "iban"}


def test_an_invalid_iban_is_kept_as_given_and_flagged(tenancies):
    statement_import(paths=[RENT_DAY])
    entry = BankEntry.objects.get(bank_reference="RD-0004")
    assert entry.counterparty_iban == "NL00ABNA0000000000"
    assert entry.flags == [BankEntryFlag.INVALID_IBAN]
    assert entry.status == BankEntryStatus.UNMATCHED
    assert entry.tenancy is None


def test_another_currency_is_recorded_flagged_and_never_matched(tenancies):
    statement_import(paths=[RENT_DAY])
    dollars = BankEntry.objects.get(bank_reference="RD-0005")
    # It carries the structured reference of a tenancy, and still is not booked as rent.
    assert dollars.structured_reference == "7000000000000101"
    assert (dollars.currency, dollars.status, dollars.tenancy) == (
        "USD",
        BankEntryStatus.FOREIGN_CURRENCY,
        None,
    )
    assert BankEntryFlag.FOREIGN_CURRENCY in dollars.flags
    assert not LedgerEntry.objects.filter(bank_entry=dollars).exists()


def test_outgoing_payments_are_recorded_as_outgoing(tenancies):
    statement_import(paths=[RENT_DAY])
    outgoing = BankEntry.objects.get(bank_reference="RD-0006")
    assert (outgoing.status, outgoing.amount) == (BankEntryStatus.OUTGOING, Decimal("-1250.00"))


def test_the_same_statement_twice_books_nothing_new(tenancies):
    statement_import(paths=[RENT_DAY])
    before = (BankEntry.objects.count(), LedgerEntry.objects.count())
    again = statement_import(paths=[RENT_DAY]).as_dict()
    assert (again["booked"], again["duplicates_skipped"]) == (0, 7)
    assert (BankEntry.objects.count(), LedgerEntry.objects.count()) == before
    assert BankStatement.objects.count() == 2  # each read is on record


def test_notifications_repeated_in_the_days_statement_are_booked_once(tenancies):
    first = statement_import(paths=[NOTIFICATIONS]).as_dict()
    assert (first["booked"], first["matched"]) == (3, 3)
    then = statement_import(paths=[RENT_DAY]).as_dict()
    assert (then["booked"], then["duplicates_skipped"], then["matched"]) == (4, 3, 1)
    assert BankEntry.objects.count() == 7
    assert LedgerEntry.objects.filter(tenancy=tenancies["reference"]).count() == 1


def test_both_files_in_one_command_book_each_entry_once(tenancies, tmp_path):
    copy = tmp_path / "download-again.xml"
    shutil.copy(RENT_DAY, copy)
    summary = statement_import(paths=[RENT_DAY, NOTIFICATIONS, copy]).as_dict()
    assert (summary["entries_read"], summary["booked"], summary["duplicates_skipped"]) == (17, 7, 10)


def test_returns_are_booked_with_their_reason_against_the_tenancy(tenancies):
    summary = statement_import(paths=[RETURNS]).as_dict()
    assert (summary["returns"], summary["unmatched"]) == (2, 1)
    returns = {
        e.return_reason: (e.tenancy_id, e.amount, e.kind)
        for e in LedgerEntry.objects.filter(kind=EntryKind.RETURN)
    }
    assert returns == {
        "AM04": (tenancies["mandate"].pk, Decimal("695.00"), EntryKind.RETURN),
        # MD07 comes from an IBAN another tenancy pays from; the original collection's id decides.
        "MD07": (tenancies["end_to_end"].pk, Decimal("720.00"), EntryKind.RETURN),
    }
    unknown = BankEntry.objects.get(return_reason="MS02")
    assert unknown.status == BankEntryStatus.UNMATCHED
    assert BankEntryFlag.RETURN_UNMATCHED in unknown.flags
    events = JournalEvent.objects.filter(activity="direct_debit_returned").order_by("id")
    assert [(e.facts["reason"], e.facts["matched_by"], e.facts["amount"]) for e in events] == [
        ("AM04", "mandate", "695.00"),
        ("MD07", "end_to_end", "720.00"),
    ]


def test_journal_events_name_tenancy_and_bank_entry_and_hold_no_personal_data(tenancies):
    statement_import(paths=[RENT_DAY, RETURNS])
    event = JournalEvent.objects.get(activity="direct_debit_returned", facts__reason="MD07")
    kinds = {(s.kind, s.subject_id) for s in event.subjects.all()}
    entry = BankEntry.objects.get(return_reason="MD07")
    assert kinds == {
        ("tenancies.tenancy", str(tenancies["end_to_end"].pk)),
        ("ledger.bankentry", str(entry.pk)),
    }
    everything = " ".join(str(e.facts) for e in JournalEvent.objects.all())
    for personal in ("NL", "Visser", "Mulder", "de Vries", "Bakker", "Huur"):
        assert personal not in everything
    assert JournalEvent.objects.filter(activity="bank_entry_unmatched").count() == 3  # gift, dollars, MS02
    assert JournalEvent.objects.filter(activity="statement_imported").count() == 2


def test_a_payment_after_a_tenancy_ended_is_not_matched_by_iban_alone():
    TenancyFactory(ended=True, iban="NL31ABNA1234567890", payment_reference="1")
    statement_import(paths=[RENT_DAY])
    assert BankEntry.objects.get(bank_reference="RD-0003").status == BankEntryStatus.UNMATCHED


def test_an_iban_shared_by_two_active_tenancies_waits_for_a_person():
    TenancyFactory(iban="NL31ABNA1234567890")
    TenancyFactory(iban="NL31ABNA1234567890")
    statement_import(paths=[RENT_DAY])
    entry = BankEntry.objects.get(bank_reference="RD-0003")
    assert (entry.status, entry.flags) == (BankEntryStatus.UNMATCHED, [BankEntryFlag.AMBIGUOUS])


def test_a_bad_file_among_good_ones_books_nothing_at_all(tenancies, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(RENT_DAY.read_text()[:2000])
    with pytest.raises(StatementError, match=r"bad\.xml: line \d+, column \d+"):
        statement_import(paths=[RETURNS, bad])
    assert not BankStatement.objects.exists()
    assert not BankEntry.objects.exists()
    assert not LedgerEntry.objects.filter(source=EntrySource.BANK).exists()
    assert not JournalEvent.objects.filter(
        activity__in=["direct_debit_returned", "statement_imported"]
    ).exists()


def test_small_batches_give_the_same_result_with_bounded_queries(tenancies, django_assert_max_num_queries):
    # 7 entries in batches of 2: per batch a handful of look-ups and two bulk inserts, plus the journal
    # (three queries per event).
    with django_assert_max_num_queries(4 * 9 + 3 * 8 + 10):
        summary = statement_import(paths=[RENT_DAY], batch_size=2).as_dict()
    assert (summary["matched"], summary["booked"]) == (4, 7)
