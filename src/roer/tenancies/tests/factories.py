"""Tenancy data for tests in every app: one factory per model, a trait per lifecycle state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from schwifty import IBAN

from roer.tenancies.constants import PartyRole, PaymentMethod
from roer.tenancies.models import Complex, Dwelling, HouseholdMember, Person, Rent, Tenancy, TenancyParty


def valid_iban(n: int) -> str:
    """A Dutch IBAN that passes every check, different for each n."""
    return str(IBAN.generate("NL", bank_code="ABNA", account_code=f"{417164300 + n:010d}").compact)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name", locale="nl_NL")
    birth_date = dt.date(1970, 5, 1)
    email = factory.Sequence(lambda n: f"huurder{n}@example.nl")
    phone = "0612345678"


class ComplexFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complex

    reference = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"Complex {n}")


class DwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dwelling

    reference = factory.Sequence(lambda n: f"VHE{n:06d}")
    street = "Lange Nieuwstraat"
    house_number = factory.Sequence(lambda n: str(n + 1))
    postcode = "3512 PK"
    city = "Utrecht"
    neighbourhood = "Binnenstad"


class TenancyFactory(factory.django.DjangoModelFactory):
    """A running tenancy paying by transfer, with a rent of € 700 and a main tenant."""

    class Meta:
        model = Tenancy
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"HO{n:06d}")
    dwelling = factory.SubFactory(DwellingFactory)
    start_date = dt.date(2015, 3, 1)
    payment_method = PaymentMethod.TRANSFER
    iban = factory.Sequence(valid_iban)
    rent = factory.RelatedFactory(
        "roer.tenancies.tests.factories.RentFactory",
        factory_related_name="tenancy",
        valid_from=factory.SelfAttribute("..start_date"),
    )
    tenant = factory.RelatedFactory(
        "roer.tenancies.tests.factories.TenancyPartyFactory", factory_related_name="tenancy"
    )

    class Params:
        direct_debit = factory.Trait(
            payment_method=PaymentMethod.DIRECT_DEBIT,
            mandate_id=factory.Sequence(lambda n: f"MANDATE-{n:05d}"),
            mandate_date=factory.LazyAttribute(lambda t: t.start_date - dt.timedelta(days=10)),
        )
        ended = factory.Trait(end_date=dt.date(2025, 12, 31))


class RentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rent

    tenancy = factory.SubFactory(TenancyFactory, rent=None)
    valid_from = dt.date(2015, 3, 1)
    base_rent = Decimal("670.00")
    service_charges = Decimal("30.00")


class TenancyPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TenancyParty

    tenancy = factory.SubFactory(TenancyFactory, tenant=None)
    person = factory.SubFactory(PersonFactory)
    role = PartyRole.TENANT


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    tenancy = factory.SubFactory(TenancyFactory)
    person = factory.SubFactory(PersonFactory)
    moved_in = dt.date(2015, 3, 1)
