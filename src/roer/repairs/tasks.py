"""Scheduled repairs work (Celery beat in production; `roer record_wizard_abandons` from cron does the same)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task

from roer.repairs.wizard_sessions import wizard_abandons_record


@shared_task(name="roer.repairs.record_wizard_abandons")
def record_wizard_abandons(now: str | None = None) -> dict[str, Any]:
    """Journal `abandoned` for wizard runs that went quiet without a request; `now` an ISO 8601 moment
    with its offset (default: now). Idempotent: run it hourly."""
    moment = dt.datetime.fromisoformat(now) if now else None
    if moment is not None and moment.tzinfo is None:
        raise ValueError("now needs a time zone offset, e.g. 2026-01-15T10:00:00+01:00")
    return wizard_abandons_record(now=moment).as_dict()
