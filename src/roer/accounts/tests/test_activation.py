import datetime as dt
import json
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from roer.accounts.activation import activation_code_digest
from roer.accounts.constants import Role
from roer.accounts.models import ActivationCode, User
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.tenants import STRONG_PASSWORD, tenant_with_letter
from roer.core.models import JournalEvent

pytestmark = pytest.mark.django_db

ACTIVATE = reverse("accounts:activate")
ACCOUNT = reverse("accounts:activate-account")
LOGIN = reverse("accounts:login")


@pytest.fixture
def letter(tmp_path):
    return tenant_with_letter(
        tmp_path, dwelling__house_number="12-a", dwelling__postcode="1234 AB", tenant__person__email=""
    )


def _code_step(client, code, postcode="1234 AB", house_number="12-a"):
    return client.post(ACTIVATE, {"code": code, "postcode": postcode, "house_number": house_number})


def _account_step(client, email="fatima@example.nl", password=STRONG_PASSWORD, again=None):
    return client.post(ACCOUNT, {"email": email, "password1": password, "password2": again or password})


def _alert(response) -> str:
    """The form's message at the top (role=alert), as text."""
    match = re.search(r'<div class="error" role="alert">(.*?)</div>', response.content.decode(), re.S)
    assert match, "no alert on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _signed_in_user(client):
    return client.get(reverse("home")).wsgi_request.user


def test_a_tenant_activates_with_the_letter_and_is_signed_in(client, settings, letter):
    page = client.get(ACTIVATE).content.decode()
    assert '<html lang="nl">' in page and "Activeer uw account" in page
    assert 'autocomplete="postal-code"' in page and "<script" not in page
    assert f"Bel ons op {settings.CORPORATION_PHONE}." in page

    # Typed the way people do: lower case, no dashes, postcode without a space, house number "12 A".
    response = _code_step(client, letter.code.replace("-", "").lower(), "1234ab", "12 A")
    assert response.status_code == 302 and response["Location"] == ACCOUNT
    page = client.get(ACCOUNT).content.decode()
    assert 'autocomplete="email"' in page and 'autocomplete="new-password"' in page

    response = _account_step(client, email="Fatima@Example.nl")
    assert response.status_code == 302 and response["Location"] == reverse("home")

    user = _signed_in_user(client)
    assert user.is_authenticated and user.has_role(Role.TENANT) and not user.is_staff
    assert user.email == "Fatima@Example.nl"
    letter.person.refresh_from_db()
    assert letter.person.user_id == user.pk
    code = ActivationCode.objects.get(digest=activation_code_digest(letter.code))
    assert code.used_at is not None

    [event] = JournalEvent.objects.filter(activity="account_activated")
    assert (event.actor_id, event.actor_kind, event.channel) == (user.pk, "tenant", "INT")
    kinds = {s.kind for s in event.subjects.all()}
    assert kinds == {"accounts.user", "tenancies.person", "tenancies.tenancy", "accounts.activationcode"}
    every_fact = json.dumps([e.facts for e in JournalEvent.objects.all()]).lower()
    assert "fatima" not in every_fact and letter.code[:4].lower() not in every_fact
    assert "1234" not in every_fact

    # The code is used up: a second go is refused.
    client.post(reverse("accounts:logout"))
    response = _code_step(client, letter.code)
    assert response.status_code == 200 and "al gebruikt" in _alert(response)


def test_an_unknown_code_and_a_wrong_postcode_get_the_same_message(client, letter):
    unknown = _alert(_code_step(client, "ABCD-EFGH-JKMN"))
    wrong_postcode = _alert(_code_step(client, letter.code, postcode="9999 ZZ"))
    wrong_number = _alert(_code_step(client, letter.code, house_number="14"))
    assert unknown == wrong_postcode == wrong_number
    assert "Deze code hoort niet bij deze postcode en dit huisnummer" in unknown
    assert ActivationCode.objects.get().attempts == 2
    assert "_auth_user_id" not in client.session
    events = JournalEvent.objects.filter(activity="activation_code_failed").order_by("pk")
    assert [e.facts for e in events] == [{"attempts": 1, "blocked": False}, {"attempts": 2, "blocked": False}]


def test_after_five_wrong_addresses_the_code_is_blocked(client, letter):
    messages = [_alert(_code_step(client, letter.code, postcode="1111 AA")) for _ in range(5)]
    assert len(set(messages[:4])) == 1
    assert "geblokkeerd" in messages[4]
    # Blocked for good, even with the right address now.
    response = _code_step(client, letter.code)
    assert "geblokkeerd" in _alert(response)
    assert ActivationCode.objects.get().attempts == 5
    assert client.get(ACCOUNT)["Location"] == ACTIVATE
    assert JournalEvent.objects.filter(activity="activation_code_failed").last().facts == {
        "attempts": 5,
        "blocked": True,
    }


def test_an_expired_code_is_refused(client, letter):
    with time_machine.travel(timezone.now() + dt.timedelta(days=30, minutes=1)):
        response = _code_step(client, letter.code)
        assert "niet meer geldig" in _alert(response)
        # Someone without the address learns nothing about the code.
        other = _alert(_code_step(client, letter.code, postcode="9999 ZZ"))
        assert other == _alert(_code_step(client, "ABCD-EFGH-JKMN"))


def test_a_code_issued_again_replaces_the_old_one(client, tmp_path, letter):
    from roer.accounts.tests.tenants import issue_letters

    [row] = issue_letters(tmp_path, letter.tenancy.reference, name="again.csv")
    assert "al gebruikt" in _alert(_code_step(client, letter.code))
    assert _code_step(client, row["code"])["Location"] == ACCOUNT


def test_the_account_step_needs_the_code_step_first(client, letter):
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and response["Location"] == ACTIVATE
    assert _account_step(client)["Location"] == ACTIVATE
    assert not User.objects.filter(email="fatima@example.nl").exists()


def test_the_account_step_expires_after_a_quarter_of_an_hour(client, letter):
    _code_step(client, letter.code)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert _account_step(client)["Location"] == ACTIVATE


def test_a_weak_password_is_refused_with_the_error_at_the_field(client, letter):
    _code_step(client, letter.code)
    response = _account_step(client, password="1234567890")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in page and 'id="id_password1_error"' in page
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in page
    response = _account_step(client, again="something-else-entirely")
    assert 'id="id_password2_error"' in response.content.decode()
    assert not User.objects.filter(groups__name=Role.TENANT).exists()


def test_an_e_mail_address_in_use_is_refused(client, letter):
    UserFactory(username="sanne", email="Fatima@example.nl")
    _code_step(client, letter.code)
    response = _account_step(client, email="fatima@EXAMPLE.nl")
    assert 'id="id_email_error"' in response.content.decode()
    letter.person.refresh_from_db()
    assert letter.person.user_id is None


def test_the_pages_switch_to_english(client, letter):
    client.post("/i18n/setlang/", {"language": "en", "next": ACTIVATE})
    page = client.get(ACTIVATE).content.decode()
    assert '<html lang="en">' in page and "Activate your account" in page
    assert "does not go with this postcode" in _alert(_code_step(client, "ABCD-EFGH-JKMN"))


def test_an_address_taken_between_the_check_and_the_save_is_refused_at_the_field(client, letter, monkeypatch):
    from roer.accounts import forms

    _code_step(client, letter.code)
    monkeypatch.setattr(forms.activation, "email_in_use", lambda email: False)  # the form's check passes
    UserFactory(username="fatima@example.nl", email="other@example.nl")
    response = _account_step(client, email="Fatima@example.nl")
    assert response.status_code == 200 and 'id="id_email_error"' in response.content.decode()
    letter.person.refresh_from_db()
    assert letter.person.user_id is None
    assert ActivationCode.objects.get().used_at is None
