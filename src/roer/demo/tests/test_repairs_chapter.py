"""The repairs chapter of the simulated corporation: portal accounts, repair requests, work orders, visits,
flags, grades, wizard runs and contact moments — deterministic per seed, shaped like live data."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roer.accounts.activation import activation_code_check, activation_codes_issue, tenant_account_activate
from roer.accounts.constants import DEMO_USERNAMES, Role
from roer.accounts.models import ActivationCode, User
from roer.accounts.tests.tenants import STRONG_PASSWORD, read_letters
from roer.answers.constants import CallbackStatus, CallbackTopic
from roer.answers.models import AnswerFeedback, CallbackRequest
from roer.answers.selectors import callback_slots, live_answers
from roer.answers.services import (
    answer_feedback_record,
    answer_search_record,
    answer_viewed,
    callback_handle,
    callback_request_create,
    contact_register,
)
from roer.casework.constants import ContactTopic, Direction
from roer.casework.models import ContactMoment
from roer.casework.services import contact_log
from roer.core import journal
from roer.core.constants import Channel
from roer.core.dates import AMSTERDAM
from roer.core.models import Decision, JournalEvent, JournalSubject
from roer.demo.logins import DEMO_TENANT_STORIES
from roer.demo.services import demo_build, demo_wipe
from roer.demo.simulation.calendar import history_start_for
from roer.demo.simulation.corporation import plan_corporation
from roer.demo.simulation.households import plan_dwelling
from roer.demo.simulation.names import NamePool
from roer.demo.simulation.repairs import (
    ContractorInfo,
    TenancyRepairs,
    due_by,
    simulate_repairs,
    slots,
    world_from_tree,
)
from roer.repairs import routing, scheduling
from roer.repairs.constants import (
    OrderFlag,
    OrderResult,
    RequestStatus,
    SatisfactionChannel,
    WizardBackTo,
    WizardStep,
)
from roer.repairs.contractor_tokens import contractor_actor
from roer.repairs.default_tree import default_tree
from roer.repairs.models import Appointment, Contractor, RepairRequest, SatisfactionResponse, WorkOrder
from roer.repairs.satisfaction import LINK_HOLDER, satisfaction_record
from roer.repairs.scheduling import Preference
from roer.repairs.selectors import repair_requests_visible_to
from roer.repairs.services import (
    appointment_book,
    appointment_confirm,
    appointment_slots,
    repair_request_cancel,
    repair_request_order,
    repair_request_reschedule,
    repair_request_submit,
    wizard_step_record,
    work_order_accept,
    work_order_flag,
    work_order_report,
)
from roer.repairs.tree import Tree
from roer.repairs.wizard_sessions import wizard_abandons_record
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import Person, Tenancy, TenancyParty

UNTIL = dt.date(2026, 10, 31)
# After the history: the services run on a Tuesday morning in November.
AFTER = dt.datetime(2026, 11, 24, 9, 0, tzinfo=AMSTERDAM)


def build(dwellings: int = 50, years: int = 3, seed: int = 5) -> None:
    demo_build(dwellings=dwellings, years=years, seed=seed, until=UNTIL)


def repairs_fingerprint() -> dict[str, Any]:
    """Counts and a hash over what the chapter wrote, without ids (a rebuild draws new ones)."""
    digest = hashlib.sha256()
    for row in RepairRequest.objects.order_by("tenancy__reference", "submitted_at", "problem_id").values_list(
        "tenancy__reference", "problem_id", "channel", "status", "handling", "submitted_at", "idempotency_key"
    ):
        digest.update(repr(row).encode())
    for row in WorkOrder.objects.order_by("request__idempotency_key", "created_at").values_list(
        "request__idempotency_key", "contractor__key", "status", "flag", "due_by", "completed_at"
    ):
        digest.update(repr(row).encode())
    for row in SatisfactionResponse.objects.order_by("request__idempotency_key").values_list(
        "request__idempotency_key", "grade", "fixed", "channel"
    ):
        digest.update(repr(row).encode())
    for row in ContactMoment.objects.order_by("tenancy__reference", "happened_at", "topic").values_list(
        "tenancy__reference", "happened_at", "channel", "topic", "direction"
    ):
        digest.update(repr(row).encode())
    events = Counter(
        JournalEvent.objects.filter(subjects__kind="tenancies.tenancy").values_list("activity", flat=True)
    )
    return {
        "requests": RepairRequest.objects.count(),
        "orders": WorkOrder.objects.count(),
        "appointments": Appointment.objects.count(),
        "grades": SatisfactionResponse.objects.count(),
        "contacts": ContactMoment.objects.count(),
        "accounts": User.objects.filter(person__isnull=False).count(),
        "events": dict(sorted(events.items())),
        "hash": digest.hexdigest(),
    }


# --- the pure simulation ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulated() -> list[TenancyRepairs]:
    """300 dwellings over 12 years, without a database: enough for the shares to settle."""
    until = UNTIL
    history_start = history_start_for(until=until, years=12)
    document = routing.default_document()
    contractors = {
        c["key"]: ContractorInfo(n + 1, c["key"], tuple(c["trades"]))
        for n, c in enumerate(document["contractors"])
    }
    world = world_from_tree(
        Tree.from_document(default_tree()),
        routing_document=document,
        routing_number=1,
        contractors=contractors,
        decision_reason="Autopilot.",
        history_start=history_start,
        until=until,
    )
    names = NamePool.from_faker(11)
    _complexes, dwellings = plan_corporation(
        random.Random("11:corporation"), names, dwellings=300, history_start=history_start, until=until
    )
    usernames: set[str] = set()
    results = []
    for dwelling in dwellings:
        for plan in plan_dwelling(
            random.Random(f"11:dwelling:{dwelling.index}"),
            names,
            dwelling,
            history_start=history_start,
            until=until,
        ):
            results.append(
                simulate_repairs(
                    random.Random(f"11:repairs:{plan.reference}"),
                    plan,
                    dwelling,
                    world,
                    usernames=usernames,
                    contacts_rng=random.Random(f"11:contacts:{plan.reference}"),
                )
            )
    return results


def test_two_to_three_requests_per_dwelling_a_year(simulated: list[TenancyRepairs]) -> None:
    requests = sum(len(r.requests) for r in simulated)
    assert 2.0 <= requests / (300 * 12) <= 3.0


def test_the_portal_share_rises_from_a_tenth_to_almost_half(simulated: list[TenancyRepairs]) -> None:
    first_year_end = dt.datetime(2015, 11, 1, tzinfo=AMSTERDAM)
    last_year_start = dt.datetime(2025, 11, 1, tzinfo=AMSTERDAM)
    first = [r.channel for t in simulated for r in t.requests if r.submitted_at < first_year_end]
    last = [r.channel for t in simulated for r in t.requests if r.submitted_at >= last_year_start]
    first_share = first.count("INT") / len(first)
    last_share = last.count("INT") / len(last)
    assert 0.05 <= first_share <= 0.16
    assert 0.36 <= last_share <= 0.55
    # The rest comes by phone and, less and less, at the desk.
    assert {"TEL", "BAL"} <= set(first) and last.count("TEL") > last.count("BAL")


def test_contractors_flag_four_to_six_percent_of_orders(simulated: list[TenancyRepairs]) -> None:
    orders = [o for t in simulated for r in t.requests for o in r.orders]
    flags = Counter(o.flag for o in orders if o.flag)
    assert 0.04 <= sum(flags.values()) / len(orders) <= 0.065
    assert set(flags) == {flag.value for flag in OrderFlag}


def test_grades_average_about_seven_three_with_about_twelve_percent_below_six(
    simulated: list[TenancyRepairs],
) -> None:
    graded = [r for t in simulated for r in t.requests if r.satisfaction is not None]
    grades = [r.satisfaction.grade for r in graded if r.satisfaction is not None]
    assert all(1 <= g <= 10 for g in grades)
    assert 7.1 <= sum(grades) / len(grades) <= 7.5
    assert 0.09 <= sum(g < 6 for g in grades) / len(grades) <= 0.15

    def average(requests: list[Any]) -> float:
        return sum(r.satisfaction.grade for r in requests) / len(requests)

    def on_time(request: Any) -> bool:
        return all(o.completed_at is None or o.completed_at <= o.due_by for o in request.orders)

    portal_on_time = [r for r in graded if r.channel == "INT" and on_time(r) and len(r.orders) == 1]
    troubled = [
        r for r in graded if not on_time(r) or any(o.flag for o in r.orders) or r.repeat_of is not None
    ]
    assert average(portal_on_time) > average(graded) > average(troubled)


def test_most_work_is_done_in_time_some_is_late(simulated: list[TenancyRepairs]) -> None:
    done = [o for t in simulated for r in t.requests for o in r.orders if o.completed_at is not None]
    late = sum(o.completed_at > o.due_by for o in done)  # type: ignore[operator]
    assert 0.03 <= late / len(done) <= 0.15


def test_some_requests_repeat_the_same_element_within_30_days(simulated: list[TenancyRepairs]) -> None:
    tree = Tree.from_document(default_tree())

    def element(problem_id: str) -> tuple[str, str, str]:
        return tree.problem(problem_id).path[:3]

    repeats = [r for t in simulated for r in t.requests if r.repeat_of is not None]
    assert 0.02 <= len(repeats) / sum(len(t.requests) for t in simulated) <= 0.1
    for request in repeats:
        first = request.repeat_of
        assert first is not None and element(request.problem_id) == element(first.problem_id)
        # Within 30 days of the work (a few more when the household first tried the portal, then called).
        assert any(
            dt.timedelta(0) < request.submitted_at - o.completed_at < dt.timedelta(days=42)
            for o in first.orders
            if o.completed_at is not None
        )


def test_portal_runs_are_sometimes_left_and_followed_by_a_call(simulated: list[TenancyRepairs]) -> None:
    steps = Counter(
        e.facts["step"]
        for t in simulated
        for e in t.events
        if e.activity == "wizard_step" and "step" in e.facts
    )
    assert steps[WizardStep.ABANDONED] > 0
    assert steps[WizardStep.SEARCHED] > steps[WizardStep.ABANDONED]
    assert steps[WizardStep.OUTCOME_SHOWN] > steps[WizardStep.QUESTIONS_SHOWN] / 2
    switches = 0
    for tenancy in simulated:
        left = [
            e.at
            for e in tenancy.events
            if e.activity == "wizard_step" and e.facts["step"] == WizardStep.ABANDONED
        ]
        calls = [c.happened_at for c in tenancy.contacts if c.channel == "TEL" and c.topic == "repair"]
        switches += sum(
            any(
                dt.timedelta(0) <= call - (moment - dt.timedelta(hours=24)) <= dt.timedelta(days=8)
                for call in calls
            )
            for moment in left
        )
    assert switches > 0


def test_the_fast_slots_and_due_dates_are_the_services_own() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        start = dt.datetime(2024, 1, 1, tzinfo=AMSTERDAM) + dt.timedelta(
            minutes=rng.randint(0, 60 * 24 * 900)
        )
        due = None if rng.random() < 0.1 else start + dt.timedelta(hours=rng.uniform(-5, 24 * 12))
        preference = (
            Preference(frozenset(rng.sample(range(5), rng.randint(0, 3))), rng.choice([None, "OCH", "MID"]))
            if rng.random() < 0.5
            else None
        )
        days = rng.choice([10, 30])
        assert slots(start=start, days=days, due=due, preference=preference) == scheduling.slots(
            start=start, days=days, due=due, preference=preference
        )
        urgency = rng.choice(["normal", "urgent", "emergency"])
        working_days = rng.randint(1, 10)
        assert due_by(urgency=urgency, working_days=working_days, submitted_at=start) == scheduling.due_by(
            urgency=urgency, working_days=working_days, submitted_at=start
        )


# --- the chapter in the database ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_seed_writes_the_same_repairs_and_a_wipe_removes_them() -> None:
    build()
    first = repairs_fingerprint()
    assert (
        first["requests"] > 100 and first["orders"] > 80 and first["grades"] > 10 and first["contacts"] > 100
    )
    assert first["accounts"] > 0
    demo_wipe()
    assert not RepairRequest.objects.exists() and not ContactMoment.objects.exists()
    assert not JournalSubject.objects.filter(kind__in=["tenancies.tenancy", "repairs.repairrequest"]).exists()
    assert not Decision.objects.filter(subject_kind="repairs.repairrequest").exists()
    assert not User.objects.filter(groups__name=Role.TENANT).exists()
    build()
    assert repairs_fingerprint() == first


@pytest.mark.django_db
def test_rows_are_consistent_with_their_statuses() -> None:
    build()
    assert not RepairRequest.objects.filter(channel="INT", submitted_by__isnull=True).exists()
    staff = User.objects.get(username=DEMO_USERNAMES[Role.CUSTOMER_SERVICE])
    assert set(RepairRequest.objects.exclude(channel="INT").values_list("submitted_by", flat=True)) == {
        staff.pk
    }
    for request in RepairRequest.objects.prefetch_related("orders__appointments"):
        orders = list(request.orders.all())
        live = [a for o in orders for a in o.appointments.all() if a.status != "cancelled"]
        assert len(live) <= len(orders)
        if request.status == RequestStatus.CANCELLED:
            assert request.cancelled_reason and all(o.status == "GEA" for o in orders)
            assert not live
        if request.status in (RequestStatus.TECHNICALLY_DONE, RequestStatus.HANDLED) and orders:
            assert any(o.result == OrderResult.DONE for o in orders)
        if request.handling == "tenant_part":
            assert request.status == RequestStatus.HANDLED and not orders
    assert set(SatisfactionResponse.objects.values_list("grade", flat=True)) <= set(range(1, 11))
    # More by portal at the end of the history than at its start.
    first_year = RepairRequest.objects.filter(submitted_at__date__lt=dt.date(2024, 11, 1))
    last_year = RepairRequest.objects.filter(submitted_at__date__gt=dt.date(2025, 10, 31))
    assert first_year.filter(channel="INT").count() / first_year.count() < (
        last_year.filter(channel="INT").count() / last_year.count()
    )
    # Every portal account came through an activation code.
    activated = set(ActivationCode.objects.filter(used_at__isnull=False).values_list("person_id", flat=True))
    accounts = set(
        User.objects.filter(person__isnull=False, is_demo=False).values_list("person__id", flat=True)
    )
    assert accounts and accounts <= activated
    assert not Person.objects.filter(pk__in=activated, user__isnull=True).exists()
    assert (
        Decision.objects.filter(subject_kind="repairs.repairrequest").count() == RepairRequest.objects.count()
    )
    # Answers read in the portal: feedback both ways, callbacks asked for and handled.
    assert set(AnswerFeedback.objects.values_list("helped", flat=True)) == {True, False}
    assert CallbackRequest.objects.exists()
    for callback in CallbackRequest.objects.all():
        assert (callback.handled_at is None) == (callback.handled_by_id is None)
        assert (callback.status == CallbackStatus.OPEN) == (callback.handled_at is None)
        assert callback.attempts <= 3
        if callback.status == CallbackStatus.CALLED:
            assert callback.attempts >= 1


@pytest.mark.django_db
def test_a_small_build_takes_a_bounded_number_of_queries() -> None:
    """The repairs are written per chunk, not per request: twice the dwellings (in as many chunks) write twice
    the rows with hardly more queries."""
    with CaptureQueriesContext(connection) as small:
        build(dwellings=50, years=3)
    requests = RepairRequest.objects.count()
    events = JournalEvent.objects.count()
    assert requests > 300 and events > 3000
    assert len(small) < 600
    demo_wipe()
    with CaptureQueriesContext(connection) as large:
        build(dwellings=100, years=3)
    assert RepairRequest.objects.count() > 1.7 * requests
    assert len(large) - len(small) < 40


@pytest.mark.django_db
def test_the_journal_holds_no_personal_data() -> None:
    build()
    personal: set[str] = set()
    for person in TenancyParty.objects.select_related("person").values_list(
        "person__name", "person__email", "person__phone"
    ):
        personal.update(value for value in person if value)
    personal.update(RepairRequest.objects.exclude(description="").values_list("description", flat=True))
    personal.update(
        RepairRequest.objects.exclude(cancelled_reason="").values_list("cancelled_reason", flat=True)
    )
    personal.update(WorkOrder.objects.exclude(remark="").values_list("remark", flat=True))
    personal.update(SatisfactionResponse.objects.exclude(comment="").values_list("comment", flat=True))
    personal.update(ContactMoment.objects.exclude(summary="").values_list("summary", flat=True))
    personal.update(User.objects.filter(person__isnull=False).values_list("username", flat=True))
    assert len(personal) > 100

    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    events = JournalEvent.objects.filter(subjects__kind="tenancies.tenancy").distinct()
    assert events.count() > 1000
    for facts in events.values_list("facts", flat=True):
        assert not journal.PERSONAL_FACT_KEYS.intersection(facts)
        for text in strings(facts):
            assert text not in personal and "@" not in text and " " not in text, text


@pytest.mark.django_db
def test_the_demo_tenant_logins_see_their_own_repair_history(client: Any) -> None:
    build(dwellings=120, years=4)
    from roer.demo.logins import demo_tenant_logins_ensure

    demo_tenant_logins_ensure()
    stories = User.objects.filter(username__in=list(DEMO_TENANT_STORIES))
    assert stories.count() >= 3
    with_history = 0
    for user in stories:
        visible = repair_requests_visible_to(user)
        tenancies = set(Tenancy.objects.filter(parties__person__user=user).values_list("pk", flat=True))
        assert set(visible.values_list("tenancy_id", flat=True)) <= tenancies
        if visible.exists():
            with_history += 1
            client.force_login(user)
            response = client.get(reverse("portal:repairs-requests"))
            assert response.status_code == 200
            newest = visible.order_by("-submitted_at").first()
            assert newest is not None and newest.code in response.content.decode()
    assert with_history >= 3


# --- the same shape as the services' events -----------------------------------------------------------


def shapes(events: Any) -> set[tuple[Any, ...]]:
    """What identifies the shape of an event: activity (and wizard step), fact keys, subject kinds, actor kind
    (and whether it names an account), channel and rule sets."""
    found = set()
    for event in events.prefetch_related("subjects", "rule_versions__rule_version__rule_set"):
        found.add(
            (
                event.activity,
                event.facts.get("step") if event.activity == "wizard_step" else None,
                tuple(sorted(event.facts)),
                tuple(sorted(s.kind for s in event.subjects.all())),
                event.actor_kind,
                event.actor_id is None,
                event.channel,
                tuple(sorted(v.rule_version.rule_set.key for v in event.rule_versions.all())),
            )
        )
    return found


def _tenancy_with(**where: Any) -> Tenancy:
    return (
        Tenancy.objects.filter(end_date__isnull=True, **where)
        .exclude(parties__person__email="")
        .order_by("reference")
        .first()
    )


@pytest.mark.django_db
def test_the_journal_events_have_the_shape_of_the_services_events(
    tmp_path: Path, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    build(dwellings=80, years=3)
    last_demo_event = JournalEvent.objects.order_by("-id").values_list("id", flat=True).first()
    # What the build made through the real services (rule versions, contractors) is theirs already.
    made_by_services = [
        "demo_built",
        "rule_version_drafted",
        "rule_version_published",
        "contractor_created",
        "contractor_account_linked",
    ]
    demo = shapes(JournalEvent.objects.filter(id__lte=last_demo_event).exclude(activity__in=made_by_services))

    staff = User.objects.get(username=DEMO_USERNAMES[Role.CUSTOMER_SERVICE])

    def commit(call: Any) -> Any:
        """Run the call and, at once, what it queued for after the commit (the e-mails)."""
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    with time_machine.travel(AFTER, tick=True):
        # A household that opens its portal account now.
        tenancy = (
            Tenancy.objects.filter(end_date__isnull=True, parties__person__user__isnull=True)
            .exclude(parties__person__email="")
            .order_by("reference")
            .first()
        )
        assert tenancy is not None
        activation_codes_issue(tenancy_references=[tenancy.reference], output=tmp_path / "letters.csv")
        [letter] = read_letters(tmp_path / "letters.csv")
        check = activation_code_check(
            code=letter["code"],
            postcode=tenancy.dwelling.postcode,
            house_number=tenancy.dwelling.house_number,
        )
        person = TenancyParty.objects.get(tenancy=tenancy, role=PartyRole.TENANT).person
        user = tenant_account_activate(
            code_id=check.code_id, email=f"x{person.pk}@example.nl", password=STRONG_PASSWORD
        )
        user = User.objects.get(pk=user.pk)

        # The wizard in the portal, every step, and a run left.
        session = "a" * 32
        wizard_step_record(
            by=user,
            tenancy=tenancy,
            step=WizardStep.SEARCHED,
            problem_id="thermostat",
            matched=True,
            wizard_session=session,
        )
        wizard_step_record(
            by=user,
            tenancy=tenancy,
            step=WizardStep.SEARCHED,
            problem_id=None,
            matched=False,
            wizard_session=session,
        )
        wizard_step_record(
            by=user,
            tenancy=tenancy,
            step=WizardStep.QUESTIONS_SHOWN,
            problem_id="thermostat",
            wizard_session=session,
        )
        wizard_step_record(
            by=user,
            tenancy=tenancy,
            step=WizardStep.OUTCOME_SHOWN,
            problem_id="thermostat",
            responsibility="corporation",
            offered_form=True,
            wizard_session=session,
        )
        wizard_step_record(
            by=user,
            tenancy=tenancy,
            step=WizardStep.BACK,
            problem_id="thermostat",
            back_to=WizardBackTo.QUESTIONS,
            from_step=WizardStep.OUTCOME_SHOWN,
            wizard_session=session,
        )
        left = "b" * 32
        wizard_step_record(
            by=user, tenancy=tenancy, step=WizardStep.QUESTIONS_SHOWN, problem_id="mould", wizard_session=left
        )
        wizard_step_record(
            by=user,
            tenancy=tenancy,
            step=WizardStep.OUTCOME_SHOWN,
            problem_id="mould",
            responsibility="corporation",
            offered_form=True,
            wizard_session=left,
        )
        left_early = "c" * 32
        wizard_step_record(
            by=user,
            tenancy=tenancy,
            step=WizardStep.SEARCHED,
            problem_id="mould",
            matched=True,
            wizard_session=left_early,
        )
        wizard_step_record(
            by=user,
            tenancy=tenancy,
            step=WizardStep.QUESTIONS_SHOWN,
            problem_id="mould",
            wizard_session=left_early,
        )

        # A portal request: booked by the tenant, confirmed, moved, done, graded "not fixed", ordered again.
        request = commit(
            lambda: repair_request_submit(
                tenancy=tenancy,
                by=user,
                problem_id="thermostat",
                answers={},
                idempotency_key="shape-1",
                wizard_session=session,
                description="Doet het niet",
            )
        )
        order = request.orders.get()
        contractor = contractor_actor(order.contractor)
        day, part = appointment_slots(order=order, start=AFTER)[0]
        appointment = appointment_book(order=order, date=day, part=part, by=user)
        appointment_confirm(appointment=appointment, by=contractor)
        day, part = appointment_slots(order=order, start=AFTER)[1]
        moved = repair_request_reschedule(request=request, by=user, date=day, part=part)
        appointment_confirm(appointment=moved, by=contractor)
        commit(lambda: work_order_report(order=order, by=contractor, result=OrderResult.DONE))
        request.refresh_from_db()
        satisfaction_record(
            request=request, grade=4, fixed=False, by=user, channel=SatisfactionChannel.PORTAL
        )
        again = repair_request_order(request=request, by=staff)
        appointment_book(order=again, date=day, part=part, by=contractor_actor(again.contractor))
        commit(
            lambda: work_order_report(
                order=again, by=contractor_actor(again.contractor), result=OrderResult.DONE, remark="Klaar"
            )
        )

        # A portal request the tenant cancels.
        cancelled = commit(
            lambda: repair_request_submit(
                tenancy=tenancy,
                by=user,
                problem_id="window-frame-rot",
                answers={},
                idempotency_key="shape-2",
                wizard_session="d" * 32,
            )
        )
        repair_request_cancel(request=cancelled, by=user, reason="Zelf opgelost")

        # By phone: urgent, accepted and booked by the contractor, not done, booked again, done, graded by link.
        phoned = _tenancy_with(parties__person__user__isnull=True)
        contact_log(
            tenancy=phoned,
            by=staff,
            channel=Channel.PHONE,
            direction=Direction.INCOMING,
            succeeded=True,
            topic=ContactTopic.REPAIR,
            summary="Lekkage",
            problem_id="water-pipe-leak",
            rule_versions=[request.wizard_version],
        )
        urgent = commit(
            lambda: repair_request_submit(
                tenancy=phoned,
                by=staff,
                problem_id="water-pipe-leak",
                answers={},
                channel="TEL",
                idempotency_key="shape-3",
                description="Lekkage in de gang",
            )
        )
        urgent_order = urgent.orders.get()
        by = contractor_actor(urgent_order.contractor)
        work_order_accept(order=urgent_order, by=by)
        slot = appointment_slots(order=urgent_order, start=AFTER)[0]
        appointment_book(order=urgent_order, date=slot[0], part=slot[1], by=by)
        commit(
            lambda: work_order_report(
                order=urgent_order, by=by, result=OrderResult.NOT_DONE, remark="Onderdeel besteld"
            )
        )
        slot = appointment_slots(order=urgent_order, start=AFTER + dt.timedelta(hours=1))[0]
        appointment_book(order=urgent_order, date=slot[0], part=slot[1], by=by)
        commit(lambda: work_order_report(order=urgent_order, by=by, result=OrderResult.DONE))
        urgent.refresh_from_db()
        satisfaction_record(
            request=urgent, grade=8, fixed=True, by=LINK_HOLDER, channel=SatisfactionChannel.EMAIL
        )

        # At the desk and by phone: the corporation's part and the tenant's own part.
        contact_log(
            tenancy=phoned,
            by=staff,
            channel=Channel.DESK,
            direction=Direction.INCOMING,
            succeeded=True,
            topic=ContactTopic.REPAIR,
            summary="Aan de balie",
            problem_id="window-frame-rot",
            rule_versions=[request.wizard_version],
        )
        commit(
            lambda: repair_request_submit(
                tenancy=phoned,
                by=staff,
                problem_id="window-frame-rot",
                answers={},
                channel="BAL",
                idempotency_key="shape-6",
            )
        )
        commit(
            lambda: repair_request_submit(
                tenancy=phoned,
                by=staff,
                problem_id="tap-dripping",
                answers={},
                channel="TEL",
                idempotency_key="shape-7",
            )
        )
        commit(
            lambda: repair_request_submit(
                tenancy=phoned,
                by=staff,
                problem_id="tap-dripping",
                answers={},
                channel="BAL",
                idempotency_key="shape-4",
            )
        )
        # Flags: no access, then a wrong trade (a person orders elsewhere), then the tenant's part (cancelled).
        flagged = commit(
            lambda: repair_request_submit(
                tenancy=phoned,
                by=staff,
                problem_id="window-frame-rot",
                answers={},
                channel="TEL",
                idempotency_key="shape-5",
            )
        )
        flagged_order = flagged.orders.get()
        slot = appointment_slots(order=flagged_order, start=AFTER)[0]
        booked = appointment_book(order=flagged_order, date=slot[0], part=slot[1], by=staff)
        appointment_confirm(appointment=booked, by=contractor_actor(flagged_order.contractor))
        work_order_flag(
            order=flagged_order,
            by=contractor_actor(flagged_order.contractor),
            flag=OrderFlag.NO_ACCESS,
            remark="Niemand thuis",
        )
        work_order_flag(
            order=flagged_order, by=contractor_actor(flagged_order.contractor), flag=OrderFlag.WRONG_TRADE
        )
        other = Contractor.objects.exclude(pk=flagged_order.contractor_id).order_by("key").first()
        assert other is not None
        second = repair_request_order(request=flagged, by=staff, contractor=other)
        work_order_flag(order=second, by=contractor_actor(other), flag=OrderFlag.TENANT_RESPONSIBILITY)
        contact_log(
            tenancy=phoned,
            by=staff,
            channel=Channel.PHONE,
            direction=Direction.OUTGOING,
            succeeded=False,
            topic=ContactTopic.REPAIR,
            summary="Gebeld",
            problem_id="window-frame-rot",
            rule_versions=[request.wizard_version],
        )
        repair_request_cancel(request=flagged, by=staff, reason="Eigen onderhoud")
        contact_log(
            tenancy=phoned,
            by=staff,
            channel=Channel.PHONE,
            direction=Direction.INCOMING,
            succeeded=True,
            topic=ContactTopic.RENT_ACCOUNT,
            summary="Vraag",
        )
        contact_log(
            tenancy=phoned,
            by=staff,
            channel=Channel.PHONE,
            direction=Direction.OUTGOING,
            succeeded=False,
            topic=ContactTopic.ARREARS,
            summary="Geen gehoor",
        )
        contact_log(
            tenancy=phoned,
            by=staff,
            channel=Channel.DESK,
            direction=Direction.INCOMING,
            succeeded=True,
            topic=ContactTopic.RENT_ACCOUNT,
            summary="Vraag",
        )
        contact_log(
            tenancy=phoned,
            by=staff,
            channel=Channel.EMAIL,
            direction=Direction.INCOMING,
            succeeded=True,
            topic=ContactTopic.ARRANGEMENT,
            summary="Vraag",
        )
        # The answers: searches, an answer shown, "did this help?", a call about it, callbacks handled.
        answer_search_record(text="huurverhoging", by=user, tenancy=tenancy)
        answer_search_record(text="fietsenstalling", by=user, tenancy=tenancy)
        answer_viewed(answer_id="rent-increase", by=user, tenancy=tenancy)
        answer_feedback_record(
            answer_id="rent-increase",
            helped=False,
            by=user,
            tenancy=tenancy,
            idempotency_key="fb-1",
            comment="Nee",
        )
        answer_feedback_record(
            answer_id="rent-increase", helped=True, by=user, tenancy=tenancy, idempotency_key="fb-2"
        )
        contact_register(
            tenancy=tenancy,
            by=staff,
            channel=Channel.PHONE,
            direction=Direction.INCOMING,
            succeeded=True,
            topic=ContactTopic.ANSWER,
            summary="Vraag over het antwoord",
            answer_id="rent-increase",
        )
        [(day, parts), *_later] = callback_slots(live_answers()[1], AFTER)
        asked = [
            callback_request_create(
                tenancy=tenancy,
                by=user,
                phone="06-12345678",
                day=day,
                part=parts[-1],
                idempotency_key=f"cb-{n}",
                **about,
            )
            for n, about in enumerate(
                [
                    {"topic": CallbackTopic.ANSWER, "answer_id": "rent-increase"},
                    {"topic": CallbackTopic.RENT_ACCOUNT},
                    {"topic": CallbackTopic.REPAIR, "problem_id": "mould"},
                    {"topic": CallbackTopic.REPAIR, "problem_id": "mould", "note": "Na tienen"},
                ]
            )
        ]
        callback_handle(callback=asked[0], by=staff, status=CallbackStatus.NO_ANSWER, outcome="Geen gehoor")
        callback_handle(callback=asked[0], by=staff, status=CallbackStatus.CALLED, outcome="Uitgelegd")
        callback_handle(callback=asked[1], by=staff, status=CallbackStatus.CALLED, outcome="Uitgelegd")
        callback_handle(callback=asked[2], by=staff, status=CallbackStatus.CALLED, outcome="Verzoek gemaakt")
        callback_handle(callback=asked[3], by=staff, status=CallbackStatus.CLOSED, outcome="Belde zelf al")
    with time_machine.travel(AFTER + dt.timedelta(days=2), tick=True):
        wizard_abandons_record()

    live = shapes(JournalEvent.objects.filter(id__gt=last_demo_event))
    missing = sorted(demo - live, key=repr)
    # Contractors act through their own account or, without one, as the contractor: both are the services'.
    missing = [
        shape
        for shape in missing
        if not (shape[4] == "contractor" and (*shape[:5], not shape[5], *shape[6:]) in live)
    ]
    assert not missing, "\n".join(map(repr, missing))
    assert {s[0] for s in demo} >= {
        "repair_request_submitted",
        "work_order_created",
        "work_order_reported",
        "work_order_flagged",
        "appointment_booked",
        "satisfaction_recorded",
        "wizard_step",
        "contact_logged",
        "decision_taken",
        "account_activated",
        "answers_searched",
        "answer_viewed",
        "answer_feedback",
        "callback_requested",
        "callback_handled",
    }
