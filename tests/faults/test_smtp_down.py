"""The e-mail server down, with a real SMTP server on a private port (aiosmtpd): messages queue in the
outbox, go exactly once when it is back, and an address it refuses for good ends `failed` after the limit."""

from __future__ import annotations

from email import message_from_bytes

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core.constants import OutboxStatus
from roer.core.models import JournalEvent, OutboxMessage
from roer.core.outbox import MAX_ATTEMPTS, mail_enqueue, outbox_deliver
from roer.repairs.models import RepairRequest
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

from .servers import LocalSmtp

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

TENANT_EMAIL = "huurder@example.nl"


def notice(to: str, number: int) -> EmailMessage:
    return EmailMessage(
        subject=f"Bericht {number}", body="Beste huurder,", from_email="roer@example.nl", to=[to]
    )


def received(server: LocalSmtp) -> list[tuple[str, tuple[str, ...]]]:
    """(subject, recipients) of every message the SMTP server accepted, in order."""
    return [
        (str(message_from_bytes(envelope.original_content or b"")["Subject"]), tuple(envelope.rcpt_tos))
        for envelope in server.handler.received
    ]


def test_messages_wait_while_the_mail_server_is_down_and_go_once_when_it_is_back(
    client, local_smtp, django_capture_on_commit_callbacks
):
    user = UserFactory(email=TENANT_EMAIL, roles=[Role.TENANT])
    TenancyFactory(tenant__person=PersonFactory(user=user))
    client.force_login(user)

    # The mail server is down: the tenant's report is taken all the same, its confirmation waits.
    url = reverse("portal:repairs-problem", args=["boiler-broken"]) + "?whole-home=ja&klaar=1"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"idempotency_key": "smtp-down", "part": ""}).status_code == 302
        for number in (1, 2):
            mail_enqueue(notice(f"huurder{number}@example.nl", number), key=f"fault:notice:{number}")
    repair = RepairRequest.objects.get()
    assert list(OutboxMessage.objects.values_list("status", "attempts")) == [(OutboxStatus.PENDING, 0)] * 3
    assert outbox_deliver().smtp_unreachable  # the beat task's run while it is still down: nothing lost

    local_smtp.start()
    report = outbox_deliver()
    assert (report.sent, report.retrying, report.failed, report.smtp_unreachable) == (3, 0, 0, False)
    assert outbox_deliver().sent == 0  # the next run finds nothing left
    got = received(local_smtp)
    assert len(got) == 3
    assert {recipients for _subject, recipients in got} == {
        (TENANT_EMAIL,),
        ("huurder1@example.nl",),
        ("huurder2@example.nl",),
    }
    assert any(repair.code in subject for subject, _recipients in got)
    repair.refresh_from_db()
    assert repair.confirmation_sent_at is not None
    assert JournalEvent.objects.filter(activity="repair_request_confirmation_sent").count() == 1

    # Down again, up again: what was sent is not sent a second time.
    local_smtp.stop()
    local_smtp.start()
    assert outbox_deliver().sent == 0
    assert len(received(local_smtp)) == 3


def test_an_address_the_server_refuses_ends_failed_after_the_limit(local_smtp):
    local_smtp.start()
    with_refused = mail_enqueue(notice("weg@example.nl", 1), key="fault:refused")
    assert with_refused
    mail_enqueue(notice("huurder@example.nl", 2), key="fault:accepted")
    first = outbox_deliver()
    assert (first.sent, first.retrying) == (1, 1)
    refused = OutboxMessage.objects.get(key="fault:refused")
    for _ in range(MAX_ATTEMPTS - 1):
        refused.refresh_from_db()
        outbox_deliver(now=refused.next_attempt_at)
    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert "550" in refused.last_error
    assert refused.body  # kept for a person to look at and queue again
    assert received(local_smtp) == [("Bericht 2", ("huurder@example.nl",))]
