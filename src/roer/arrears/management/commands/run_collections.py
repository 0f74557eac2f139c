"""`roer run_collections [--date YYYY-MM-DD] [--json]`: the nightly collections run for one date.

Runs `collections_run` (the same service the Celery task `roer.arrears.run_collections` calls). Running it
twice for a date sends nothing twice: the second call prints the first run's decisions.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from roer.arrears.services.run import CollectionRunBusy, collections_run, run_report
from roer.core.dates import parse_date


class Command(BaseCommand):
    help = "Assess every tenancy in arrears on a date, route it, and send what is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the run date, YYYY-MM-DD (default: today in Amsterdam)")
        parser.add_argument("--json", action="store_true", help="print the decisions and summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["date"]:
            try:
                run_date = parse_date(options["date"])
            except ValueError as problem:
                raise CommandError(str(problem)) from None
        else:
            run_date = timezone.localdate()
        try:
            # Anything printed while the run works (the demo's console e-mail backend) goes to stderr, so
            # stdout holds only the summary or the JSON.
            with contextlib.redirect_stdout(sys.stderr):
                run = collections_run(run_date=run_date)
        except CollectionRunBusy as problem:
            raise CommandError(str(problem)) from None
        except LookupError as problem:  # no published policy or letter texts
            raise CommandError(str(problem)) from None
        report = run_report(run)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
            return
        self.stdout.write(self._table(report))

    def _table(self, report: dict[str, Any]) -> str:
        summary = report["summary"]
        lines = [
            f"Collections run {report['date']} ({report['policy_version']}, {report['status']})",
            f"  tenancies read          {summary.get('tenancies_read', '-')}",
            f"  in arrears (decisions)  {summary['decisions']}",
        ]
        for name, count in summary["routes"].items():
            lines.append(f"    route {name:<17} {count}")
        for name, count in summary["actions"].items():
            lines.append(f"    action {name:<16} {count}")
        for name, count in (summary.get("proposed") or {}).items():
            lines.append(f"    proposed {name:<14} {count}")
        lines += [
            f"  letters                 {summary.get('letters', 0)}"
            f" (e-mail {summary.get('letters_emailed', 0)}, post {summary.get('letters_posted', 0)})",
            f"  cases opened            {summary.get('cases_opened', 0)}",
            f"  arrears total           € {summary['arrears_total']}",
            f"  costs charged           € {summary['costs_total']}",
            f"  seconds                 {summary.get('seconds', '-')}",
        ]
        if summary.get("errors"):
            lines.append(f"  ERRORS                  {summary['errors']} (see the log; run again to retry)")
        return "\n".join(lines)
