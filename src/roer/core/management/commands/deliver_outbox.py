"""`roer deliver_outbox`: send the e-mail outbox's due messages now (cron, or an operator after an outage)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.core.constants import OutboxStatus
from roer.core.models import OutboxMessage
from roer.core.outbox import outbox_deliver


class Command(BaseCommand):
    help = "Send the due messages of the e-mail outbox; each is sent once, failures are retried later."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        report = outbox_deliver()
        waiting = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
        failed = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count()
        if options["json"]:
            self.stdout.write(json.dumps({**report.as_dict(), "pending": waiting, "failed_total": failed}))
        else:
            self.stdout.write(
                f"Sent {report.sent}; {report.retrying} to retry later, {report.failed} gave up. "
                f"Waiting: {waiting}. Failed in total: {failed}."
            )
        if report.smtp_unreachable:
            # Non-zero for cron's mail and the monitoring: nothing is lost, the messages wait.
            raise CommandError("the SMTP server did not answer; the waiting messages go on the next run")
