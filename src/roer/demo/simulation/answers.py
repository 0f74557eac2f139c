"""The portal's answers and the "call me back" requests of the simulated corporation, as plain data.

A household with a portal account reads answers now and then — more often when money is tight, and after a
life event — as the answers app journals them (`answers.services`): a search (matched or not; the words of a
search that found nothing are kept without any link to who typed them), an answer shown, sometimes "did this
help?". An answer that did not help often leads to a call within a week or a callback request; customer
service calls back on the day and part of the day asked (sometimes late, sometimes nobody answers) and logs
the call as a contact moment.

The searches are the live answers' own: every query is run through `answers.search` once, when the world is
built, so the facts (best match, number of results) are what the portal would have journaled.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from roer.answers.constants import CONTACT_TOPIC_OF, PART_HOURS, CallbackPart, CallbackStatus, CallbackTopic
from roer.casework.constants import ContactTopic, Direction
from roer.core.constants import Channel
from roer.core.dates import AMSTERDAM
from roer.demo.constants import PaymentBehaviour
from roer.demo.simulation.contacts import (
    ANSWERS,
    ANSWERS_AND_WIZARD,
    STAFF,
    TENANT,
    ContactSim,
    PkOf,
    SubjectSim,
    office_moment_on,
    poisson,
    working,
)
from roer.demo.simulation.plans import TenancyPlan

# --- the answers as the simulation knows them ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerSpec:
    id: str
    topic: str
    contact_topic: str  # the casework topic a call about it has
    helped: float  # the chance "did this help?" is answered yes
    searches: tuple[tuple[str | None, int], ...]  # per query from its keywords: (best match, results)


@dataclass(frozen=True)
class AnswersWorld:
    answers: tuple[AnswerSpec, ...]
    cumulative: tuple[float, ...]  # over `answers`, for a visit without a reason
    money: tuple[AnswerSpec, ...]  # what a household reads when paying gets hard
    unmatched: tuple[str, ...]  # searches that find nothing
    parts: tuple[str, ...]
    days_ahead: int
    mode: str  # the answers flow's mode, as `answer_viewed` journals it

    def by_id(self, answer_id: str) -> AnswerSpec | None:
        for answer in self.answers:
            if answer.id == answer_id:
                return answer
        return None


# How often an answer is read compared with an ordinary one, by topic; repairs mostly go through the wizard.
TOPIC_WEIGHT: dict[str, float] = {
    "rent_account": 2.0,
    "direct_debit": 1.2,
    "arrangement": 1.2,
    "housing_allowance": 1.2,
    "repair": 0.8,
    "living": 0.8,
    "moving": 0.7,
    "nuisance": 0.7,
    "contact": 1.0,
}
# Answers that help less often than most: something for the supervisor's meter to find.
HELPED: dict[str, float] = {"service-costs": 0.35, "rent-too-high": 0.45, "collection-costs": 0.5}
MONEY_TOPICS = frozenset({"rent_account", "direct_debit", "arrangement", "housing_allowance"})
# Things people search for that the answers do not cover (checked against the live search).
UNMATCHED_SEARCHES = (
    "fietsenstalling",
    "parkeerplaats",
    "glasvezel aansluiting",
    "zonnepanelen",
    "kabel tv",
    "wifi",
    "schotel",
    "airco plaatsen",
    "laadpaal",
    "waterbed",
    "antenne",
    "rookmelder batterij piept",
    "scootmobiel stalling",
)


def answers_world(book: Any, search: Callable[[Any, str], Sequence[Any]], *, mode: str) -> AnswersWorld:
    """The live answers (`answers.book.Book`) with their searches run once through `search`."""
    answers = []
    for answer in book.answers.values():
        searches = []
        for keyword in answer.keywords[:6]:
            result = search(book, keyword)
            best = result[0].id if result else None
            searches.append((best, len(result)))
        answers.append(
            AnswerSpec(
                id=answer.id,
                topic=answer.topic.id,
                contact_topic=CONTACT_TOPIC_OF.get(answer.topic.id, ContactTopic.ANSWER.value),
                helped=HELPED.get(answer.id, 0.72),
                searches=tuple(searches) or ((answer.id, 1),),
            )
        )
    total, sums = 0.0, []
    for spec in answers:
        total += TOPIC_WEIGHT.get(spec.topic, 1.0)
        sums.append(total)
    unmatched = tuple(text for text in UNMATCHED_SEARCHES if not search(book, text))
    return AnswersWorld(
        answers=tuple(answers),
        cumulative=tuple(sums),
        money=tuple(a for a in answers if a.topic in MONEY_TOPICS),
        unmatched=unmatched,
        parts=tuple(p for p in CallbackPart.values if p in book.callback["parts"]),
        days_ahead=int(book.callback["days_ahead"]),
        mode=mode,
    )


# --- what it produces -------------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class FeedbackSim:
    answer_id: str
    helped: bool
    comment: str
    idempotency_key: str
    created_at: dt.datetime
    pk: int | None = None
    ref: Any = None


@dataclass(slots=True, eq=False)
class CallbackSim:
    phone: str
    preferred_day: dt.date
    preferred_part: str
    topic: str
    problem_id: str
    answer_id: str
    note: str
    idempotency_key: str
    created_at: dt.datetime
    status: str = CallbackStatus.OPEN.value
    attempts: int = 0
    handled_at: dt.datetime | None = None
    outcome: str = ""
    pk: int | None = None
    ref: Any = None


@dataclass(slots=True, eq=False)
class SearchSim:
    """A search that found nothing: its words, with no link to who typed them."""

    text: str
    created_at: dt.datetime


class Household(Protocol):
    """What the answers need of a household's simulation (`repairs._Household`)."""

    rng: random.Random
    plan: TenancyPlan
    first: dt.date
    last: dt.date
    feedback: list[FeedbackSim]
    callbacks: list[CallbackSim]
    searches: list[SearchSim]

    def alive(self, moment: dt.datetime) -> bool: ...

    def has_account(self, moment: dt.datetime) -> bool: ...

    def portal_moment(self, day: dt.date) -> dt.datetime: ...

    def event(
        self,
        activity: str,
        at: dt.datetime,
        actor: str | int,
        channel: str,
        subjects: tuple[SubjectSim, ...],
        rules: int,
        facts: dict[str, Any],
        resolve: bool = False,
    ) -> None: ...

    def log(self, contact: ContactSim) -> None: ...

    def account_since(self) -> dt.datetime | None: ...


# Portal visits to the answers a year, by payment behaviour.
VISITS_PER_YEAR: Mapping[str, float] = {
    PaymentBehaviour.ON_TIME: 0.9,
    PaymentBehaviour.PAY_DAY: 1.1,
    PaymentBehaviour.LATE: 1.8,
    PaymentBehaviour.CHAOTIC: 2.4,
}
SEARCH_FIRST = 0.55
SEARCH_UNMATCHED = 0.13
FEEDBACK = 0.4
NOT_HELPED_CALLBACK = 0.3
NOT_HELPED_CALL = 0.3
NO_FEEDBACK_CALL = 0.06
NOTES = ("Graag na 10 uur bellen.", "Over mijn huurrekening.", "Ik snap de brief niet.", "")
COMMENTS = ("Geen antwoord op mijn vraag.", "Te ingewikkeld.", "Mijn situatie is anders.", "")
OUTCOMES = {
    CallbackStatus.CALLED.value: (
        "Vraag beantwoord.",
        "Uitleg gegeven, huurder tevreden.",
        "Afspraak gemaakt.",
    ),
    CallbackStatus.NO_ANSWER.value: ("Geen gehoor.", "Voicemail ingesproken."),
    CallbackStatus.CLOSED.value: ("Huurder belde zelf al.", "Drie keer geen gehoor."),
}
CALL_SUMMARIES = ("Vraag over het antwoord op de website.", "Antwoord in het portaal was niet duidelijk.")


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def answer_visits(h: Household, world: AnswersWorld) -> None:
    """The household's visits to the answers while it has a portal account."""
    since = h.account_since()
    if since is None:
        return
    rng = h.rng
    first = max(h.first, since.date())
    if first > h.last:
        return
    years = ((h.last - first).days + 1) / 365.25
    rate = VISITS_PER_YEAR.get(h.plan.behaviour, 1.0) * rng.uniform(0.5, 1.5)
    for _ in range(poisson(rng, rate * years)):
        day = first + dt.timedelta(days=rng.randint(0, (h.last - first).days))
        answer = rng.choices(world.answers, cum_weights=world.cumulative)[0]
        visit(h, world, h.portal_moment(day), answer)
    for event in h.plan.events:
        # After a life event, a look at what the corporation says about paying.
        day = event.date + dt.timedelta(days=rng.randint(5, 60))
        if world.money and first <= day <= h.last and rng.random() < 0.5:
            visit(h, world, h.portal_moment(day), rng.choice(world.money))


def _offered(world: AnswersWorld, now: dt.datetime) -> list[tuple[dt.date, list[str]]]:
    """`answers.selectors.callback_slots`: today's parts not yet ended (an hour's margin), then working days."""
    local = now.astimezone(AMSTERDAM)
    days: list[tuple[dt.date, list[str]]] = []
    day = local.date()
    while len(days) < world.days_ahead:
        if working(day):
            parts = [p for p in world.parts if _window(day, p)[1] - dt.timedelta(hours=1) > local]
            if parts:
                days.append((day, parts))
        day += dt.timedelta(days=1)
    return days


def _window(day: dt.date, part: str) -> tuple[dt.datetime, dt.datetime]:
    """`answers.selectors.part_window`."""
    start, end = PART_HOURS[part]
    return (
        dt.datetime.combine(day, dt.time(start), tzinfo=AMSTERDAM),
        dt.datetime.combine(day, dt.time(end), tzinfo=AMSTERDAM),
    )


def visit(h: Household, world: AnswersWorld, at: dt.datetime, answer: AnswerSpec) -> None:
    """One visit: maybe a search, the answer shown, maybe feedback, and what follows when it did not help."""
    if not h.alive(at) or at.date() > h.last or not h.has_account(at):
        return
    rng = h.rng
    tenancy = ("tenancy", None)
    moment = at
    if rng.random() < SEARCH_FIRST:
        if world.unmatched and rng.random() < SEARCH_UNMATCHED:
            h.searches.append(SearchSim(rng.choice(world.unmatched), moment))
            h.event(
                "answers_searched",
                moment,
                TENANT,
                Channel.PORTAL,
                (tenancy, ("answers_version", None)),
                ANSWERS,
                {"matched": False, "answer_id": None, "results": 0},
            )
            if rng.random() < 0.5:
                if rng.random() < 0.3:
                    _call(h, moment, ContactTopic.ANSWER.value, "")
                return
        else:
            best, results = rng.choice(answer.searches)
            h.event(
                "answers_searched",
                moment,
                TENANT,
                Channel.PORTAL,
                (tenancy, ("answer", best)) if best else (tenancy, ("answers_version", None)),
                ANSWERS,
                {"matched": best is not None, "answer_id": best, "results": results},
            )
            found = world.by_id(best) if best else None
            if found is not None and rng.random() < 0.7:
                answer = found
        moment += dt.timedelta(seconds=rng.randint(5, 60))
    h.event(
        "answer_viewed",
        moment,
        TENANT,
        Channel.PORTAL,
        (tenancy, ("answer", answer.id)),
        ANSWERS,
        {
            "answer_id": answer.id,
            "topic": answer.topic,
            "contact_topic": answer.contact_topic,
            "mode": world.mode,
        },
    )
    helped: bool | None = None
    if rng.random() < FEEDBACK:
        moment += dt.timedelta(seconds=rng.randint(20, 240))
        helped = rng.random() < answer.helped
        comment = rng.choice(COMMENTS) if not helped and rng.random() < 0.3 else ""
        feedback = FeedbackSim(answer.id, helped, comment, _hex(rng), moment)
        h.feedback.append(feedback)
        h.event(
            "answer_feedback",
            moment,
            TENANT,
            Channel.PORTAL,
            (tenancy, ("answer", answer.id), ("feedback", feedback)),
            ANSWERS,
            {"answer_id": answer.id, "topic": answer.topic, "helped": helped, "with_comment": bool(comment)},
        )
    r = rng.random()
    if helped is False and r < NOT_HELPED_CALLBACK:
        topic, answer_id = _callback_topic(rng, answer)
        callback(h, world, moment + dt.timedelta(seconds=rng.randint(20, 120)), topic, answer_id=answer_id)
    elif (helped is False and r < NOT_HELPED_CALLBACK + NOT_HELPED_CALL) or (
        helped is None and r < NO_FEEDBACK_CALL
    ):
        # The same topic by phone within a week: a channel switch.
        day = moment + dt.timedelta(days=rng.randint(0, 6), hours=rng.uniform(0, 12))
        if rng.random() < 0.6:
            _call(h, day, ContactTopic.ANSWER.value, answer.id)
        else:
            _call(h, day, answer.contact_topic, "")


def _callback_topic(rng: random.Random, answer: AnswerSpec) -> tuple[str, str]:
    if rng.random() < 0.6 or answer.contact_topic not in CallbackTopic.values:
        return CallbackTopic.ANSWER.value, answer.id
    return answer.contact_topic, ""


def _call(h: Household, after: dt.datetime, topic: str, answer_id: str) -> None:
    """The household phones customer service, who logs it naming the answer (`answers.contact_register`)."""
    at = office_moment_on(h.rng, after.date() + dt.timedelta(days=1 if after.hour >= 17 else 0))
    if not h.alive(at) or at.date() > h.last:
        return
    h.log(
        ContactSim(
            channel=Channel.PHONE.value,
            direction=Direction.INCOMING.value,
            happened_at=at,
            succeeded=True,
            topic=topic,
            summary=h.rng.choice(CALL_SUMMARIES),
            recorded_at=at + dt.timedelta(minutes=h.rng.randint(2, 10)),
            answer_id=answer_id,
            rules=ANSWERS if answer_id else None,
        )
    )


def callback(
    h: Household,
    world: AnswersWorld,
    at: dt.datetime,
    topic: str,
    *,
    problem_id: str = "",
    answer_id: str = "",
) -> dt.datetime | None:
    """`callback_request_create`, then customer service calls (`callback_handle`). Returns when the
    household was reached, or None."""
    rng = h.rng
    phone = h.plan.members[0].person.phone if h.plan.members else ""
    if not phone or not h.alive(at) or not world.parts:
        return None
    offered = _offered(world, at)
    if not offered:
        return None
    day, parts = offered[0] if rng.random() < 0.6 or len(offered) == 1 else rng.choice(offered[1:])
    part = rng.choice(parts)
    note = rng.choice(NOTES) if rng.random() < 0.3 else ""
    request = CallbackSim(phone, day, part, topic, problem_id, answer_id, note, _hex(rng), at)
    h.callbacks.append(request)
    rules = ANSWERS_AND_WIZARD if problem_id else ANSWERS
    h.event(
        "callback_requested",
        at,
        TENANT,
        Channel.PORTAL,
        (("tenancy", None), ("callback", request), *((("answer", answer_id),) if answer_id else ())),
        rules,
        {
            "topic": topic,
            "preferred_day": day.isoformat(),
            "preferred_part": part,
            "with_note": bool(note),
            **({"problem_id": problem_id} if problem_id else {}),
            **({"answer_id": answer_id} if answer_id else {}),
        },
    )
    starts, ends = _window(day, part)
    attempt_day, reached = day, None
    for attempt in range(3):
        if rng.random() < 0.05 and attempt == 0:
            _handle(
                h, request, max(at, starts) + dt.timedelta(minutes=rng.randint(5, 90)), CallbackStatus.CLOSED
            )
            return None
        r = rng.random()
        if r < 0.82:
            moment = starts + (ends - starts) * rng.random()
        elif r < 0.95:
            moment = ends + dt.timedelta(minutes=rng.randint(10, 200))  # late
        else:
            moment = starts - dt.timedelta(minutes=rng.randint(10, 90))  # early
        moment = max(moment, at + dt.timedelta(minutes=5))
        status = (
            CallbackStatus.CALLED
            if rng.random() < (0.8 if attempt < 2 else 0.6)
            else CallbackStatus.NO_ANSWER
        )
        if attempt == 2 and status == CallbackStatus.NO_ANSWER and rng.random() < 0.5:
            _handle(h, request, moment, CallbackStatus.CLOSED)
            return None
        if not _handle(h, request, moment, status):
            return None
        if status == CallbackStatus.CALLED:
            reached = moment
            break
        # Try again the next working day, in the same part.
        attempt_day += dt.timedelta(days=1)
        while not working(attempt_day):
            attempt_day += dt.timedelta(days=1)
        starts, ends = _window(attempt_day, part)
    return reached


def _handle(h: Household, request: CallbackSim, at: dt.datetime, status: CallbackStatus) -> bool:
    if not h.alive(at):
        return False
    rng = h.rng
    contact: ContactSim | None = None
    outcome = rng.choice(OUTCOMES[status.value])
    rules = ANSWERS_AND_WIZARD if request.problem_id else ANSWERS
    if status in (CallbackStatus.CALLED, CallbackStatus.NO_ANSWER):
        contact = ContactSim(
            channel=Channel.PHONE.value,
            direction=Direction.OUTGOING.value,
            happened_at=at,
            succeeded=status == CallbackStatus.CALLED,
            topic=request.topic,
            summary=outcome,
            recorded_at=at,
            problem_id=request.problem_id,
            answer_id=request.answer_id,
            rules=rules,
        )
        h.log(contact)
        request.attempts += 1
    request.status = status.value
    request.handled_at = at
    request.outcome = outcome
    starts, ends = _window(request.preferred_day, request.preferred_part)
    h.event(
        "callback_handled",
        at,
        STAFF,
        Channel.PHONE.value if contact is not None else "",
        (("tenancy", None), ("callback", request), *((("contact", contact),) if contact is not None else ())),
        ANSWERS,
        {
            "status": status.value,
            "topic": request.topic,
            "attempts": request.attempts,
            "timing": "early" if at < starts else ("in_time" if at < ends else "late"),
            "minutes_waited": int((at - request.created_at).total_seconds() // 60),
            "contact_id": PkOf(contact) if contact is not None else None,
        },
        resolve=contact is not None,
    )
    return True
