"""`roer conformance --flow repair_intake [--source journal] [--from DATE --to DATE]`: the cases that
deviate from a designed flow, and how."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.supervision.conformance import DESIGNED_FLOWS
from roer.supervision.constants import JOURNAL_SOURCE
from roer.supervision.selectors import UnknownSource, conformance

from ._common import day, period


class Command(BaseCommand):
    help = "List the cases that deviate from a designed flow (which step, which start), with counts per deviation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--flow", required=True, choices=sorted(DESIGNED_FLOWS))
        parser.add_argument(
            "--source", default=JOURNAL_SOURCE, help="The journal (default) or an imported log."
        )
        parser.add_argument("--from", dest="date_from", type=day, metavar="DATE")
        parser.add_argument("--to", dest="date_to", type=day, metavar="DATE")
        parser.add_argument("--json", action="store_true", help="Print the result as one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = period(options)
        try:
            result = conformance(options["source"], DESIGNED_FLOWS[options["flow"]], date_from, date_to)
        except UnknownSource as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        lines = [
            f"{result.flow}: {result.cases:,} cases, {result.conforming:,} as designed, {len(result.deviating):,} deviate"
        ]
        for text, count in result.counts.most_common(20):
            lines.append(f"  {count:>7,}  {text}")
        self.stdout.write("\n".join(lines))
