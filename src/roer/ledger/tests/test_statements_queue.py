"""The finance officer's unmatched queue: assign an entry to a tenancy, or mark it to be paid back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from roer.accounts.tests.factories import UserFactory
from roer.core.constants import ActorKind
from roer.core.models import JournalEvent
from roer.ledger.constants import BankEntryStatus, EntryKind
from roer.ledger.models import BankEntry, LedgerEntry
from roer.ledger.selectors import unmatched_bank_entries
from roer.ledger.services.statements import (
    BankEntryNotOpen,
    bank_entry_assign,
    bank_entry_mark_for_return,
    statement_import,
)
from roer.ledger.tests.factories import TenancyFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture
def officer():
    return UserFactory(roles=["finance_officer"])


@pytest.fixture
def queue():
    statement_import(paths=[DATA / "rent-day.camt053.xml", DATA / "returns.camt053.xml"])
    return {e.bank_reference: e for e in unmatched_bank_entries()}


def test_the_queue_holds_what_matched_no_tenancy(queue):
    # Without tenancies, all four euro credits wait, and the three returns.
    assert sorted(queue) == ["", "RD-0001", "RD-0002", "RD-0003", "RD-0004", "RT-0001", "RT-0002", "RT-0003"]


def test_assigning_a_payment_books_it_to_the_tenancy(queue, officer):
    tenancy = TenancyFactory()
    entry = bank_entry_assign(entry=queue["RD-0004"], tenancy=tenancy, by=officer)
    assert (entry.status, entry.tenancy, entry.handled_by) == (BankEntryStatus.MATCHED, tenancy, officer)
    booking = LedgerEntry.objects.get(bank_entry=entry)
    assert (booking.kind, booking.amount, booking.tenancy) == (EntryKind.PAYMENT, Decimal("-12.50"), tenancy)
    event = JournalEvent.objects.get(activity="bank_entry_assigned")
    assert (event.actor_kind, event.actor_id) == (ActorKind.STAFF, officer.pk)
    assert event.facts == {"amount": "12.50", "kind": "payment", "reason": ""}
    assert "RD-0004" not in {e.bank_reference for e in unmatched_bank_entries()}


def test_assigning_an_unmatched_return_books_a_return_with_its_reason(queue, officer):
    tenancy = TenancyFactory(direct_debit=True)
    entry = bank_entry_assign(entry=queue["RT-0003"], tenancy=tenancy, by=officer)
    assert entry.status == BankEntryStatus.RETURN
    booking = LedgerEntry.objects.get(bank_entry=entry)
    assert (booking.kind, booking.amount, booking.return_reason) == (
        EntryKind.RETURN,
        Decimal("695.00"),
        "MS02",
    )


def test_an_entry_is_assigned_once(queue, officer):
    tenancy = TenancyFactory()
    bank_entry_assign(entry=queue["RD-0001"], tenancy=tenancy, by=officer)
    with pytest.raises(BankEntryNotOpen):
        bank_entry_assign(entry=queue["RD-0001"], tenancy=TenancyFactory(), by=officer)
    assert LedgerEntry.objects.filter(bank_entry=queue["RD-0001"]).count() == 1


def test_foreign_currency_cannot_be_assigned(queue, officer):
    dollars = BankEntry.objects.get(bank_reference="RD-0005")
    with pytest.raises(BankEntryNotOpen):
        bank_entry_assign(entry=dollars, tenancy=TenancyFactory(), by=officer)


def test_marking_for_return_keeps_the_reason_on_the_entry_not_in_the_journal(queue, officer):
    entry = bank_entry_mark_for_return(
        entry=queue["RD-0004"], by=officer, reason="Gift from J. Smit, not rent"
    )
    entry.refresh_from_db()
    assert entry.status == BankEntryStatus.MARKED_FOR_RETURN
    assert entry.handling_note == "Gift from J. Smit, not rent"
    assert not LedgerEntry.objects.filter(bank_entry=entry).exists()
    event = JournalEvent.objects.get(activity="bank_entry_marked_for_return")
    assert event.facts == {"amount": "12.50"}


def test_only_money_received_can_be_marked_for_return(queue, officer):
    with pytest.raises(BankEntryNotOpen):
        bank_entry_mark_for_return(entry=queue["RT-0003"], by=officer, reason="x")
    assert BankEntry.objects.get(pk=queue["RT-0003"].pk).status == BankEntryStatus.UNMATCHED
