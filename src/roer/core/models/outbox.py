"""The e-mail outbox: a message is stored in the transaction of the write that caused it, and sent after."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from roer.core.constants import OutboxStatus


class OutboxMessage(models.Model):
    """One e-mail to send. `key` makes enqueueing idempotent: the same business event queues one message.

    Once sent, the body, the addresses and the attachments are wiped (they live on the subjects that
    caused the message); the row stays, so the key keeps the message from being queued again."""

    key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    subject = models.TextField()
    body = models.TextField(blank=True)
    from_email = models.TextField()
    # {"to": [...], "cc": [...], "bcc": [...], "reply_to": [...]}
    recipients = models.JSONField(default=dict)
    headers = models.JSONField(default=dict, blank=True)
    # [[content, mimetype], ...] of EmailMultiAlternatives (an HTML version, say).
    alternatives = models.JSONField(default=list, blank=True)
    # Dotted path of a function `(args: dict, sent_at: datetime) -> None` run once the message is sent,
    # with `on_sent_args`: how the sender records that it really went (a journal event, a timestamp).
    on_sent = models.CharField(max_length=200, blank=True)
    on_sent_args = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"

    @property
    def recipient_count(self) -> int:
        """How many addresses; a sent message keeps only this number."""
        if "count" in self.recipients:
            return int(self.recipients["count"])
        return sum(len(self.recipients.get(field, [])) for field in ("to", "cc", "bcc"))


class OutboxAttachment(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    mimetype = models.CharField(max_length=120)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename
