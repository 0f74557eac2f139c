"""`roer backup -o FILE`: the configured database to one file (pg_dump custom format, or an SQLite copy)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.privacy.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the configured database to a file; `roer restore FILE` reads it back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, type=Path, help="the backup file to write")
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["output"]
        try:
            engine = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = target.stat().st_size
        if options["json"]:
            self.stdout.write(json.dumps({"file": str(target), "engine": engine, "bytes": size}))
        else:
            self.stdout.write(f"Backed up the {engine} database to {target} ({size} bytes).")
