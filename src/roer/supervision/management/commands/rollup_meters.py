"""`roer rollup_meters [--date D | --from D --to D] [--json]`: roll the journal up into the meters."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.supervision import rollups
from roer.supervision.management.commands._common import day


class Command(BaseCommand):
    help = "Roll up the supervisor's meters from the journal: yesterday by default, or a date or a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=day, help="one day (YYYY-MM-DD)")
        parser.add_argument("--from", dest="date_from", type=day, help="first day of a backfill")
        parser.add_argument(
            "--to", dest="date_to", type=day, help="last day of a backfill (default yesterday)"
        )
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        one, first, last = options["date"], options["date_from"], options["date_to"]
        if one and (first or last):
            raise CommandError("give --date or --from/--to, not both")
        if last and not first:
            raise CommandError("--to needs --from")
        if one:
            first = last = one
        elif first:
            last = last or rollups.yesterday()
        else:
            first = last = rollups.yesterday()
        if first > last:
            raise CommandError(f"--from {first} is after --to {last}")
        quiet = options["json"]

        def progress(result: rollups.DayRollup) -> None:
            if not quiet:
                self.stdout.write(f"{result.day.isoformat()}: {result.rows} rows")

        done = rollups.period_rollup(first=first, last=last, progress=progress)
        rows = sum(d.rows for d in done)
        if quiet:
            summary = {"from": first.isoformat(), "to": last.isoformat(), "days": len(done), "rows": rows}
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(f"Rolled up {len(done)} day(s) from {first} to {last}: {rows} rows.")
