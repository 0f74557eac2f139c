"""Persons, households, dwellings and tenancies. A person links to a user (accounts), never the reverse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from roer.tenancies.constants import DebtMeasureKind, MembershipEnd, PartyRole, PaymentMethod


class Person(models.Model):
    name = models.CharField(max_length=200)
    birth_date = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    died_on = models.DateField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    def __str__(self) -> str:
        return self.name


class Complex(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name or self.reference


class Dwelling(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    complex = models.ForeignKey(
        Complex, null=True, blank=True, on_delete=models.PROTECT, related_name="dwellings"
    )
    street = models.CharField(max_length=200)
    house_number = models.CharField(max_length=20)
    postcode = models.CharField(max_length=7)
    city = models.CharField(max_length=100)
    neighbourhood = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"{self.street} {self.house_number}, {self.city}"

    @property
    def address_line(self) -> str:
        return f"{self.street} {self.house_number}"


class Tenancy(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    dwelling = models.ForeignKey(Dwelling, on_delete=models.PROTECT, related_name="tenancies")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    payment_method = models.CharField(
        max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    iban = models.CharField(max_length=34, blank=True, db_index=True)
    iban_valid = models.BooleanField(default=True)
    payment_reference = models.CharField(
        max_length=35, unique=True, null=True, blank=True, help_text=_("Structured reference on transfers.")
    )
    mandate_id = models.CharField(max_length=35, blank=True, db_index=True)
    mandate_date = models.DateField(null=True, blank=True)
    # A mandate signed in the portal (ledger/services/mandates.py): the name on the account, the number of
    # mandates Roer has issued for this tenancy (the sequence in their ids), and the first collection date
    # the tenant was told beforehand (SEPA pre-notification): no collection falls before it.
    account_holder = models.CharField(
        max_length=70,
        blank=True,
        help_text=_("Name of the IBAN's account holder, as given with the mandate."),
    )
    mandates_issued = models.PositiveSmallIntegerField(default=0)
    direct_debit_from = models.DateField(
        null=True, blank=True, help_text=_("First collection date announced to the tenant.")
    )
    service_subscription = models.BooleanField(default=False)
    household_size = models.PositiveSmallIntegerField(default=1)
    administrator_name = models.CharField(max_length=200, blank=True, help_text=_("Financial administrator"))
    administrator_address = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "tenancies"

    def __str__(self) -> str:
        return self.reference

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Rent(models.Model):
    """Rent components from a date on; the latest row on or before a date applies."""

    tenancy = models.ForeignKey(Tenancy, on_delete=models.CASCADE, related_name="rents")
    valid_from = models.DateField()
    base_rent = models.DecimalField(max_digits=9, decimal_places=2)
    service_charges = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenancy", "valid_from"], name="rent_once_per_date")]
        ordering = ["tenancy", "valid_from"]

    @property
    def gross_rent(self) -> Decimal:
        return self.base_rent + self.service_charges


class TenancyParty(models.Model):
    """A person liable under the tenancy: the main tenant and any co-tenants."""

    tenancy = models.ForeignKey(Tenancy, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="tenancy_parties")
    role = models.CharField(max_length=12, choices=PartyRole.choices, default=PartyRole.TENANT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenancy", "person"], name="party_once")]


class HouseholdMember(models.Model):
    """Who lives in the dwelling under a tenancy, with the dates they moved in and out (or died)."""

    tenancy = models.ForeignKey(Tenancy, on_delete=models.CASCADE, related_name="household")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="households")
    moved_in = models.DateField()
    moved_out = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=12, choices=MembershipEnd.choices, blank=True)


class DebtMeasure(models.Model):
    tenancy = models.ForeignKey(Tenancy, on_delete=models.CASCADE, related_name="debt_measures")
    kind = models.CharField(max_length=12, choices=DebtMeasureKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    def applies_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
