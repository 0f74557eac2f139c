"""roer import_ledger FILE.csv [--json]: the ERP's rent ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from roer.core.csvfiles import CsvImportCommand
from roer.ledger.services.erp import ledger_import


class Command(CsvImportCommand):
    help = _("Import the ERP's ledger from a CSV file (see docs/erp-import.md). Re-importing updates.")

    def run_import(self, path: Path) -> Any:
        return ledger_import(path=path)

    def summary_lines(self, result: Any) -> list[str]:
        return [
            _(
                "%(rows)d rows read: %(created)d entries created, %(updated)d updated, %(unchanged)d unchanged."
            )
            % {
                "rows": result.rows_read,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        ]
