"""Repair requests of the simulated corporation, as plain data: what each household reported, by which
channel, what the live wizard tree said about it, the work orders, visits, flags, grades and the wizard runs
in the portal — with every journal event the services would have written along the way.

Pure Python: the live wizard tree, the routing table and the contractor ids come in as a `RepairWorld`; the
writer (`roer.demo.repairs_writer`) assigns ids and inserts rows and events in bulk.

How a household reports (per tenancy, `simulate_repairs`):

- about 3.6 needs a year (more in winter, a household-specific rate; about 2.3 become requests), a problem
  from the live tree weighted by season and building type (heating in winter, wasps in summer, lifts only in
  flats), an outcome path (most often every question at its default answer);
- the portal once the household has an account: accounts come with the years (about one household in ten
  reports by portal in the first year of the history, about 45% in the last), the rest phone and desk;
- in the portal a wizard run (searched, questions shown, outcome shown, sometimes back) that ends in a
  request, in advice (the tenant's own part, an emergency number), or is left — then the household often
  calls within a week (a channel switch), asks for a callback, or tries again;
- by phone or at the desk a contact moment, and a request for the corporation's part (the tenant's own
  part sometimes as a request handled with advice);
- for an order: the contractor the routing table names, a visit booked by the tenant, by customer service
  or by the contractor, done within the urgency's term or sometimes after it; 4–6% flagged by the contractor
  (no access, wrong trade, the tenant's part, another contractor), a few cancelled, a few not fixed or
  reported again within 30 days; old requests settled (VERA AFG); a grade for about a third of those done;
- with a portal account, visits to the answers (`answers.py`), and contacts about money (`contacts.py`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from roer.accounts.constants import ACTIVATION_CODE_DAYS
from roer.casework.constants import ContactTopic, Direction
from roer.core.constants import Channel
from roer.core.dates import AMSTERDAM
from roer.demo.simulation.answers import (
    AnswersWorld,
    CallbackSim,
    FeedbackSim,
    SearchSim,
    answer_visits,
    callback,
)
from roer.demo.simulation.contacts import (
    LINK,
    NO_RULES,
    STAFF,
    SYSTEM,
    TENANT,
    WIZARD,
    WIZARD_AND_ROUTING,
    Actor,
    ContactSim,
    PkOf,
    SubjectSim,
    money_contacts,
    next_office_moment,
    office_moment_on,
    poisson,
    summary,
    working,
)
from roer.demo.simulation.corporation import DwellingPlan
from roer.demo.simulation.plans import TenancyPlan
from roer.repairs import routing, scheduling
from roer.repairs.constants import (
    AppointmentStatus,
    Handling,
    IntakeChannel,
    OrderFlag,
    OrderResult,
    OrderStatus,
    PartOfDay,
    RequestStatus,
    Responsibility,
    RoutedBy,
    SatisfactionChannel,
    Urgency,
    WizardBackTo,
    WizardStep,
)
from roer.repairs.scheduling import Preference
from roer.repairs.tree import Outcome, Tree, default_outcome, outcome_paths
from roer.tenancies.constants import PartyRole

# --- the world the households report into -----------------------------------------------------------------

ORDER = "order"  # the corporation's part: a request and a work order
ADVICE = "advice"  # the tenant's own part: advice (ordered anyway under a covering service subscription)
REFER = "refer"  # an emergency number or a third party: no request


@dataclass(frozen=True, slots=True)
class PathSpec:
    """One way through a problem's questions, with the outcome it reaches."""

    answers: tuple[tuple[str, str], ...]
    outcome: Outcome
    kind: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class ProblemSpec:
    id: str
    element: str  # area/location/element: repeats are about the same element
    questions: int
    paths: tuple[PathSpec, ...]
    path_weights: tuple[float, ...]  # cumulative
    urgent: bool  # its default outcome is urgent or an emergency: people call rather than type


@dataclass(frozen=True, slots=True)
class ContractorInfo:
    id: int
    key: str
    trades: tuple[str, ...]


@dataclass(frozen=True)
class RepairWorld:
    """Everything the simulation needs from the database, read once per build."""

    problems: tuple[ProblemSpec, ...]
    # building type -> month (1..12) -> cumulative weights over `problems`
    cumulative: Mapping[str, Mapping[int, tuple[float, ...]]]
    routing_document: Mapping[str, Any]
    routing_number: int
    contractors: Mapping[str, ContractorInfo]
    normal_working_days: int
    decision_reason: str
    history_start: dt.date
    until: dt.date
    answers: AnswersWorld | None = None
    _routes: dict[tuple[str, str, str], tuple[int, str, int | None] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def horizon(self) -> dt.datetime:
        """The end of the simulated history: nothing happens after it."""
        return dt.datetime.combine(self.until, dt.time(23, 59, 59), tzinfo=AMSTERDAM)

    def route(self, trade: str, dwelling: DwellingPlan) -> tuple[int, str, int | None] | None:
        """(contractor id, matched by, route index) for a trade and a dwelling, as `routing.route` says."""
        key = (trade, dwelling.neighbourhood, dwelling.postcode)
        if key not in self._routes:
            try:
                found = routing.route(
                    self.routing_document,
                    trade=trade,
                    neighbourhood=dwelling.neighbourhood,
                    postcode=dwelling.postcode,
                )
            except routing.NoRouteError:
                self._routes[key] = None
            else:
                contractor = self.contractors.get(found.contractor)
                self._routes[key] = (
                    None if contractor is None else (contractor.id, str(found.matched_by), found.route_index)
                )
        return self._routes[key]

    def other_contractor(self, rng: random.Random, trade: str, not_id: int) -> int | None:
        """A contractor a person picks instead: another one of the trade, else any other one."""
        same = sorted(c.id for c in self.contractors.values() if trade in c.trades and c.id != not_id)
        others = same or sorted(c.id for c in self.contractors.values() if c.id != not_id)
        return rng.choice(others) if others else None


# Volume by month: more in winter.
MONTH_VOLUME = {
    1: 1.25,
    2: 1.15,
    3: 1.0,
    4: 0.9,
    5: 0.85,
    6: 0.85,
    7: 0.8,
    8: 0.85,
    9: 0.95,
    10: 1.05,
    11: 1.15,
    12: 1.2,
}
_WINTER = {1: 2.2, 2: 2.0, 3: 1.5, 4: 1.0, 5: 0.5, 6: 0.3, 7: 0.3, 8: 0.3, 9: 0.5, 10: 1.2, 11: 1.8, 12: 2.2}
_DEEP_WINTER = {1: 3.0, 2: 2.5, 12: 1.5, 3: 0.2, 11: 0.2}
_DAMP = {1: 1.5, 2: 1.5, 3: 1.2, 4: 0.9, 5: 0.6, 6: 0.5, 7: 0.5, 8: 0.6, 9: 0.8, 10: 1.2, 11: 1.5, 12: 1.5}
_SUMMER = {5: 1.2, 6: 2.0, 7: 3.0, 8: 3.0, 9: 1.5, 10: 0.3, 4: 0.4}
_GROWING = {3: 0.8, 4: 1.4, 5: 1.6, 6: 1.6, 7: 1.4, 8: 1.3, 9: 1.1, 10: 0.8, 11: 0.5, 12: 0.3, 1: 0.3, 2: 0.4}
_STORMS = {1: 1.5, 2: 1.5, 3: 1.1, 10: 1.4, 11: 1.6, 12: 1.5, 6: 0.7, 7: 0.6, 8: 0.7}
_COLD_PESTS = {1: 1.6, 2: 1.4, 3: 1.0, 10: 1.4, 11: 1.7, 12: 1.7, 6: 0.5, 7: 0.5, 8: 0.5}

# How often a problem comes up compared with an ordinary one (1.0), where it differs.
PROBLEM_WEIGHT: dict[str, float] = {
    "tap-dripping": 3.0,
    "toilet-running": 3.0,
    "boiler-broken": 3.0,
    "radiator-cold": 2.5,
    "boiler-pressure": 2.5,
    "sink-blocked": 2.5,
    "toilet-blocked": 2.0,
    "shower-drain-blocked": 2.0,
    "washbasin-blocked": 1.5,
    "lock-broken": 2.0,
    "door-sticks": 1.5,
    "window-stuck": 1.5,
    "mould": 2.5,
    "damp-wall": 1.3,
    "ceiling-leak": 1.5,
    "roof-leak": 1.2,
    "mechanical-ventilation": 1.5,
    "socket": 1.2,
    "power-out": 0.8,
    "water-pipe-leak": 1.2,
    "bathroom-leak": 1.2,
    "thermostat": 1.3,
    "key-lost": 0.8,
    "gas-smell": 0.25,
    "fire-or-smoke": 0.05,
    "danger": 0.1,
    "power-cut-street": 0.3,
    "street-light": 0.3,
    "geyser": 0.2,
    "district-heating": 0.3,
    "lift-broken": 1.5,
    "intercom": 1.2,
    "entrance-door": 1.2,
    "communal-lighting": 1.2,
    "cesspit": 0.1,
    "chimney": 0.3,
    "bedbugs": 0.2,
    "fleas": 0.2,
    "rats": 0.4,
    "graffiti": 0.3,
    "sunshade": 0.4,
    "painting": 0.5,
    "small-holes": 0.4,
}
SEASONS: dict[str, Mapping[int, float]] = {
    "frozen-pipe": _DEEP_WINTER,
    "mould": _DAMP,
    "damp-wall": _DAMP,
    "wasps": _SUMMER,
    "ants": _SUMMER,
    "sunshade": _SUMMER,
    "mice": _COLD_PESTS,
    "rats": _COLD_PESTS,
    "roof-leak": _STORMS,
    "roof-tiles": _STORMS,
    "gutter": _STORMS,
    "flat-roof": _STORMS,
    "ceiling-leak": _STORMS,
    "fence": _STORMS,
    "hedge": _GROWING,
    "paving": _GROWING,
    "garden-drain": _GROWING,
}
# Elements that only some building types have; the rest take every building type.
ONLY_FOR: dict[str, frozenset[str]] = {
    "communal": frozenset({"flat", "senior"}),
    "lift": frozenset({"flat"}),
    "gallery": frozenset({"flat"}),
    "balcony": frozenset({"flat"}),
    "garden": frozenset({"row_house", "senior"}),
    "attic": frozenset({"row_house"}),
    "roof-tiles": frozenset({"row_house", "senior"}),
    "gutter": frozenset({"row_house", "senior"}),
    "flat-roof": frozenset({"flat", "senior"}),
    "district-heating": frozenset({"flat"}),
}


def _season(problem_id: str, area: str, location: str, element: str) -> Mapping[int, float]:
    if problem_id in SEASONS:
        return SEASONS[problem_id]
    if element == "heating" or location == "heating":
        return _WINTER
    if location == "garden":
        return _GROWING
    return {}


def _allowed(building_type: str, problem_id: str, area: str, location: str, element: str) -> bool:
    for key in (problem_id, area, location, element):
        kinds = ONLY_FOR.get(key)
        if kinds is not None and building_type not in kinds:
            return False
    return True


def _kind(outcome: Outcome) -> str:
    if outcome.emergency_number or outcome.responsibility == Responsibility.THIRD_PARTY:
        return REFER
    if outcome.responsibility == Responsibility.CORPORATION:
        return ORDER
    return ADVICE


BUILDING_TYPES = ("row_house", "flat", "senior")


def world_from_tree(
    tree: Tree,
    *,
    routing_document: Mapping[str, Any],
    routing_number: int,
    contractors: Mapping[str, ContractorInfo],
    decision_reason: str,
    history_start: dt.date,
    until: dt.date,
    answers: AnswersWorld | None = None,
) -> RepairWorld:
    """The problems of the live tree with their paths and weights by building type and month (and the live
    answers, for the households' visits to them)."""
    problems: list[ProblemSpec] = []
    weights: dict[str, dict[int, list[float]]] = {b: {m: [] for m in range(1, 13)} for b in BUILDING_TYPES}
    for problem in tree.problems.values():
        default = default_outcome(tree, problem.id)
        paths = []
        for outcome in outcome_paths(tree, problem.id):
            paths.append(
                PathSpec(outcome.answers, outcome, _kind(outcome), outcome.answers == default.answers)
            )
        if not any(p.is_default for p in paths):
            paths.append(PathSpec(default.answers, default, _kind(default), True))
        others = max(len(paths) - 1, 1)
        running = 0.0
        path_weights = []
        for path in paths:
            running += 0.72 if path.is_default else 0.28 / others
            path_weights.append(running)
        spec = ProblemSpec(
            id=problem.id,
            element="/".join((problem.area.id, problem.location.id, problem.element.id)),
            questions=len(problem.questions),
            paths=tuple(paths),
            path_weights=tuple(path_weights),
            urgent=default.is_emergency or default.urgency == Urgency.URGENT,
        )
        problems.append(spec)
        base = PROBLEM_WEIGHT.get(problem.id, 1.0)
        season = _season(problem.id, problem.area.id, problem.location.id, problem.element.id)
        for building in BUILDING_TYPES:
            allowed = _allowed(building, problem.id, problem.area.id, problem.location.id, problem.element.id)
            for month in range(1, 13):
                weights[building][month].append(base * season.get(month, 1.0) if allowed else 0.0)
    cumulative: dict[str, dict[int, tuple[float, ...]]] = {}
    for building, months in weights.items():
        cumulative[building] = {}
        for month, values in months.items():
            total, sums = 0.0, []
            for value in values:
                total += value
                sums.append(total)
            cumulative[building][month] = tuple(sums)
    return RepairWorld(
        problems=tuple(problems),
        cumulative=cumulative,
        routing_document=routing_document,
        routing_number=routing_number,
        contractors=contractors,
        normal_working_days=tree.normal_working_days,
        decision_reason=decision_reason,
        history_start=history_start,
        until=until,
        answers=answers,
    )


# --- what the simulation produces ---------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class AccountSim:
    """The portal account of the main tenant: an activation letter, then the account (username = e-mail)."""

    username: str
    email: str
    password: str  # unusable ("!" + random), as for an account without a password of its own
    digest: str  # stands for the activation code's keyed hash
    issued_at: dt.datetime
    activated_at: dt.datetime
    pk: int | None = None  # the user's id
    code_pk: int | None = None
    person_id: int | None = None
    # The journal subjects, set by the writer with the ids.
    ref: Any = None
    person_ref: Any = None
    code_ref: Any = None


@dataclass(slots=True, eq=False)
class AppointmentSim:
    date: dt.date
    part: str
    status: str
    created_at: dt.datetime
    confirmed_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    pk: int | None = None
    ref: Any = None  # the journal subject, set by the writer

    def start(self) -> dt.datetime:
        return slot_start((self.date, self.part))


@dataclass(slots=True, eq=False)
class OrderSim:
    contractor_id: int
    trade: str
    status: str
    due_by: dt.datetime | None
    routed_by: str
    created_at: dt.datetime
    issued_at: dt.datetime | None
    status_changed_at: dt.datetime
    accepted_at: dt.datetime | None = None
    result: str = ""
    completed_at: dt.datetime | None = None
    flag: str = ""
    flagged_at: dt.datetime | None = None
    remark: str = ""
    appointments: list[AppointmentSim] = field(default_factory=list)
    pk: int | None = None
    ref: Any = None  # the journal subject, set by the writer

    def live(self) -> AppointmentSim | None:
        for appointment in self.appointments:
            if appointment.status != AppointmentStatus.CANCELLED:
                return appointment
        return None


@dataclass(slots=True, eq=False)
class SatisfactionSim:
    grade: int
    fixed: bool
    comment: str
    channel: str
    answered_at: dt.datetime
    problem_id: str
    trade: str
    contractor_id: int | None
    has_routing: bool
    intake_channel: str
    urgency: str
    pk: int | None = None
    ref: Any = None  # the journal subject, set by the writer


@dataclass(slots=True, eq=False)
class RequestSim:
    problem_id: str
    answers: dict[str, str]
    outcome: Outcome
    channel: str
    status: str
    handling: str
    description: str
    preferred_weekdays: list[int]
    preferred_part: str
    submitted_at: dt.datetime
    by_tenant: bool  # submitted by the household's portal account (else by customer service)
    idempotency_key: str
    status_changed_at: dt.datetime
    cancelled_reason: str = ""
    confirmation_sent_at: dt.datetime | None = None
    satisfaction_asked_at: dt.datetime | None = None
    orders: list[OrderSim] = field(default_factory=list)
    satisfaction: SatisfactionSim | None = None
    decision_inputs: dict[str, Any] = field(default_factory=dict)
    decision_outcome: str = ""  # the handling the autopilot decided at submission
    repeat_of: RequestSim | None = None
    pk: int | None = None
    decision_pk: int | None = None
    ref: Any = None  # the journal subjects, set by the writer
    decision_ref: Any = None


@dataclass(slots=True)
class EventSim:
    activity: str
    at: dt.datetime
    actor: Actor
    channel: str
    subjects: tuple[SubjectSim, ...]
    rules: int
    facts: dict[str, Any]
    resolve: bool = False  # some fact is a `PkOf`


@dataclass(slots=True)
class TenancyRepairs:
    reference: str
    account: AccountSim | None = None
    requests: list[RequestSim] = field(default_factory=list)
    contacts: list[ContactSim] = field(default_factory=list)
    events: list[EventSim] = field(default_factory=list)
    feedback: list[FeedbackSim] = field(default_factory=list)
    callbacks: list[CallbackSim] = field(default_factory=list)
    searches: list[SearchSim] = field(default_factory=list)


# --- the behaviour's numbers ------------------------------------------------------------------------------

NEEDS_PER_YEAR = 3.6
PORTAL_WHEN_ACCOUNT = 0.86
PORTAL_WHEN_ACCOUNT_URGENT = 0.55
# The share of households with a portal account grows over the history (before each household's own
# propensity, which is lower for the elderly): these give about 10% of requests by portal in the first
# year and 45% in the last.
ADOPTION_START = 0.15
ADOPTION_END = 0.76
ABANDON = 0.13  # a portal run with a form that is left
AFTER_ABANDON_CALL = 0.45  # ... then a call within a week (a channel switch)
AFTER_ABANDON_CALLBACK = 0.12  # ... or a callback request
AFTER_ABANDON_RETRY = 0.2  # ... or another try in the portal
FOLLOW_UP_CALL = 0.08  # a call about a portal request within a week
FLAG_SHARE = 0.055
CANCEL_SHARE = 0.03
NOT_DONE_SHARE = 0.06
REPEAT_SHARE = 0.06
GRADE_ANSWER = 0.3
GRADE_ANSWER_PORTAL = 0.45
SETTLE_AFTER_DAYS = (30, 70)
FLAG_WEIGHTS = {
    OrderFlag.NO_ACCESS.value: 40,
    OrderFlag.WRONG_TRADE.value: 25,
    OrderFlag.TENANT_RESPONSIBILITY.value: 20,
    OrderFlag.OTHER_CONTRACTOR.value: 15,
}
FLAG_REMARKS = {
    OrderFlag.NO_ACCESS.value: ("Niemand thuis.", "Niet open gedaan, kaartje achtergelaten.", ""),
    OrderFlag.WRONG_TRADE.value: ("Dit is werk voor een andere vakman.", ""),
    OrderFlag.TENANT_RESPONSIBILITY.value: ("Eigen onderhoud huurder.", "Schade door gebruik.", ""),
    OrderFlag.OTHER_CONTRACTOR.value: ("Hoort bij de installateur van het complex.", ""),
}
_FLAGS = tuple(FLAG_WEIGHTS)
_FLAGS_CUMULATIVE = tuple(sum(list(FLAG_WEIGHTS.values())[: n + 1]) for n in range(len(_FLAGS)))
NOT_DONE_REMARKS = ("Onderdeel besteld.", "Vervolgafspraak nodig.", "Materiaal niet op voorraad.")
DESCRIPTIONS = (
    "Graag zo snel mogelijk.",
    "Het is sinds een paar dagen zo.",
    "Al een keer zelf geprobeerd, lukt niet.",
    "Het wordt steeds erger.",
    "Sinds gisteren.",
    "Ik ben overdag thuis.",
    "Graag eerst even bellen.",
)
CANCEL_REASONS = ("Is vanzelf opgelost.", "Zelf laten maken.", "Dubbele melding.", "Toch niet nodig.")
COMMENTS_GOOD = (
    "Snel en netjes geholpen.",
    "Vriendelijke monteur.",
    "Prima geregeld.",
    "Goed opgelost, dank.",
)
COMMENTS_BAD = (
    "Het duurde erg lang.",
    "Monteur kwam niet op de afspraak.",
    "Probleem is nog niet weg.",
    "Moest vaak bellen.",
)
# The Dutch 1-10 grade before what happened to the request (late, flagged, not fixed ...) pulls it down: about
# 7.3 on average and 12% below 6 in the end (Aedes huurdersoordeel).
GRADES = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
GRADE_WEIGHTS = (1, 0, 1, 1, 2, 12, 27, 33, 16, 7)
_GRADES_CUMULATIVE = tuple(sum(GRADE_WEIGHTS[: n + 1]) for n in range(len(GRADES)))


_STARTS: dict[tuple[dt.date, str], dt.datetime] = {}


def slot_start(slot: tuple[dt.date, str]) -> dt.datetime:
    """`scheduling.slot_start`, remembered."""
    found = _STARTS.get(slot)
    if found is None:
        found = _STARTS[slot] = scheduling.slot_start(slot)
    return found


def slots(
    *, start: dt.datetime, days: int, due: dt.datetime | None, preference: Preference | None = None
) -> list[tuple[dt.date, str]]:
    """The slots `scheduling.slots` offers (the same rules; a test compares the two), faster: working days
    and slot starts are remembered, and the walk stops at the due date (slot starts only grow, so the slots
    in time are the first ones; with none in time, the first working day's slots are offered)."""
    local = start.astimezone(AMSTERDAM)
    first = local.date()
    found: list[tuple[dt.date, str]] = []
    fallback_day: dt.date | None = None
    for offset in range(max(days, 0)):
        day = first + _DAYS[offset] if offset < len(_DAYS) else first + dt.timedelta(days=offset)
        if fallback_day is not None and day != fallback_day:
            break
        if not working(day):
            continue
        for part in _PARTS:
            begins = slot_start((day, part))
            if begins <= local:
                continue
            if due is not None and begins >= due and fallback_day is None:
                if found:
                    break
                fallback_day = day
            found.append((day, part))
        else:
            continue
        break
    if preference is not None and (preference.weekdays or preference.part):
        preferred = [slot for slot in found if preference.accepts(slot)]
        if preferred:
            found = preferred
    return found


_PARTS = scheduling.PARTS
_DAYS = tuple(dt.timedelta(days=n) for n in range(62))
_DUE_DAYS: dict[tuple[dt.date, int], dt.datetime] = {}


def due_by(*, urgency: str, working_days: int, submitted_at: dt.datetime) -> dt.datetime | None:
    """`scheduling.due_by` (a test compares the two), with the normal urgency's last day remembered."""
    if urgency != Urgency.NORMAL:
        return scheduling.due_by(urgency=urgency, working_days=working_days, submitted_at=submitted_at)
    key = (submitted_at.astimezone(AMSTERDAM).date(), working_days)
    found = _DUE_DAYS.get(key)
    if found is None:
        day, count = key
        while count > 0:
            day += _DAYS[1]
            if working(day):
                count -= 1
        found = _DUE_DAYS[key] = dt.datetime.combine(day, scheduling.END_OF_WORKING_DAY, tzinfo=AMSTERDAM)
    return found


def _age_on(plan: TenancyPlan, day: dt.date) -> int:
    birth = plan.members[0].person.birth_date if plan.members else dt.date(1970, 1, 1)
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _propensity(age: int) -> float:
    """How readily someone of this age takes up the portal (1.0 average)."""
    if age < 35:
        return 1.35
    if age < 50:
        return 1.2
    if age < 65:
        return 1.0
    if age < 75:
        return 0.65
    if age < 85:
        return 0.35
    return 0.15


def _hex(rng: random.Random, bits: int = 128) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


class _Household:
    """The simulation of one tenancy's repairs; `run()` gives its `TenancyRepairs`."""

    def __init__(
        self,
        rng: random.Random,
        plan: TenancyPlan,
        dwelling: DwellingPlan,
        world: RepairWorld,
        *,
        first: dt.date,
        last: dt.date,
        usernames: set[str],
    ) -> None:
        self.rng = rng
        self.plan = plan
        self.dwelling = dwelling
        self.world = world
        self.first = first
        self.last = last
        self.horizon = world.horizon
        self.usernames = usernames
        self.span_days = max((world.until - world.history_start).days, 1)
        self.out = TenancyRepairs(reference=plan.reference)
        main = plan.members[0].person if plan.members else None
        self.email = main.email if main is not None and plan.members[0].party_role == PartyRole.TENANT else ""
        self.subscription = plan.service_subscription
        self.feedback = self.out.feedback
        self.callbacks = self.out.callbacks
        self.searches = self.out.searches

    # --- time --------------------------------------------------------------------------------------------

    def share(self, day: dt.date) -> float:
        """How far into the history a day is: 0 at its start, 1 at its end."""
        return min(max((day - self.world.history_start).days / self.span_days, 0.0), 1.0)

    def alive(self, moment: dt.datetime) -> bool:
        return moment <= self.horizon

    def portal_moment(self, day: dt.date) -> dt.datetime:
        """The portal is open day and night; most visits are in the evening."""
        hour = self.rng.choices(_HOURS, cum_weights=_PORTAL_HOURS_CUMULATIVE)[0]
        return dt.datetime.combine(
            day, dt.time(hour, self.rng.randint(0, 59), self.rng.randint(0, 59)), AMSTERDAM
        )

    def work_moment(self, after: dt.datetime, hours: tuple[float, float]) -> dt.datetime:
        """A contractor's office acts `hours` later, in working hours (7:30-17:00 on working days)."""
        moment = (after + dt.timedelta(hours=self.rng.uniform(*hours))).astimezone(AMSTERDAM)
        day = moment.date()
        if working(day) and (moment.hour, moment.minute) >= (7, 30) and moment.hour < 17:
            return moment
        if working(day) and moment.hour < 7:
            return dt.datetime.combine(day, dt.time(7, 30), AMSTERDAM) + dt.timedelta(
                minutes=self.rng.randint(0, 120)
            )
        day += dt.timedelta(days=1)
        while not working(day):
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(7, 30), AMSTERDAM) + dt.timedelta(
            minutes=self.rng.randint(0, 150)
        )

    def account_since(self) -> dt.datetime | None:
        return self.out.account.activated_at if self.out.account is not None else None

    def has_account(self, moment: dt.datetime) -> bool:
        account = self.out.account
        return account is not None and account.activated_at <= moment

    # --- the household's portal account -------------------------------------------------------------------

    def plan_account(self) -> None:
        """When (if ever) the main tenant opens a portal account: the adoption curve meets their propensity."""
        if not self.email or not self.plan.members:
            return
        died = self.plan.members[0].person.died_on
        threshold = self.rng.random()
        # Before the history: some households had an account already when it starts.
        age = _age_on(self.plan, self.first)
        propensity = _propensity(age)
        curve_start = ADOPTION_START * propensity
        curve_end = ADOPTION_END * propensity
        if threshold <= curve_start:
            share = -self.rng.uniform(0.0, 0.08)
        elif threshold <= curve_end:
            share = (threshold - curve_start) / (curve_end - curve_start)
        else:
            return
        day = self.world.history_start + dt.timedelta(days=round(share * self.span_days))
        day = max(day, self.plan.start_date + dt.timedelta(days=self.rng.randint(7, 60)))
        if day > self.last or (died is not None and died <= day):
            return
        username = self.email.lower()
        if username in self.usernames:
            return
        self.usernames.add(username)
        issued = office_moment_on(self.rng, day - dt.timedelta(days=self.rng.randint(5, 25)))
        issued = issued.replace(hour=6, minute=self.rng.randint(0, 59))  # the nightly letter run
        activated = self.portal_moment(day)
        if activated <= issued:
            activated = issued + dt.timedelta(days=3, hours=self.rng.randint(8, 14))
        self.out.account = AccountSim(
            username=username,
            email=self.email,
            password="!" + _hex(self.rng, 160)[:40],
            digest=_hex(self.rng, 256),
            issued_at=issued,
            activated_at=activated,
        )
        account = self.out.account
        if not self.alive(account.activated_at):
            self.out.account = None
            self.usernames.discard(username)
            return
        self.event(
            "activation_code_issued",
            issued,
            SYSTEM,
            Channel.LETTER,
            (("code", account), ("person", account), ("tenancy", None)),
            NO_RULES,
            {"party_role": PartyRole.TENANT.value, "revoked_previous": 0, "valid_days": ACTIVATION_CODE_DAYS},
        )
        self.event(
            "user_created",
            activated,
            SYSTEM,
            "",
            (("user", account),),
            NO_RULES,
            {"roles": ["tenant"], "demo": False},
        )
        self.event(
            "account_activated",
            activated,
            TENANT,
            Channel.PORTAL,
            (("user", account), ("person", account), ("tenancy", None), ("code", account)),
            NO_RULES,
            {"code_age_days": (activated - issued).days},
        )

    # --- events and contacts -------------------------------------------------------------------------------

    def event(
        self,
        activity: str,
        at: dt.datetime,
        actor: Actor,
        channel: str,
        subjects: tuple[SubjectSim, ...],
        rules: int,
        facts: dict[str, Any],
        resolve: bool = False,
    ) -> None:
        self.out.events.append(EventSim(activity, at, actor, str(channel), subjects, rules, facts, resolve))

    def contact(
        self,
        at: dt.datetime,
        channel: str,
        topic: str,
        kind: str,
        *,
        direction: str = Direction.INCOMING.value,
        succeeded: bool = True,
        problem_id: str = "",
    ) -> ContactSim | None:
        if not self.alive(at):
            return None
        found = ContactSim(
            channel=str(channel),
            direction=str(direction),
            happened_at=at,
            succeeded=succeeded,
            topic=str(topic),
            summary=summary(self.rng, kind),
            recorded_at=at + dt.timedelta(minutes=self.rng.randint(2, 12)),
            problem_id=problem_id,
        )
        self.log(found)
        return found

    def log(self, contact: ContactSim) -> None:
        """`contact_log` by customer service: the contact and its `contact_logged` event."""
        self.out.contacts.append(contact)
        self.event(
            "contact_logged",
            contact.happened_at,
            STAFF,
            contact.channel,
            (("tenancy", None), ("contact", contact)),
            contact.rules if contact.rules is not None else (WIZARD if contact.problem_id else NO_RULES),
            {
                "direction": contact.direction,
                "succeeded": contact.succeeded,
                "topic": contact.topic,
                "case_id": None,
                **({"problem_id": contact.problem_id} if contact.problem_id else {}),
                **({"answer_id": contact.answer_id} if contact.answer_id else {}),
            },
        )

    # --- needs ------------------------------------------------------------------------------------------

    def run(self) -> TenancyRepairs:
        self.plan_account()
        rate = NEEDS_PER_YEAR * self.rng.gammavariate(2.0, 0.5)
        size = len(self.plan.members)
        rate *= 0.85 if size == 1 else (1.0 if size == 2 else 1.2)
        if self.dwelling.building_type == "senior":
            rate *= 0.9
        day = self.first.replace(day=1)
        while day <= self.last:
            following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            start, end = max(day, self.first), min(following - dt.timedelta(days=1), self.last)
            fraction = ((end - start).days + 1) / ((following - day).days)
            for _ in range(poisson(self.rng, rate / 12 * MONTH_VOLUME[day.month] * fraction)):
                when = start + dt.timedelta(days=self.rng.randint(0, (end - start).days))
                self.need(when, self.draw_problem(when.month))
            day = following
        if self.world.answers is not None:
            answer_visits(self, self.world.answers)
        return self.out

    def draw_problem(self, month: int) -> ProblemSpec:
        cumulative = self.world.cumulative[self.dwelling.building_type][month]
        return self.rng.choices(self.world.problems, cum_weights=cumulative)[0]

    def draw_path(self, problem: ProblemSpec) -> PathSpec:
        if len(problem.paths) == 1:
            return problem.paths[0]
        return self.rng.choices(problem.paths, cum_weights=problem.path_weights)[0]

    def offers_form(self, path: PathSpec) -> bool:
        if path.kind == ORDER:
            return True
        return path.kind == ADVICE and self.subscription and path.outcome.covered_by_service_subscription

    def need(
        self,
        day: dt.date,
        problem: ProblemSpec,
        path: PathSpec | None = None,
        repeat_of: RequestSim | None = None,
    ) -> None:
        path = path or self.draw_path(problem)
        moment = self.portal_moment(day)
        if self.has_account(moment):
            portal = PORTAL_WHEN_ACCOUNT_URGENT if problem.urgent else PORTAL_WHEN_ACCOUNT
            if self.rng.random() < portal:
                self.portal_need(moment, problem, path, repeat_of)
                return
        self.office_need(day, problem, path, repeat_of)

    def intake_channel(self, day: dt.date) -> str:
        """Phone or desk; the desk less over the years."""
        return (
            IntakeChannel.DESK.value
            if self.rng.random() < 0.24 - 0.14 * self.share(day)
            else IntakeChannel.PHONE.value
        )

    def office_need(
        self,
        day: dt.date,
        problem: ProblemSpec,
        path: PathSpec,
        repeat_of: RequestSim | None,
        *,
        after: dt.datetime | None = None,
    ) -> None:
        """By phone or at the desk; `after` a portal run that was left, a phone call (a channel switch)."""
        channel = self.intake_channel(day)
        if (problem.urgent and channel == IntakeChannel.DESK) or after is not None:
            channel = IntakeChannel.PHONE.value
        at = office_moment_on(self.rng, day, channel)
        if after is not None and at <= after:
            at = next_office_moment(self.rng, after, channel)
        if not self.alive(at) or at.date() > self.last:
            return
        if path.kind == REFER:
            self.contact(at, channel, ContactTopic.REPAIR, "repair_refer", problem_id=problem.id)
            return
        if not self.offers_form(path) and self.rng.random() < 0.5:
            self.contact(at, channel, ContactTopic.REPAIR, "repair_advice", problem_id=problem.id)
            return
        self.contact(at, channel, ContactTopic.REPAIR, "repair_intake", problem_id=problem.id)
        self.submit(
            at + dt.timedelta(minutes=self.rng.randint(2, 6)), problem, path, channel, None, repeat_of
        )

    # --- the portal's wizard -------------------------------------------------------------------------------

    def wizard_step(self, at: dt.datetime, facts: dict[str, Any]) -> None:
        self.event(
            "wizard_step",
            at,
            TENANT,
            Channel.PORTAL,
            (("tenancy", None), ("user", self.out.account)),
            WIZARD,
            facts,
        )

    def wizard_run(self, at: dt.datetime, problem: ProblemSpec, path: PathSpec) -> tuple[str, dt.datetime]:
        """The steps of one run up to the outcome: (session id, time of the last step)."""
        rng = self.rng
        session = _hex(rng)
        moment = at
        if rng.random() < 0.6:
            r = rng.random()
            if r < 0.78:
                shown, matched = problem.id, True
            elif r < 0.9:
                shown, matched = rng.choice(self.world.problems).id, True
            else:
                shown, matched = None, False
            self.wizard_step(
                moment,
                {
                    "step": WizardStep.SEARCHED.value,
                    "problem": shown,
                    "matched": matched,
                    "wizard_session": session,
                },
            )
            moment += dt.timedelta(seconds=rng.randint(15, 120))
        if problem.questions:
            self.wizard_step(
                moment,
                {"step": WizardStep.QUESTIONS_SHOWN.value, "problem": problem.id, "wizard_session": session},
            )
            moment += dt.timedelta(seconds=rng.randint(10, 90))
        offered = self.offers_form(path)
        outcome_facts = {
            "step": WizardStep.OUTCOME_SHOWN.value,
            "problem": problem.id,
            "responsibility": path.outcome.responsibility,
            "offered_form": offered,
            "wizard_session": session,
        }
        self.wizard_step(moment, dict(outcome_facts))
        if problem.questions and rng.random() < 0.06:
            # Back to change an answer, and through again.
            moment += dt.timedelta(seconds=rng.randint(10, 60))
            self.wizard_step(
                moment,
                {
                    "step": WizardStep.BACK.value,
                    "problem": problem.id,
                    "to": WizardBackTo.QUESTIONS.value,
                    "from_step": WizardStep.OUTCOME_SHOWN.value,
                    "wizard_session": session,
                },
            )
            moment += dt.timedelta(seconds=rng.randint(5, 40))
            self.wizard_step(
                moment,
                {"step": WizardStep.QUESTIONS_SHOWN.value, "problem": problem.id, "wizard_session": session},
            )
            moment += dt.timedelta(seconds=rng.randint(10, 60))
            self.wizard_step(moment, dict(outcome_facts))
        return session, moment

    def abandoned(
        self,
        session: str,
        last: dt.datetime,
        problem: ProblemSpec,
        path: PathSpec,
        steps: list[str],
        backs: int,
    ) -> None:
        """What `wizard_abandons_record` journals for a run left 24 hours ago (if that is inside the history)."""
        at = last + dt.timedelta(hours=24)
        if not self.alive(at):
            return
        order = {
            WizardStep.SEARCHED.value: 0,
            WizardStep.QUESTIONS_SHOWN.value: 1,
            WizardStep.OUTCOME_SHOWN.value: 2,
        }
        shown = [s for s in steps if s in order]
        outcome_shown = WizardStep.OUTCOME_SHOWN.value in steps
        self.event(
            "wizard_step",
            at,
            SYSTEM,
            Channel.PORTAL,
            (("tenancy", None), ("user", self.out.account)),
            WIZARD,
            {
                "step": WizardStep.ABANDONED.value,
                "wizard_session": session,
                "last_step": steps[-1],
                "furthest_step": max(shown, key=lambda s: order[s]) if shown else "",
                "problem": problem.id,
                "responsibility": path.outcome.responsibility if outcome_shown else None,
                "offered_form": self.offers_form(path) if outcome_shown else None,
                "steps": len(steps),
                "backs": backs,
                "idle_hours": 24,
            },
        )

    def portal_need(
        self, at: dt.datetime, problem: ProblemSpec, path: PathSpec, repeat_of: RequestSim | None
    ) -> None:
        rng = self.rng
        if not self.alive(at) or at.date() > self.last:
            return
        if self.offers_form(path) and rng.random() < ABANDON:
            # Left at the questions or at the outcome, with a form on offer.
            session = _hex(rng)
            steps: list[str] = []
            moment = at
            if rng.random() < 0.5:
                self.wizard_step(
                    moment,
                    {
                        "step": WizardStep.SEARCHED.value,
                        "problem": problem.id,
                        "matched": True,
                        "wizard_session": session,
                    },
                )
                steps.append(WizardStep.SEARCHED.value)
                moment += dt.timedelta(seconds=rng.randint(15, 120))
            if problem.questions:
                self.wizard_step(
                    moment,
                    {
                        "step": WizardStep.QUESTIONS_SHOWN.value,
                        "problem": problem.id,
                        "wizard_session": session,
                    },
                )
                steps.append(WizardStep.QUESTIONS_SHOWN.value)
                moment += dt.timedelta(seconds=rng.randint(10, 90))
            if not problem.questions or rng.random() < 0.55:
                self.wizard_step(
                    moment,
                    {
                        "step": WizardStep.OUTCOME_SHOWN.value,
                        "problem": problem.id,
                        "responsibility": path.outcome.responsibility,
                        "offered_form": True,
                        "wizard_session": session,
                    },
                )
                steps.append(WizardStep.OUTCOME_SHOWN.value)
            self.abandoned(session, moment, problem, path, steps, 0)
            r = rng.random()
            if r < AFTER_ABANDON_CALL:
                day = moment.date() + dt.timedelta(days=rng.randint(0, 6))
                self.office_need(day, problem, path, repeat_of, after=moment)
            elif r < AFTER_ABANDON_CALL + AFTER_ABANDON_CALLBACK and self.world.answers is not None:
                # "Call me back" from the problem's page; customer service takes the request on the phone.
                asked = moment + dt.timedelta(seconds=rng.randint(20, 300))
                reached = callback(
                    self, self.world.answers, asked, ContactTopic.REPAIR.value, problem_id=problem.id
                )
                if reached is not None:
                    self.submit(
                        reached + dt.timedelta(minutes=rng.randint(2, 8)),
                        problem,
                        path,
                        "TEL",
                        None,
                        repeat_of,
                    )
            elif r < AFTER_ABANDON_CALL + AFTER_ABANDON_CALLBACK + AFTER_ABANDON_RETRY:
                day = moment.date() + dt.timedelta(days=rng.randint(1, 5))
                self.portal_submit(self.portal_moment(day), problem, path, repeat_of)
            return
        self.portal_submit(at, problem, path, repeat_of)

    def portal_submit(
        self, at: dt.datetime, problem: ProblemSpec, path: PathSpec, repeat_of: RequestSim | None
    ) -> None:
        if not self.alive(at) or at.date() > self.last:
            return
        session, moment = self.wizard_run(at, problem, path)
        if not self.offers_form(path):
            return  # advice or an emergency number ended the run: nothing to submit
        submitted = moment + dt.timedelta(seconds=self.rng.randint(40, 300))
        request = self.submit(submitted, problem, path, IntakeChannel.PORTAL.value, session, repeat_of)
        if request is not None and self.rng.random() < FOLLOW_UP_CALL:
            # The same topic by phone within a week: a channel switch.
            day = submitted.date() + dt.timedelta(days=self.rng.randint(1, 6))
            self.contact(
                office_moment_on(self.rng, day),
                Channel.PHONE,
                ContactTopic.REPAIR,
                "repair_follow_up",
                problem_id=problem.id,
            )

    # --- a request and its orders -----------------------------------------------------------------------------

    def submit(
        self,
        at: dt.datetime,
        problem: ProblemSpec,
        path: PathSpec,
        channel: str,
        session: str | None,
        repeat_of: RequestSim | None,
    ) -> RequestSim | None:
        if not self.alive(at):
            return None
        rng = self.rng
        outcome = path.outcome
        portal = channel == IntakeChannel.PORTAL
        subscription = (
            outcome.responsibility == Responsibility.TENANT
            and self.subscription
            and outcome.covered_by_service_subscription
        )
        needs_order = outcome.responsibility == Responsibility.CORPORATION or subscription
        routed = self.world.route(outcome.trade, self.dwelling) if needs_order and outcome.trade else None
        if needs_order and routed is None:
            return None  # the routing table has no contractor for it: the real service would refuse too
        weekdays: list[int] = []
        part: str | None = None
        if rng.random() < (0.35 if portal else 0.2):
            weekdays = sorted(rng.sample(range(5), rng.randint(1, 4))) if rng.random() < 0.6 else []
            part = (
                rng.choice((PartOfDay.MORNING.value, PartOfDay.AFTERNOON.value))
                if rng.random() < 0.7
                else None
            )
        description = rng.choice(DESCRIPTIONS) if rng.random() < (0.6 if portal else 0.75) else ""
        if needs_order:
            handling = Handling.SUBSCRIPTION.value if subscription else Handling.ORDERED.value
            status = RequestStatus.IN_PROGRESS.value
        else:
            handling, status = Handling.TENANT_PART.value, RequestStatus.HANDLED.value
        answers = dict(outcome.answers)
        request = RequestSim(
            problem_id=problem.id,
            answers=answers,
            outcome=outcome,
            channel=channel,
            status=status,
            handling=handling,
            description=description,
            preferred_weekdays=weekdays,
            preferred_part=part or "",
            submitted_at=at,
            by_tenant=portal,
            idempotency_key=_hex(rng),
            status_changed_at=at,
            repeat_of=repeat_of,
        )
        request.decision_outcome = handling
        request.decision_inputs = {
            "problem_id": problem.id,
            "responsibility": outcome.responsibility,
            "urgency": outcome.urgency or None,
            "trade": outcome.trade or None,
            "service_subscription": self.subscription,
            "routing_version": self.world.routing_number if needs_order else None,
        }
        self.out.requests.append(request)
        actor = TENANT if portal else STAFF
        req = ("request", request)
        self.event(
            "decision_taken",
            at,
            SYSTEM,
            "",
            (req, ("decision", request)),
            WIZARD,
            {"flow": "repair_intake", "outcome": handling},
        )
        self.event(
            "repair_request_submitted",
            at,
            actor,
            channel,
            (req, ("tenancy", None)),
            WIZARD_AND_ROUTING if needs_order else WIZARD,
            {
                "problem_id": problem.id,
                "responsibility": outcome.responsibility,
                "urgency": outcome.urgency or None,
                "trade": outcome.trade or None,
                "status": status,
                "handling": handling,
                "defect_soort": outcome.defect_soort or None,
                "defect_locatie": outcome.defect_locatie or None,
                "clause": outcome.clause or None,
                "answers": len(answers),
                "photos": 0,
                "has_description": bool(description),
                "preferred_weekdays": weekdays,
                "preferred_part": part,
                **({"wizard_session": session} if session else {}),
            },
        )
        order: OrderSim | None = None
        if needs_order and routed is not None:
            contractor_id, matched_by, route_index = routed
            due = due_by(
                urgency=outcome.urgency or Urgency.NORMAL,
                working_days=outcome.working_days or self.world.normal_working_days,
                submitted_at=at,
            )
            order = OrderSim(
                contractor_id=contractor_id,
                trade=outcome.trade or "",
                status=OrderStatus.ISSUED.value,
                due_by=due,
                routed_by=matched_by,
                created_at=at,
                issued_at=at,
                status_changed_at=at,
            )
            request.orders.append(order)
            self.event(
                "work_order_created",
                at,
                SYSTEM,
                "",
                (("order", order), req, ("tenancy", None)),
                WIZARD_AND_ROUTING,
                {
                    "contractor_id": contractor_id,
                    "trade": order.trade,
                    "status": order.status,
                    "routed_by": matched_by,
                    "route_index": route_index,
                    "due_by": due.isoformat() if due else None,
                },
            )
        if self.email:
            sent = at + dt.timedelta(seconds=rng.randint(5, 90))
            if self.alive(sent):
                request.confirmation_sent_at = sent
                self.event(
                    "repair_request_confirmation_sent",
                    sent,
                    SYSTEM,
                    Channel.EMAIL,
                    (req, ("tenancy", None)),
                    NO_RULES,
                    {},
                )
        if order is not None:
            self.work(request, order, first_booking=True)
        return request

    def set_status(self, request: RequestSim, status: str, at: dt.datetime) -> str:
        before = request.status
        request.status = status
        request.status_changed_at = at
        return before

    def set_order_status(self, order: OrderSim, status: str, at: dt.datetime) -> str:
        before = order.status
        order.status = status
        order.status_changed_at = at
        return before

    def order_subjects(self, order: OrderSim, request: RequestSim) -> tuple[SubjectSim, ...]:
        return (("order", order), ("request", request), ("tenancy", None))

    def book(
        self, request: RequestSim, order: OrderSim, at: dt.datetime, by: Actor, *, reschedule: bool = False
    ) -> AppointmentSim | None:
        """`appointment_book` (or the tenant's `repair_request_reschedule`) at `at`, for a slot the services
        would offer then."""
        if not self.alive(at):
            return None
        preference = Preference(frozenset(request.preferred_weekdays), request.preferred_part or None)
        if by == TENANT:
            possible = slots(start=at, days=10, due=order.due_by, preference=preference)
        else:
            horizon = (
                max(30, (order.due_by.astimezone(AMSTERDAM).date() - at.date()).days + 1)
                if order.due_by
                else 30
            )
            possible = slots(start=at, days=horizon, due=order.due_by)
            if by == STAFF:
                possible = [s for s in possible if preference.accepts(s)] or possible
        if not possible:
            return None
        # Urgent work takes the first slot; otherwise mostly one of the first few.
        pick = 0 if request.outcome.urgency == Urgency.URGENT else int(self.rng.expovariate(0.6))
        day, part = possible[min(pick, len(possible) - 1)]
        previous = order.live()
        previous_status = previous.status if previous is not None else None
        if previous is not None:
            previous.status = AppointmentStatus.CANCELLED.value
            previous.cancelled_at = at
        by_contractor = isinstance(by, int)
        appointment = AppointmentSim(
            date=day,
            part=part,
            status=AppointmentStatus.CONFIRMED.value if by_contractor else AppointmentStatus.PROPOSED.value,
            created_at=at,
            confirmed_at=at if by_contractor else None,
        )
        order.appointments.append(appointment)
        if by_contractor:
            self.set_order_status(order, OrderStatus.PLANNED.value, at)
        if reschedule:
            activity = "repair_request_rescheduled"
        else:
            activity = "appointment_booked" if previous is None else "appointment_rescheduled"
        facts: dict[str, Any] = {
            "date": day.isoformat(),
            "part": part,
            "status": appointment.status,
            "replaces": PkOf(previous) if previous is not None else None,
            "days_before_due": (order.due_by.astimezone(AMSTERDAM).date() - day).days
            if order.due_by
            else None,
        }
        if previous is not None:
            facts["previous_date"] = previous.date.isoformat()
            facts["previous_part"] = previous.part
            facts["previous_status"] = previous_status
        self.event(
            activity,
            at,
            by,
            "",
            (("appointment", appointment), ("order", order), ("request", request), ("tenancy", None)),
            WIZARD_AND_ROUTING,
            facts,
            resolve=previous is not None,
        )
        return appointment

    def confirm(
        self, request: RequestSim, order: OrderSim, appointment: AppointmentSim, at: dt.datetime
    ) -> bool:
        if not self.alive(at) or appointment.status != AppointmentStatus.PROPOSED:
            return False
        appointment.status = AppointmentStatus.CONFIRMED.value
        appointment.confirmed_at = at
        before = self.set_order_status(order, OrderStatus.PLANNED.value, at)
        self.event(
            "appointment_confirmed",
            at,
            order.contractor_id,
            "",
            (("appointment", appointment), ("order", order), ("request", request), ("tenancy", None)),
            WIZARD_AND_ROUTING,
            {
                "date": appointment.date.isoformat(),
                "part": appointment.part,
                "from": before,
                "to": order.status,
            },
        )
        return True

    def work(self, request: RequestSim, order: OrderSim, *, first_booking: bool) -> None:
        """From an issued order to the work reported done (or flagged, or cancelled), as far as the history goes."""
        rng = self.rng
        outcome = request.outcome
        at = order.issued_at or order.created_at
        contractor: Actor = order.contractor_id
        if outcome.urgency == Urgency.EMERGENCY:
            # No slots for an emergency: the contractor comes the same day.
            done = at + dt.timedelta(hours=rng.uniform(1.0, 6.0))
            self.report(request, order, done, OrderResult.DONE.value)
            return
        # Who books the visit.
        appointment: AppointmentSim | None = None
        if outcome.urgency == Urgency.URGENT:
            booked = at + dt.timedelta(minutes=rng.randint(20, 180))
            possible = slots(start=booked, days=30, due=order.due_by)
            if (not possible or slot_start(possible[0]) >= order.due_by) and rng.random() < 0.85:  # type: ignore[operator]
                # No visit can be booked in time (a weekend): the on-call service comes without one.
                self.accept(request, order, booked)
                done = booked + dt.timedelta(hours=rng.uniform(1.0, 10.0))
                self.report(request, order, done, OrderResult.DONE.value)
                return
            if rng.random() < 0.3:
                self.accept(request, order, booked - dt.timedelta(minutes=rng.randint(5, 15)))
            appointment = self.book(request, order, booked, contractor)
        elif first_booking and request.by_tenant and rng.random() < 0.7:
            appointment = self.book(request, order, at + dt.timedelta(minutes=rng.randint(1, 25)), TENANT)
        elif first_booking and not request.by_tenant and rng.random() < 0.5:
            appointment = self.book(request, order, at + dt.timedelta(minutes=rng.randint(1, 4)), STAFF)
        else:
            booked = self.work_moment(at, (1.0, 30.0))
            if rng.random() < 0.3:
                self.accept(request, order, booked - dt.timedelta(minutes=rng.randint(5, 60)))
            appointment = self.book(request, order, booked, contractor)
        if appointment is None:
            return
        if appointment.status == AppointmentStatus.PROPOSED:
            if not self.confirm_in_time(request, order, appointment):
                return
            moved_at = appointment.created_at + dt.timedelta(hours=rng.uniform(4, 40))
            if request.by_tenant and rng.random() < 0.04 and moved_at < appointment.start():
                # The tenant moves the visit.
                moved = self.book(request, order, moved_at, TENANT, reschedule=True)
                if moved is None:
                    return
                appointment = moved
                if not self.confirm_in_time(request, order, appointment):
                    return
        visit = self.visit(appointment)
        r = rng.random()
        if r < CANCEL_SHARE:
            cancelled = appointment.created_at + (visit - appointment.created_at) * rng.random()
            self.cancel(request, cancelled)
            return
        r -= CANCEL_SHARE
        if r < FLAG_SHARE:
            flag = rng.choices(_FLAGS, cum_weights=_FLAGS_CUMULATIVE)[0]
            self.flagged(request, order, visit, flag)
            return
        r -= FLAG_SHARE
        if r < NOT_DONE_SHARE:
            reported = visit + dt.timedelta(hours=rng.uniform(0.5, 3))
            if self.report(request, order, reported, OrderResult.NOT_DONE.value):
                self.again(request, order, reported)
            return
        self.report(request, order, self.reported_after(visit, late_report=0.06), OrderResult.DONE.value)

    def visit(self, appointment: AppointmentSim) -> dt.datetime:
        """When the contractor is at the door: within the part of the day booked, mostly early in it."""
        return appointment.start() + dt.timedelta(minutes=int(self.rng.triangular(0, 210, 30)))

    def reported_after(self, visit: dt.datetime, late_report: float = 0.0) -> dt.datetime:
        """The contractor reports the work from the door (an app), now and then only days later."""
        if late_report and self.rng.random() < late_report:
            return visit + dt.timedelta(days=self.rng.randint(1, 4), hours=self.rng.uniform(0, 3))
        return visit + dt.timedelta(minutes=int(self.rng.triangular(15, 180, 40)))

    def again(self, request: RequestSim, order: OrderSim, after: dt.datetime) -> None:
        """The contractor (or the tenant in the portal) books a new visit, and the work gets done."""
        rng = self.rng
        if request.by_tenant and rng.random() < 0.25:
            appointment = self.book(request, order, after + dt.timedelta(hours=rng.uniform(1, 48)), TENANT)
            if appointment is not None and not self.confirm_in_time(request, order, appointment):
                return
        else:
            appointment = self.book(request, order, self.work_moment(after, (2.0, 72.0)), order.contractor_id)
        if appointment is None:
            return
        self.report(request, order, self.reported_after(self.visit(appointment)), OrderResult.DONE.value)

    def confirm_in_time(self, request: RequestSim, order: OrderSim, appointment: AppointmentSim) -> bool:
        """The contractor confirms a proposed visit in office hours, at the latest half an hour before it."""
        at = self.work_moment(appointment.created_at, (0.5, 20.0))
        at = max(min(at, appointment.start() - dt.timedelta(minutes=30)), appointment.created_at)
        return self.confirm(request, order, appointment, at)

    def accept(self, request: RequestSim, order: OrderSim, at: dt.datetime) -> None:
        if not self.alive(at) or order.accepted_at is not None:
            return
        order.accepted_at = at
        self.event(
            "work_order_accepted",
            at,
            order.contractor_id,
            "",
            self.order_subjects(order, request),
            WIZARD_AND_ROUTING,
            {"status": order.status},
        )

    def report(self, request: RequestSim, order: OrderSim, at: dt.datetime, result: str) -> bool:
        """`work_order_report`: done (order and request TEC, the grade e-mail) or not done (the visit off)."""
        if not self.alive(at):
            return False
        rng = self.rng
        order.result = result
        if result == OrderResult.DONE:
            order.remark = (
                ""
                if rng.random() < 0.85
                else rng.choice(("Kraan vervangen.", "Afgesteld en getest.", "Onderdeel vervangen."))
            )
            order.completed_at = at
            before = self.set_order_status(order, OrderStatus.TECHNICALLY_DONE.value, at)
            request_before = self.set_status(request, RequestStatus.TECHNICALLY_DONE.value, at)
        else:
            order.remark = rng.choice(NOT_DONE_REMARKS)
            visit = order.live()
            if visit is not None:
                visit.status = AppointmentStatus.CANCELLED.value
                visit.cancelled_at = at
            before = self.set_order_status(order, OrderStatus.ISSUED.value, at)
            request_before = request.status
        self.event(
            "work_order_reported",
            at,
            order.contractor_id,
            "",
            self.order_subjects(order, request),
            WIZARD_AND_ROUTING,
            {
                "result": result,
                "from": before,
                "to": order.status,
                "request_from": request_before,
                "request_to": request.status,
                "late": bool(order.due_by and at > order.due_by),
                "has_remark": bool(order.remark),
            },
        )
        if result == OrderResult.DONE:
            self.done(request, order, at)
        return True

    def done(self, request: RequestSim, order: OrderSim, at: dt.datetime) -> None:
        """After the work is reported done: the grade e-mail (once), maybe a grade, maybe a repeat."""
        rng = self.rng
        if request.satisfaction is None and request.satisfaction_asked_at is None and self.email:
            asked = at + dt.timedelta(seconds=rng.randint(5, 120))
            if self.alive(asked):
                request.satisfaction_asked_at = asked
                self.event(
                    "satisfaction_asked",
                    asked,
                    SYSTEM,
                    Channel.EMAIL,
                    (("request", request), ("tenancy", None)),
                    WIZARD,
                    {"status": request.status, "link_valid_days": 30},
                )
                answer = GRADE_ANSWER_PORTAL if self.has_account(asked) else GRADE_ANSWER
                if rng.random() < answer:
                    self.grade(request, order, asked)
        if request.repeat_of is None and rng.random() < REPEAT_SHARE:
            # The same element again within 30 days.
            problem = next(p for p in self.world.problems if p.id == request.problem_id)
            same = [p for p in self.world.problems if p.element == problem.element]
            again = rng.choice(same) if rng.random() < 0.35 else problem
            day = at.date() + dt.timedelta(days=rng.randint(2, 29))
            if day <= self.last:
                self.need(
                    day,
                    again,
                    None if again is not problem else self.path_of(problem, request),
                    repeat_of=request,
                )

    def path_of(self, problem: ProblemSpec, request: RequestSim) -> PathSpec:
        for path in problem.paths:
            if path.outcome is request.outcome:
                return path
        return self.draw_path(problem)

    def grade(self, request: RequestSim, order: OrderSim, asked: dt.datetime) -> None:
        rng = self.rng
        portal = self.has_account(asked) and rng.random() < 0.6
        answered = asked + dt.timedelta(hours=rng.uniform(0.2, 24 * (10 if portal else 25)))
        if not self.alive(answered):
            return
        late = any(
            o.due_by is not None and o.completed_at is not None and o.completed_at > o.due_by
            for o in request.orders
        )
        flagged = any(o.flag for o in request.orders)
        fixed = rng.random() > (0.12 if request.repeat_of is not None or flagged else 0.05)
        grade = rng.choices(GRADES, cum_weights=_GRADES_CUMULATIVE)[0]
        if not fixed:
            grade = rng.choice((1, 2, 3, 4, 4, 5, 5, 6))
        else:
            if request.channel == IntakeChannel.PORTAL and not late:
                grade += 1 if rng.random() < 0.35 else 0
            if late:
                grade -= rng.choice((0, 0, 1, 2))
            if flagged or request.repeat_of is not None or len(request.orders) > 1:
                grade -= rng.choice((0, 1, 1, 2))
            grade = min(max(grade, 1), 10)
        comment = ""
        if rng.random() < 0.3:
            comment = rng.choice(COMMENTS_GOOD if grade >= 7 else COMMENTS_BAD)
        satisfaction = SatisfactionSim(
            grade=grade,
            fixed=fixed,
            comment=comment,
            channel=SatisfactionChannel.PORTAL.value if portal else SatisfactionChannel.EMAIL.value,
            answered_at=answered,
            problem_id=request.problem_id,
            trade=order.trade or request.outcome.trade or "",
            contractor_id=order.contractor_id,
            has_routing=True,
            intake_channel=request.channel,
            urgency=request.outcome.urgency or "",
        )
        request.satisfaction = satisfaction
        self.event(
            "satisfaction_recorded",
            answered,
            TENANT if portal else LINK,
            satisfaction.channel,
            (("satisfaction", satisfaction), ("request", request), ("tenancy", None)),
            WIZARD_AND_ROUTING,
            {
                "grade": grade,
                "fixed": fixed,
                "has_comment": bool(comment),
                "problem_id": request.problem_id,
                "trade": satisfaction.trade or None,
                "contractor_id": order.contractor_id,
                "urgency": request.outcome.urgency or None,
                "intake_channel": request.channel,
                "handling": request.handling,
                "status": request.status,
                "days_after_done": (answered - order.completed_at).days if order.completed_at else None,
            },
        )
        if not fixed:
            handling_before = request.handling
            request.handling = Handling.STAFF_QUEUE.value
            before = self.set_status(request, RequestStatus.IN_PROGRESS.value, answered)
            self.event(
                "repair_request_reopened",
                answered,
                SYSTEM,
                "",
                (("request", request), ("tenancy", None)),
                WIZARD_AND_ROUTING,
                {
                    "reason": "not_fixed",
                    "from": before,
                    "to": request.status,
                    "handling_from": handling_before,
                    "handling_to": request.handling,
                    "grade": grade,
                },
            )
            self.staff_order(request, self.work_moment(answered, (2.0, 48.0)), None)

    def staff_order(self, request: RequestSim, at: dt.datetime, contractor_id: int | None) -> None:
        """`repair_request_order`: a person orders the work from the staff queue."""
        if not self.alive(at) or not request.outcome.trade:
            return
        if contractor_id is None:
            routed = self.world.route(request.outcome.trade, self.dwelling)
            if routed is None:
                return
            contractor_id, matched_by = routed[0], routed[1]
        else:
            matched_by = RoutedBy.PERSON.value
        due = due_by(
            urgency=request.outcome.urgency or Urgency.NORMAL,
            working_days=request.outcome.working_days or self.world.normal_working_days,
            submitted_at=request.submitted_at,
        )
        order = OrderSim(
            contractor_id=contractor_id,
            trade=request.outcome.trade,
            status=OrderStatus.ISSUED.value,
            due_by=due,
            routed_by=matched_by,
            created_at=at,
            issued_at=at,
            status_changed_at=at,
        )
        request.orders.append(order)
        request.handling = Handling.ORDERED.value
        before = self.set_status(request, RequestStatus.IN_PROGRESS.value, at)
        self.event(
            "work_order_created",
            at,
            STAFF,
            "",
            self.order_subjects(order, request),
            WIZARD_AND_ROUTING,
            {
                "contractor_id": contractor_id,
                "trade": order.trade,
                "status": order.status,
                "routed_by": matched_by,
                "request_from": before,
                "request_to": request.status,
                "due_by": due.isoformat() if due else None,
            },
        )
        appointment = self.book(request, order, self.work_moment(at, (1.0, 30.0)), contractor_id)
        if appointment is None:
            return
        self.report(request, order, self.reported_after(self.visit(appointment)), OrderResult.DONE.value)

    def flagged(self, request: RequestSim, order: OrderSim, at: dt.datetime, flag: str) -> None:
        """`work_order_flag`, then what a person does about it."""
        if not self.alive(at):
            return
        rng = self.rng
        order.flag = flag
        order.flagged_at = at
        order.remark = rng.choice(FLAG_REMARKS[flag])
        for appointment in order.appointments:
            if appointment.status != AppointmentStatus.CANCELLED:
                appointment.status = AppointmentStatus.CANCELLED.value
                appointment.cancelled_at = at
        request_before = request.status
        if flag == OrderFlag.NO_ACCESS:
            before = self.set_order_status(order, OrderStatus.ISSUED.value, at)
        else:
            before = self.set_order_status(order, OrderStatus.CANCELLED.value, at)
            request.handling = Handling.STAFF_QUEUE.value
            self.set_status(request, RequestStatus.IN_PROGRESS.value, at)
        self.event(
            "work_order_flagged",
            at,
            order.contractor_id,
            "",
            self.order_subjects(order, request),
            WIZARD_AND_ROUTING,
            {
                "flag": flag,
                "from": before,
                "to": order.status,
                "request_from": request_before,
                "request_to": request.status,
                "problem_id": request.problem_id,
                "trade": order.trade,
                "has_remark": bool(order.remark),
            },
        )
        if flag == OrderFlag.NO_ACCESS:
            self.again(request, order, at)
            return
        handled = self.work_moment(at, (1.0, 40.0))
        if flag == OrderFlag.TENANT_RESPONSIBILITY:
            self.contact(
                handled,
                Channel.PHONE,
                ContactTopic.REPAIR,
                "repair_flag_call",
                direction=Direction.OUTGOING.value,
                succeeded=rng.random() < 0.8,
                problem_id=request.problem_id,
            )
            self.cancel(
                request,
                handled + dt.timedelta(minutes=rng.randint(3, 20)),
                by=STAFF,
                reason="Eigen onderhoud huurder.",
            )
            return
        other = self.world.other_contractor(rng, order.trade, order.contractor_id)
        self.staff_order(request, handled, other)

    def cancel(
        self, request: RequestSim, at: dt.datetime, *, by: Actor | None = None, reason: str = ""
    ) -> None:
        """`repair_request_cancel`: the request (VERA GEA) with its open orders and their visits."""
        if not self.alive(at):
            return
        if by is None:
            if request.by_tenant and self.has_account(at) and self.rng.random() < 0.7:
                by = TENANT
            else:
                # The household calls to call it off.
                by = STAFF
                at = next_office_moment(self.rng, at - dt.timedelta(hours=1))
                self.contact(
                    at, Channel.PHONE, ContactTopic.REPAIR, "repair_cancel", problem_id=request.problem_id
                )
                at += dt.timedelta(minutes=self.rng.randint(1, 5))
                if not self.alive(at):
                    return
        cancelled = 0
        for order in request.orders:
            if order.status in _OPEN_ORDER:
                self.set_order_status(order, OrderStatus.CANCELLED.value, at)
                for appointment in order.appointments:
                    if appointment.status != AppointmentStatus.CANCELLED:
                        appointment.status = AppointmentStatus.CANCELLED.value
                        appointment.cancelled_at = at
                cancelled += 1
        request.cancelled_reason = reason or self.rng.choice(CANCEL_REASONS)
        before = self.set_status(request, RequestStatus.CANCELLED.value, at)
        self.event(
            "repair_request_cancelled",
            at,
            by,
            "",
            (("request", request), ("tenancy", None)),
            WIZARD,
            {"from": before, "to": request.status, "orders_cancelled": cancelled},
        )

    def settle(self) -> None:
        """Requests whose work was done long enough ago are settled (VERA AFG), with their orders."""
        low, high = SETTLE_AFTER_DAYS
        for request in self.out.requests:
            if request.status != RequestStatus.TECHNICALLY_DONE:
                continue
            settled = request.status_changed_at + dt.timedelta(days=self.rng.randint(low, high))
            if not self.alive(settled):
                continue
            request.status = RequestStatus.HANDLED.value
            request.status_changed_at = settled
            for order in request.orders:
                if order.status == OrderStatus.TECHNICALLY_DONE:
                    order.status = OrderStatus.HANDLED.value
                    order.status_changed_at = settled


_OPEN_ORDER = frozenset(
    {
        OrderStatus.REGISTERED.value,
        OrderStatus.AWAITING_APPROVAL.value,
        OrderStatus.ISSUED.value,
        OrderStatus.PLANNED.value,
        OrderStatus.IN_PROGRESS.value,
    }
)
# Portal visits by hour of the day (relative).
_PORTAL_HOURS = (
    1,
    0.5,
    0.3,
    0.2,
    0.2,
    0.4,
    1.5,
    3,
    4,
    5,
    5,
    5,
    5,
    4.5,
    4.5,
    4.5,
    5,
    5.5,
    6,
    7.5,
    8,
    7,
    4.5,
    2.5,
)


_HOURS = tuple(range(24))
_PORTAL_HOURS_CUMULATIVE = tuple(sum(_PORTAL_HOURS[: hour + 1]) for hour in _HOURS)


def simulate_repairs(
    rng: random.Random,
    plan: TenancyPlan,
    dwelling: DwellingPlan,
    world: RepairWorld,
    *,
    usernames: set[str],
    contacts_rng: random.Random | None = None,
) -> TenancyRepairs:
    """One tenancy's repairs over the history (the part of it the tenancy runs), and with `contacts_rng`
    its contacts about money as well (`contacts.money_contacts`)."""
    first = max(world.history_start, plan.start_date)
    last = min(plan.end_date or world.until, world.until)
    household = _Household(rng, plan, dwelling, world, first=first, last=last, usernames=usernames)
    if last < first:
        return household.out
    household.run()
    household.settle()
    if contacts_rng is not None:
        for contact in money_contacts(
            contacts_rng,
            plan,
            first=first,
            last=last,
            history_start=world.history_start,
            history_end=world.until,
        ):
            household.log(contact)
    return household.out
