"""roer import_tenancies FILE.csv [--json]: the ERP's tenancies, dwellings, tenants and rent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from roer.core.csvfiles import CsvImportCommand
from roer.tenancies.services.erp_import import tenancies_import


class Command(CsvImportCommand):
    help = _("Import tenancies from the ERP's CSV file (see docs/erp-import.md). Re-importing updates.")

    def run_import(self, path: Path) -> Any:
        return tenancies_import(path=path)

    def summary_lines(self, result: Any) -> list[str]:
        lines = [
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
        ]
        if result.ignored_columns:
            lines.append(_("Ignored columns: %(columns)s") % {"columns": ", ".join(result.ignored_columns)})
        return lines
