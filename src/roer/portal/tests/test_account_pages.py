"""The rent-account pages: balance and movements, letters, a payment arrangement; only for the tenant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified
from roer.arrears.constants import ArrangementStatus, LetterKind, RecipientRole
from roer.arrears.letters import KEY as LETTERS_KEY
from roer.arrears.models import Arrangement, Letter
from roer.core.rules import live_version
from roer.ledger.constants import EntryKind, PaymentChannel
from roer.ledger.tests.factories import LedgerEntryFactory
from roer.portal import account_queries
from roer.tenancies.tests.factories import TenancyFactory

pytestmark = pytest.mark.django_db

RENT = Decimal("700.00")
TODAY = dt.date(2026, 3, 10)
ACCOUNT = reverse("portal:account")
LETTERS = reverse("portal:account-letters")
ARRANGEMENT = reverse("portal:account-arrangement")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def charge(tenancy, day, amount=RENT):
    return LedgerEntryFactory(tenancy=tenancy, date=day, amount=amount, period=day.replace(day=1))


def pay(tenancy, day, amount=RENT):
    return LedgerEntryFactory(
        tenancy=tenancy,
        date=day,
        kind=EntryKind.PAYMENT,
        amount=-Decimal(amount),
        period=None,
        method=PaymentChannel.TRANSFER,
    )


def firsts(first, last):
    day = first
    while day <= last:
        yield day
        day = (day + dt.timedelta(days=32)).replace(day=1)


def rent_history(tenancy, *, first=dt.date(2024, 1, 1), last=dt.date(2026, 3, 1), unpaid=()):
    """A charge on each 1st, paid three days before it, except the months in `unpaid`."""
    for due in firsts(first, last):
        charge(tenancy, due)
        if due not in unpaid:
            pay(tenancy, due - dt.timedelta(days=3))


def tenant_of(tenancy):
    user = UserFactory(roles=[Role.TENANT])
    person = tenancy.parties.get().person
    person.user = user
    person.save(update_fields=["user"])
    return user


@pytest.fixture
def qualifying():
    """On time for two years, then March 2026 unpaid: € 700 arrears, inside the self-service policy."""
    tenancy = TenancyFactory()
    rent_history(tenancy, unpaid=[dt.date(2026, 3, 1)])
    return tenancy


@pytest.fixture
def tenant(client, qualifying):
    user = tenant_of(qualifying)
    client.force_login(user)
    return user


def make_letter(tenancy, *, kind=LetterKind.REMINDER, day=dt.date(2026, 3, 5), content=b"%PDF-1.4 test"):
    letter = Letter(
        tenancy=tenancy,
        kind=kind,
        letter_date=day,
        channel="BRI",
        recipient_role=RecipientRole.TENANT,
        recipient_name="Huurder",
        recipient_address="Lange Nieuwstraat 1\n3512 PK Utrecht",
        rule_version=live_version(LETTERS_KEY),
        arrears=RENT,
        idempotency_key=f"test-{tenancy.pk}-{kind}-{day}",
    )
    letter.pdf.save(f"{kind}.pdf", ContentFile(content), save=False)
    letter.save()
    return letter


# --- access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ACCOUNT, LETTERS, ARRANGEMENT, "/portal/huur/brieven/1.pdf"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("path", [ACCOUNT, LETTERS, ARRANGEMENT])
def test_staff_are_forbidden(client, path):
    staff = UserFactory(roles=[Role.SOCIAL_MANAGER])
    _totp, static = staff_second_factor_add(user=staff)
    sign_in_verified(client, staff, static)
    assert client.get(path).status_code == 403


def test_another_tenancy_asked_for_by_id_is_not_found(client, tenant):
    other = TenancyFactory()
    assert client.get(ACCOUNT, {"contract": other.pk}).status_code == 404
    assert client.get(ACCOUNT, {"contract": "x"}).status_code == 404


def test_the_access_helpers_scope_to_the_user(qualifying):
    user = tenant_of(qualifying)
    other = TenancyFactory()
    assert list(account_queries.tenancies_for_user(user)) == [qualifying]
    assert account_queries.get_tenancy_for_user(user, qualifying.pk) == qualifying
    with pytest.raises(account_queries.Http404):
        account_queries.get_tenancy_for_user(user, other.pk)


def test_a_tenant_without_a_tenancy_gets_the_phone_number(client):
    client.force_login(UserFactory(roles=[Role.TENANT]))
    response = client.get(ACCOUNT)
    assert response.status_code == 200
    assert django_settings.CORPORATION_PHONE in response.content.decode()


# --- the rent account ------------------------------------------------------------------------------


def test_the_balance_the_rent_and_the_movements_of_the_own_tenancy(client, tenant, qualifying, in_english):
    response = client.get(ACCOUNT)
    assert response.status_code == 200
    page = response.content.decode()
    summary = response.context["summary"]
    assert summary.tenancy == qualifying
    assert summary.balance == Decimal("700.00")
    assert "You are behind on your rent by € 700,00." in page
    assert "Your rent is € 700,00 a month." in page
    # The last 12 months, April 2025 to March 2026: 12 charges and 10 payments (April's was paid in March
    # 2025, before the window; March 2026 is unpaid).
    assert summary.first_shown == dt.date(2025, 4, 1)
    assert len(summary.rows) == 12 + 10
    assert summary.rows[0].date == dt.date(2026, 3, 1) and summary.rows[0].charged == "€ 700,00"
    assert "<caption>Your rent charges and payments since 1 April 2025" in page
    # The chart: one bar per month end, drawn on the server, with a text alternative; no script anywhere.
    assert len(summary.chart.bars) == 12
    assert [bar.balance for bar in summary.chart.bars][-3:] == [Decimal("-700.00"), Decimal("0.00"), RENT]
    assert "<td>€ 700,00 paid in advance</td>" in page and "<td>€ 700,00 behind</td>" in page
    assert page.count("<rect ") == 12 and 'role="img"' in page and "<desc" in page
    assert "<script" not in page
    # A person within reach.
    assert django_settings.CORPORATION_PHONE in page and django_settings.CORPORATION_OFFICE_HOURS in page
    digits = "".join(ch for ch in django_settings.CORPORATION_PHONE if ch.isdigit())
    assert f'href="tel:{digits}"' in page


def test_everything_paid_is_said_in_words(client, in_english):
    tenancy = TenancyFactory()
    rent_history(tenancy, first=dt.date(2025, 6, 1))
    client.force_login(tenant_of(tenancy))
    page = client.get(ACCOUNT).content.decode()
    assert "Everything is paid." in page


def test_the_rent_account_page_needs_a_fixed_number_of_queries(
    client, tenant, qualifying, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        assert client.get(ACCOUNT).status_code == 200


# --- letters ---------------------------------------------------------------------------------------


def test_the_inbox_lists_the_letters_and_serves_the_pdf(client, media, tenant, qualifying, in_english):
    letter = make_letter(qualifying)
    page = client.get(LETTERS).content.decode()
    assert "Reminder" in page and "5 March 2026" in page
    url = reverse("portal:account-letter-pdf", args=[letter.pk])
    assert f'href="{url}"' in page

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_tenants_letter_is_not_found(client, media, tenant):
    others = make_letter(TenancyFactory())
    assert client.get(reverse("portal:account-letter-pdf", args=[others.pk])).status_code == 404
    assert client.get(reverse("portal:account-letter-pdf", args=[999999])).status_code == 404
    assert f"/brieven/{others.pk}.pdf" not in client.get(LETTERS).content.decode()


# --- the payment arrangement -----------------------------------------------------------------------


def test_inside_the_policy_the_tenant_makes_an_arrangement_and_sees_the_schedule(
    client, tenant, qualifying, in_english
):
    page = client.get(ARRANGEMENT).content.decode()
    assert 'name="count"' in page and 'name="start_date"' in page
    assert '<option value="6"' in page and '<option value="7"' not in page

    response = client.post(
        ARRANGEMENT, {"contract": qualifying.pk, "count": "3", "start_date": "2026-03-10"}, follow=True
    )
    assert response.status_code == 200
    arrangement = Arrangement.objects.get(tenancy=qualifying)
    assert arrangement.status == ArrangementStatus.ACTIVE and arrangement.self_service
    assert arrangement.proposed_by == tenant
    page = response.content.decode()
    assert "Your payment arrangement is made." in page
    assert "Running: pay the amounts below" in page
    assert "€ 233,33" in page and "€ 233,34" in page
    assert "10 March 2026" in page and "10 April 2026" in page and "10 May 2026" in page
    # A running arrangement: no second form.
    assert 'name="count"' not in page


def test_a_start_date_outside_the_window_is_refused_in_words(client, tenant, in_english):
    response = client.post(ARRANGEMENT, {"count": "3", "start_date": "2026-03-01"})
    assert response.status_code == 200
    assert "Pick today or a later day." in response.content.decode()
    assert not Arrangement.objects.exists()


def test_outside_the_policy_no_form_but_the_reasons_and_the_phone_number(client, in_english):
    tenancy = TenancyFactory()
    rent_history(tenancy, unpaid=[dt.date(2026, 2, 1), dt.date(2026, 3, 1)])  # two months behind
    client.force_login(tenant_of(tenancy))

    page = client.get(ARRANGEMENT).content.decode()
    assert 'name="count"' not in page
    assert "The arrears are more than" in page
    assert "then we look for a solution together" in page
    assert django_settings.CORPORATION_PHONE in page

    client.post(ARRANGEMENT, {"count": "3", "start_date": "2026-03-10"})
    assert not Arrangement.objects.exists()
