import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import PASSWORD, UserFactory
from roer.core.models import JournalEvent
from roer.core.subjects import subject_ref

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
CODES = [f"code{n:04d}" for n in range(10)]
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.fixture
def staff():
    user = UserFactory(username="sanne", roles=[Role.COLLECTIONS_OFFICER])
    staff_second_factor_add(user=user, static_codes=CODES)
    return user


def _password_step(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def _totp_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _events(user, activity):
    ref = subject_ref(user)
    return list(
        JournalEvent.objects.filter(activity=activity, subjects__kind=ref.kind, subjects__subject_id=ref.id)
    )


def _is_verified(client):
    return client.get("/").wsgi_request.user.is_verified()


def test_staff_sign_in_takes_a_password_then_a_backup_code(client, staff):
    response = _password_step(client, "sanne", next_url="/somewhere/")
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    # Half-way, nobody is signed in: the session only remembers the pending sign-in.
    assert "_auth_user_id" not in client.session

    response = client.post(VERIFY, {"code": " CODE 0003 "})
    assert response.status_code == 302
    assert response["Location"] == "/somewhere/"
    assert int(client.session["_auth_user_id"]) == staff.pk
    assert _is_verified(client)
    [event] = _events(staff, "staff_signed_in")
    assert (event.actor_id, event.actor_kind, event.channel) == (staff.pk, "staff", "INT")
    assert event.facts == {"second_factor": "static"}


def test_staff_sign_in_with_the_authenticator(client, staff):
    device = TOTPDevice.objects.get(user=staff)
    with time_machine.travel(NOW, tick=False):
        _password_step(client, "sanne")
        response = client.post(VERIFY, {"code": _totp_code(device)})
        assert _is_verified(client)  # inside the travel: the session cookie expires two weeks after NOW
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _events(staff, "staff_signed_in")[0].facts == {"second_factor": "totp"}


def test_a_used_backup_code_does_not_work_again(client, staff):
    _password_step(client, "sanne")
    client.post(VERIFY, {"code": "code0001"})
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session

    _password_step(client, "sanne")
    response = client.post(VERIFY, {"code": "code0001"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["code"]
    [failed] = _events(staff, "second_factor_failed")
    assert failed.facts == {"method": "static", "throttled": False}


def test_a_wrong_code_is_refused_and_journalled_and_then_throttled(client, staff):
    _password_step(client, "sanne")
    with time_machine.travel(NOW, tick=False):
        first = client.post(VERIFY, {"code": "nothing1"})
        # Right code, too soon after a wrong one: django-otp's throttling holds it back.
        second = client.post(VERIFY, {"code": "code0002"})
    assert first.status_code == second.status_code == 200
    assert "_auth_user_id" not in client.session
    assert [e.facts["throttled"] for e in _events(staff, "second_factor_failed")] == [False, True]
    assert "Te veel verkeerde codes" in second.content.decode()  # Dutch by default


def test_a_wrong_password_does_not_reach_the_second_step(client, staff):
    response = _password_step(client, "sanne", password="wrong password")
    assert response.status_code == 200
    assert client.get(VERIFY)["Location"] == LOGIN


def test_staff_without_a_device_cannot_sign_in(client):
    UserFactory(username="nieuw", roles=[Role.SOCIAL_MANAGER])
    response = _password_step(client, "nieuw")
    assert response.status_code == 200
    assert "Vraag de beheerder om tweestapsverificatie" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_tenant_signs_in_with_a_password_alone(client):
    tenant = UserFactory(username="huurder1", roles=[Role.TENANT])
    response = _password_step(client, "huurder1")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == tenant.pk
    [event] = _events(tenant, "signed_in")
    assert (event.actor_kind, event.facts) == ("tenant", {"second_factor": "none"})


def test_the_next_address_must_stay_on_this_site(client):
    UserFactory(username="huurder2", roles=[Role.TENANT])
    response = _password_step(client, "huurder2", next_url="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_the_pending_sign_in_expires(client, staff):
    with time_machine.travel(NOW, tick=False):
        _password_step(client, "sanne")
    with time_machine.travel(NOW + dt.timedelta(minutes=6), tick=False):
        response = client.post(VERIFY, {"code": "code0004"})
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_sign_out_only_by_post(client, staff):
    client.force_login(staff)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout"))["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


def test_the_admin_asks_for_the_second_factor(client):
    admin = UserFactory(username="beheerder", roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    staff_second_factor_add(user=admin, static_codes=CODES)
    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    _password_step(client, "beheerder")
    client.post(VERIFY, {"code": "code0005"})
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
