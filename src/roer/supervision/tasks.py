"""Tasks of the supervision app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task

from roer.supervision import rollups


@shared_task(name="roer.supervision.rollup_meters")
def rollup_meters(day: str | None = None) -> dict[str, Any]:
    """Roll up the meters for one day (Celery beat, nightly); `day` YYYY-MM-DD, default yesterday."""
    when = dt.date.fromisoformat(day) if day else rollups.yesterday()
    result = rollups.day_rollup(day=when)
    return {"date": when.isoformat(), "rows": result.rows}


@shared_task(name="roer.supervision.check_alerts")
def check_alerts(day: str | None = None) -> dict[str, Any]:
    """Check the meters' rollups for alerts (Celery beat, nightly after the rollup); default yesterday."""
    from roer.supervision import alerts

    when = dt.date.fromisoformat(day) if day else rollups.yesterday()
    result = alerts.check(when)
    return {"date": when.isoformat(), "raised": result.raised, "updated": result.updated}


@shared_task(name="roer.supervision.fill_review_queue")
def fill_review_queue(day: str | None = None) -> dict[str, Any]:
    """Put one day's portal interactions to review in the queue (Celery beat, nightly before the meter
    rollup); `day` YYYY-MM-DD, default yesterday."""
    from roer.supervision import review

    when = dt.date.fromisoformat(day) if day else rollups.yesterday()
    result = review.review_queue_fill(day=when)
    return {"date": when.isoformat(), "added": result.total, "per_reason": result.added}
