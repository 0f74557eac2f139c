import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:totp-setup")
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_a_staff_member_sets_up_a_new_authenticator_with_a_qr_code(client):
    user = UserFactory(roles=[Role.PROCESS_SUPERVISOR])
    old, static = staff_second_factor_add(user=user)
    with time_machine.travel(NOW, tick=False) as traveller:
        sign_in_verified(client, user, static)
        assert b"<svg" not in client.get(SETUP).content

        client.post(SETUP, {"start": "1"})
        page = client.get(SETUP).content.decode()
        pending = TOTPDevice.objects.get(user=user, confirmed=False)
        assert '<svg width="' in page and "<script" not in page and "data:image" not in page
        assert pending.config_url.replace("&", "&amp;") in page
        assert TOTPDevice.objects.get(user=user, confirmed=True) == old  # still the old one until confirmed

        assert client.post(SETUP, {"code": "000000"}).status_code == 200
        traveller.shift(dt.timedelta(seconds=2))  # past django-otp's throttle after a wrong code
        token = TOTP(pending.bin_key, pending.step, pending.t0, pending.digits).token()
        assert client.post(SETUP, {"code": f"{token:06d}"}).status_code == 302

    assert list(TOTPDevice.objects.filter(user=user)) == [pending]
    assert TOTPDevice.objects.get(user=user).confirmed


def test_the_setup_page_is_for_verified_staff_and_for_tenants(client):
    contractor = UserFactory(roles=[Role.CONTRACTOR])
    client.force_login(contractor)
    assert client.get(SETUP).status_code == 403
    # Two-factor is optional for tenants; they set it up on the same page (test_tenant_two_factor.py).
    tenant = UserFactory(roles=[Role.TENANT])
    client.force_login(tenant)
    assert client.get(SETUP).status_code == 200
    staff = UserFactory(roles=[Role.SOCIAL_MANAGER])
    staff_second_factor_add(user=staff)
    client.force_login(staff)
    assert client.get(SETUP)["Location"].startswith(reverse("accounts:verify"))
    assert StaticDevice.objects.filter(user=staff).exists()
