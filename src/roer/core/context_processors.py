from typing import Any

from django.conf import settings
from django.http import HttpRequest


def roer(request: HttpRequest) -> dict[str, Any]:
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "CORPORATION_NAME": settings.CORPORATION_NAME,
        "CORPORATION_PHONE": settings.CORPORATION_PHONE,
        "CORPORATION_OFFICE_HOURS": settings.CORPORATION_OFFICE_HOURS,
    }
