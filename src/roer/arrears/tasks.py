"""Tasks of the arrears app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.utils import timezone

from roer.arrears.services.run import collections_run


@shared_task(name="roer.arrears.run_collections")
def run_collections(run_date: str | None = None) -> dict[str, Any]:
    """The nightly collections run (Celery beat); `run_date` YYYY-MM-DD, default today in Amsterdam."""
    day = dt.date.fromisoformat(run_date) if run_date else timezone.localdate()
    run = collections_run(run_date=day)
    return {"run_id": run.pk, "date": day.isoformat(), "status": run.status, "summary": run.summary}
