"""`roer collection_costs AMOUNT... [--vat] [--json]`: the most a 14-day notice may claim in costs.

Staff use it to answer "what will it cost me?". Several amounts are the principals of one notice; the law
adds them up before applying the bands (art. 6:96 lid 7 BW).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.arrears.costs import MAXIMUM, MINIMUM, VAT_RATE, CostBreakdown, collection_costs
from roer.core.money import format_euros, parse_amount


def _rate(rate: Decimal) -> str:
    return f"{rate * 100:.1f}".rstrip("0").rstrip(".") + "%"


class Command(BaseCommand):
    help = "The legal maximum of collection costs (WIK) for one notice covering these principals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("amounts", nargs="+", metavar="AMOUNT", help="a principal: 1234,56 or 1234.56")
        parser.add_argument(
            "--vat", action="store_true", help="add 21%% VAT (only if VAT cannot be deducted)"
        )
        parser.add_argument("--json", action="store_true", help="print the breakdown as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        principals = []
        for text in options["amounts"]:
            try:
                amount = parse_amount(text)
            except ValueError:
                raise CommandError(f"not an amount: {text!r} (write 1234,56 or 1234.56)") from None
            if amount < 0:
                raise CommandError(f"a principal cannot be negative: {text!r}")
            principals.append(amount)
        breakdown = collection_costs(principals, vat=options["vat"])
        if options["json"]:
            document = {"principals": [str(p) for p in principals], **breakdown.as_dict()}
            self.stdout.write(json.dumps(document, indent=2))
        else:
            self.stdout.write(self._table(principals, breakdown))

    def _table(self, principals: list[Decimal], breakdown: CostBreakdown) -> str:
        rows: list[tuple[str, str, str, str]] = []
        for line in breakdown.lines:
            band = (
                f"{format_euros(line.lower)} – {format_euros(line.upper)}"
                if line.upper is not None
                else f"above {format_euros(line.lower)}"
            )
            rows.append((band, _rate(line.rate), format_euros(line.base), format_euros(line.amount)))
        widths = [max(len(row[i]) for row in [("Band", "Rate", "Part", "Costs"), *rows]) for i in range(4)]

        def render(row: tuple[str, str, str, str]) -> str:
            return f"  {row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]:>{widths[3]}}"

        added = f" ({len(principals)} amounts added up, art. 6:96 lid 7 BW)" if len(principals) > 1 else ""
        out = [f"Principal: {format_euros(breakdown.principal)}{added}"]
        if rows:
            out += [render(("Band", "Rate", "Part", "Costs")), *(render(row) for row in rows)]
        if breakdown.limit == "minimum":
            out.append(
                f"The bands come to {format_euros(breakdown.banded)}; the legal minimum is {format_euros(MINIMUM)}."
            )
        elif breakdown.limit == "maximum":
            out.append(
                f"The bands come to {format_euros(breakdown.banded)}; the legal maximum is {format_euros(MAXIMUM)}."
            )
        out.append(f"Costs: {format_euros(breakdown.costs)}")
        if breakdown.vat_added:
            out.append(f"VAT {_rate(VAT_RATE)}: {format_euros(breakdown.vat)}")
        out.append(f"Total: {format_euros(breakdown.total)}")
        return "\n".join(out)
