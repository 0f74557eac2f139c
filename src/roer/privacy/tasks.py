"""Tasks of the privacy app."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from roer.privacy.retention import anonymise_ended as anonymise


@shared_task(name="roer.privacy.anonymise_ended")
def anonymise_ended() -> dict[str, Any]:
    """Retention (Celery beat, monthly): the same service as `roer anonymise_ended`."""
    return anonymise().as_dict()
