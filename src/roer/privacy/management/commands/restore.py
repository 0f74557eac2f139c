"""`roer restore FILE [--no-input]`: replace the configured database with a backup made by `roer backup`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from roer.privacy.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the configured database from a file made by `roer backup`: everything in it is replaced."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file")
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive", help="do not ask to confirm"
        )
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        name = connection.settings_dict["NAME"]
        if options["interactive"]:
            answer = input(
                f"Everything in the database {name} is replaced by {source}. Type 'yes' to go on: "
            )
            if answer.strip() != "yes":
                raise CommandError("restore cancelled")
        try:
            engine = restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps({"file": str(source), "engine": engine, "database": str(name)}))
        else:
            self.stdout.write(f"Restored the {engine} database {name} from {source}.")
