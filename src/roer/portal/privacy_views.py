"""The tenant downloads everything Roer holds about them, as JSON or PDF; each download is journaled.

The person comes only through the privacy app's access helper (`get_person_for_user`): a tenant gets their
own data and nobody else's, whatever they put in the address.
"""

from __future__ import annotations

import io
from typing import cast

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.core.constants import Channel
from roer.privacy import selectors
from roer.privacy.constants import ExportFormat, ExportReason
from roer.privacy.services import personal_data_export
from roer.tenancies.models import Person


def _person_or_none(request: HttpRequest) -> Person | None:
    try:
        return selectors.get_person_for_user(acting_user(request))
    except Http404:  # an account without a person record has nothing to export yet
        return None


@require_GET
@role_required(Role.TENANT)
def personal_data(request: HttpRequest) -> HttpResponse:
    person = _person_or_none(request)
    return render(
        request,
        "portal/privacy/personal_data.html",
        {"person": person, "retention_years": settings.RETENTION_YEARS},
    )


def _download(request: HttpRequest, export_format: ExportFormat) -> HttpResponse:
    user = acting_user(request)
    person = selectors.get_person_for_user(user)
    content = personal_data_export(
        person=person,
        by=user,
        channel=Channel.PORTAL,
        reason=ExportReason.SELF_SERVICE,
        export_format=export_format,
    )
    filename = f"mijn-gegevens-{timezone.localdate():%Y-%m-%d}.{export_format.value}"
    response: HttpResponse
    if export_format == ExportFormat.PDF:
        # Served like the letters' PDFs: a file download.
        response = cast(
            HttpResponse,
            FileResponse(
                io.BytesIO(content), as_attachment=True, filename=filename, content_type="application/pdf"
            ),
        )
    else:
        response = HttpResponse(content, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: no copy in a shared cache or the browser's cache.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(Role.TENANT)
def personal_data_json(request: HttpRequest) -> HttpResponse:
    return _download(request, ExportFormat.JSON)


@require_GET
@role_required(Role.TENANT)
def personal_data_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, ExportFormat.PDF)
