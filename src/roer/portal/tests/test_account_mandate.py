"""The direct-debit pages under /portal/huur/incasso/: status, sign up (with the pre-notification step),
change the account, stop; only for the tenancy's own tenants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified
from roer.ledger.models import DirectDebitCollection
from roer.tenancies.constants import PartyRole, PaymentMethod
from roer.tenancies.models import Tenancy
from roer.tenancies.tests.factories import TenancyFactory, TenancyPartyFactory

pytestmark = pytest.mark.django_db

STATUS = reverse("portal:account-mandate")
SIGN_UP = reverse("portal:account-mandate-sign-up")
CHANGE = reverse("portal:account-mandate-change")
CANCEL = reverse("portal:account-mandate-cancel")
PAGES = [STATUS, SIGN_UP, CHANGE, CANCEL]
IBAN = "NL20INGB0001234567"
MASKED = "NL** **** **** **45 67"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        yield dt.date(2026, 3, 10)


def tenant_of(tenancy, role=PartyRole.TENANT):
    user = UserFactory(roles=[Role.TENANT])
    if role == PartyRole.TENANT:
        person = tenancy.parties.get(role=PartyRole.TENANT).person
    else:
        person = TenancyPartyFactory(tenancy=tenancy, role=role).person
    person.user = user
    person.save(update_fields=["user"])
    return user


@pytest.fixture
def tenancy():
    return TenancyFactory(reference="HO004242", payment_reference="7000000000004242")


@pytest.fixture
def tenant(client, tenancy):
    user = tenant_of(tenancy)
    client.force_login(user)
    return user


@pytest.fixture
def collecting(client):
    """A tenancy collected under an ERP mandate, and its signed-in tenant."""
    tenancy = TenancyFactory(direct_debit=True, mandate_id="ERP-M-7", mandate_date=dt.date(2019, 6, 3))
    client.force_login(tenant_of(tenancy))
    return tenancy


# --- access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("path", PAGES)
def test_staff_are_forbidden(client, path):
    staff = UserFactory(roles=[Role.CUSTOMER_SERVICE])
    _totp, static = staff_second_factor_add(user=staff)
    sign_in_verified(client, staff, static)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_another_tenants_contract_is_not_found(client, tenant, path):
    other = TenancyFactory(direct_debit=True)
    assert client.get(path, {"contract": other.pk}).status_code == 404
    if path == STATUS:
        return  # a page to read only
    response = client.post(
        path,
        {
            "contract": other.pk,
            "step": "confirm",
            "iban": IBAN,
            "account_holder": "X",
            "first_collection": "2026-04-01",
        },
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.iban != IBAN and other.payment_method == PaymentMethod.DIRECT_DEBIT


def test_the_rent_account_page_links_to_the_direct_debit(client, tenant, tenancy, in_english):
    page = client.get(reverse("portal:account")).content.decode()
    assert f'href="{STATUS}?contract={tenancy.pk}"' in page
    assert "You pay your rent by transfer." in page


# --- status ----------------------------------------------------------------------------------------


def test_without_a_mandate_the_page_says_how_to_pay_and_offers_direct_debit(client, tenant, in_english):
    response = client.get(STATUS)
    page = response.content.decode()
    assert response.status_code == 200
    assert "You pay your rent yourself, by transfer." in page
    assert "7000000000004242" in page and django_settings.CREDITOR_IBAN in page and "€ 700,00" in page
    assert f'href="{SIGN_UP}?contract=' in page
    assert "<script" not in page


def test_a_running_mandate_with_its_next_collection_and_only_the_last_four(client, collecting, in_english):
    page = client.get(STATUS).content.decode()
    assert "We collect your rent from your bank account (direct debit)." in page
    assert "ERP-M-7" in page and "3 June 2019" in page
    assert "€ 700,00 on 1 April 2026, the rent for April 2026" in page
    iban = collecting.iban
    assert f"{iban[-4:-2]} {iban[-2:]}" in page and iban not in page and iban[4:12] not in page
    assert f'href="{CHANGE}?contract={collecting.pk}"' in page
    assert f'href="{CANCEL}?contract={collecting.pk}"' in page
    account = client.get(reverse("portal:account")).content.decode()
    assert "We collect your rent from NL**" in account and iban not in account


def test_the_status_page_needs_a_fixed_number_of_queries(client, collecting, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert client.get(STATUS).status_code == 200


# --- signing up ------------------------------------------------------------------------------------


def test_sign_up_in_two_steps_with_the_pre_notification(
    client, tenant, tenancy, in_english, django_capture_on_commit_callbacks
):
    form = client.get(SIGN_UP).content.decode()
    person = tenancy.parties.get().person
    # The name filled in, as HTML writes it (a name may hold an apostrophe: "Ooms-d' Heripon").
    assert 'name="iban"' in form and f'value="{escape(person.name)}"' in form
    assert 'autocomplete="name"' in form

    # Step 1: the account. Step 2 shows what, when and from where before anything is signed.
    response = client.post(
        SIGN_UP,
        {
            "contract": tenancy.pk,
            "step": "check",
            "iban": "nl20 ingb 0001 2345 67",
            "account_holder": "A. de Vries",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "We collect <strong>€ 700,00</strong> on <strong>1 April 2026</strong> from <strong>"
        f"{MASKED}</strong>." in page
    )
    assert "That is the rent for April 2026." in page
    assert "at least 14 days before" in page
    assert django_settings.CREDITOR_ID in page
    assert 'name="first_collection" value="2026-04-01"' in page
    tenancy.refresh_from_db()
    assert tenancy.payment_method == PaymentMethod.TRANSFER and not tenancy.mandate_id  # nothing signed yet

    # "Change the details" goes back with everything typed still there.
    back = client.post(
        SIGN_UP,
        {
            "contract": tenancy.pk,
            "step": "edit",
            "iban": IBAN,
            "account_holder": "A. de Vries",
            "first_collection": "2026-04-01",
        },
    ).content.decode()
    assert f'value="{IBAN}"' in back and 'value="A. de Vries"' in back and "This IBAN" not in back

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SIGN_UP,
            {
                "contract": tenancy.pk,
                "step": "confirm",
                "iban": IBAN,
                "account_holder": "A. de Vries",
                "first_collection": "2026-04-01",
            },
            follow=True,
        )
    tenancy.refresh_from_db()
    assert tenancy.payment_method == PaymentMethod.DIRECT_DEBIT and tenancy.mandate_id == "ROER-HO004242-01"
    assert tenancy.mandate_date == dt.date(2026, 3, 10) and tenancy.iban == IBAN
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{STATUS}?contract={tenancy.pk}"
    assert (
        f"Done. We collect € 700,00 on 1 April 2026 from {MASKED}. Your mandate reference is ROER-HO004242-01."
        in page
    )
    assert "ROER-HO004242-01" in page
    [message] = mail.outbox
    assert "ROER-HO004242-01" in message.body and MASKED in message.body and IBAN not in message.body


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("NL91ABNA0417164301", "This IBAN is not right."),
        ("BR1800360305000010009795493C1", "We can only collect from a bank account in the SEPA area"),
        ("", "Fill in your IBAN."),
    ],
)
def test_a_wrong_iban_is_said_next_to_the_field_and_nothing_is_lost(
    client, tenant, tenancy, typed, error, in_english
):
    response = client.post(
        SIGN_UP, {"contract": tenancy.pk, "step": "check", "iban": typed, "account_holder": "Anna Jansen"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert error in page and 'role="alert"' in page
    assert 'value="Anna Jansen"' in page
    if typed:
        assert f'value="{typed}"' in page
    assert 'aria-invalid="true"' in page


def test_a_forged_confirmation_is_checked_again(client, tenant, tenancy, in_english):
    response = client.post(
        SIGN_UP,
        {
            "contract": tenancy.pk,
            "step": "confirm",
            "iban": "NL91ABNA0417164301",
            "account_holder": "A",
            "first_collection": "2026-04-01",
        },
    )
    assert "This IBAN is not right." in response.content.decode()
    tenancy.refresh_from_db()
    assert tenancy.payment_method == PaymentMethod.TRANSFER


def test_a_confirmation_without_the_date_shown_signs_nothing(client, tenant, tenancy, in_english):
    response = client.post(
        SIGN_UP, {"contract": tenancy.pk, "step": "confirm", "iban": IBAN, "account_holder": "A"}
    )
    assert (
        "We collect <strong>€ 700,00</strong> on <strong>1 April 2026</strong>" in response.content.decode()
    )
    tenancy.refresh_from_db()
    assert not tenancy.mandate_id and tenancy.payment_method == PaymentMethod.TRANSFER


def test_a_first_collection_that_moved_is_shown_again_before_signing(client, tenant, tenancy, in_english):
    response = client.post(
        SIGN_UP,
        {
            "contract": tenancy.pk,
            "step": "confirm",
            "iban": IBAN,
            "account_holder": "A",
            "first_collection": "2026-03-02",
        },
    )
    page = response.content.decode()
    assert "The date of the first collection has changed. Please check it again." in page
    assert 'name="first_collection" value="2026-04-01"' in page
    tenancy.refresh_from_db()
    assert not tenancy.mandate_id


def test_a_co_tenant_may_sign_up(client, tenancy, in_english):
    client.force_login(tenant_of(tenancy, role=PartyRole.CO_TENANT))
    client.post(
        SIGN_UP,
        {
            "contract": tenancy.pk,
            "step": "confirm",
            "iban": IBAN,
            "account_holder": "B",
            "first_collection": "2026-04-01",
        },
    )
    tenancy.refresh_from_db()
    assert tenancy.payment_method == PaymentMethod.DIRECT_DEBIT


def test_signing_up_twice_points_to_changing_the_account(client, collecting, in_english):
    page = client.get(SIGN_UP).content.decode()
    assert "You already pay by direct debit." in page and 'name="iban"' not in page
    assert f'href="{CHANGE}?contract={collecting.pk}"' in page


# --- a financial administrator ---------------------------------------------------------------------


def test_with_a_financial_administrator_the_pages_point_to_the_administrator(client, in_english):
    tenancy = TenancyFactory(direct_debit=True, administrator_name="Bewindvoering Noord B.V.")
    client.force_login(tenant_of(tenancy))
    for path in PAGES:
        page = client.get(path).content.decode()
        assert (
            "Your financial administrator (Bewindvoering Noord B.V.) arranges the payment of your rent."
            in page
        )
        assert 'name="iban"' not in page and "Stop the direct debit</button>" not in page
    client.post(CANCEL, {"contract": tenancy.pk})
    client.post(
        CHANGE,
        {
            "contract": tenancy.pk,
            "step": "confirm",
            "iban": IBAN,
            "account_holder": "A",
            "first_collection": "2026-04-01",
        },
    )
    tenancy.refresh_from_db()
    assert tenancy.payment_method == PaymentMethod.DIRECT_DEBIT and tenancy.iban != IBAN


# --- changing the account --------------------------------------------------------------------------


def test_change_the_account_through_the_same_two_steps(
    client, collecting, in_english, django_capture_on_commit_callbacks
):
    form = client.get(CHANGE).content.decode()
    assert "Change your account number" in form and 'name="iban"' in form
    page = client.post(
        CHANGE, {"contract": collecting.pk, "step": "check", "iban": IBAN, "account_holder": "A. de Vries"}
    ).content.decode()
    assert f"from <strong>{MASKED}</strong>" in page and "Yes, collect from this account" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            CHANGE,
            {
                "contract": collecting.pk,
                "step": "confirm",
                "iban": IBAN,
                "account_holder": "A. de Vries",
                "first_collection": "2026-04-01",
            },
        )
    collecting.refresh_from_db()
    assert (
        collecting.iban == IBAN
        and collecting.mandate_id.startswith("ROER-")
        and collecting.mandate_id != "ERP-M-7"
    )
    assert len(mail.outbox) == 1


def test_the_same_account_again_is_refused_at_the_field(client, collecting, in_english):
    page = client.post(
        CHANGE, {"contract": collecting.pk, "step": "check", "iban": collecting.iban, "account_holder": "A"}
    ).content.decode()
    assert "We already collect from this account." in page


def test_a_collection_already_at_the_bank_is_named_on_the_check_step(client, collecting, in_english):
    DirectDebitCollection.objects.create(
        tenancy=collecting,
        month=dt.date(2026, 4, 1),
        mandate_id="ERP-M-7",
        sequence="RCUR",
        amount=Decimal("700.00"),
        end_to_end_id="202604-Z",
        message_id="ROER-DD-2026-04",
        collection_date=dt.date(2026, 4, 1),
    )
    with time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        page = client.post(
            CHANGE, {"contract": collecting.pk, "step": "check", "iban": IBAN, "account_holder": "A"}
        ).content.decode()
    assert "on <strong>1 May 2026</strong>" in page
    assert "The rent for April 2026 (€ 700,00) was already sent to your bank" in page
    assert "Please pay the rent for April 2026" not in page
    with time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        client.post(
            CHANGE,
            {
                "contract": collecting.pk,
                "step": "confirm",
                "iban": IBAN,
                "account_holder": "A",
                "first_collection": "2026-05-01",
            },
        )
        status = client.get(STATUS).content.decode()
    assert "€ 700,00 on 1 May 2026, the rent for May 2026" in status
    assert "The rent for April 2026 (€ 700,00) was already sent to your bank" in status


def test_a_gap_month_is_to_be_transferred_with_the_reference(client, tenant, tenancy, in_english):
    with time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        page = client.post(
            SIGN_UP, {"contract": tenancy.pk, "step": "check", "iban": IBAN, "account_holder": "A"}
        ).content.decode()
    assert "on <strong>1 May 2026</strong>" in page
    assert "Please pay the rent for April 2026 (€ 700,00) yourself: transfer it before 1 April 2026" in page
    assert "7000000000004242" in page


# --- stopping --------------------------------------------------------------------------------------


def test_stop_the_direct_debit_and_be_told_how_to_pay(
    client, collecting, in_english, django_capture_on_commit_callbacks
):
    Tenancy.objects.filter(pk=collecting.pk).update(payment_reference="7000000000007777")
    page = client.get(CANCEL).content.decode()
    assert "7000000000007777" in page and "Stop the direct debit</button>" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CANCEL, {"contract": collecting.pk}, follow=True)
    collecting.refresh_from_db()
    assert collecting.payment_method == PaymentMethod.TRANSFER
    page = response.content.decode()
    assert "The direct debit has stopped." in page and "payment reference 7000000000007777" in page
    assert "You pay your rent yourself, by transfer." in page
    assert "7000000000007777" in mail.outbox[0].body


def test_stopping_without_a_direct_debit_offers_to_sign_up(client, tenant, tenancy, in_english):
    page = client.get(CANCEL).content.decode()
    assert "You do not pay by direct debit." in page and "Stop the direct debit</button>" not in page
    assert client.post(CANCEL, {"contract": tenancy.pk}).status_code == 200
