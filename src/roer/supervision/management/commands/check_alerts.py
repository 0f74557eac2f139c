"""`roer check_alerts [--date D] [--json]`: check the meters' rollups of a day for alerts (docs/meters.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roer.supervision import alerts, rollups
from roer.supervision.management.commands._common import day


class Command(BaseCommand):
    help = "Raise or update alerts from the meters' rollups of one day (default yesterday)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=day, help="the day to check (YYYY-MM-DD), default yesterday")
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        when = options["date"] or rollups.yesterday()
        result = alerts.check(when)
        if options["json"]:
            summary = {"date": when.isoformat(), "raised": result.raised, "updated": result.updated}
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(f"{when}: {result.raised} alert(s) raised, {result.updated} updated.")
