"""`roer import_event_log FILE [--name NAME]`: store an XES, XES.gz or CSV event log for the process map."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.supervision.readers import ACTIVITY_COLUMN, CASE_COLUMN, TIMESTAMP_COLUMN, EventLogError
from roer.supervision.services import event_log_import

from ._common import actor


class Command(BaseCommand):
    help = (
        "Read an event log (XES, XES.gz or CSV, recognised from its content) and store it for "
        "`roer process_map --source NAME`. A log of the same name is replaced at once; a bad file stores "
        "nothing. The activity is each event's concept:name, as PM4Py reads it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument("--name", help="The log's name (default: the file's name).")
        parser.add_argument(
            "--case", default=CASE_COLUMN, help=f"CSV: the case column (default {CASE_COLUMN})."
        )
        parser.add_argument(
            "--activity",
            default=ACTIVITY_COLUMN,
            help=f"CSV: the activity column (default {ACTIVITY_COLUMN}).",
        )
        parser.add_argument(
            "--timestamp",
            default=TIMESTAMP_COLUMN,
            help=f"CSV: the timestamp column (default {TIMESTAMP_COLUMN}).",
        )
        parser.add_argument("--by", metavar="USERNAME", help="The staff member who imports (journaled).")
        parser.add_argument("--json", action="store_true", help="Print a machine-readable summary.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        started = time.perf_counter()

        read_so_far = [0]

        def progress(events: int) -> None:
            read_so_far[0] = events
            sys.stderr.write(f"{path.name}: {events:,} events read\n")
            sys.stderr.flush()

        def stage(message: str) -> None:
            if read_so_far[0]:  # only for files big enough to report their progress
                sys.stderr.write(f"{path.name}: {message}\n")
                sys.stderr.flush()

        try:
            log = event_log_import(
                path=path,
                name=options["name"],
                case_column=options["case"],
                activity_column=options["activity"],
                timestamp_column=options["timestamp"],
                by=actor(options["by"]),
                progress=progress,
                stage=stage,
            )
        except EventLogError as exc:
            raise CommandError(f"{exc} (nothing was imported)") from exc
        summary = {
            "name": log.name,
            "file": log.source_file,
            "format": log.source_format,
            "cases": log.case_count,
            "events": log.event_count,
            "activities": log.activity_count,
            "variants": log.variant_count,
            "rows_skipped": log.rows_skipped,
            "first_event_at": log.first_event_at.isoformat() if log.first_event_at else None,
            "last_event_at": log.last_event_at.isoformat() if log.last_event_at else None,
            "seconds": round(time.perf_counter() - started, 3),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
            return
        self.stdout.write(
            f"{log.name}: {log.event_count:,} events in {log.case_count:,} cases, {log.activity_count} activities, "
            f"{log.variant_count:,} variants ({log.source_format}, {summary['seconds']} s)"
        )
        if log.rows_skipped:
            self.stdout.write(
                f"{log.rows_skipped:,} left out, as PM4Py leaves them out: CSV rows with an empty case, "
                "activity or timestamp, or XES events outside a trace"
            )
