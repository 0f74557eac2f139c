import datetime as dt
from decimal import Decimal

import pytest

from roer.ledger.constants import EntryKind
from roer.ledger.models import LedgerEntry
from roer.ledger.tasks import charge_next_month_rent
from roer.tenancies.tests.factories import TenancyFactory

pytestmark = pytest.mark.django_db


def test_the_scheduled_task_charges_next_month_once(settings):
    tenancy = TenancyFactory(start_date=dt.date(2020, 1, 1))
    first = charge_next_month_rent.delay("2026-11-25").get()
    again = charge_next_month_rent.delay("2026-11-26").get()
    assert first == {"month": "2026-12-01", "charged": 1}
    assert again == {"month": "2026-12-01", "charged": 0}
    charge = LedgerEntry.objects.get(tenancy=tenancy, kind=EntryKind.CHARGE)
    assert charge.date == dt.date(2026, 12, 1)
    assert charge.amount > Decimal("0")


def test_the_scheduled_task_leaves_an_erp_ledger_alone(settings):
    settings.LEDGER_OWNER = "erp"
    TenancyFactory(start_date=dt.date(2020, 1, 1))
    assert charge_next_month_rent.delay("2026-11-25").get()["skipped"] == "ledger owned by the ERP"
    assert not LedgerEntry.objects.exists()


def test_the_beat_schedule_names_real_tasks(settings):
    from roer.conf.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
