"""`roer export_early_warning --month YYYY-MM [--output PATH] [--json]`: the month's early-warning signals
for the municipality, as CSV.

The file holds every signal reported in that month whose tenant did not object, in a fixed order; signals
written for the first time are marked exported. Exporting a month again writes the same file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.arrears.services.early_warning import default_export_path, early_warning_export
from roer.core.dates import parse_month


class Command(BaseCommand):
    help = "Write the month's early-warning signals (vroegsignalering) for the municipality as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="the month the signals were reported in: YYYY-MM")
        parser.add_argument(
            "--output", help="where to write the CSV (default: EXPORT_DIR/early-warning-YYYY-MM.csv)"
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except ValueError:
            raise CommandError(f"not a month: {options['month']!r} (write YYYY-MM)") from None
        output = Path(options["output"]) if options.get("output") else default_export_path(month)
        if output.exists() and output.is_dir():
            raise CommandError(f"the output is a directory: {output}")
        try:
            result = early_warning_export(month=month, output=output)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        withheld = f"; {result.withheld} withheld after an objection" if result.withheld else ""
        self.stdout.write(
            f"Early warning {result.month}: {result.count} signal(s), {result.new} new{withheld}. "
            f"Written to {result.output}"
        )
