"""`roer export_ocel [--output FILE]`: the journal as an OCEL 2.0 JSON object-centric event log."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from roer.supervision.services import journal_export_ocel

from ._common import actor


class Command(BaseCommand):
    help = (
        "Write the whole journal as OCEL 2.0 JSON: its events, and its subjects as objects (ids and kinds "
        "only), streamed; without --output to standard output. The export is journaled."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, metavar="FILE")
        parser.add_argument("--by", metavar="USERNAME", help="The staff member who exports (journaled).")
        parser.add_argument("--json", action="store_true", help="Print a machine-readable summary.")

    def handle(self, *args: Any, **options: Any) -> None:
        by = actor(options["by"])
        output = Path(options["output"]) if options["output"] else None
        result = journal_export_ocel(output=output if output else sys.stdout.buffer, by=by)
        summary = (
            json.dumps(result.as_dict())
            if options["json"]
            else f"{result.events:,} events, {result.objects:,} objects"
        )
        (self.stdout if output else self.stderr).write(summary)
