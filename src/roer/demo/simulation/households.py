"""Who lives where since when, how they pay, and what happens in their lives: one dwelling at a time.

Every choice comes from the `random.Random` passed in, so one dwelling's plan depends only on the
seed and the dwelling, not on the order in which the build visits dwellings.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from roer.core.dates import add_months
from roer.demo.constants import LifeEventKind, PaymentBehaviour
from roer.demo.simulation.calendar import increase_bp, month_start, raised
from roer.demo.simulation.corporation import DwellingPlan
from roer.demo.simulation.names import NamePool, email_for, mobile_number
from roer.demo.simulation.plans import (
    DebtMeasurePlan,
    Incident,
    LifeEventPlan,
    MemberPlan,
    MethodPeriod,
    PersonPlan,
    RentStep,
    TenancyPlan,
)
from roer.demo.simulation.references import mandate_id, random_iban, structured_reference
from roer.ledger.constants import ReturnReason
from roer.tenancies.constants import DebtMeasureKind, MembershipEnd, PartyRole, PaymentMethod

BEHAVIOUR_WEIGHTS: dict[str, int] = {
    PaymentBehaviour.ON_TIME: 52,
    PaymentBehaviour.PAY_DAY: 30,
    PaymentBehaviour.LATE: 11,
    PaymentBehaviour.CHAOTIC: 7,
}
# Years the current tenancy has run (bands drawn by weight, then a point inside the band).
DURATION_BANDS: tuple[tuple[int, int, int], ...] = (
    (0, 3, 25),
    (3, 10, 30),
    (10, 20, 25),
    (20, 30, 14),
    (30, 40, 6),
)
HOUSEHOLD_WEIGHTS = {"single": 40, "couple": 30, "family": 15, "single_parent": 15}
LIFE_EVENT_YEARLY_CHANCE = 0.0135
LIFE_EVENT_WEIGHTS: dict[str, int] = {
    LifeEventKind.JOB_LOSS: 30,
    LifeEventKind.RENT_BENEFIT_STOPPED: 20,
    LifeEventKind.ILLNESS: 18,
    LifeEventKind.DIVORCE: 14,
    LifeEventKind.PARTNER_DIED: 11,
    LifeEventKind.PARTNER_TO_CARE_HOME: 7,
}
# Months of disturbed payments, per kind.
LIFE_EVENT_MONTHS: dict[str, tuple[int, int]] = {
    LifeEventKind.JOB_LOSS: (3, 12),
    LifeEventKind.RENT_BENEFIT_STOPPED: (2, 8),
    LifeEventKind.ILLNESS: (2, 9),
    LifeEventKind.DIVORCE: (2, 8),
    LifeEventKind.PARTNER_DIED: (1, 4),
    LifeEventKind.PARTNER_TO_CARE_HOME: (3, 9),
}
PARTNER_EVENTS = frozenset(
    {LifeEventKind.DIVORCE, LifeEventKind.PARTNER_DIED, LifeEventKind.PARTNER_TO_CARE_HOME}
)
LIFE_EVENT_NOTES: dict[str, str] = {
    LifeEventKind.JOB_LOSS: "Lost their job; income fell to a benefit. Direct debits come back AM04, transfers are missed or partial.",
    LifeEventKind.RENT_BENEFIT_STOPPED: "Rent benefit stopped (a change not passed on to the tax office); the rent is paid short by about the benefit.",
    LifeEventKind.ILLNESS: "Long illness; payments come late and sometimes partial.",
    LifeEventKind.DIVORCE: "Separated; the partner left and stopped the direct debit from the joint account (MS02/MD06). One income now.",
    LifeEventKind.PARTNER_DIED: "Partner died; the joint account was blocked, so the next direct debit came back MD07. Payments lapse for a while.",
    LifeEventKind.PARTNER_TO_CARE_HOME: "Partner moved to a care home; the own contribution to the care home squeezes the budget.",
}
# Returned direct debits that say nothing about money trouble, per tenancy-year of direct debit.
INCIDENT_YEARLY_CHANCE = 0.008
INCIDENT_WEIGHTS: dict[str, int] = {
    ReturnReason.MD06: 25,
    ReturnReason.AC04: 20,
    ReturnReason.AC01: 15,
    ReturnReason.MS02: 10,
    ReturnReason.AC06: 10,
    ReturnReason.MD01: 10,
    ReturnReason.MS03: 5,
    ReturnReason.SL01: 5,
}
ADMINISTRATORS: tuple[tuple[str, str], ...] = (
    ("Bewindvoering IJsselland B.V.", "Postbus 1120, 8001 BC Zwolle"),
    ("Stichting Budgetbeheer Salland", "Brinkgreverweg 40, 7413 AB Deventer"),
    ("De Bewindvoerders Oost", "Postbus 315, 7300 AH Apeldoorn"),
    ("Beschermingsbewind Kampen", "Oudestraat 101, 8261 CG Kampen"),
    ("Mentorschap & Bewind Vechtdal", "Postbus 52, 7770 AB Hardenberg"),
)


@dataclass(frozen=True, slots=True)
class Window:
    """The part of a tenancy inside the simulated history."""

    first: dt.date
    last: dt.date


def years_before(day: dt.date, years: float) -> dt.date:
    return day - dt.timedelta(days=round(years * 365.25))


def payment_reference_for(dwelling: DwellingPlan, number: int) -> str:
    return structured_reference(f"7{dwelling.index + 1:012d}{number:02d}")


def dwelling_rent_on(dwelling: DwellingPlan, day: dt.date, *, history_start: dt.date) -> int:
    """The dwelling's base rent on `day` with the general July increases since the history start."""
    cents = dwelling.base_rent_cents
    for year in range(history_start.year, day.year + 1):
        july = dt.date(year, 7, 1)
        if history_start < july <= day:
            cents = raised(cents, increase_bp(year))
    return cents


def plan_rents(
    rng: random.Random, dwelling: DwellingPlan, window: Window, *, history_start: dt.date
) -> tuple[RentStep, ...]:
    """A row from the tenancy's first day in the history, then one every July."""
    # Higher incomes got a larger increase in several years (inkomensafhankelijke huurverhoging).
    extra_bp = rng.choice((0, 0, 0, 0, 50, 100))
    base = dwelling_rent_on(dwelling, window.first, history_start=history_start)
    steps = [RentStep(window.first, base, dwelling.service_cents)]
    for year in range(window.first.year, window.last.year + 1):
        july = dt.date(year, 7, 1)
        if window.first < july <= window.last:
            base = raised(base, increase_bp(year) + (extra_bp if year not in (2021,) else 0))
            steps.append(RentStep(july, base, dwelling.service_cents))
    return tuple(steps)


def _person(rng: random.Random, names: NamePool, *, female: bool, birth: dt.date, adult: bool) -> PersonPlan:
    first = names.first_name(rng, female=female)
    last = names.last_name(rng)
    return PersonPlan(
        name=f"{first} {last}",
        birth_date=birth,
        female=female,
        email=email_for(rng, first, last) if adult and rng.random() < 0.8 else "",
        phone=mobile_number(rng) if adult and rng.random() < 0.9 else "",
    )


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))


def plan_household(
    rng: random.Random, names: NamePool, *, start: dt.date, last: dt.date, end: dt.date | None
) -> list[MemberPlan]:
    """The main tenant, maybe a partner (often a co-tenant) and children who grow up and leave."""
    years_so_far = (last - start).days / 365.25
    oldest_start_age = int(min(80, 95 - years_so_far))
    age = max(18, min(oldest_start_age, round(rng.gauss(33, 12))))
    female = rng.random() < 0.5
    birth = _random_day(rng, years_before(start, age + 1) + dt.timedelta(days=1), years_before(start, age))
    tenant = _person(rng, names, female=female, birth=birth, adult=True)
    members = [MemberPlan(tenant, moved_in=start, party_role=PartyRole.TENANT, relation="tenant")]
    kind = rng.choices(list(HOUSEHOLD_WEIGHTS), weights=list(HOUSEHOLD_WEIGHTS.values()))[0]
    if kind in ("couple", "family") or (kind == "single" and rng.random() < 0.1):
        partner_birth = birth + dt.timedelta(days=rng.randint(-6 * 365, 6 * 365))
        partner_birth = min(partner_birth, years_before(start, 18))
        partner = _person(
            rng, names, female=not female if rng.random() < 0.93 else female, birth=partner_birth, adult=True
        )
        moved_in = start if kind != "single" and rng.random() < 0.8 else _random_day(rng, start, last)
        role = PartyRole.CO_TENANT if moved_in == start and rng.random() < 0.65 else ""
        members.append(MemberPlan(partner, moved_in=moved_in, party_role=role, relation="partner"))
    if kind in ("family", "single_parent"):
        mother_birth = birth if female else members[-1].person.birth_date
        earliest = max(years_before(mother_birth, -20), years_before(start, 12))
        latest = min(years_before(mother_birth, -42), last)
        for _ in range(rng.randint(1, 3)):
            if earliest >= latest:
                break
            child_birth = _random_day(rng, earliest, latest)
            child = _person(rng, names, female=rng.random() < 0.5, birth=child_birth, adult=False)
            leaves = years_before(child_birth, -rng.uniform(18, 26))
            members.append(
                MemberPlan(
                    child,
                    moved_in=max(child_birth, start),
                    moved_out=leaves if leaves <= last else None,
                    end_reason=MembershipEnd.MOVED_OUT if leaves <= last else "",
                    relation="child",
                )
            )
    if end is not None:
        members = [
            m if m.moved_out is not None else replace(m, moved_out=end, end_reason=MembershipEnd.MOVED_OUT)
            for m in members
        ]
    return members


def _partner_on(members: list[MemberPlan], day: dt.date) -> int | None:
    for position, member in enumerate(members):
        living = member.moved_in <= day and (member.moved_out is None or member.moved_out > day)
        if member.is_partner and living and member.end_reason == "":
            return position
    return None


def _age_on(person: PersonPlan, day: dt.date) -> int:
    return (day - person.birth_date).days // 365


@dataclass(frozen=True, slots=True)
class LifeEventBoost:
    """A harder time from `since` on: each household meets a life event with `yearly_chance` a year.

    For measurements that need many households hit by a life event (`roer evaluate_collections
    --life-event-rate`); the years before `since` keep the usual chance. Off unless `life_event_boost`
    switches it on around a build.
    """

    yearly_chance: float
    since: dt.date


_boost: LifeEventBoost | None = None


@contextmanager
def life_event_boost(yearly_chance: float, *, since: dt.date) -> Iterator[LifeEventBoost]:
    """Plan households with `yearly_chance` of a life event a year from `since` on, inside this block."""
    global _boost
    if not 0 <= yearly_chance <= 1:
        raise ValueError("a yearly chance lies between 0 and 1")
    previous, _boost = _boost, LifeEventBoost(yearly_chance=yearly_chance, since=since)
    try:
        yield _boost
    finally:
        _boost = previous


def _chance(yearly: float, first: dt.date, last: dt.date) -> float:
    return 1 - (1 - yearly) ** ((last - first).days / 365.25)


def _boosted_days(
    rng: random.Random, boost: LifeEventBoost, earliest: dt.date, latest: dt.date
) -> list[dt.date]:
    """At most one event before the boost (the usual chance) and at most one during it."""
    days = []
    for first, last, yearly in (
        (earliest, min(latest, boost.since - dt.timedelta(days=1)), LIFE_EVENT_YEARLY_CHANCE),
        (max(earliest, boost.since), latest, boost.yearly_chance),
    ):
        if first < last and rng.random() < _chance(yearly, first, last):
            days.append(_random_day(rng, first, last))
    return days


def plan_life_events(
    rng: random.Random, members: list[MemberPlan], window: Window
) -> tuple[list[LifeEventPlan], list[MemberPlan]]:
    """Zero, one or two life events inside the window; the household changes with them."""
    earliest = window.first + dt.timedelta(days=60)
    latest = window.last - dt.timedelta(days=45)
    days: Iterable[dt.date]
    if _boost is not None:
        days = _boosted_days(rng, _boost, earliest, latest) if earliest < latest else []
    else:
        years = (window.last - window.first).days / 365.25
        chance = 1 - (1 - LIFE_EVENT_YEARLY_CHANCE) ** years
        if earliest >= latest or rng.random() >= chance:
            return [], members
        count = 2 if rng.random() < 0.15 else 1
        # Drawn one at a time inside the loop below (a generator), as the plans have always been drawn.
        days = (_random_day(rng, earliest, latest) for _ in range(count))
    events: list[LifeEventPlan] = []
    for day in days:
        if events and abs((day - events[0].date).days) < 180:
            continue
        partner = _partner_on(members, day)
        tenant_age = _age_on(members[0].person, day)
        weights: dict[str, int] = dict(LIFE_EVENT_WEIGHTS)
        if partner is None:
            for needs_partner in PARTNER_EVENTS:
                weights[needs_partner] = 0
        else:
            partner_age = _age_on(members[partner].person, day)
            weights[LifeEventKind.PARTNER_DIED] = (
                weights[LifeEventKind.PARTNER_DIED] * max(partner_age - 30, 1) // 10
            )
            if partner_age < 65:
                weights[LifeEventKind.PARTNER_TO_CARE_HOME] = 0
        if tenant_age >= 67:
            weights[LifeEventKind.JOB_LOSS] = 0
        kind = rng.choices(list(weights), weights=list(weights.values()))[0]
        if partner is not None and kind in PARTNER_EVENTS:
            member = members[partner]
            if kind == LifeEventKind.PARTNER_DIED:
                member = replace(
                    member,
                    person=replace(member.person, died_on=day),
                    moved_out=day,
                    end_reason=MembershipEnd.DECEASED,
                )
            elif kind == LifeEventKind.PARTNER_TO_CARE_HOME:
                member = replace(member, moved_out=day, end_reason=MembershipEnd.CARE_HOME)
            else:
                member = replace(
                    member,
                    moved_out=day + dt.timedelta(days=rng.randint(0, 60)),
                    end_reason=MembershipEnd.DIVORCE,
                )
            members = [*members[:partner], member, *members[partner + 1 :]]
        low, high = LIFE_EVENT_MONTHS[kind]
        events.append(
            LifeEventPlan(
                kind=kind,
                date=day,
                months=rng.randint(low, high),
                severity=rng.randint(30, 100),
                recovers=rng.random() < 0.75,
                notes=LIFE_EVENT_NOTES[kind],
            )
        )
    events.sort(key=lambda event: event.date)
    return events, members


def plan_methods(
    rng: random.Random,
    *,
    reference: str,
    behaviour: str,
    start: dt.date,
    window: Window,
    events: list[LifeEventPlan],
) -> list[MethodPeriod]:
    uses_direct_debit = behaviour == PaymentBehaviour.ON_TIME or (
        behaviour == PaymentBehaviour.CHAOTIC and rng.random() < 0.25
    )
    if not uses_direct_debit:
        return [MethodPeriod(start, PaymentMethod.TRANSFER)]
    mandates = 1
    periods = [
        MethodPeriod(
            start,
            PaymentMethod.DIRECT_DEBIT,
            mandate_id(reference, 1),
            start + dt.timedelta(days=rng.randint(0, 40)),
        )
    ]
    for event in events:
        if event.kind not in (LifeEventKind.PARTNER_DIED, LifeEventKind.DIVORCE):
            continue
        # The direct debit of the month after the event comes back; from the next month they transfer.
        stop = add_months(month_start(event.date), 2)
        if stop > window.last or periods[-1].method != PaymentMethod.DIRECT_DEBIT:
            continue
        periods.append(MethodPeriod(stop, PaymentMethod.TRANSFER))
        if rng.random() < 0.5:
            again = add_months(stop, rng.randint(3, 8))
            if again <= window.last:
                mandates += 1
                periods.append(
                    MethodPeriod(
                        again,
                        PaymentMethod.DIRECT_DEBIT,
                        mandate_id(reference, mandates),
                        again - dt.timedelta(days=rng.randint(5, 20)),
                    )
                )
    return periods


def plan_incidents(rng: random.Random, periods: list[MethodPeriod], window: Window) -> list[Incident]:
    incidents = []
    for position, period in enumerate(periods):
        if period.method != PaymentMethod.DIRECT_DEBIT:
            continue
        first = max(period.valid_from, window.first)
        last = (
            periods[position + 1].valid_from - dt.timedelta(days=1)
            if position + 1 < len(periods)
            else window.last
        )
        if first >= last:
            continue
        years = (last - first).days / 365.25
        draws = int(years) + (1 if rng.random() < years % 1 else 0)
        for _ in range(draws):
            if rng.random() < INCIDENT_YEARLY_CHANCE:
                reason = rng.choices(list(INCIDENT_WEIGHTS), weights=list(INCIDENT_WEIGHTS.values()))[0]
                incidents.append(Incident(month_start(_random_day(rng, first, last)), reason))
    return sorted(incidents, key=lambda incident: incident.month)


def plan_debt_measures(
    rng: random.Random, behaviour: str, events: list[LifeEventPlan], window: Window
) -> list[DebtMeasurePlan]:
    measures = []
    troubled = behaviour == PaymentBehaviour.CHAOTIC or any(not e.recovers for e in events)
    if troubled and rng.random() < 0.08 and window.first < window.last - dt.timedelta(days=90):
        starts = _random_day(rng, window.first + dt.timedelta(days=60), window.last - dt.timedelta(days=30))
        ends = starts + dt.timedelta(days=3 * 365)
        measures.append(DebtMeasurePlan(DebtMeasureKind.WSNP, starts, ends if ends <= window.last else None))
    elif troubled and rng.random() < 0.05 and window.first < window.last - dt.timedelta(days=90):
        starts = _random_day(rng, window.first + dt.timedelta(days=60), window.last - dt.timedelta(days=30))
        measures.append(
            DebtMeasurePlan(
                DebtMeasureKind.COOLING_OFF, starts, starts + dt.timedelta(days=rng.randint(60, 183))
            )
        )
    return measures


def plan_tenancy(
    rng: random.Random,
    names: NamePool,
    dwelling: DwellingPlan,
    *,
    number: int,
    start: dt.date,
    end: dt.date | None,
    history_start: dt.date,
    until: dt.date,
) -> TenancyPlan:
    reference = f"HO-{dwelling.index + 1:06d}-{number}"
    last = min(end, until) if end is not None else until
    window = Window(max(start, history_start), last)
    members = plan_household(rng, names, start=start, last=last, end=end)
    weights = dict(BEHAVIOUR_WEIGHTS)
    if _age_on(members[0].person, last) >= 70:
        weights[PaymentBehaviour.ON_TIME] *= 2
    behaviour = rng.choices(list(weights), weights=list(weights.values()))[0]
    events, members = plan_life_events(rng, members, window)
    methods = plan_methods(
        rng, reference=reference, behaviour=behaviour, start=start, window=window, events=events
    )
    if behaviour == PaymentBehaviour.PAY_DAY:
        # Salary around the 20th-25th of the month before, or a benefit in the first days of the month.
        pay_day_offset = rng.randint(-12, -7) if rng.random() < 0.6 else rng.randint(0, 3)
    elif behaviour == PaymentBehaviour.LATE:
        pay_day_offset = rng.randint(5, 20)
    else:
        pay_day_offset = 0
    rents = plan_rents(rng, dwelling, window, history_start=history_start)
    troubled = behaviour in (PaymentBehaviour.CHAOTIC, PaymentBehaviour.LATE) or any(
        not e.recovers for e in events
    )
    administrator = rng.choice(ADMINISTRATORS) if rng.random() < (0.1 if troubled else 0.004) else ("", "")
    opening = 0
    if start < history_start:
        # Tenancies older than the history come with the balance the old system handed over.
        if behaviour == PaymentBehaviour.CHAOTIC and rng.random() < 0.5:
            opening = rents[0].gross_cents * rng.randint(50, 300) // 100
        elif behaviour == PaymentBehaviour.LATE and rng.random() < 0.15:
            opening = rents[0].gross_cents * rng.randint(20, 100) // 100
    return TenancyPlan(
        reference=reference,
        dwelling_reference=dwelling.reference,
        start_date=start,
        end_date=end,
        rents=rents,
        behaviour=behaviour,
        methods=tuple(methods),
        pay_day_offset=pay_day_offset,
        iban=random_iban(rng),
        payment_reference=payment_reference_for(dwelling, number),
        members=tuple(members),
        events=tuple(events),
        incidents=tuple(plan_incidents(rng, methods, window)),
        debt_measures=tuple(plan_debt_measures(rng, behaviour, events, window)),
        administrator_name=administrator[0],
        administrator_address=administrator[1],
        service_subscription=rng.random() < 0.25,
        opening_arrears_cents=opening,
    )


def plan_dwelling(
    rng: random.Random, names: NamePool, dwelling: DwellingPlan, *, history_start: dt.date, until: dt.date
) -> list[TenancyPlan]:
    """The current tenancy (0 to 40 years old) and, where it began inside the history, the one before."""
    low, high, _ = rng.choices(DURATION_BANDS, weights=[band[2] for band in DURATION_BANDS])[0]
    start = years_before(until, rng.uniform(low, high))
    if start >= history_start:
        # Tenancies inside the history start on the 1st, as most corporations let them.
        start = month_start(start) if start.day == 1 else add_months(month_start(start), 1)
        start = min(start, month_start(until))
    plans = []
    if start > add_months(history_start, 3) and rng.random() < 0.75:
        previous_end = start - dt.timedelta(days=1 + (0 if rng.random() < 0.7 else rng.randint(1, 2) * 30))
        previous_start = years_before(previous_end, rng.uniform(1, 30))
        if previous_start >= history_start:
            previous_start = add_months(month_start(previous_start), 1)
        if previous_start < previous_end:
            plans.append(
                plan_tenancy(
                    rng,
                    names,
                    dwelling,
                    number=1,
                    start=previous_start,
                    end=previous_end,
                    history_start=history_start,
                    until=until,
                )
            )
    plans.append(
        plan_tenancy(
            rng,
            names,
            dwelling,
            number=len(plans) + 1,
            start=start,
            end=None,
            history_start=history_start,
            until=until,
        )
    )
    return plans
