"""roer export_direct_debits --month YYYY-MM [--collection-date D] [--output PATH] [--json]: pain.008."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from roer.core.dates import parse_date, parse_month
from roer.core.money import format_euros
from roer.ledger.services.direct_debit import direct_debits_export


class Command(BaseCommand):
    help = _(
        "Write the month's SEPA direct-debit file (pain.008.001.08): that month's rent charge for every "
        "running tenancy that pays by direct debit with a mandate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help=_("The month collected, YYYY-MM."))
        parser.add_argument(
            "--collection-date", help=_("Requested collection date; default: the month's first working day.")
        )
        parser.add_argument("--output", type=Path, help=_("Default: EXPORT_DIR/pain008-YYYY-MM.xml."))
        parser.add_argument("--json", action="store_true", help=_("Print a machine-readable summary."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
            collection_date = parse_date(options["collection_date"]) if options["collection_date"] else None
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            export = direct_debits_export(
                month=month, collection_date=collection_date, output=options["output"]
            )
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(export.as_dict()))
            return
        summary = export.as_dict()
        if export.path is None:
            self.stdout.write(_("Nobody to collect for %(month)s; no file written.") % summary)
        else:
            self.stdout.write(
                _(
                    "%(count)d collections (%(first)d FRST, %(recurring)d RCUR), %(total)s on %(date)s "
                    "written to %(file)s (message id %(message_id)s)."
                )
                % {**summary, "total": format_euros(export.total), "date": summary["collection_date"]}
            )
        for skipped in export.skipped:
            self.stdout.write(f"  {_('skipped')} {skipped['tenancy']}: {skipped['reason']}")
