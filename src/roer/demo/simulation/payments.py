"""The rent ledger of one tenancy, month by month: charges, payments and returned direct debits.

Pure: a plan and a `random.Random` in, bookings out (amounts in integer cents, with the ledger's sign:
what it does to what the tenant owes). How a household pays follows its behaviour, until a life
event disturbs it for some months; afterwards it pays the arrears back in instalments, or, when it
does not recover, pays worse from then on.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from roer.core.dates import add_months
from roer.demo.constants import LifeEventKind, PaymentBehaviour
from roer.demo.simulation.calendar import collection_day, month_start, months_between
from roer.demo.simulation.plans import LifeEventPlan, TenancyPlan
from roer.ledger.constants import EntryKind, ReturnReason
from roer.tenancies.constants import PaymentMethod

DIRECT_DEBIT = PaymentMethod.DIRECT_DEBIT.value
TRANSFER = PaymentMethod.TRANSFER.value
CHARGE = EntryKind.CHARGE.value
PAYMENT = EntryKind.PAYMENT.value
RETURN = EntryKind.RETURN.value
ADJUSTMENT = EntryKind.ADJUSTMENT.value
# On one day: the charge first, then payments, then returns (the ledger's insertion order).
_KIND_ORDER = {ADJUSTMENT: 0, CHARGE: 1, PAYMENT: 2, RETURN: 3}
WORSE_BEHAVIOUR = {
    PaymentBehaviour.ON_TIME: PaymentBehaviour.LATE,
    PaymentBehaviour.PAY_DAY: PaymentBehaviour.LATE,
    PaymentBehaviour.LATE: PaymentBehaviour.CHAOTIC,
    PaymentBehaviour.CHAOTIC: PaymentBehaviour.CHAOTIC,
}
# What a life event does to a direct debit: the chance it comes back for lack of money.
RETURN_CHANCE: dict[str, tuple[float, float]] = {  # (base, times severity)
    LifeEventKind.JOB_LOSS: (0.55, 0.4),
    LifeEventKind.ILLNESS: (0.3, 0.3),
    LifeEventKind.RENT_BENEFIT_STOPPED: (0.35, 0.3),
    LifeEventKind.PARTNER_TO_CARE_HOME: (0.25, 0.3),
    LifeEventKind.DIVORCE: (0.3, 0.3),
    LifeEventKind.PARTNER_DIED: (0.2, 0.2),
}


@dataclass(frozen=True, slots=True)
class Booking:
    date: dt.date
    kind: str
    cents: int
    method: str = ""
    return_reason: str = ""
    period: dt.date | None = None
    reference: str = ""


def euro_cents(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


class _Ledger:
    """Collects bookings inside the visible window and keeps the running amount owed."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = first
        self.last = last
        self.bookings: list[Booking] = []
        self.owed = 0

    def add(self, booking: Booking) -> None:
        if booking.date < self.first:
            booking = Booking(self.first, *_rest(booking))
        if booking.date > self.last:
            return  # after the end of the history: not (yet) on the ledger
        self.bookings.append(booking)
        self.owed += booking.cents

    def pay(self, day: dt.date, cents: int, method: str, reference: str) -> None:
        if cents > 0:
            self.add(Booking(day, PAYMENT, -cents, method, reference=reference))

    def direct_debit(
        self, day: dt.date, cents: int, reference: str, returned: str = "", returned_after: int = 3
    ) -> None:
        self.add(Booking(day, PAYMENT, -cents, DIRECT_DEBIT, reference=reference))
        if returned:
            self.add(
                Booking(
                    day + dt.timedelta(days=returned_after),
                    RETURN,
                    cents,
                    DIRECT_DEBIT,
                    returned,
                    reference=reference,
                )
            )


def _rest(booking: Booking) -> tuple[str, int, str, str, dt.date | None, str]:
    return (
        booking.kind,
        booking.cents,
        booking.method,
        booking.return_reason,
        booking.period,
        booking.reference,
    )


def _day(month: dt.date, offset: int) -> dt.date:
    return month + dt.timedelta(days=offset)


def _share(rng: random.Random, cents: int, low: int, high: int) -> int:
    return cents * rng.randint(low, high) // 100


def _disturbing(events: tuple[LifeEventPlan, ...], month: dt.date) -> tuple[LifeEventPlan, int] | None:
    """The life event that disturbs this month's payment, and how many months in it is."""
    for event in reversed(events):
        first = add_months(month_start(event.date), 1)
        index = (month.year - first.year) * 12 + month.month - first.month
        if 0 <= index < event.months:
            return event, index
    return None


def _behaviour_on(plan: TenancyPlan, month: dt.date) -> str:
    behaviour = plan.behaviour
    for event in plan.events:
        if not event.recovers and month >= add_months(month_start(event.date), 1 + event.months):
            behaviour = WORSE_BEHAVIOUR[PaymentBehaviour(behaviour)]
    return behaviour


def simulate_tenancy(
    rng: random.Random, plan: TenancyPlan, *, history_start: dt.date, until: dt.date
) -> list[Booking]:
    """Every ledger booking of `plan` from the history start (or its start) to `until`, oldest first."""
    first_day = max(plan.start_date, history_start)
    last_day = min(plan.end_date, until) if plan.end_date is not None else until
    ledger = _Ledger(first_day, until)
    if plan.opening_arrears_cents and plan.start_date < history_start:
        ledger.add(
            Booking(history_start, ADJUSTMENT, plan.opening_arrears_cents, reference="Beginsaldo migratie")
        )
    first_month = month_start(first_day) if first_day.day == 1 else add_months(month_start(first_day), 1)
    incidents = {incident.month: incident.return_reason for incident in plan.incidents}
    instalment = 0  # paying back what a life event left behind
    was_disturbed = False
    for month in months_between(first_month, last_day):
        rent = plan.rent_on(month).gross_cents
        ledger.add(Booking(month, CHARGE, rent, period=month, reference=f"Huur {month:%Y-%m}"))
        method = plan.method_on(month)
        behaviour = _behaviour_on(plan, month)
        disturbed = _disturbing(plan.events, month)
        owed_before = ledger.owed - rent
        if disturbed is not None:
            event, index = disturbed
            _disturbed_month(rng, ledger, plan, month, rent, method.method, method.mandate_id, event, index)
            was_disturbed = True
            continue
        if was_disturbed:
            was_disturbed = False
            recovered = any(e.recovers for e in plan.events if month_start(e.date) < month)
            instalment = -(-owed_before // rng.randint(3, 12)) if recovered and owed_before > 0 else 0
        if method.method == DIRECT_DEBIT:
            _direct_debit_month(rng, ledger, month, rent, method.mandate_id, behaviour, incidents.get(month))
        else:
            _transfer_month(rng, ledger, plan, month, rent, behaviour, owed_before)
        if instalment and ledger.owed > 0:
            # An arrangement: a fixed amount on top of the rent until the arrears are gone.
            ledger.pay(
                _day(month, rng.randint(12, 18)),
                min(instalment, ledger.owed),
                TRANSFER,
                plan.payment_reference,
            )
            if ledger.owed <= 0:
                instalment = 0
    ledger.bookings.sort(key=lambda b: (b.date, _KIND_ORDER[b.kind]))
    return ledger.bookings


def _direct_debit_month(
    rng: random.Random,
    ledger: _Ledger,
    month: dt.date,
    rent: int,
    mandate: str,
    behaviour: str,
    incident: str | None,
) -> None:
    day = collection_day(month)
    reference = f"{mandate}-{month:%Y%m}"
    if incident is not None:
        # A refund can be asked for up to 8 weeks; the bank's own returns come in days.
        after = rng.randint(7, 50) if incident == ReturnReason.MD06 else rng.randint(2, 5)
        ledger.direct_debit(day, rent, reference, returned=incident, returned_after=after)
        # Nothing wrong with the money: they transfer the rent themselves a few days later.
        ledger.pay(day + dt.timedelta(days=after + rng.randint(2, 10)), rent, TRANSFER, "")
        return
    if behaviour == PaymentBehaviour.CHAOTIC and rng.random() < 0.35:
        reason = (
            ReturnReason.AM04 if rng.random() < 0.85 else rng.choice((ReturnReason.MD06, ReturnReason.MS02))
        )
        ledger.direct_debit(day, rent, reference, returned=reason, returned_after=rng.randint(2, 5))
        _catch_up(rng, ledger, month, rent)
        return
    if behaviour == PaymentBehaviour.LATE and rng.random() < 0.15:
        # A payer gone late on direct debit: the collection bounces, the rent follows by transfer.
        after = rng.randint(2, 5)
        ledger.direct_debit(day, rent, reference, returned=ReturnReason.AM04, returned_after=after)
        ledger.pay(day + dt.timedelta(days=after + rng.randint(5, 20)), rent, TRANSFER, "")
        return
    ledger.direct_debit(day, rent, reference)
    if behaviour == PaymentBehaviour.CHAOTIC:
        _catch_up(rng, ledger, month, rent)


def _transfer_month(
    rng: random.Random,
    ledger: _Ledger,
    plan: TenancyPlan,
    month: dt.date,
    rent: int,
    behaviour: str,
    owed_before: int,
) -> None:
    reference = plan.payment_reference
    if behaviour in (PaymentBehaviour.PAY_DAY, PaymentBehaviour.ON_TIME):
        # Arrears left by a life event are paid by the arrangement's instalments, not here.
        jitter = 0 if rng.random() < 0.85 else rng.choice((-2, -1, 1, 2, 3))
        ledger.pay(_day(month, plan.pay_day_offset + jitter), rent, TRANSFER, reference)
    elif behaviour == PaymentBehaviour.LATE:
        day = _day(month, max(plan.pay_day_offset, 5) + rng.randint(-3, 6))
        # Now and then a late payer adds something towards older arrears.
        extra = _share(rng, owed_before, 10, 50) if owed_before > 0 and rng.random() < 0.3 else 0
        if rng.random() < 0.25:
            part = _share(rng, rent, 40, 80)
            ledger.pay(day, part, TRANSFER, reference)
            ledger.pay(day + dt.timedelta(days=rng.randint(5, 15)), rent - part + extra, TRANSFER, reference)
        else:
            ledger.pay(day, rent + extra, TRANSFER, reference)
    else:
        roll = rng.random()
        if roll >= 0.15:
            amount = _share(rng, rent, 30, 90) if roll < 0.45 else rent
            ledger.pay(_day(month, rng.randint(-3, 27)), amount, TRANSFER, reference)
        _catch_up(rng, ledger, month, rent)


def _catch_up(rng: random.Random, ledger: _Ledger, month: dt.date, rent: int) -> None:
    """Chaotic payers pay a lump now and then; the more they owe, the likelier (bailiff, family, a windfall)."""
    owed = ledger.owed
    chance = 0.7 if owed > 4 * rent else 0.3 if owed > 3 * rent // 2 else 0.0
    if chance and rng.random() < chance:
        ledger.pay(_day(month, rng.randint(10, 27)), _share(rng, owed, 50, 100), TRANSFER, "")


def _disturbed_month(
    rng: random.Random,
    ledger: _Ledger,
    plan: TenancyPlan,
    month: dt.date,
    rent: int,
    method: str,
    mandate: str,
    event: LifeEventPlan,
    index: int,
) -> None:
    severity = event.severity / 100
    kind = event.kind
    reference = plan.payment_reference
    usual_day = _day(month, plan.pay_day_offset)
    if method == DIRECT_DEBIT:
        day = collection_day(month)
        e2e = f"{mandate}-{month:%Y%m}"
        reason: str
        if index == 0 and kind == LifeEventKind.PARTNER_DIED:
            reason = ReturnReason.MD07
        elif index == 0 and kind == LifeEventKind.DIVORCE:
            reason = ReturnReason.MS02 if rng.random() < 0.6 else ReturnReason.MD06
        else:
            base, per_severity = RETURN_CHANCE[kind]
            returned = rng.random() < base + per_severity * severity
            reason = (ReturnReason.AM04 if rng.random() < 0.9 else ReturnReason.MD06) if returned else ""
        after = rng.randint(10, 40) if reason == ReturnReason.MD06 else rng.randint(2, 5)
        ledger.direct_debit(day, rent, e2e, returned=reason, returned_after=after)
        if reason and rng.random() < 0.5:
            # Some of it comes in by transfer later in the month.
            ledger.pay(_day(month, rng.randint(10, 27)), _share(rng, rent, 30, 90), TRANSFER, reference)
        return
    if kind == LifeEventKind.PARTNER_DIED:
        if index >= 1 + (event.severity > 60):
            ledger.pay(
                _day(month, max(plan.pay_day_offset, 0) + rng.randint(0, 10)), rent, TRANSFER, reference
            )
        return
    if kind == LifeEventKind.RENT_BENEFIT_STOPPED:
        benefit = rent * (15 + event.severity // 4) // 100
        ledger.pay(usual_day, rent - benefit, TRANSFER, reference)
        return
    miss, partial, low, high, late = {
        LifeEventKind.JOB_LOSS: (0.35 + 0.4 * severity, 0.5, 40, 90, (5, 20)),
        LifeEventKind.ILLNESS: (0.15 * severity, 0.3, 50, 90, (8, 25)),
        LifeEventKind.DIVORCE: (0.2, 0.8, 50, 90, (0, 15)),
        LifeEventKind.PARTNER_TO_CARE_HOME: (0.1, 0.9, 60, 90, (0, 5)),
    }[LifeEventKind(kind)]
    if rng.random() < miss:
        return
    amount = _share(rng, rent, low, high) if rng.random() < partial else rent
    ledger.pay(usual_day + dt.timedelta(days=rng.randint(*late)), amount, TRANSFER, reference)


def keeping_an_arrangement(
    *,
    after: dt.date,
    until: dt.date,
    charges: list[tuple[dt.date, int]],
    instalments: list[tuple[dt.date, int]],
    reference: str,
) -> list[Booking]:
    """What a household pays from the day after `after` to `until` once it agreed a payment arrangement
    with a person, and keeps it (the evaluation's response model, docs/evaluation.md).

    Plain on purpose: each rent charged is paid by transfer on the day it is charged, and each
    instalment on its due date (at the earliest the day after the arrangement was made). Nothing else:
    no returned debits, no missed months. `charges` and `instalments` are (day, cents owed).
    """
    first = after + dt.timedelta(days=1)
    bookings = [
        Booking(day, PAYMENT, -cents, TRANSFER, reference=reference)
        for day, cents in charges
        if first <= day <= until
    ]
    bookings += [
        Booking(max(day, first), PAYMENT, -cents, TRANSFER, reference=reference)
        for day, cents in instalments
        if max(day, first) <= until and cents > 0
    ]
    bookings.sort(key=lambda b: (b.date, _KIND_ORDER[b.kind]))
    return bookings
