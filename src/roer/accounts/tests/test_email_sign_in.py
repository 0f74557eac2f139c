import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import PASSWORD, UserFactory
from roer.accounts.tests.helpers import signing_in
from roer.core.models import JournalEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")


@pytest.fixture
def tenant():
    return UserFactory(username="huurder-1", email="Anouk.Bakker@example.nl", roles=[Role.TENANT])


def _user_after(client):
    return client.get(reverse("home")).wsgi_request.user


def test_a_tenant_signs_in_with_their_e_mail_address_in_any_case(client, tenant):
    page = client.get(LOGIN).content.decode()
    assert "E-mailadres of gebruikersnaam" in page
    assert reverse("accounts:password-reset") in page and reverse("accounts:activate") in page

    response = client.post(LOGIN, {"username": "  anouk.bakker@EXAMPLE.nl", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert _user_after(client).pk == tenant.pk
    [event] = JournalEvent.objects.filter(activity="signed_in")
    assert event.facts == {"second_factor": "none"} and event.actor_kind == "tenant"


def test_a_wrong_password_with_the_e_mail_address_is_refused(client, tenant):
    response = client.post(LOGIN, {"username": "anouk.bakker@example.nl", "password": "not it at all"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not _user_after(client).is_authenticated


def test_a_tenant_may_still_use_a_username(client, tenant):
    client.post(LOGIN, {"username": "huurder-1", "password": PASSWORD})
    assert _user_after(client).pk == tenant.pk


def test_staff_cannot_sign_in_with_their_e_mail_address_but_can_with_their_username(client):
    staff = UserFactory(username="sanne", email="sanne@corporatie.nl", roles=[Role.SOCIAL_MANAGER])
    staff_second_factor_add(user=staff, static_codes=["code0001"])

    response = client.post(LOGIN, {"username": "sanne@corporatie.nl", "password": PASSWORD})
    assert response.status_code == 200
    assert "_roer_pending_sign_in" not in str(dict(client.session))
    assert authenticate(signing_in(), username="sanne@corporatie.nl", password=PASSWORD) is None

    response = client.post(LOGIN, {"username": "sanne", "password": PASSWORD})
    assert response["Location"] == VERIFY


def test_a_contractor_or_tenant_who_is_also_staff_is_never_found_by_e_mail():
    UserFactory(username="aannemer-1", email="werk@bouw.nl", roles=[Role.CONTRACTOR])
    UserFactory(username="both", email="both@example.nl", roles=[Role.TENANT, Role.CUSTOMER_SERVICE])
    assert authenticate(signing_in(), username="werk@bouw.nl", password=PASSWORD) is None
    assert authenticate(signing_in(), username="both@example.nl", password=PASSWORD) is None
    assert authenticate(signing_in(), username="aannemer-1", password=PASSWORD) is not None


def test_two_tenant_accounts_sharing_an_address_are_not_guessed_between():
    UserFactory(username="a", email="gedeeld@example.nl", roles=[Role.TENANT])
    UserFactory(username="b", email="GEDEELD@example.nl", roles=[Role.TENANT])
    assert authenticate(signing_in(), username="gedeeld@example.nl", password=PASSWORD) is None


def test_an_inactive_tenant_cannot_sign_in(tenant):
    tenant.is_active = False
    tenant.save(update_fields=["is_active"])
    assert authenticate(signing_in(), username="anouk.bakker@example.nl", password=PASSWORD) is None
