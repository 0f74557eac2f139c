"""roer charge_rent --month YYYY-MM [--json]: the month's rent, charged once (cron calls this monthly)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from roer.core.dates import parse_month
from roer.core.money import format_euros
from roer.ledger.services.rent import LedgerOwnedByErp, rent_charge_month


class Command(BaseCommand):
    help = _("Charge every running tenancy its rent for a month. Running it again charges nothing twice.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help=_("The month to charge, YYYY-MM."))
        parser.add_argument("--json", action="store_true", help=_("Print a machine-readable summary."))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = rent_charge_month(month=month)
        except LedgerOwnedByErp as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
            return
        self.stdout.write(
            _(
                "Rent %(month)s: %(charged)d tenancies charged (%(pro_rata)d pro rata), %(total)s in total; "
                "%(already)d already charged; %(skipped)d skipped."
            )
            % {
                "month": options["month"],
                "charged": result.charged,
                "pro_rata": result.pro_rata,
                "total": format_euros(result.total_amount),
                "already": result.already_charged,
                "skipped": len(result.skipped),
            }
        )
        for skipped in result.skipped:
            self.stdout.write(f"  {skipped['tenancy']}: {skipped['reason']}")
