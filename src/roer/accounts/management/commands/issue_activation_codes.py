"""`roer issue_activation_codes [--tenancy REF ...] [--all-without-account] [--output FILE.csv] [--json]`:
activation codes for tenants and co-tenants without a portal account, as a CSV for the letter-printing house.

The codes appear in that file only: the database keeps a keyed hash, the summary and the logs counts.
A person who had an unused code gets a new one; the old one stops working.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from roer.accounts.activation import IssueError, activation_codes_issue


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.EXPORT_DIR) / f"activation-codes-{stamp}.csv"


class Command(BaseCommand):
    help = "Issue activation codes by letter to tenants without a portal account; writes a CSV for printing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tenancy", action="append", default=[], metavar="REF", help="a tenancy reference; repeatable"
        )
        parser.add_argument(
            "--all-without-account",
            action="store_true",
            help="every living main tenant and co-tenant of a running tenancy who has no account yet",
        )
        parser.add_argument(
            "--output",
            help="the CSV for the printing house; must not exist yet "
            "(default: EXPORT_DIR/activation-codes-YYYYMMDD-HHMMSS.csv)",
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tenancy"] and options["all_without_account"]:
            raise CommandError("give --tenancy or --all-without-account, not both")
        if options.get("output"):
            output = Path(options["output"])
        else:
            output = default_output()
            output.parent.mkdir(parents=True, exist_ok=True)
        try:
            result = activation_codes_issue(
                tenancy_references=options["tenancy"],
                all_without_account=options["all_without_account"],
                output=output,
            )
        except IssueError as exc:
            if options["json"]:
                self.stdout.write(json.dumps({"ok": False, "error": str(exc)}))
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}; nothing was issued") from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        skipped = []
        if result.skipped_with_account:
            skipped.append(f"{result.skipped_with_account} with an account already")
        if result.skipped_deceased:
            skipped.append(f"{result.skipped_deceased} deceased")
        lines = [
            f"Issued {result.issued} activation code(s) for {result.tenancies} tenancy(ies), "
            f"valid until {result.expires_on}.",
        ]
        if result.revoked:
            lines.append(f"Revoked {result.revoked} earlier unused code(s).")
        if skipped:
            lines.append(f"Skipped: {', '.join(skipped)}.")
        lines.append(
            f"Letters for the printing house: {result.output}" if result.output else "Nothing to print."
        )
        self.stdout.write("\n".join(lines))
