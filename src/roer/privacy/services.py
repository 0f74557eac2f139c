"""Exporting a person's data (inzage): every export is journaled with who, through which channel and why."""

from __future__ import annotations

from typing import Any

import structlog
from django.conf import settings
from django.db import transaction

from roer.casework import access as casework_access
from roer.core import journal
from roer.core.constants import Channel
from roer.privacy import documents, selectors
from roer.privacy.constants import EXPORT_VERSION, ExportFormat, ExportReason
from roer.tenancies.models import Person

logger = structlog.get_logger(__name__)


def personal_data_export(
    *,
    person: Person,
    by: Any,
    channel: Channel | str,
    reason: ExportReason | str,
    export_format: ExportFormat | str,
) -> bytes:
    """The person's data as a JSON or PDF file, journaled as `personal_data_exported`.

    The text of health and family notes is in it only when `by` may read them (a social manager handing
    the export over); for anyone else, the tenant themselves included, those notes are listed as withheld.
    """
    reason = ExportReason(reason)
    export_format = ExportFormat(export_format)
    channel = Channel(channel)
    include_protected = casework_access.may_work_cases(by)
    data = selectors.personal_data(person=person, include_protected_notes=include_protected)
    if export_format == ExportFormat.JSON:
        content = documents.to_json(data)
    else:
        content = documents.to_pdf(data, corporation=settings.CORPORATION_NAME)
    with transaction.atomic():
        journal.record(
            activity="personal_data_exported",
            subjects=[person, *selectors.tenancies_of(person)],
            actor=by,
            channel=channel,
            facts={
                "format": export_format.value,
                "reason": reason.value,
                "version": EXPORT_VERSION,
                "protected_notes": selectors.protected_note_count(data),
            },
        )
    logger.info(
        "personal_data_exported", person_id=person.pk, format=export_format.value, reason=reason.value
    )
    return content
