"""`/healthz`: for the load balancer and the IT team's monitoring. It answers 200 when the database answers,
503 when it does not, and never shows why to the caller (the log says)."""

from __future__ import annotations

import structlog
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = structlog.get_logger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health_database_unreachable", error=str(error))
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
