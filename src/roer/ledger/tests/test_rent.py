import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from roer.core.models import JournalEvent
from roer.ledger.constants import EntryKind, EntrySource
from roer.ledger.models import LedgerEntry
from roer.ledger.services.rent import month_charge
from roer.tenancies.tests.factories import RentFactory, TenancyFactory

MARCH = dt.date(2026, 3, 1)


def charge_rent(*args: str) -> dict:
    out = StringIO()
    call_command("charge_rent", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_each_running_tenancy_is_charged_its_gross_rent_once():
    running = TenancyFactory()
    TenancyFactory(ended=True)  # ended 2025-12-31
    TenancyFactory(start_date=dt.date(2026, 4, 1))  # not yet started

    first = charge_rent("--month", "2026-03")
    second = charge_rent("--month", "2026-03")

    assert (first["charged"], first["already_charged"], first["total_amount"]) == (1, 0, "700.00")
    assert (second["charged"], second["already_charged"], second["total_amount"]) == (0, 1, "0.00")
    charge = LedgerEntry.objects.get()
    assert (charge.tenancy, charge.kind, charge.source) == (running, EntryKind.CHARGE, EntrySource.ROER)
    assert (charge.date, charge.period, charge.amount) == (MARCH, MARCH, Decimal("700.00"))
    assert JournalEvent.objects.filter(activity="rent_charged").count() == 2


@pytest.mark.django_db
def test_the_rent_valid_on_the_first_applies_and_a_mid_month_start_pays_its_days():
    raised = TenancyFactory()
    RentFactory(tenancy=raised, valid_from=dt.date(2026, 3, 1), base_rent=Decimal("700.00"))
    RentFactory(tenancy=raised, valid_from=dt.date(2026, 3, 15), base_rent=Decimal("9999.00"))
    newcomer = TenancyFactory(start_date=dt.date(2026, 3, 17))  # 15 of 31 days
    leaver = TenancyFactory(end_date=dt.date(2026, 3, 10))  # 10 of 31 days

    charge_rent("--month", "2026-03")

    amounts = dict(LedgerEntry.objects.values_list("tenancy_id", "amount"))
    assert amounts == {
        raised.pk: Decimal("730.00"),
        newcomer.pk: Decimal("338.71"),  # 700 x 15 / 31 = 338.709...
        leaver.pk: Decimal("225.81"),  # 700 x 10 / 31 = 225.806...
    }
    assert LedgerEntry.objects.get(tenancy=newcomer).date == dt.date(2026, 3, 17)


@pytest.mark.django_db
def test_a_tenancy_without_rent_is_skipped_and_reported():
    TenancyFactory(reference="HO-NORENT", rent=None)
    summary = charge_rent("--month", "2026-03")
    assert summary["skipped"] == [{"tenancy": "HO-NORENT", "reason": "no_rent"}]
    assert LedgerEntry.objects.count() == 0


@pytest.mark.django_db
def test_with_the_erp_as_master_charge_rent_refuses(settings, in_english):
    settings.LEDGER_OWNER = "erp"
    TenancyFactory()
    with pytest.raises(CommandError, match="The ERP owns the rent ledger"):
        call_command("charge_rent", "--month", "2026-03", stdout=StringIO())
    assert LedgerEntry.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_month_is_a_clear_error():
    with pytest.raises(CommandError, match="not a month"):
        call_command("charge_rent", "--month", "march", stdout=StringIO())


@given(
    gross=st.decimals(min_value=Decimal("1.00"), max_value=Decimal("3000.00"), places=2),
    start_day=st.integers(min_value=1, max_value=31),
)
def test_two_tenancies_sharing_a_month_pay_about_one_months_rent(gross, start_day):
    """Whoever leaves on day n-1 and whoever starts on day n together pay the month, within a cent."""
    start = MARCH.replace(day=start_day)
    incoming = month_charge(start_date=start, end_date=None, gross_rent_on=lambda day: gross, month=MARCH)
    assert incoming is not None
    assert Decimal("0") < incoming.amount <= gross
    if start_day == 1:
        assert incoming.amount == gross
        return
    outgoing = month_charge(
        start_date=dt.date(2020, 1, 1),
        end_date=start - dt.timedelta(days=1),
        gross_rent_on=lambda day: gross,
        month=MARCH,
    )
    assert outgoing is not None
    assert abs(incoming.amount + outgoing.amount - gross) <= Decimal("0.01")
