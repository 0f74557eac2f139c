"""Rolling the journal up into MeterDay rows (docs/meters.md).

One day of one meter is a fixed handful of aggregate queries over that day's journal events (see
roer.supervision.meters), one DELETE of the day's old rows and one bulk INSERT: the cost does not grow
with the number of events, and re-rolling a day replaces it (idempotent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import structlog
from django.db import transaction
from django.utils import timezone

from roer.core.dates import start_of_day
from roer.supervision.meters import METERS, Meter
from roer.supervision.models import MeterDay

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class DayRollup:
    day: dt.date
    rows: int


def meter_day_rollup(*, meter: Meter, day: dt.date) -> int:
    """Roll up one meter for one Amsterdam day, replacing what was there; the number of rows stored."""
    start, end = start_of_day(day), start_of_day(day + dt.timedelta(days=1))
    rows = meter.compute(start, end)
    now = timezone.now()
    with transaction.atomic():
        MeterDay.objects.filter(meter=meter.key, day=day).delete()
        MeterDay.objects.bulk_create(
            [
                MeterDay(
                    meter=meter.key,
                    day=day,
                    dimension=row.dimension,
                    value=row.value,
                    rule_version_id=row.rule_version_id,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    extra=row.extra,
                    rolled_up_at=now,
                )
                for row in rows
            ],
            batch_size=500,
        )
    return len(rows)


def day_rollup(*, day: dt.date, meters: Iterable[Meter] = METERS) -> DayRollup:
    """Roll up every meter for one day."""
    stored = sum(meter_day_rollup(meter=meter, day=day) for meter in meters)
    logger.info("meters_rolled_up", day=day.isoformat(), rows=stored)
    return DayRollup(day=day, rows=stored)


def period_rollup(
    *, first: dt.date, last: dt.date, progress: Callable[[DayRollup], None] | None = None
) -> list[DayRollup]:
    """Roll up every day from `first` to `last` (inclusive), oldest first: a backfill."""
    if first > last:
        raise ValueError(f"{first} is after {last}")
    done = []
    day = first
    while day <= last:
        result = day_rollup(day=day)
        done.append(result)
        if progress is not None:
            progress(result)
        day += dt.timedelta(days=1)
    return done


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)
