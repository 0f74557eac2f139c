"""roer import_tenancies FILE.csv [--json]: the ERP's tenancies, dwellings, tenants and rent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from roer.core.csvfiles import CsvFileError, RowErrors, import_failure
from roer.tenancies.services.erp_import import tenancies_import


class Command(BaseCommand):
    help = _("Import tenancies from the ERP's CSV file (see docs/erp-import.md). Re-importing updates.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help=_("Print a machine-readable summary."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = tenancies_import(path=options["file"])
        except (CsvFileError, RowErrors) as exc:
            raise import_failure(
                exc, as_json=options["json"], stdout=self.stdout, stderr=self.stderr
            ) from exc
        if options["json"]:
            self.stdout.write(json.dumps({"ok": True, **result.as_dict()}))
            return
        self.stdout.write(
            _(
                "%(rows)d rows read: %(created)d tenancies created, %(updated)d updated, "
                "%(unchanged)d unchanged; %(dwellings)d dwellings and %(persons)d persons created."
            )
            % {
                "rows": result.rows_read,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "dwellings": result.dwellings_created,
                "persons": result.persons_created,
            }
        )
        if result.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(columns)s") % {"columns": ", ".join(result.ignored_columns)}
            )
