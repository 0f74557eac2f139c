"""`roer process_map --source NAME [--from DATE --to DATE] --json`: the directly-follows graph, variants
and median waits of an imported log or of the journal."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.supervision.constants import DEFAULT_CASE_KIND, JOURNAL_SOURCE
from roer.supervision.mining import ProcessMap
from roer.supervision.selectors import UnknownSource, process_map

from ._common import day, period


class Command(BaseCommand):
    help = (
        "Print the process map of an imported event log or of the journal (--source journal): cases, "
        "events, activities, directly-follows edges with their median wait, start and end activities, "
        "and the variants, most frequent first. --from/--to keep the cases that started in the period "
        "(Amsterdam days, both included), as PM4Py's filter_time_range(mode='traces_starting_in')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True, help=f"An imported log's name, or {JOURNAL_SOURCE!r}.")
        parser.add_argument(
            "--from", dest="date_from", type=day, metavar="DATE", help="First day (YYYY-MM-DD)."
        )
        parser.add_argument("--to", dest="date_to", type=day, metavar="DATE", help="Last day, included.")
        parser.add_argument(
            "--case-kind",
            default=None,
            help=f"Journal only: the subject kind a case is (default {DEFAULT_CASE_KIND}).",
        )
        parser.add_argument(
            "--channel", help="Journal only: the cases with an event in this channel (INT, TEL...)."
        )
        parser.add_argument(
            "--rule-version",
            type=int,
            help="Journal only: the cases with an event under this rule version id.",
        )
        parser.add_argument("--json", action="store_true", help="Print the map as one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = period(options)
        source = options["source"]
        if source != JOURNAL_SOURCE and (
            options["case_kind"] or options["channel"] or options["rule_version"]
        ):
            raise CommandError("--case-kind, --channel and --rule-version apply to --source journal only")
        try:
            found = process_map(
                source,
                date_from,
                date_to,
                options["case_kind"],
                channel=options["channel"],
                rule_version=options["rule_version"],
            )
        except UnknownSource as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(found.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(self._summary(found))

    def _summary(self, found: ProcessMap) -> str:
        lines = [f"{found.source}: {found.cases:,} cases, {found.events:,} events ({found.elapsed_ms} ms)"]
        lines.append("edges (count, median wait):")
        for edge in found.edges[:15]:
            lines.append(
                f"  {edge.count:>8,}  {_wait(edge.median_seconds):>10}  {edge.source} → {edge.target}"
            )
        if len(found.edges) > 15:
            lines.append(f"  ... {len(found.edges) - 15} more")
        lines.append(f"variants ({len(found.variants):,}):")
        for variant in found.variants[:10]:
            lines.append(f"  {variant.count:>8,}  {' → '.join(variant.activities)}")
        return "\n".join(lines)


def _wait(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"
