"""The simulated corporation's database writes: plain model instances in, `bulk_create` in large batches.

Every function takes already-decided plans and writes them; nothing here draws a random number.
Amounts travel as integer cents and become Decimal only here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

from roer.demo.models import LifeEvent, PaymentProfile
from roer.demo.simulation.corporation import ComplexPlan, DwellingPlan
from roer.demo.simulation.payments import ADJUSTMENT, CHARGE, Booking
from roer.demo.simulation.plans import TenancyPlan
from roer.ledger.constants import EntrySource
from roer.ledger.models import LedgerEntry
from roer.tenancies.constants import PaymentMethod
from roer.tenancies.models import (
    Complex,
    DebtMeasure,
    Dwelling,
    HouseholdMember,
    Person,
    Rent,
    Tenancy,
    TenancyParty,
)

BATCH_SIZE = 5000
M = TypeVar("M", bound=models.Model)
_decimals: dict[int, Decimal] = {}


def decimal_euros(cents: int) -> Decimal:
    """Cents as Decimal euros with two places; rents repeat, so the conversions are remembered."""
    value = _decimals.get(cents)
    if value is None:
        value = Decimal(cents).scaleb(-2)
        if len(_decimals) < 200_000:
            _decimals[cents] = value
    return value


def insert(model: type[M], objects: Sequence[M]) -> list[M]:
    return model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)


def write_corporation(complexes: Iterable[ComplexPlan], dwellings: Iterable[DwellingPlan]) -> dict[str, int]:
    """Complexes and dwellings; returns dwelling ids by reference."""
    made = insert(Complex, [Complex(reference=c.reference, name=c.name) for c in complexes])
    complex_ids = {c.reference: c.pk for c in made}
    rows = insert(
        Dwelling,
        [
            Dwelling(
                reference=d.reference,
                complex_id=complex_ids[d.complex_reference],
                street=d.street,
                house_number=d.house_number,
                postcode=d.postcode,
                city=d.city,
                neighbourhood=d.neighbourhood,
            )
            for d in dwellings
        ],
    )
    return {d.reference: d.pk for d in rows}


def write_tenancies(
    plans: Sequence[TenancyPlan], dwelling_ids: dict[str, int], *, until: dt.date
) -> dict[str, int]:
    """Tenancies with their persons, parties, household members, rents, debt measures and payment
    profiles; returns tenancy ids by reference."""
    tenancies = []
    for plan in plans:
        final = plan.final_method
        direct_debit = final.method == PaymentMethod.DIRECT_DEBIT
        tenancies.append(
            Tenancy(
                reference=plan.reference,
                dwelling_id=dwelling_ids[plan.dwelling_reference],
                start_date=plan.start_date,
                end_date=plan.end_date,
                payment_method=final.method,
                iban=plan.iban,
                payment_reference=plan.payment_reference,
                mandate_id=final.mandate_id if direct_debit else "",
                mandate_date=final.mandate_date if direct_debit else None,
                service_subscription=plan.service_subscription,
                household_size=max(plan.household_size_on(min(plan.end_date or until, until)), 1),
                administrator_name=plan.administrator_name,
                administrator_address=plan.administrator_address,
            )
        )
    tenancy_ids = {t.reference: t.pk for t in insert(Tenancy, tenancies)}
    people = [
        Person(
            name=member.person.name,
            birth_date=member.person.birth_date,
            email=member.person.email,
            phone=member.person.phone,
            died_on=member.person.died_on,
        )
        for plan in plans
        for member in plan.members
    ]
    person_ids = iter([p.pk for p in insert(Person, people)])
    parties: list[TenancyParty] = []
    members: list[HouseholdMember] = []
    rents: list[Rent] = []
    measures: list[DebtMeasure] = []
    profiles: list[PaymentProfile] = []
    for plan in plans:
        tenancy_id = tenancy_ids[plan.reference]
        for member in plan.members:
            person_id = next(person_ids)
            members.append(
                HouseholdMember(
                    tenancy_id=tenancy_id,
                    person_id=person_id,
                    moved_in=member.moved_in,
                    moved_out=member.moved_out,
                    end_reason=member.end_reason,
                )
            )
            if member.party_role:
                parties.append(
                    TenancyParty(tenancy_id=tenancy_id, person_id=person_id, role=member.party_role)
                )
        rents.extend(
            Rent(
                tenancy_id=tenancy_id,
                valid_from=step.valid_from,
                base_rent=decimal_euros(step.base_cents),
                service_charges=decimal_euros(step.service_cents),
            )
            for step in plan.rents
        )
        measures.extend(
            DebtMeasure(tenancy_id=tenancy_id, kind=m.kind, starts_on=m.starts_on, ends_on=m.ends_on)
            for m in plan.debt_measures
        )
        profiles.append(
            PaymentProfile(
                tenancy_id=tenancy_id, behaviour=plan.behaviour, pay_day_offset=plan.pay_day_offset
            )
        )
    insert(HouseholdMember, members)
    insert(TenancyParty, parties)
    insert(Rent, rents)
    insert(DebtMeasure, measures)
    insert(PaymentProfile, profiles)
    return tenancy_ids


def write_life_events(plans: Sequence[TenancyPlan], tenancy_ids: dict[str, int]) -> int:
    events = [
        LifeEvent(tenancy_id=tenancy_ids[plan.reference], kind=e.kind, date=e.date, notes=e.notes)
        for plan in plans
        for e in plan.events
    ]
    insert(LifeEvent, events)
    return len(events)


LEDGER_COLUMNS = (
    "tenancy_id",
    "date",
    "kind",
    "amount",
    "period",
    "method",
    "reference",
    "return_reason",
    "source",
    "created_at",
)
# Rent charges are Roer's own; the opening balance came from the old system; the rest came in on bank
# statements.
_SOURCE_OF_KIND = {CHARGE: EntrySource.ROER.value, ADJUSTMENT: EntrySource.ERP.value}


class LedgerRows:
    """Ledger entries as plain rows for one multi-row INSERT per batch.

    The ledger is nearly all of the data (about 24 million rows for 100,000 dwellings over ten years).
    `bulk_create` spends most of its time building model instances and preparing each field of each
    one; here every value is adapted once through the backend's own `connection.ops` (dates and
    amounts repeat), so the same code runs on SQLite and PostgreSQL at several times the speed.
    """

    def __init__(self) -> None:
        ops = connection.ops
        self._date = ops.adapt_datefield_value
        self._decimal = ops.adapt_decimalfield_value
        self._dates: dict[dt.date, object] = {}
        self._amounts: dict[int, object] = {}
        self.created_at = ops.adapt_datetimefield_value(timezone.now())
        self.rows: list[tuple[Any, ...]] = []

    def date(self, day: dt.date | None) -> object:
        if day is None:
            return None
        value = self._dates.get(day)
        if value is None:
            value = self._dates[day] = self._date(day)
        return value

    def amount(self, cents: int) -> object:
        value = self._amounts.get(cents)
        if value is None:
            value = self._decimal(decimal_euros(cents), 12, 2)
            if len(self._amounts) < 200_000:
                self._amounts[cents] = value
        return value

    def add(self, tenancy_id: int, bookings: Iterable[Booking]) -> None:
        bank = EntrySource.BANK.value
        created_at = self.created_at
        self.rows.extend(
            (
                tenancy_id,
                self.date(b.date),
                b.kind,
                self.amount(b.cents),
                self.date(b.period),
                b.method,
                b.reference,
                b.return_reason,
                _SOURCE_OF_KIND.get(b.kind, bank),
                created_at,
            )
            for b in bookings
        )

    def flush(self) -> int:
        count = insert_rows(LedgerEntry, LEDGER_COLUMNS, self.rows)
        self.rows.clear()
        return count


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> int:
    """INSERT already-adapted rows through Django's cursor (portable placeholders, the backend's driver)."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    meta = model._meta
    names = ", ".join(quote(_column(meta.get_field(name))) for name in columns)
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(sql, rows[first : first + BATCH_SIZE])
    return len(rows)


def _column(field: models.Field[Any, Any] | models.ForeignObjectRel) -> str:
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise ValueError(f"{field} has no column of its own")
    return column
