import datetime as dt
import json
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import PASSWORD, UserFactory
from roer.accounts.tests.tenants import STRONG_PASSWORD
from roer.core.models import JournalEvent

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password-reset")
SENT = reverse("accounts:password-reset-done")
LOGIN = reverse("accounts:login")


@pytest.fixture
def tenant():
    return UserFactory(username="noor@example.nl", email="Noor@example.nl", roles=[Role.TENANT])


def _ask(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(RESET, {"email": email})


def _link(message) -> str:
    match = re.search(r"https?://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_end_to_end(client, settings, tenant, django_capture_on_commit_callbacks):
    page = client.get(RESET).content.decode()
    assert "Wachtwoord vergeten?" in page and 'autocomplete="email"' in page

    response = _ask(client, "noor@EXAMPLE.nl", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == SENT
    sent_page = client.get(SENT).content.decode()
    assert "De link werkt 24 uur" in sent_page and f"bel ons op {settings.CORPORATION_PHONE}." in sent_page

    [message] = mail.outbox
    assert message.to == ["Noor@example.nl"]
    assert message.subject == f"Een nieuw wachtwoord voor {settings.CORPORATION_NAME}"
    assert "Klik dan op de link hieronder" in message.body and "24 uur" in message.body
    assert f"Vragen? Bel ons op {settings.CORPORATION_PHONE}." in message.body

    # The link leads to a form (Django moves the token into the session and redirects to set-password).
    response = client.get(_link(message), follow=True)
    page = response.content.decode()
    assert "Kies een nieuw wachtwoord" in page and 'autocomplete="new-password"' in page
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password-reset-complete")

    tenant.refresh_from_db()
    assert tenant.check_password(STRONG_PASSWORD)
    response = client.post(LOGIN, {"username": "noor@example.nl", "password": STRONG_PASSWORD})
    assert response["Location"] == reverse("home")

    # Used once: the same link no longer works.
    client.post(reverse("accounts:logout"))
    page = client.get(_link(message), follow=True).content.decode()
    assert "Deze link werkt niet (meer)" in page

    events = {e.activity: e for e in JournalEvent.objects.filter(activity__startswith="password_reset")}
    assert set(events) == {"password_reset_requested", "password_reset_done"}
    assert all(e.actor_id == tenant.pk and e.channel == "INT" for e in events.values())
    facts = json.dumps([e.facts for e in JournalEvent.objects.all()]).lower()
    assert "noor" not in facts and "example.nl" not in facts


def test_the_link_stops_working_after_a_day(client, tenant, django_capture_on_commit_callbacks):
    _ask(client, "noor@example.nl", django_capture_on_commit_callbacks)
    [message] = mail.outbox
    # A relative jump: a travel to an aware UTC time would also switch the local zone Django reads tokens in.
    with time_machine.travel(dt.timedelta(hours=23)):
        assert "Nieuw wachtwoord opslaan" in client.get(_link(message), follow=True).content.decode()
    with time_machine.travel(dt.timedelta(hours=24, minutes=5)):
        page = client.get(_link(message), follow=True).content.decode()
    assert "Deze link werkt niet (meer)" in page
    tenant.refresh_from_db()
    assert tenant.check_password(PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, tenant, django_capture_on_commit_callbacks
):
    response = _ask(client, "nobody@example.nl", django_capture_on_commit_callbacks)
    assert response["Location"] == SENT
    assert mail.outbox == []
    assert not JournalEvent.objects.filter(activity="password_reset_requested").exists()


def test_staff_get_no_reset_mail(client, django_capture_on_commit_callbacks):
    staff = UserFactory(username="sanne", email="sanne@corporatie.nl", roles=[Role.COLLECTIONS_OFFICER])
    staff_second_factor_add(user=staff, static_codes=["code0001"])
    response = _ask(client, "sanne@corporatie.nl", django_capture_on_commit_callbacks)
    assert response["Location"] == SENT
    assert mail.outbox == []


def test_the_reset_e_mail_is_english_when_english_was_chosen(
    client, tenant, django_capture_on_commit_callbacks
):
    client.post("/i18n/setlang/", {"language": "en", "next": RESET})
    _ask(client, "noor@example.nl", django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject.startswith("A new password for")
    assert "The link works for 24 hours, and only once." in message.body
