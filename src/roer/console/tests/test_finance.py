"""The finance officer's queue of bank payments that matched no tenancy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roer.ledger.constants import BankEntryFlag, BankEntryStatus, EntryKind
from roer.ledger.models import LedgerEntry
from roer.tenancies.tests.factories import DwellingFactory, PersonFactory, TenancyFactory, TenancyPartyFactory

from .conftest import bank_entry

pytestmark = pytest.mark.django_db

QUEUE = reverse("console:unmatched")


def test_the_queue_lists_unmatched_payments_with_an_invalid_iban_badge(client, finance_officer):
    bank_entry(counterparty_name="P. de Boer", remittance_info="huur okt", flags=[BankEntryFlag.INVALID_IBAN])
    bank_entry(status=BankEntryStatus.MATCHED, counterparty_name="Al gekoppeld")

    html = client.get(QUEUE).content.decode()

    assert "P. de Boer" in html and "huur okt" in html and "€ 750,00" in html
    assert ">invalid<" in html
    assert "The counterparty IBAN fails its check" in html
    assert "Al gekoppeld" not in html


def test_the_queue_reads_in_a_constant_number_of_queries(
    client, finance_officer, django_assert_max_num_queries
):
    for _ in range(2):
        bank_entry()
    with CaptureQueriesContext(connection) as two:
        client.get(QUEUE)
    for _ in range(38):
        bank_entry()
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(QUEUE)
    assert len(response.context["rows"]) == 40


@pytest.fixture
def tenancy():
    tenancy = TenancyFactory(
        reference="HO-7788", tenant=None, dwelling=DwellingFactory(postcode="3512 PK", house_number="12")
    )
    TenancyPartyFactory(tenancy=tenancy, person=PersonFactory(name="Fatima el Amrani"))
    return tenancy


@pytest.mark.parametrize("query", ["HO-7788", "ho-77", "3512 PK 12", "3512pk 12", "el amrani"])
def test_searching_a_tenancy(client, finance_officer, tenancy, query):
    TenancyFactory(reference="HO-9999")
    entry = bank_entry()
    response = client.get(reverse("console:unmatched_entry", args=[entry.pk]), {"q": query})
    assert [t.pk for t in response.context["results"]] == [tenancy.pk]
    assert "Fatima el Amrani" in response.content.decode()


def test_assigning_a_payment_books_it(client, finance_officer, tenancy):
    entry = bank_entry(amount=Decimal("12.50"))
    response = client.post(
        reverse("console:unmatched_assign", args=[entry.pk]), {"tenancy": tenancy.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == QUEUE
    assert "€ 12,50 is booked to HO-7788." in [str(m) for m in response.context["messages"]]
    entry.refresh_from_db()
    assert (entry.status, entry.tenancy, entry.handled_by) == (
        BankEntryStatus.MATCHED,
        tenancy,
        finance_officer,
    )
    booking = LedgerEntry.objects.get(bank_entry=entry)
    assert (booking.kind, booking.amount) == (EntryKind.PAYMENT, Decimal("-12.50"))


def test_assigning_twice_says_why(client, finance_officer, tenancy):
    entry = bank_entry()
    url = reverse("console:unmatched_assign", args=[entry.pk])
    client.post(url, {"tenancy": tenancy.pk})
    response = client.post(url, {"tenancy": tenancy.pk})
    assert response.status_code == 200
    assert LedgerEntry.objects.filter(bank_entry=entry).count() == 1


def test_assigning_without_a_tenancy_asks_for_one(client, finance_officer):
    entry = bank_entry()
    response = client.post(reverse("console:unmatched_assign", args=[entry.pk]), {})
    assert "Choose a tenancy from the search results." in response.content.decode()


def test_marking_for_return_needs_a_reason(client, finance_officer):
    entry = bank_entry(remittance_info="<b>gift</b>")
    url = reverse("console:unmatched_return", args=[entry.pk])
    response = client.post(url, {"return-reason": ""})
    assert response.status_code == 200 and response.context["return_form"].errors["reason"]
    assert "&lt;b&gt;gift&lt;/b&gt;" in response.content.decode()

    response = client.post(url, {"return-reason": "Geen huurder van ons"}, follow=True)
    entry.refresh_from_db()
    assert (entry.status, entry.handling_note) == (BankEntryStatus.MARKED_FOR_RETURN, "Geen huurder van ons")
    assert "€ 750,00 is marked to be paid back." in [str(m) for m in response.context["messages"]]
