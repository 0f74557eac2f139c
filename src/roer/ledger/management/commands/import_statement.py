"""`roer import_statement FILE...`: book bank statements (camt.053, camt.054, MT940)."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.ledger.bank import StatementError
from roer.ledger.services.statements import ImportSummary, statement_import

_COLUMNS = (
    ("entries_read", "read"),
    ("booked", "new"),
    ("duplicates_skipped", "duplicate"),
    ("matched", "matched"),
    ("returns", "returns"),
    ("unmatched", "unmatched"),
    ("outgoing", "outgoing"),
    ("foreign_currency", "foreign"),
)


@contextmanager
def _collector_for_batches() -> Iterator[None]:
    """Python's cyclic garbage collector, tuned while a file is booked, then as it was.

    Booking allocates a few dozen short-lived objects per entry. With the default thresholds that
    starts a full collection every few thousand entries, each walking the many thousands of objects Django
    left from its start-up, which are never garbage: a fifth of the import's time. Frozen, they are
    no longer walked; higher thresholds make the young collections rarer. Nothing the import keeps
    is cyclic, so memory stays as flat as before."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class Command(BaseCommand):
    # An import runs unattended and often (every bank download): Django's system checks (URLs,
    # templates, models) took a few seconds of every run and are the business of `check` and deploys.
    requires_system_checks: list[str] = []
    help = (
        "Read bank files (camt.053, camt.054 or MT940, recognised from their content) and book their "
        "entries: payments and returned direct debits to tenancies, the rest to the unmatched queue. "
        "Entries already booked from another file are skipped. Any bad file stops the whole import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--json", action="store_true", help="Print a machine-readable summary.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["files"]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
        try:
            with _collector_for_batches():
                summary = statement_import(paths=paths)
        except StatementError as exc:
            raise CommandError(f"{exc} (nothing was imported)") from exc
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_dict(), indent=2))
        else:
            self.stdout.write(self._table(summary))

    def _table(self, summary: ImportSummary) -> str:
        rows = [["file", "format", *(label for _key, label in _COLUMNS)]]
        for f in summary.files:
            rows.append([f.file, f.format, *(str(getattr(f, key)) for key, _label in _COLUMNS)])
        rows.append(["total", "", *(str(summary.total(key)) for key, _label in _COLUMNS)])
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [
            "  ".join(
                cell.ljust(w) if i < 2 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in rows
        ]
        flagged = {k: v for k, v in summary.as_dict()["flagged"].items() if v}
        if flagged:
            lines.append("flagged: " + ", ".join(f"{k} {v}" for k, v in flagged.items()))
        return "\n".join(lines)
