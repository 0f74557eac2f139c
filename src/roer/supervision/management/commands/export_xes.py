"""`roer export_xes [--output FILE] [--from DATE --to DATE]`: the journal as an XES event log."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roer.supervision.constants import DEFAULT_CASE_KIND
from roer.supervision.services import journal_export_xes

from ._common import actor, day, period


class Command(BaseCommand):
    help = (
        "Write the journal as XES (IEEE 1849) for process-mining tools: one trace per case subject "
        "(default the repair request), streamed; without --output to standard output. The export is journaled."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, metavar="FILE")
        parser.add_argument(
            "--from", dest="date_from", type=day, metavar="DATE", help="Cases that started on or after."
        )
        parser.add_argument(
            "--to", dest="date_to", type=day, metavar="DATE", help="Cases that started on or before."
        )
        parser.add_argument(
            "--case-kind",
            default=DEFAULT_CASE_KIND,
            help=f"The subject kind a case is (default {DEFAULT_CASE_KIND}).",
        )
        parser.add_argument("--by", metavar="USERNAME", help="The staff member who exports (journaled).")
        parser.add_argument("--json", action="store_true", help="Print a machine-readable summary.")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = period(options)
        by = actor(options["by"])
        output = Path(options["output"]) if options["output"] else None
        result = journal_export_xes(
            output=output if output else sys.stdout.buffer,
            case_kind=options["case_kind"],
            date_from=date_from,
            date_to=date_to,
            by=by,
        )
        summary = (
            json.dumps(result.as_dict())
            if options["json"]
            else f"{result.events:,} events in {result.cases:,} traces"
        )
        (self.stdout if output else self.stderr).write(summary)
