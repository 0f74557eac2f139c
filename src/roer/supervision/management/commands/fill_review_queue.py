"""`roer fill_review_queue [--from D --to D] [--json]`: put portal interactions in the review queue."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.supervision import review, rollups
from roer.supervision.management.commands._common import day


class Command(BaseCommand):
    help = (
        "Put the portal interactions of yesterday, or of a period, that ask for review in the review queue "
        "(did not help, channel switch, contractor flag, grade below 6, and a sample). Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", type=day, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", type=day, help="last day (default: --from, or yesterday)")
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["date_from"], options["date_to"]
        if last and not first:
            raise CommandError("--to needs --from")
        first = first or rollups.yesterday()
        last = last or first
        if first > last:
            raise CommandError(f"--from {first} is after --to {last}")
        fills = review.review_queue_fill_period(first=first, last=last)
        per_reason: dict[str, int] = {}
        for fill in fills:
            for reason, count in fill.added.items():
                per_reason[reason] = per_reason.get(reason, 0) + count
        added = sum(per_reason.values())
        if options["json"]:
            summary = {
                "from": first.isoformat(),
                "to": last.isoformat(),
                "added": added,
                "per_reason": per_reason,
            }
            self.stdout.write(json.dumps(summary, sort_keys=True))
            return
        for fill in fills:
            self.stdout.write(f"{fill.day.isoformat()}: {fill.total} item(s) added")
        self.stdout.write(f"Filled the review queue from {first} to {last}: {added} item(s) added.")
