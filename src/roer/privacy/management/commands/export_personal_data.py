"""`roer export_personal_data --person ID --format json|pdf --reason CODE --by USERNAME -o FILE`.

A staff member hands a person their data (inzage, art. 15 AVG) after a request by letter, at the desk or by
phone. The export is journaled with the staff member, the channel the request came through and the reason
as a code; the text of health and family notes is in it only when that staff member is a social manager.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.accounts.models import User
from roer.core.constants import Channel
from roer.privacy.constants import ExportFormat, ExportReason
from roer.privacy.services import personal_data_export
from roer.tenancies.models import Person

# The portal's own downloads are journaled as self-service; staff give one of the other reasons.
STAFF_REASONS = [reason.value for reason in ExportReason if reason != ExportReason.SELF_SERVICE]


class Command(BaseCommand):
    help = "Export everything Roer holds about one person as JSON or PDF (journaled)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--person", required=True, type=int, help="the person's id")
        parser.add_argument("--format", required=True, choices=ExportFormat.values, dest="export_format")
        parser.add_argument(
            "--reason", required=True, choices=STAFF_REASONS, help="why, as a code (journaled)"
        )
        parser.add_argument("--by", required=True, help="the username of the staff member handing it over")
        parser.add_argument(
            "--channel",
            default=Channel.LETTER.value,
            choices=Channel.values,
            help="how the request came in (VERA channel, default BRI: a letter)",
        )
        parser.add_argument("-o", "--output", required=True, type=Path, help="the file to write")
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(pk=options["person"]).select_related("user").first()
        if person is None:
            raise CommandError(f"no person with id {options['person']}")
        by = User.objects.filter(username=options["by"], is_active=True).first()
        if by is None or not by.is_staff_member:
            raise CommandError(f"--by {options['by']!r}: not an active staff member")
        target: Path = options["output"]
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a folder")
        content = personal_data_export(
            person=person,
            by=by,
            channel=options["channel"],
            reason=options["reason"],
            export_format=options["export_format"],
        )
        target.write_bytes(content)
        if options["json"]:
            summary = {
                "person": person.pk,
                "format": options["export_format"],
                "file": str(target),
                "bytes": len(content),
            }
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(
                f"Wrote the personal data of person {person.pk} to {target} ({len(content)} bytes)."
            )
