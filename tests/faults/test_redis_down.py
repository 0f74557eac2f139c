"""Redis down: a tenant can still report a repair, and neither the confirmation e-mail nor its delivery task
is lost. The outbox row waits; once Redis is back, `outbox_deliver` (the beat task) sends it exactly once."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core.constants import OutboxStatus
from roer.core.models import OutboxMessage
from roer.core.outbox import outbox_deliver
from roer.core.tasks import deliver_outbox
from roer.repairs.models import RepairRequest
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

from .celery_broker import broker, queued_tasks

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

EMAIL = "huurder@example.nl"


@pytest.fixture
def tenant(client):
    user = UserFactory(email=EMAIL, roles=[Role.TENANT])
    TenancyFactory(tenant__person=PersonFactory(user=user))
    client.force_login(user)
    return user


def report_broken_boiler(client, key: str):
    url = reverse("portal:repairs-problem", args=["boiler-broken"]) + "?whole-home=ja&klaar=1"
    return client.post(url, {"description": "", "idempotency_key": key, "part": ""})


def test_a_repair_is_reported_while_redis_is_down_and_its_email_goes_once_after(
    client, tenant, private_redis, mailoutbox, django_capture_on_commit_callbacks
):
    with broker(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = report_broken_boiler(client, "while-redis-is-down")
        # The portal answered as always, and promptly: the broker's absence cost under a few seconds.
        assert response.status_code == 302
        assert time.monotonic() - started < 5
        first = RepairRequest.objects.get()
        assert response["Location"] == reverse("portal:repairs-request", args=[first.pk])
        waiting = OutboxMessage.objects.get()
        assert waiting.status == OutboxStatus.PENDING and waiting.key == f"repair-confirmation:{first.pk}"
        assert mailoutbox == []
        assert first.confirmation_sent_at is None

        private_redis.start()
        with django_capture_on_commit_callbacks(execute=True):
            assert report_broken_boiler(client, "after-redis-is-back").status_code == 302
        second = RepairRequest.objects.exclude(pk=first.pk).get()
        # With Redis back, the delivery task of the new message reached the queue (no worker runs here).
        tasks = queued_tasks(private_redis.url)
        second_message = OutboxMessage.objects.get(key=f"repair-confirmation:{second.pk}")
        assert tasks == [(deliver_outbox.name, {"message_ids": [second_message.pk]})]

        # The beat task's run: both messages go, the one from the outage too.
        report = outbox_deliver()
        assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
        # The queued task, picked up by a worker later, finds nothing left to send; neither does the next
        # beat run.
        assert deliver_outbox.apply(kwargs=tasks[0][1]).get()["sent"] == 0
        assert outbox_deliver().sent == 0

    assert len(mailoutbox) == 2 and all(message.to == [EMAIL] for message in mailoutbox)
    subjects = [message.subject for message in mailoutbox]
    assert any(first.code in subject for subject in subjects)
    assert any(second.code in subject for subject in subjects)
    first.refresh_from_db()
    assert first.confirmation_sent_at is not None
