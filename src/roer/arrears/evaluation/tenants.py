"""The simulated tenants' response to a person, the same in both arms (docs/evaluation.md, "Response model").

The simulated ledger is written before the replay, so by itself a household pays what the simulation
decided whatever anyone sends or says. One thing changes it during the replay, identically whichever arm
brought it about:

- when a person reaches a household by phone (`people`) and the household had a life event in the last
  `LIFE_EVENT_MEMORY_DAYS` (the simulation's ground truth: the tenant tells the caller what happened), the
  person offers a payment arrangement and the household agrees;
- from the next day it keeps that arrangement: its bank entries after that day (payments and returned
  direct debits) are replaced by `demo.simulation.payments.keeping_an_arrangement` — every rent paid on the
  day it is charged, every instalment on its due date — up to the end of the replay.

A call is answered with the chance `reach` (`answers`; 1 by default). Letters change nothing: a reminder or a final notice does not make a simulated household pay sooner.
Other households reached by phone (habitual late payers, chaotic payers, false alarms) get no arrangement
and go on paying as the simulation decided.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from roer.arrears.models import Arrangement
from roer.demo.models import LifeEvent
from roer.demo.simulation.payments import keeping_an_arrangement
from roer.ledger.constants import EntryKind, EntrySource
from roer.ledger.models import LedgerEntry
from roer.tenancies.models import Tenancy

# A household tells the caller about a life event up to a year after it happened.
LIFE_EVENT_MEMORY_DAYS = 365
BANK_KINDS = (EntryKind.PAYMENT, EntryKind.RETURN)


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def answers(tenancy_id: int, day: dt.date, *, reach: float) -> bool:
    """Does the household answer a call on `day`? A draw per household and day (the same in both arms
    for the same household and day), answered with the chance `reach`."""
    if reach >= 1:
        return True
    return random.Random(f"answers:{tenancy_id}:{day.isoformat()}").random() < reach


def tells_of_a_life_event(tenancy_id: int, day: dt.date) -> bool:
    """Did the household live through a life event in the year up to `day` (ground truth)?"""
    return LifeEvent.objects.filter(
        tenancy_id=tenancy_id,
        date__range=(day - dt.timedelta(days=LIFE_EVENT_MEMORY_DAYS), day),
    ).exists()


def keep_arrangement(arrangement: Arrangement, *, day: dt.date, until: dt.date) -> int:
    """Rewrite the household's bank entries after `day` (up to `until`) as keeping `arrangement`; how many
    entries it now has there."""
    tenancy = Tenancy.objects.get(pk=arrangement.tenancy_id)
    charges = [
        (entry_date, _cents(amount))
        for entry_date, amount in LedgerEntry.objects.filter(
            tenancy=tenancy, kind=EntryKind.CHARGE, date__gt=day, date__lte=until
        )
        .order_by("date", "pk")
        .values_list("date", "amount")
    ]
    instalments = [
        (due, _cents(amount))
        for due, amount in arrangement.instalments.order_by("number").values_list("due_date", "amount")
    ]
    bookings = keeping_an_arrangement(
        after=day,
        until=until,
        charges=charges,
        instalments=instalments,
        reference=tenancy.payment_reference or "",
    )
    with transaction.atomic():
        LedgerEntry.objects.filter(
            tenancy=tenancy, date__gt=day, kind__in=BANK_KINDS, source=EntrySource.BANK
        ).delete()
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    tenancy=tenancy,
                    date=booking.date,
                    kind=booking.kind,
                    amount=Decimal(booking.cents) / 100,
                    method=booking.method,
                    reference=booking.reference,
                    source=EntrySource.BANK,
                )
                for booking in bookings
            ]
        )
    return len(bookings)
