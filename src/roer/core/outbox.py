"""The transactional outbox for e-mail: a lost SMTP server or broker loses no message.

`mail_enqueue` stores a message in the transaction of the business write that causes it; after the commit it
asks Celery to deliver it. When the broker is down the row simply waits: the beat task (every minute) and
`roer deliver_outbox` send every due message. `outbox_deliver` sends each message once (a row lock, skipped
by a concurrent deliverer on PostgreSQL), retries with exponential back-off, and gives up after
`MAX_ATTEMPTS`, leaving the message `failed` for staff in the admin.

A sender that must record the real sending (`Letter.emailed_at`, a journal event) names an `on_sent` hook:
a function `(args: dict, sent_at: datetime) -> None`, run in the transaction that marks the message sent.

The delivery is at least once: if the database fails between the SMTP server's "250 OK" and the commit,
the message goes again on the next run. Nothing here writes to the journal; the hooks do, without addresses.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from roer.core.constants import OutboxStatus
from roer.core.models import OutboxAttachment, OutboxMessage

logger = structlog.get_logger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=2)
BATCH = 200


class OutboxError(ValueError):
    """A message that cannot be stored as given."""


def mail_enqueue(
    message: EmailMessage, *, key: str, on_sent: str = "", on_sent_args: dict[str, Any] | None = None
) -> bool:
    """Store `message` to be sent after the surrounding transaction commits; idempotent per `key`.

    Call it inside the business write's `transaction.atomic()`. Returns whether this call queued it: a
    second call with the same key queues nothing and returns False.
    """
    if on_sent and not on_sent.startswith("roer."):
        raise OutboxError(f"on_sent must name a function in roer, not {on_sent!r}")
    with transaction.atomic():
        row, created = OutboxMessage.objects.get_or_create(
            key=key,
            defaults={
                "subject": str(message.subject),
                "body": str(message.body),
                "from_email": str(message.from_email),
                "recipients": {
                    "to": list(message.to),
                    "cc": list(message.cc),
                    "bcc": list(message.bcc),
                    "reply_to": list(message.reply_to),
                },
                "headers": dict(message.extra_headers),
                "alternatives": _alternatives(message),
                "on_sent": on_sent,
                "on_sent_args": on_sent_args or {},
            },
        )
        if not created:
            logger.info("outbox_duplicate_ignored", message_id=row.pk)
            return False
        OutboxAttachment.objects.bulk_create(
            OutboxAttachment(message=row, filename=name, mimetype=mimetype, content=_bytes(content))
            for name, content, mimetype in _attachments(message)
        )
        transaction.on_commit(lambda: _ask_delivery(row.pk))
    logger.info("outbox_enqueued", message_id=row.pk, recipients=row.recipient_count)
    return True


def _alternatives(message: EmailMessage) -> list[list[str]]:
    if not isinstance(message, EmailMultiAlternatives):
        return []
    return [[str(content), str(mimetype)] for content, mimetype in message.alternatives]


def _attachments(message: EmailMessage) -> list[tuple[str, Any, str]]:
    found = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple) or attachment[0] is None:
            raise OutboxError("only named attachments (filename, content, mimetype) can be queued")
        name, content, mimetype = attachment
        found.append((name, content, mimetype or "application/octet-stream"))
    return found


def _bytes(content: str | bytes) -> bytes:
    return content.encode() if isinstance(content, str) else bytes(content)


def _ask_delivery(message_id: int) -> None:
    """After the commit: ask a worker to send the message now. Without a broker the row waits for the beat
    task or `roer deliver_outbox`; the request that queued it is not the place to find that out."""
    from roer.core.tasks import deliver_outbox

    try:
        deliver_outbox.apply_async(kwargs={"message_ids": [message_id]}, retry=False)
    except Exception as error:
        logger.warning("outbox_broker_unreachable", message_id=message_id, error=type(error).__name__)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    smtp_unreachable: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "sent": self.sent,
            "retrying": self.retrying,
            "failed": self.failed,
            "smtp_unreachable": self.smtp_unreachable,
        }


class _ServerUnreachable(Exception):
    """The SMTP server did not answer: not the message's fault, so no attempt is counted."""


def outbox_deliver(
    *, message_ids: Sequence[int] | None = None, now: dt.datetime | None = None, limit: int = BATCH
) -> DeliveryReport:
    """Send the due pending messages (or only those of `message_ids`), each in its own transaction.

    Stops at the first sign that the SMTP server is unreachable: the rest waits for the next run.
    """
    now = now or timezone.now()
    sent = retrying = failed = 0
    smtp = get_connection()
    try:
        for _ in range(limit):
            try:
                outcome = _deliver_next(smtp, message_ids=message_ids, now=now)
            except _ServerUnreachable:
                report = DeliveryReport(sent, retrying, failed, smtp_unreachable=True)
                logger.warning("outbox_smtp_unreachable", **report.as_dict())
                return report
            if outcome is None:
                break
            sent += outcome == OutboxStatus.SENT
            failed += outcome == OutboxStatus.FAILED
            retrying += outcome == OutboxStatus.PENDING
    finally:
        _close_quietly(smtp)
    report = DeliveryReport(sent, retrying, failed)
    if sent or retrying or failed:
        logger.info("outbox_delivered", **report.as_dict())
    return report


def _deliver_next(smtp: Any, *, message_ids: Sequence[int] | None, now: dt.datetime) -> str | None:
    with transaction.atomic():
        due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        if message_ids is not None:
            due = due.filter(pk__in=message_ids)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        else:  # SQLite: the IMMEDIATE transaction already keeps a second deliverer out.
            due = due.select_for_update()
        row = due.order_by("next_attempt_at", "pk").first()
        if row is None:
            return None
        try:
            _email(row, smtp).send()
        except Exception as error:
            if _is_unreachable(error):
                _close_quietly(smtp)
                raise _ServerUnreachable from error
            _close_quietly(smtp)  # a half-finished SMTP dialogue: start the next message afresh
            return _count_failure(row, error, now)
        _mark_sent(row)
        return OutboxStatus.SENT


def _email(row: OutboxMessage, smtp: Any) -> EmailMessage:
    recipients = row.recipients
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email,
        to=recipients.get("to", []),
        cc=recipients.get("cc", []),
        bcc=recipients.get("bcc", []),
        reply_to=recipients.get("reply_to", []),
        headers=row.headers,
        connection=smtp,
    )
    for content, mimetype in row.alternatives:
        message.attach_alternative(content, mimetype)
    for attachment in row.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message


def _is_unreachable(error: Exception) -> bool:
    """No answer from the server, so not this message's fault. A server that answered and then hung up
    counts against the message: one that always drops it must not block the queue forever."""
    if isinstance(error, smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPException):
        return False  # the server answered, and refused this message or hung up on it
    return isinstance(error, OSError)  # refused, reset, timed out, no route


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 ... minutes after the first, second, third ... failed attempt, at most two hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _count_failure(row: OutboxMessage, error: Exception, now: dt.datetime) -> str:
    row.attempts += 1
    # The server's words can name the address; they stay on the row (already personal), out of the log.
    row.last_error = f"{type(error).__name__}: {error}"[:300]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = OutboxStatus.FAILED
        row.failed_at = now
        row.save(update_fields=["attempts", "last_error", "status", "failed_at"])
        logger.error(
            "outbox_message_failed", message_id=row.pk, attempts=row.attempts, error=type(error).__name__
        )
        return OutboxStatus.FAILED
    row.next_attempt_at = now + retry_delay(row.attempts)
    row.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    logger.warning(
        "outbox_message_retrying",
        message_id=row.pk,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at.isoformat(),
        error=type(error).__name__,
    )
    return OutboxStatus.PENDING


def _mark_sent(row: OutboxMessage) -> None:
    sent_at = timezone.now()
    row.status = OutboxStatus.SENT
    row.sent_at = sent_at
    row.body = ""
    row.recipients = {"count": row.recipient_count}
    row.alternatives = []
    row.last_error = ""
    row.save(update_fields=["status", "sent_at", "body", "recipients", "alternatives", "last_error"])
    row.attachments.all().delete()
    logger.info("outbox_message_sent", message_id=row.pk, attempts=row.attempts + 1)
    if row.on_sent:
        _run_hook(row, sent_at)


def _run_hook(row: OutboxMessage, sent_at: dt.datetime) -> None:
    """The message is out: a failing hook must not undo that (it would be sent again), so it is logged."""
    try:
        with transaction.atomic():
            import_string(row.on_sent)(row.on_sent_args, sent_at)
    except Exception:
        logger.exception("outbox_on_sent_failed", message_id=row.pk, hook=row.on_sent)


def outbox_retry(*, message_ids: Sequence[int]) -> int:
    """Staff put failed messages back in the queue (after the address was corrected, say)."""
    with transaction.atomic():
        count = OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxStatus.FAILED).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), failed_at=None
        )
    logger.info("outbox_retried", count=count)
    return count


def _close_quietly(smtp: Any) -> None:
    try:
        smtp.close()
    except Exception:  # closing a connection that already broke
        logger.debug("outbox_smtp_close_failed")
