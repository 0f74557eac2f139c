import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from roer.accounts.constants import Role
from roer.accounts.tests.factories import PASSWORD, UserFactory
from roer.core.models import JournalEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
TWO_FACTOR = reverse("accounts:two-factor")
SETUP = reverse("accounts:totp-setup")
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def tenant():
    return UserFactory(username="noor@example.nl", email="noor@example.nl", roles=[Role.TENANT])


def _code(device: TOTPDevice, at: dt.datetime) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at.timestamp()
    return f"{totp.token():0{device.digits}d}"


def _sign_in(client):
    return client.post(LOGIN, {"username": "noor@example.nl", "password": PASSWORD})


def test_two_factor_is_off_by_default(client, tenant):
    assert _sign_in(client)["Location"] == reverse("home")
    page = client.get(TWO_FACTOR).content.decode()
    assert "Inloggen in twee stappen staat uit." in page


def test_a_tenant_turns_two_factor_on_then_signs_in_in_two_steps_then_turns_it_off(client, tenant):
    with time_machine.travel(NOW, tick=False):
        _sign_in(client)
        response = client.post(SETUP, {"start": "1"})
        assert response["Location"] == SETUP
        page = client.get(SETUP).content.decode()
        assert "<svg" in page and "reservecode" not in page.lower()
        device = TOTPDevice.objects.get(user=tenant, confirmed=False)
        response = client.post(SETUP, {"code": _code(device, NOW)})
        assert response["Location"] == SETUP
        assert TOTPDevice.objects.get(user=tenant).confirmed
        assert "Inloggen in twee stappen staat aan." in client.get(TWO_FACTOR).content.decode()

        client.post(reverse("accounts:logout"))
        response = _sign_in(client)
        assert response["Location"] == VERIFY
        assert "_auth_user_id" not in client.session
        later = NOW + dt.timedelta(seconds=60)
    with time_machine.travel(later, tick=False):
        device.refresh_from_db()
        response = client.post(VERIFY, {"code": _code(device, later)})
        assert response["Location"] == reverse("home")
        assert int(client.session["_auth_user_id"]) == tenant.pk
        assert JournalEvent.objects.filter(activity="signed_in").last().facts == {"second_factor": "totp"}

        # Off again, with the password.
        response = client.post(TWO_FACTOR, {"password": "wrong one"})
        assert 'id="id_password_error"' in response.content.decode()
        assert TOTPDevice.objects.filter(user=tenant).exists()
        response = client.post(TWO_FACTOR, {"password": PASSWORD})
        assert response["Location"] == TWO_FACTOR
        assert not TOTPDevice.objects.filter(user=tenant).exists()

        client.post(reverse("accounts:logout"))
        assert _sign_in(client)["Location"] == reverse("home")
    activities = set(JournalEvent.objects.values_list("activity", flat=True))
    assert {
        "authenticator_enrolment_started",
        "authenticator_enrolled",
        "second_factor_removed",
    } <= activities


def test_the_two_factor_page_is_for_tenants(client):
    contractor = UserFactory(username="aannemer", roles=[Role.CONTRACTOR])
    client.force_login(contractor)
    assert client.get(TWO_FACTOR).status_code == 403
    client.logout()
    assert client.get(TWO_FACTOR)["Location"].startswith(LOGIN)
