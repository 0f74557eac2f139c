"""Factories for tenancies and their ledger, shared by the ledger's tests and those of apps above it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from roer.ledger.constants import EntryKind, EntrySource, PaymentChannel
from roer.ledger.models import LedgerEntry
from roer.tenancies.constants import PaymentMethod
from roer.tenancies.models import Dwelling, Person, Rent, Tenancy, TenancyParty


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name", locale="nl_NL")
    birth_date = dt.date(1970, 5, 17)
    email = factory.Sequence(lambda n: f"huurder{n}@example.nl")


class DwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dwelling

    reference = factory.Sequence(lambda n: f"VHE{n:06d}")
    street = "Dorpsstraat"
    house_number = factory.Sequence(lambda n: str(n + 1))
    postcode = "1234 AB"
    city = "Zwolle"


class TenancyFactory(factory.django.DjangoModelFactory):
    """An active tenancy paying by transfer under a structured reference; traits for the other states."""

    class Meta:
        model = Tenancy

    class Params:
        direct_debit = factory.Trait(
            payment_method=PaymentMethod.DIRECT_DEBIT,
            mandate_id=factory.Sequence(lambda n: f"MNDT-{n:06d}"),
            mandate_date=dt.date(2020, 1, 1),
        )
        ended = factory.Trait(end_date=dt.date(2024, 12, 31))

    reference = factory.Sequence(lambda n: f"HO{n:06d}")
    dwelling = factory.SubFactory(DwellingFactory)
    start_date = dt.date(2015, 1, 1)
    payment_method = PaymentMethod.TRANSFER
    iban = ""
    payment_reference = factory.Sequence(lambda n: f"{7000000000000000 + n}")


class TenancyPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TenancyParty

    tenancy = factory.SubFactory(TenancyFactory)
    person = factory.SubFactory(PersonFactory)


class RentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rent

    tenancy = factory.SubFactory(TenancyFactory)
    valid_from = dt.date(2015, 1, 1)
    base_rent = Decimal("650.00")
    service_charges = Decimal("45.00")


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    """A monthly rent charge by default; traits for a payment and a returned debit."""

    class Meta:
        model = LedgerEntry

    class Params:
        payment = factory.Trait(
            kind=EntryKind.PAYMENT, amount=Decimal("-695.00"), period=None, method=PaymentChannel.TRANSFER
        )
        returned = factory.Trait(
            kind=EntryKind.RETURN,
            amount=Decimal("695.00"),
            period=None,
            method=PaymentChannel.DIRECT_DEBIT,
            return_reason="AM04",
        )

    tenancy = factory.SubFactory(TenancyFactory)
    date = dt.date(2026, 1, 1)
    kind = EntryKind.CHARGE
    amount = Decimal("695.00")
    period = factory.LazyAttribute(lambda entry: entry.date.replace(day=1))
    source = EntrySource.ROER
