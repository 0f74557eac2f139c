import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from roer.accounts.models import User
from roer.accounts.tests.helpers import signing_in

pytestmark = pytest.mark.django_db


def test_create_staff_prints_a_password_and_the_authenticator_address():
    out = StringIO()
    call_command(
        "create_staff", "jan", "--role", "social_manager", "--email", "jan@corp.nl", "--json", stdout=out
    )
    summary = json.loads(out.getvalue())
    user = User.objects.get(username="jan")
    assert user.roles == {"social_manager"} and user.email == "jan@corp.nl"
    assert authenticate(signing_in(), username="jan", password=summary["password"]) == user
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert summary["otpauth_url"] == device.config_url
    assert summary["otpauth_url"].startswith("otpauth://totp/Roer%3Ajan?secret=")
    assert sorted(summary["backup_codes"]) == sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )


def test_create_staff_human_output_and_refusals():
    out = StringIO()
    call_command("create_staff", "piet", "--role", "process_supervisor", stdout=out)
    assert "otpauth://totp/" in out.getvalue()
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_staff", "piet", "--role", "process_supervisor")
    with pytest.raises(CommandError):
        call_command("create_staff", "klaas", "--role", "tenant")
    assert not User.objects.filter(username="klaas").exists()
