"""The e-mail outbox: stored with the business write, sent once after the commit, retried, given up on."""

from __future__ import annotations

import datetime as dt
import json
import smtplib
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from kombu.exceptions import OperationalError

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified
from roer.core import outbox
from roer.core.constants import OutboxStatus
from roer.core.models import JournalEvent, OutboxAttachment, OutboxMessage
from roer.core.outbox import (
    MAX_ATTEMPTS,
    OutboxError,
    mail_enqueue,
    outbox_deliver,
    outbox_retry,
    retry_delay,
)
from roer.core.tasks import deliver_outbox

pytestmark = pytest.mark.django_db

sent_hook_calls: list[tuple[dict[str, Any], dt.datetime]] = []


def record_sent(args: dict[str, Any], sent_at: dt.datetime) -> None:
    """An `on_sent` hook for these tests."""
    sent_hook_calls.append((args, sent_at))


def failing_hook(args: dict[str, Any], sent_at: dt.datetime) -> None:
    raise RuntimeError("the hook broke")


@pytest.fixture(autouse=True)
def _no_hook_calls_left_over():
    sent_hook_calls.clear()
    yield
    sent_hook_calls.clear()


def message(to: str = "huurder@example.nl", subject: str = "Uw reparatie") -> EmailMessage:
    return EmailMessage(subject=subject, body="Beste huurder,", from_email="roer@example.nl", to=[to])


def refuse_with(error: Exception):
    def send(self: EmailMessage, fail_silently: bool = False) -> int:
        raise error

    return send


def test_a_message_is_stored_with_the_write_and_sent_once_after_the_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    letter = message()
    letter.attach("brief.pdf", b"%PDF-1.7 bytes", "application/pdf")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = mail_enqueue(letter, key="test:1", on_sent=f"{__name__}.record_sent", on_sent_args={"id": 7})
    assert queued is True
    row = OutboxMessage.objects.get(key="test:1")
    assert (row.status, row.recipients["to"], row.attachments.count()) == (
        OutboxStatus.PENDING,
        ["huurder@example.nl"],
        1,
    )
    assert mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert (sent.subject, sent.to, sent.body) == ("Uw reparatie", ["huurder@example.nl"], "Beste huurder,")
    assert [(a[0], a[1], a[2]) for a in sent.attachments] == [
        ("brief.pdf", b"%PDF-1.7 bytes", "application/pdf")
    ]
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.sent_at is not None
    # What was personal is gone from the row once sent; the key stays to keep it from going twice.
    assert (row.body, row.recipients, row.recipient_count) == ("", {"count": 1}, 1)
    assert not OutboxAttachment.objects.filter(message=row).exists()
    assert sent_hook_calls == [({"id": 7}, row.sent_at)]

    # The same key again (a retried business write): nothing new is queued or sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert mail_enqueue(message(), key="test:1") is False
    assert outbox_deliver().sent == 0
    assert len(mailoutbox) == 1 and len(sent_hook_calls) == 1


def test_a_rolled_back_write_leaves_no_message(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        mail_enqueue(message(), key="test:rolled-back")
        raise RuntimeError("the business write failed")
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def test_html_alternatives_and_copies_survive_the_outbox(mailoutbox, django_capture_on_commit_callbacks):
    rich = EmailMultiAlternatives(
        subject="S", body="plain", from_email="roer@example.nl", to=["a@example.nl"], cc=["b@example.nl"]
    )
    rich.attach_alternative("<p>html</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(rich, key="test:rich")
    sent = mailoutbox[0]
    assert sent.cc == ["b@example.nl"]
    assert [tuple(a) for a in sent.alternatives] == [("<p>html</p>", "text/html")]


def test_a_refused_message_is_retried_with_back_off_then_fails(monkeypatch, mailoutbox):
    monkeypatch.setattr(outbox, "_ask_delivery", lambda message_id: None)
    mail_enqueue(message(to="weg@example.nl"), key="test:refused")
    refused = smtplib.SMTPRecipientsRefused({"weg@example.nl": (550, b"no such user")})
    monkeypatch.setattr(EmailMessage, "send", refuse_with(refused))
    now = timezone.now()
    first = outbox_deliver(now=now)
    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    row = OutboxMessage.objects.get()
    assert row.attempts == 1 and row.next_attempt_at == now + dt.timedelta(minutes=1)
    assert "SMTPRecipientsRefused" in row.last_error

    # Not due yet: a run a second later leaves it alone.
    assert outbox_deliver(now=now + dt.timedelta(seconds=1)).retrying == 0
    for attempt in range(2, MAX_ATTEMPTS + 1):
        now = OutboxMessage.objects.get().next_attempt_at
        report = outbox_deliver(now=now)
        row.refresh_from_db()
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert report.retrying == 1 and row.next_attempt_at == now + retry_delay(attempt)
    assert (report.failed, row.status, row.failed_at) == (1, OutboxStatus.FAILED, now)
    assert outbox_deliver(now=now + dt.timedelta(days=1)).failed == 0  # given up: no more attempts
    assert mailoutbox == []

    # A person corrected the address (say) and queues it again: it goes.
    monkeypatch.undo()
    assert outbox_retry(message_ids=[row.pk]) == 1
    assert outbox_deliver().sent == 1
    assert len(mailoutbox) == 1


def test_back_off_doubles_up_to_two_hours():
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [1, 2, 4, 8, 64, 120, 120]


def test_an_unreachable_smtp_server_costs_no_attempt_and_stops_the_run(monkeypatch, mailoutbox):
    monkeypatch.setattr(outbox, "_ask_delivery", lambda message_id: None)
    for number in range(3):
        mail_enqueue(message(), key=f"test:down:{number}")
    monkeypatch.setattr(EmailMessage, "send", refuse_with(ConnectionRefusedError(111, "Connection refused")))
    report = outbox_deliver()
    assert report.smtp_unreachable and report.sent == report.retrying == 0
    assert list(OutboxMessage.objects.values_list("status", "attempts").distinct()) == [
        (OutboxStatus.PENDING, 0)
    ]
    monkeypatch.undo()
    assert outbox_deliver().sent == 3
    assert len(mailoutbox) == 3


def test_a_failing_hook_does_not_make_the_message_go_twice(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(message(), key="test:hook", on_sent=f"{__name__}.failing_hook")
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT
    assert outbox_deliver().sent == 0
    assert len(mailoutbox) == 1


def test_hooks_are_roer_functions_only():
    with pytest.raises(OutboxError):
        mail_enqueue(message(), key="test:hook-elsewhere", on_sent="os.system")


def test_unnamed_attachments_are_refused():
    odd = message()
    odd.attachments.append(None)  # type: ignore[arg-type]
    with pytest.raises(OutboxError):
        mail_enqueue(odd, key="test:odd")


def test_an_unreachable_broker_leaves_the_message_waiting(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_outbox, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        assert mail_enqueue(message(), key="test:no-broker") is True
    assert OutboxMessage.objects.get().status == OutboxStatus.PENDING
    assert mailoutbox == []
    # The beat task (or `roer deliver_outbox`) sends it once the broker is back.
    monkeypatch.undo()
    assert deliver_outbox.delay().get() == {"sent": 1, "retrying": 0, "failed": 0, "smtp_unreachable": False}
    assert len(mailoutbox) == 1


def test_the_beat_schedule_delivers_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["deliver-outbox"]
    assert entry["task"] == deliver_outbox.name
    assert entry["schedule"].minute == set(range(60))


def test_the_command_sends_and_reports(monkeypatch, mailoutbox):
    monkeypatch.setattr(outbox, "_ask_delivery", lambda message_id: None)
    mail_enqueue(message(), key="test:command")
    out = StringIO()
    call_command("deliver_outbox", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "sent": 1,
        "retrying": 0,
        "failed": 0,
        "smtp_unreachable": False,
        "pending": 0,
        "failed_total": 0,
    }
    assert len(mailoutbox) == 1

    mail_enqueue(message(), key="test:command-2")
    monkeypatch.setattr(EmailMessage, "send", refuse_with(ConnectionRefusedError(111, "refused")))
    out = StringIO()
    with pytest.raises(CommandError, match="SMTP server did not answer"):
        call_command("deliver_outbox", stdout=out)
    assert "Waiting: 1." in out.getvalue()


def test_the_outbox_itself_writes_no_journal_event(mailoutbox, django_capture_on_commit_callbacks):
    before = JournalEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(message(), key="test:journal")
    assert len(mailoutbox) == 1
    assert JournalEvent.objects.count() == before  # the senders' hooks journal, without addresses


def test_the_administrator_sees_failed_messages_in_the_admin():
    OutboxMessage.objects.create(
        key="test:failed-in-admin",
        status=OutboxStatus.FAILED,
        subject="Uw reparatie",
        from_email="roer@example.nl",
        recipients={"to": ["weg@example.nl"]},
        attempts=MAX_ATTEMPTS,
        last_error="SMTPRecipientsRefused: 550",
    )
    administrator = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True)
    assert Group.objects.get(name=Role.ADMINISTRATOR).permissions.filter(codename="view_outboxmessage")
    staff_second_factor_add(user=administrator)
    client = Client()
    sign_in_verified(client, administrator, StaticDevice.objects.get(user=administrator))
    page = client.get(reverse("admin:core_outboxmessage_changelist"), {"status__exact": "failed"})
    assert page.status_code == 200
    assert b"test:failed-in-admin" in page.content


@pytest.mark.parametrize(
    ("error", "counted"),
    [
        (ConnectionRefusedError(111, "refused"), False),
        (TimeoutError("timed out"), False),
        (smtplib.SMTPConnectError(421, b"too busy"), False),
        (smtplib.SMTPServerDisconnected("hung up"), True),
        (smtplib.SMTPDataError(552, b"too big"), True),
        (smtplib.SMTPSenderRefused(553, b"bad sender", "roer@example.nl"), True),
    ],
)
def test_only_a_server_that_answered_counts_an_attempt(monkeypatch, error, counted):
    monkeypatch.setattr(outbox, "_ask_delivery", lambda message_id: None)
    mail_enqueue(message(), key="test:classified")
    monkeypatch.setattr(EmailMessage, "send", refuse_with(error))
    report = outbox_deliver()
    assert report.smtp_unreachable is not counted
    assert OutboxMessage.objects.get().attempts == int(counted)
