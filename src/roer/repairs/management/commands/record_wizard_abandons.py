"""`roer record_wizard_abandons [--now ISO] [--hours N] [--json]`: journal the repair wizard's abandoned runs.

Runs `wizard_abandons_record` (the same service the Celery task `roer.repairs.record_wizard_abandons`
calls). Idempotent: a run already recorded as abandoned is not recorded again.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.repairs.wizard_sessions import ABANDON_AFTER, wizard_abandons_record


class Command(BaseCommand):
    help = "Journal the repair wizard's runs that went quiet without a request (step 'abandoned')."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help="the moment to judge from, ISO 8601 with offset (default: now), e.g. 2026-01-15T10:00+01:00",
        )
        parser.add_argument(
            "--hours",
            type=int,
            default=int(ABANDON_AFTER.total_seconds() // 3600),
            help="how many quiet hours make a run abandoned (default: %(default)s)",
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["now"]:
            try:
                now = dt.datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(f"--now: not an ISO 8601 moment: {options['now']!r}") from None
            if now.tzinfo is None:
                raise CommandError("--now needs a time zone offset, e.g. 2026-01-15T10:00+01:00")
        if options["hours"] < 1:
            raise CommandError("--hours must be at least 1")
        report = wizard_abandons_record(now=now, idle=dt.timedelta(hours=options["hours"])).as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        lines = [
            f"Repair wizard runs read        {report['sessions']}",
            f"  abandoned (recorded now)     {report['abandoned']}",
            f"  abandoned before             {report['already']}",
            f"  submitted or refused         {report['submitted']}",
            f"  ended on advice, no form     {report['ended_with_outcome']}",
            f"  only searched                {report['only_searched']}",
            f"  still active                 {report['still_active']}",
        ]
        for step, count in report["last_steps"].items():
            lines.append(f"    last step {step:<18} {count}")
        self.stdout.write("\n".join(lines))
