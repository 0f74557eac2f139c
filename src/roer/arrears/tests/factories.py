"""Data for the collections-run tests: tenancies with a ledger lived month by month, and the run's rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import factory
import pytest

from roer.arrears.history import LedgerMovement
from roer.arrears.models import Episode
from roer.arrears.tests.builders import RENT as BUILDER_RENT
from roer.arrears.tests.builders import ledger, pays_early
from roer.ledger.constants import EntryKind, EntrySource
from roer.ledger.models import LedgerEntry
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import Tenancy
from roer.tenancies.tests.factories import (
    PersonFactory,
    RentFactory,
    TenancyFactory,
    TenancyPartyFactory,
)

RENT = BUILDER_RENT  # € 750 gross: € 720 base rent and € 30 service charges


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    """Letters and print batches are written under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.MEDIA_ROOT


def book(tenancy: Tenancy, movements: Iterable[LedgerMovement]) -> list[LedgerEntry]:
    """The movements as ledger entries of the tenancy (rent charges carry their period)."""
    return LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                tenancy=tenancy,
                date=m.date,
                kind=m.kind,
                amount=m.amount,
                period=m.date.replace(day=1) if m.kind == EntryKind.CHARGE else None,
                method=m.method,
                return_reason=m.return_reason,
                source=EntrySource.ROER,
            )
            for m in movements
        ]
    )


def tenancy_with_ledger(
    *,
    start: dt.date,
    until: dt.date,
    pays=pays_early,
    unpaid: Iterable[dt.date] = (),
    special: dict[dt.date, list[LedgerMovement]] | None = None,
    email: str | None = None,
    name: str | None = None,
    **fields,
) -> Tenancy:
    """A tenancy from `start` whose rent (€ 750) was charged on every first up to `until`, paid as `pays`
    says except for the months in `unpaid`. The main tenant has an e-mail address unless `email=""`."""
    tenancy = TenancyFactory(start_date=start, rent=None, tenant=None, **fields)
    RentFactory(
        tenancy=tenancy, valid_from=start, base_rent=RENT - Decimal("30.00"), service_charges=Decimal("30.00")
    )
    person_fields = {}
    if email is not None:
        person_fields["email"] = email
    if name is not None:
        person_fields["name"] = name
    TenancyPartyFactory(tenancy=tenancy, person=PersonFactory(**person_fields), role=PartyRole.TENANT)
    book(tenancy, ledger(start, until, pays, unpaid=unpaid, special=special, rent=RENT))
    return tenancy


def co_tenant(tenancy: Tenancy, **person_fields) -> None:
    TenancyPartyFactory(tenancy=tenancy, person=PersonFactory(**person_fields), role=PartyRole.CO_TENANT)


def pay(tenancy: Tenancy, day: dt.date, amount: Decimal) -> LedgerEntry:
    return LedgerEntry.objects.create(
        tenancy=tenancy,
        date=day,
        kind=EntryKind.PAYMENT,
        amount=-amount,
        method="transfer",
        source=EntrySource.ROER,
    )


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    tenancy = factory.SubFactory(TenancyFactory)
    opened_on = dt.date(2026, 10, 1)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
