"""`roer demo`: build the simulated corporation if it is not there yet, print the demo logins, serve."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from roer.accounts.demo_accounts import DemoLogin
from roer.core.dates import parse_date
from roer.demo.logins import demo_logins_ensure
from roer.demo.selectors import latest_run
from roer.demo.services import DemoConflict, demo_build, demo_wipe
from roer.demo.simulation.calendar import last_full_month_end


class Command(BaseCommand):
    help = "Build the simulated corporation (once), print the demo logins and serve on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dwellings", type=int, default=2000, help="Dwellings to simulate (default 2,000)."
        )
        parser.add_argument("--years", type=int, default=12, help="Years of ledger history (default 12).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--until",
            type=str,
            default=None,
            help="Last day of the history, YYYY-MM-DD (default: end of last month).",
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="Wipe the simulated corporation and build it again."
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Build and print the logins, but do not serve."
        )
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on (default 8000).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            until = parse_date(options["until"]) if options["until"] else last_full_month_end(dt.date.today())
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["dwellings"] < 1 or options["years"] < 1:
            raise CommandError("--dwellings and --years must be at least 1")
        self._migrate_if_needed()
        try:
            if options["rebuild"]:
                demo_wipe()
            run = latest_run()
            if run is None:
                self.stdout.write(
                    f"Building the simulated corporation: {options['dwellings']:,} dwellings, "
                    f"{options['years']} years until {until}, seed {options['seed']}."
                )
                run = demo_build(
                    dwellings=options["dwellings"],
                    years=options["years"],
                    seed=options["seed"],
                    until=until,
                    stream=self.stderr,
                )
                counts = ", ".join(f"{count:,} {name}" for name, count in run.counts.items())
                self.stdout.write(f"Built in {run.seconds} s: {counts}.")
            elif not run.finished:
                raise CommandError("an earlier build of the demo did not finish; run `roer demo --rebuild`")
            else:
                self.stdout.write(
                    f"The simulated corporation is already there ({run.dwellings:,} dwellings, {run.years} years "
                    f"until {run.until}, seed {run.seed}); `--rebuild` builds it again."
                )
        except DemoConflict as error:
            raise CommandError(str(error)) from None
        self._print_logins(demo_logins_ensure())
        if not options["no_serve"]:
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False)

    def _migrate_if_needed(self) -> None:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("Migrating the database first.")
            call_command("migrate", interactive=False, verbosity=0)

    def _print_logins(self, logins: list[DemoLogin]) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        width = max((len(login.username) for login in logins), default=8)
        for login in logins:
            codes = f"  one-time codes: {' '.join(login.codes)}" if login.codes else ""
            self.stdout.write(
                f"  {login.role_label:<28} {login.username:<{width}}  password: {login.password}{codes}"
            )
        self.stdout.write("")
