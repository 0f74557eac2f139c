"""roer import_ledger FILE.csv [--json]: the ERP's rent ledger."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from roer.core.csvfiles import CsvFileError, RowErrors, import_failure
from roer.ledger.services.erp import ledger_import


class Command(BaseCommand):
    help = _("Import the ERP's ledger from a CSV file (see docs/erp-import.md). Re-importing updates.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help=_("Print a machine-readable summary."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = ledger_import(path=options["file"])
        except (CsvFileError, RowErrors) as exc:
            raise import_failure(
                exc, as_json=options["json"], stdout=self.stdout, stderr=self.stderr
            ) from exc
        if options["json"]:
            self.stdout.write(json.dumps({"ok": True, **result.as_dict()}))
            return
        self.stdout.write(
            _(
                "%(rows)d rows read: %(created)d entries created, %(updated)d updated, %(unchanged)d unchanged."
            )
            % {
                "rows": result.rows_read,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
