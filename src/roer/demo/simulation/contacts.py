"""Contact moments of the simulated corporation: phone calls, desk visits and e-mails about repairs, the rent
account and payment arrangements (casework.ContactMoment), as plain data.

Repair contacts come from the repair simulation (`repairs.py`: a call that reports a repair, a call to ask
when the contractor comes, a call after a portal visit that did not end in a request). This module adds the
contacts about money: a yearly rate by payment behaviour, a few calls after a life event (a job lost, a
partner died), and outgoing calls by the corporation that do not always reach anyone.

Summaries are short staff notes without names: the free text stays on the contact, never in the journal.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from roer.casework.constants import ContactTopic, Direction
from roer.core.constants import Channel
from roer.core.dates import AMSTERDAM, is_working_day
from roer.demo.constants import LifeEventKind, PaymentBehaviour
from roer.demo.simulation.plans import TenancyPlan

# Who acted: the household's portal account, customer service, the system, the holder of a grade link, or
# a contractor (by id).
TENANT = "tenant"
STAFF = "staff"
SYSTEM = "system"
LINK = "link"
Actor = str | int

# The rule versions in force for an event: none, the wizard tree, the tree and the routing table, the
# answers, or the answers and the tree.
NO_RULES, WIZARD, WIZARD_AND_ROUTING, ANSWERS, ANSWERS_AND_WIZARD = 0, 1, 2, 3, 4


@dataclass(slots=True, eq=False)
class ContactSim:
    """One contact moment; `pk` is set by the writer. Staff log every contact (`by`: customer service)."""

    channel: str
    direction: str
    happened_at: dt.datetime
    succeeded: bool
    topic: str
    summary: str
    recorded_at: dt.datetime
    problem_id: str = ""
    answer_id: str = ""
    rules: int | None = None  # the rule versions its event names, when not those of `problem_id`
    pk: int | None = None
    ref: Any = None  # the journal subject, set by the writer


@dataclass(frozen=True, slots=True)
class PkOf:
    """A fact that is another simulated row's id, known once the writer has given it one."""

    target: Any


# What an event is about: ("tenancy", None), ("user" | "person" | "code", account), ("request", request),
# ("order", order), ("appointment", appointment), ("decision", request), ("satisfaction", satisfaction),
# ("contact", contact), ("feedback", feedback), ("callback", callback), ("answer", answer id) or
# ("answers_version", None).
SubjectSim = tuple[str, Any]


SUMMARIES: dict[str, tuple[str, ...]] = {
    "repair_intake": (
        "Reparatieverzoek aangenomen.",
        "Melding doorgenomen en vastgelegd.",
        "Storing gemeld, verzoek aangemaakt.",
        "Reparatie gemeld aan de telefoon.",
    ),
    "repair_advice": (
        "Uitgelegd dat dit onderhoud voor de huurder is.",
        "Tips gegeven; valt onder kleine herstellingen.",
        "Huurder zelf laten oplossen, uitleg gegeven.",
    ),
    "repair_refer": (
        "Verwezen naar het storingsnummer 0800-9009.",
        "Verwezen naar 112.",
        "Valt niet onder de corporatie, doorverwezen.",
    ),
    "repair_follow_up": (
        "Vraagt wanneer de monteur komt.",
        "Vraagt naar de stand van de reparatie.",
        "Nagevraagd bij de aannemer, huurder teruggebeld.",
        "Monteur was er nog niet, navraag gedaan.",
    ),
    "repair_cancel": (
        "Verzoek ingetrokken op verzoek van de huurder.",
        "Huurder zegt de reparatie af.",
    ),
    "repair_flag_call": (
        "Uitgelegd dat de reparatie voor eigen rekening is.",
        "Gebeld over de opdracht: andere vakman nodig.",
    ),
    "rent_account": (
        "Vraag over het huuroverzicht.",
        "Vraag over de huurverhoging.",
        "Betaling nagevraagd.",
        "Vraag over de servicekosten.",
        "Automatische incasso besproken.",
    ),
    "arrangement": (
        "Wil een betalingsregeling.",
        "Regeling besproken, voorstel volgt.",
        "Vraag over de achterstand.",
        "Afspraak over aflossing gemaakt.",
    ),
    "arrears_out": (
        "Gebeld over de achterstand.",
        "Gebeld over de achterstand, geen gehoor.",
        "Voicemail ingesproken over de betaling.",
    ),
}


_WORKING: dict[dt.date, bool] = {}


def working(day: dt.date) -> bool:
    """`is_working_day`, remembered: the simulation asks about the same days many times."""
    found = _WORKING.get(day)
    if found is None:
        found = _WORKING[day] = is_working_day(day)
    return found


def summary(rng: random.Random, kind: str) -> str:
    return rng.choice(SUMMARIES[kind])


# --- moments in office hours -----------------------------------------------------------------------------

# Phone lines open 8:00-17:00 on working days, the desk 9:00-16:00.
OPENING: dict[str, tuple[int, int]] = {Channel.PHONE.value: (8, 17), Channel.DESK.value: (9, 16)}


def next_office_moment(
    rng: random.Random, after: dt.datetime, channel: str = Channel.PHONE.value
) -> dt.datetime:
    """The first moment from `after` on when the phone line (or the desk) is open, a few minutes in."""
    opens, closes = OPENING.get(channel, OPENING[Channel.PHONE.value])
    local = after.astimezone(AMSTERDAM)
    day = local.date()
    if working(day) and opens <= local.hour < closes - 1:
        return local + dt.timedelta(minutes=rng.randint(1, 45))
    if working(day) and local.hour < opens:
        return _at(day, opens, rng.randint(0, 180))
    day += dt.timedelta(days=1)
    while not working(day):
        day += dt.timedelta(days=1)
    return _at(day, opens, rng.randint(0, 180))


def office_moment_on(rng: random.Random, day: dt.date, channel: str = Channel.PHONE.value) -> dt.datetime:
    """A moment in office hours on `day`, or on the first working day after it."""
    opens, closes = OPENING.get(channel, OPENING[Channel.PHONE.value])
    while not working(day):
        day += dt.timedelta(days=1)
    # Mornings are busiest on the phone.
    minutes = int(min(rng.triangular(0, (closes - opens) * 60, 60), (closes - opens) * 60 - 1))
    return _at(day, opens, minutes)


def _at(day: dt.date, hour: int, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMSTERDAM) + dt.timedelta(minutes=minutes)


# --- contacts about money --------------------------------------------------------------------------------

# Calls about the rent account per year, by payment behaviour.
RENT_ACCOUNT_RATE: dict[str, float] = {
    PaymentBehaviour.ON_TIME: 0.12,
    PaymentBehaviour.PAY_DAY: 0.18,
    PaymentBehaviour.LATE: 0.45,
    PaymentBehaviour.CHAOTIC: 0.9,
}
# Calls about arrears or an arrangement per year, apart from life events.
ARRANGEMENT_RATE: dict[str, float] = {
    PaymentBehaviour.ON_TIME: 0.0,
    PaymentBehaviour.PAY_DAY: 0.02,
    PaymentBehaviour.LATE: 0.25,
    PaymentBehaviour.CHAOTIC: 0.7,
}
# Life events after which a household often calls about money: (chance, most calls).
EVENT_CALLS: dict[str, tuple[float, int]] = {
    LifeEventKind.JOB_LOSS: (0.7, 3),
    LifeEventKind.RENT_BENEFIT_STOPPED: (0.6, 2),
    LifeEventKind.ILLNESS: (0.4, 2),
    LifeEventKind.PARTNER_DIED: (0.8, 2),
    LifeEventKind.DIVORCE: (0.5, 2),
    LifeEventKind.PARTNER_TO_CARE_HOME: (0.5, 2),
}


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw for the small means used here (Knuth's method)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit = pow(2.718281828459045, -mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _inbound_channel(rng: random.Random, share: float) -> str:
    """Phone mostly; the desk less over the years (`share`: 0 at the history start, 1 at its end)."""
    r = rng.random()
    if r < 0.05:
        return Channel.EMAIL.value
    if r < 0.05 + 0.22 - 0.14 * share:
        return Channel.DESK.value
    return Channel.PHONE.value


def money_contacts(
    rng: random.Random,
    plan: TenancyPlan,
    *,
    first: dt.date,
    last: dt.date,
    history_start: dt.date,
    history_end: dt.date,
) -> list[ContactSim]:
    """Contacts about the rent account and arrangements between `first` and `last` (both included)."""
    if last < first:
        return []
    years = ((last - first).days + 1) / 365.25
    span = max((history_end - history_start).days, 1)
    contacts: list[ContactSim] = []

    def add(day: dt.date, topic: str, kind: str, direction: str = Direction.INCOMING.value) -> None:
        if not first <= day <= last:
            return
        share = (day - history_start).days / span
        channel = Channel.PHONE.value if direction == Direction.OUTGOING else _inbound_channel(rng, share)
        happened = office_moment_on(rng, day, channel)
        if happened.date() > last:
            return
        succeeded = direction == Direction.INCOMING or rng.random() < 0.65
        text = summary(rng, kind)
        if direction == Direction.OUTGOING and not succeeded:
            text = "Gebeld over de achterstand, geen gehoor."
        contacts.append(
            ContactSim(
                channel=channel,
                direction=direction,
                happened_at=happened,
                succeeded=succeeded,
                topic=topic,
                summary=text,
                recorded_at=happened + dt.timedelta(minutes=rng.randint(3, 20)),
            )
        )

    def random_day() -> dt.date:
        return first + dt.timedelta(days=rng.randint(0, (last - first).days))

    for _ in range(poisson(rng, RENT_ACCOUNT_RATE.get(plan.behaviour, 0.15) * years)):
        add(random_day(), ContactTopic.RENT_ACCOUNT.value, "rent_account")
    for _ in range(poisson(rng, ARRANGEMENT_RATE.get(plan.behaviour, 0.0) * years)):
        if rng.random() < 0.35:
            add(random_day(), ContactTopic.ARREARS.value, "arrears_out", Direction.OUTGOING.value)
        else:
            add(random_day(), ContactTopic.ARRANGEMENT.value, "arrangement")
    for event in plan.events:
        chance, most = EVENT_CALLS.get(event.kind, (0.3, 1))
        if rng.random() >= chance:
            continue
        day = event.date + dt.timedelta(days=rng.randint(20, 75))
        for _ in range(rng.randint(1, most)):
            add(day, ContactTopic.ARRANGEMENT.value, "arrangement")
            day += dt.timedelta(days=rng.randint(10, 60))
    contacts.sort(key=lambda c: c.happened_at)
    return contacts
