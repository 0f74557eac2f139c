"""The rent account's movements: every charge and payment can be listed, each said in words, and a returned
direct debit explained in plain words with what to do next."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.ledger.constants import EntryKind, PaymentChannel, ReturnReason
from roer.ledger.tests.factories import LedgerEntryFactory
from roer.portal import account_queries
from roer.tenancies.tests.factories import TenancyFactory

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("portal:account")
MANDATE = reverse("portal:account-mandate")
TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def tenancy(client):
    tenancy = TenancyFactory()
    user = UserFactory(roles=[Role.TENANT])
    person = tenancy.parties.get().person
    person.user = user
    person.save(update_fields=["user"])
    client.force_login(user)
    return tenancy


def charge(tenancy, day):
    return LedgerEntryFactory(tenancy=tenancy, date=day, amount=Decimal("700.00"), period=day.replace(day=1))


def paid(tenancy, day, method=PaymentChannel.TRANSFER):
    return LedgerEntryFactory(
        tenancy=tenancy,
        date=day,
        kind=EntryKind.PAYMENT,
        amount=Decimal("-700.00"),
        period=None,
        method=method,
    )


def returned(tenancy, day, code):
    return LedgerEntryFactory(
        tenancy=tenancy, date=day, returned=True, amount=Decimal("700.00"), return_reason=code
    )


def test_each_movement_is_said_in_words(client, tenancy, in_english):
    charge(tenancy, dt.date(2026, 2, 1))
    paid(tenancy, dt.date(2026, 2, 2), PaymentChannel.DIRECT_DEBIT)
    charge(tenancy, dt.date(2026, 3, 1))
    paid(tenancy, dt.date(2026, 3, 3), PaymentChannel.IDEAL)
    rows = client.get(ACCOUNT).context["summary"].rows
    assert [row.kind_label for row in rows] == [
        "Payment by iDEAL",
        "Rent for March 2026",
        "Payment by direct debit",
        "Rent for February 2026",
    ]


@pytest.mark.parametrize(
    ("code", "words", "link"),
    [
        (ReturnReason.AM04, "There was not enough money in the account", "tel:"),
        (ReturnReason.MD06, "You asked your bank to pay this direct debit back to you.", ""),
        (ReturnReason.MS02, "The account holder refused this direct debit at the bank.", ""),
        (ReturnReason.AC04, "The bank account is closed. Give us your new account number.", MANDATE),
        (ReturnReason.AC06, "The bank account is blocked", "tel:"),
        (ReturnReason.AC01, "The account number we have is not right.", MANDATE),
        (ReturnReason.MD01, "Your bank has no valid permission from you for this direct debit.", MANDATE),
        (ReturnReason.MS03, "without giving a reason", ""),
        (ReturnReason.SL01, "Your bank blocks direct debits from us", ""),
        ("XX99", "Your bank sent this direct debit back.", ""),
    ],
)
def test_a_returned_direct_debit_is_explained_in_plain_words(client, tenancy, code, words, link, in_english):
    charge(tenancy, dt.date(2026, 3, 1))
    paid(tenancy, dt.date(2026, 3, 2), PaymentChannel.DIRECT_DEBIT)
    returned(tenancy, dt.date(2026, 3, 5), code)
    page = client.get(ACCOUNT).content.decode()
    assert "Direct debit sent back by your bank" in page
    assert words in page
    assert "The amount is back on your rent account: please pay it by transfer." in page
    if link:
        section = page.split("Direct debit sent back by your bank", 1)[1].split("</td>", 1)[0]
        assert link in section


def test_a_death_is_not_met_with_a_request_to_pay(client, tenancy, in_english):
    charge(tenancy, dt.date(2026, 3, 1))
    returned(tenancy, dt.date(2026, 3, 5), ReturnReason.MD07)
    page = client.get(ACCOUNT).content.decode()
    assert "The bank told us that the account holder has died." in page
    assert "Please call us" in page
    assert "please pay it by transfer" not in page


def test_every_charge_and_payment_can_be_listed(client, tenancy, in_english):
    day = dt.date(2024, 1, 1)
    while day <= dt.date(2026, 3, 1):
        charge(tenancy, day)
        paid(tenancy, day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    page = client.get(ACCOUNT).content.decode()
    summary = account_queries.rent_account(tenancy, TODAY)
    assert len(summary.rows) == 24 and summary.earlier_count == 30
    assert "Before 1 April 2025 there are 30 more charges and payments; the balance then was € 0,00." in page
    assert f'href="{ACCOUNT}?contract={tenancy.pk}&amp;alles=1"' in page

    response = client.get(ACCOUNT, {"contract": tenancy.pk, "alles": "1"})
    everything = response.context["summary"]
    assert len(everything.rows) == 54 and everything.earlier_count == 0 and everything.showing_all
    assert everything.rows[-1].date == dt.date(2024, 1, 1)
    page = response.content.decode()
    assert "All your rent charges and payments, newest first" in page
    assert "Show the last 12 months only" in page


def test_the_full_list_needs_a_fixed_number_of_queries(client, tenancy, django_assert_max_num_queries):
    for month in range(1, 13):
        charge(tenancy, dt.date(2024, month, 1))
    with django_assert_max_num_queries(12):
        assert client.get(ACCOUNT, {"alles": "1"}).status_code == 200
