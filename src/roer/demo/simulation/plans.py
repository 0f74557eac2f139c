"""What the generator decided about a tenancy, as plain data: the input of the ledger simulation."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field

from roer.demo.constants import PaymentBehaviour
from roer.tenancies.constants import PaymentMethod


@dataclass(frozen=True, slots=True)
class PersonPlan:
    name: str
    birth_date: dt.date
    female: bool
    email: str = ""
    phone: str = ""
    died_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class MemberPlan:
    """A person living in the dwelling; `party_role` is set for the ones liable under the tenancy."""

    person: PersonPlan
    moved_in: dt.date
    moved_out: dt.date | None = None
    end_reason: str = ""
    party_role: str = ""
    relation: str = ""  # tenant, partner or child: how the generator placed them

    @property
    def is_partner(self) -> bool:
        return self.relation == "partner"


@dataclass(frozen=True, slots=True)
class RentStep:
    valid_from: dt.date
    base_cents: int
    service_cents: int

    @property
    def gross_cents(self) -> int:
        return self.base_cents + self.service_cents


@dataclass(frozen=True, slots=True)
class MethodPeriod:
    """How the household pays from `valid_from` on."""

    valid_from: dt.date
    method: str
    mandate_id: str = ""
    mandate_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class LifeEventPlan:
    kind: str
    date: dt.date
    months: int  # how many months of payments it disturbs
    severity: int  # 1..100
    recovers: bool  # pays the arrears back afterwards, or pays worse from then on
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Incident:
    """A direct debit returned for a reason that says nothing about money trouble (AC01, MD01, ...)."""

    month: dt.date
    return_reason: str


@dataclass(frozen=True, slots=True)
class DebtMeasurePlan:
    kind: str
    starts_on: dt.date
    ends_on: dt.date | None


@dataclass(frozen=True, slots=True)
class TenancyPlan:
    reference: str
    start_date: dt.date
    rents: tuple[RentStep, ...]
    behaviour: str = PaymentBehaviour.ON_TIME
    methods: tuple[MethodPeriod, ...] = (
        MethodPeriod(dt.date(1900, 1, 1), PaymentMethod.DIRECT_DEBIT, "MANDATE-1", dt.date(1900, 1, 1)),
    )
    pay_day_offset: int = 0  # days from the 1st of the month the rent is for
    end_date: dt.date | None = None
    dwelling_reference: str = ""
    iban: str = ""
    payment_reference: str = ""
    members: tuple[MemberPlan, ...] = ()
    events: tuple[LifeEventPlan, ...] = ()
    incidents: tuple[Incident, ...] = ()
    debt_measures: tuple[DebtMeasurePlan, ...] = ()
    administrator_name: str = ""
    administrator_address: str = ""
    service_subscription: bool = False
    opening_arrears_cents: int = 0
    _rent_days: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)
    _method_days: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rent_days", tuple(step.valid_from for step in self.rents))
        object.__setattr__(self, "_method_days", tuple(period.valid_from for period in self.methods))

    def rent_on(self, day: dt.date) -> RentStep:
        return self.rents[max(bisect_right(self._rent_days, day) - 1, 0)]

    def method_on(self, day: dt.date) -> MethodPeriod:
        return self.methods[max(bisect_right(self._method_days, day) - 1, 0)]

    @property
    def final_method(self) -> MethodPeriod:
        return self.methods[-1]

    def household_size_on(self, day: dt.date) -> int:
        return sum(
            1
            for member in self.members
            if member.moved_in <= day and (member.moved_out is None or member.moved_out > day)
        )
