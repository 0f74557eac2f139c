"""`roer anonymise_ended [--dry-run] [--today DATE] [--json]`: retention of ended tenancies' personal data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.privacy.retention import anonymise_ended


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today {value!r}: expected a date as YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of tenancies that ended more than ROER_RETENTION_YEARS ago; "
        "tenancies with money owed, open arrears or an open case are skipped and listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list what would happen, change nothing")
        parser.add_argument("--today", help="count the retention period back from this date (YYYY-MM-DD)")
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options["today"] else None
        result = anonymise_ended(today=today, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        verb = "Would anonymise" if result.dry_run else "Anonymised"
        self.stdout.write(
            f"{verb} {len(result.anonymised)} tenancies that ended before {result.cutoff} "
            f"({result.years} years of retention)."
        )
        for reference in result.anonymised:
            self.stdout.write(f"  {reference}")
        if result.counts:
            self.stdout.write(
                "  " + ", ".join(f"{key}: {value}" for key, value in sorted(result.counts.items()))
            )
        if result.skipped:
            self.stdout.write(f"Skipped {len(result.skipped)}, their data is still needed:")
            for reference, reasons in result.skipped.items():
                self.stdout.write(f"  {reference}: {', '.join(reasons)}")
