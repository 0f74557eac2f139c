"""`roer contractor_token KEY [--rotate | --revoke] [--json]`: the contractor's API token, printed once.

Only a keyed hash is stored, so the token cannot be shown again: hand it to the contractor at once. A
contractor with a token keeps it unless `--rotate` replaces it (the old one stops working at once).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.repairs.contractor_tokens import (
    ContractorTokenError,
    contractor_token_issue,
    contractor_token_revoke,
)
from roer.repairs.models import Contractor


class Command(BaseCommand):
    help = "Issue (or rotate, or revoke) a contractor's API token; the token is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help="The contractor's key, as in the contractor-routing rules.")
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--rotate", action="store_true", help="Replace the current token; the old one stops working."
        )
        action.add_argument("--revoke", action="store_true", help="The token stops working; none is issued.")
        parser.add_argument("--json", action="store_true", help="Machine-readable output.")

    def handle(self, *args: Any, **options: Any) -> None:
        key: str = options["key"]
        contractor = Contractor.objects.filter(key=key).first()
        if contractor is None:
            raise CommandError(f"no contractor with key {key!r}")
        try:
            if options["revoke"]:
                contractor_token_revoke(contractor=contractor)
                token = None
            else:
                token = contractor_token_issue(contractor=contractor, rotate=options["rotate"])
        except ContractorTokenError as refused:
            hint = "" if options["revoke"] else " (use --rotate to replace it)"
            raise CommandError(f"{refused}{hint}") from None
        if options["json"]:
            summary = {
                "key": key,
                "token": token,
                "revoked": bool(options["revoke"]),
                "rotated": bool(options["rotate"]),
                "active": contractor.active,
            }
            self.stdout.write(json.dumps(summary))
            return
        if token is None:
            self.stdout.write(f"The API token of {key} is revoked.")
            return
        self.stdout.write(f"API token for {key} ({contractor.name}), shown only this once:")
        self.stdout.write(token)
        self.stdout.write("Send it with every request: Authorization: Token <token>")
        if not contractor.active:
            self.stdout.write("Note: this contractor is not active; the token works once it is active again.")
