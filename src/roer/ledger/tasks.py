"""Scheduled ledger work (Celery beat in production; `roer charge_rent` from cron does the same)."""

from __future__ import annotations

import datetime as dt

import structlog
from celery import shared_task
from django.utils import timezone

from roer.core.dates import AMSTERDAM, add_months
from roer.ledger.services.rent import ledger_owned_by_roer, rent_charge_month

logger = structlog.get_logger(__name__)


@shared_task(name="roer.ledger.charge_next_month_rent")
def charge_next_month_rent(today: str | None = None) -> dict[str, object]:
    """Rent is due before the 1st: charge next month's rent once, late in the current month."""
    day = dt.date.fromisoformat(today) if today else timezone.now().astimezone(AMSTERDAM).date()
    month = add_months(day.replace(day=1), 1)
    if not ledger_owned_by_roer():
        logger.info("rent_charge_skipped", reason="ledger_owned_by_erp", month=month.isoformat())
        return {"month": month.isoformat(), "skipped": "ledger owned by the ERP"}
    result = rent_charge_month(month=month)
    return {"month": month.isoformat(), "charged": result.charged}
