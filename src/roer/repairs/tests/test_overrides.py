"""The process supervisor takes over one repair request: reclassify, reroute, hold, message."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core import helm, journal
from roer.core.constants import Flow
from roer.core.dates import AMSTERDAM
from roer.core.models import JournalEvent
from roer.repairs.constants import (
    AppointmentStatus,
    Handling,
    OrderStatus,
    RequestStatus,
    Responsibility,
    RoutedBy,
    Urgency,
)
from roer.repairs.models import Contractor, TenantMessage
from roer.repairs.overrides import (
    OverrideRefused,
    Reclassified,
    intake_decision,
    repair_request_hold,
    repair_request_message,
    repair_request_reclassify,
    repair_request_release,
    repair_request_reroute,
)
from roer.repairs.services import appointment_book, contractors_ensure_from_routing, repair_request_submit
from roer.repairs.tests.factories import RepairRequestFactory
from roer.supervision.meters import BY_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

# Thursday 23 April 2026, 9:00: King's Day falls on Monday 27 April.
NOW = dt.datetime(2026, 4, 23, 9, 0, tzinfo=AMSTERDAM)
REASON = "De huurder belde: het is de eigen thermostaat"


@pytest.fixture(autouse=True)
def before_kings_day():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def supervisor():
    return UserFactory(roles=[Role.PROCESS_SUPERVISOR])


@pytest.fixture
def repair(tenancy, tenant_user):
    """A normal repair (thermostat, heating trade, 3 working days) ordered from the default installer,
    with a visit booked."""
    request = repair_request_submit(
        tenancy=tenancy,
        by=tenant_user,
        problem_id="thermostat",
        answers={},
        channel="INT",
        idempotency_key="k-override",
    )
    order = request.orders.get()
    appointment_book(order=order, date=dt.date(2026, 4, 24), part="OCH", by=tenant_user, now=NOW)
    return request


def activities(repair) -> list[str]:
    return [event.activity for event in journal.events_for(repair)]


def test_the_tenants_part_cancels_the_open_order_and_overrides_the_intake_decision(repair, supervisor):
    order = repair.orders.get()
    result = repair_request_reclassify(
        request=repair, by=supervisor, field=Reclassified.RESPONSIBILITY, value="tenant", reason=REASON
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.appointments.get().status == AppointmentStatus.CANCELLED
    assert result.cancelled_orders == (order.pk,)
    request = result.request
    assert (request.responsibility, request.handling, request.status) == (
        Responsibility.TENANT,
        Handling.TENANT_PART,
        RequestStatus.HANDLED,
    )
    decision = intake_decision(request)
    assert decision is not None
    assert decision.override_outcome == "responsibility:tenant"
    assert decision.override_reason == REASON
    assert decision.overridden_by == supervisor
    seen = activities(request)
    assert {"decision_overridden", "repair_request_reclassified", "work_order_cancelled"} <= set(seen)
    reclassified = JournalEvent.objects.get(activity="repair_request_reclassified")
    kinds = {s.kind for s in reclassified.subjects.all()}
    assert {"repairs.repairrequest", "tenancies.tenancy"} <= kinds
    assert reclassified.facts["from"] == "corporation" and reclassified.facts["to"] == "tenant"
    assert reclassified.actor_kind == "staff"
    # The reason is free text: never in the journal.
    assert not JournalEvent.objects.filter(facts__icontains="thermostaat").exists()


def test_a_reclassification_counts_as_a_wrong_follow_up_action(repair, supervisor):
    repair_request_reclassify(
        request=repair, by=supervisor, field=Reclassified.URGENCY, value="urgent", reason=REASON
    )
    start = dt.datetime(2026, 4, 23, tzinfo=AMSTERDAM)
    rows = BY_KEY["wrong_actions"].compute(start, start + dt.timedelta(days=1))
    overridden = [r for r in rows if (r.dimension, r.value) == ("kind", "overridden")]
    assert [r.numerator for r in overridden] == [1]


def test_another_urgency_moves_the_due_date(repair, supervisor):
    order = repair.orders.get()
    assert order.due_by == dt.datetime(2026, 4, 29, 18, tzinfo=AMSTERDAM)  # 3 working days
    result = repair_request_reclassify(
        request=repair, by=supervisor, field=Reclassified.URGENCY, value=Urgency.URGENT, reason=REASON
    )
    order.refresh_from_db()
    assert result.due_by_changed
    assert order.due_by == NOW + dt.timedelta(hours=24)
    assert order.status == OrderStatus.ISSUED


def test_another_trade_reroutes_the_open_order_per_the_routing_table(repair, supervisor):
    old = repair.orders.get()
    result = repair_request_reclassify(
        request=repair, by=supervisor, field=Reclassified.TRADE, value="LOO", reason=REASON
    )
    old.refresh_from_db()
    assert old.status == OrderStatus.CANCELLED
    new = result.new_order
    assert new is not None and new.trade == "LOO" and new.status == OrderStatus.ISSUED
    assert new.contractor.key == "loodgieter-de-kraan"
    assert result.request.handling == Handling.ORDERED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (Reclassified.RESPONSIBILITY, "third_party"),  # the wizard never makes a request of that
        (Reclassified.RESPONSIBILITY, "corporation"),  # the value it has already
        (Reclassified.URGENCY, "soon"),
        (Reclassified.TRADE, "XXX"),
        ("description", "anything"),
    ],
)
def test_values_outside_the_allowed_ones_are_refused_and_change_nothing(repair, supervisor, field, value):
    before = JournalEvent.objects.count()
    with pytest.raises(OverrideRefused):
        repair_request_reclassify(request=repair, by=supervisor, field=field, value=value, reason=REASON)
    assert JournalEvent.objects.count() == before
    assert intake_decision(repair).overridden_at is None


def test_an_override_needs_a_reason(repair, supervisor):
    with pytest.raises(OverrideRefused):
        repair_request_reclassify(
            request=repair, by=supervisor, field=Reclassified.URGENCY, value="urgent", reason="  "
        )


def test_the_tenants_part_has_no_urgency(repair, supervisor):
    repair_request_reclassify(
        request=repair, by=supervisor, field=Reclassified.RESPONSIBILITY, value="tenant", reason=REASON
    )
    with pytest.raises(OverrideRefused):
        repair_request_reclassify(
            request=repair, by=supervisor, field=Reclassified.URGENCY, value="urgent", reason=REASON
        )


def test_reroute_replaces_the_open_order_with_one_for_the_chosen_contractor(repair, supervisor):
    old = repair.orders.get()
    other = Contractor.objects.get(key="klimaat-oost")
    new = repair_request_reroute(request=repair, by=supervisor, contractor=other, reason=REASON)
    old.refresh_from_db()
    assert old.status == OrderStatus.CANCELLED
    assert old.appointments.get().status == AppointmentStatus.CANCELLED
    assert (new.contractor, new.routed_by, new.status) == (other, RoutedBy.PERSON, OrderStatus.ISSUED)
    assert new.due_by == old.due_by
    assert intake_decision(repair).override_outcome == "rerouted:klimaat-oost"
    rerouted = JournalEvent.objects.get(activity="work_order_rerouted")
    assert rerouted.facts["replaces"] == old.pk
    assert rerouted.facts["from_contractor_id"] == old.contractor_id


def test_reroute_only_to_an_active_contractor_of_the_trade(repair, supervisor):
    plumber = Contractor.objects.get(key="loodgieter-de-kraan")
    with pytest.raises(OverrideRefused):
        repair_request_reroute(request=repair, by=supervisor, contractor=plumber, reason=REASON)
    other = Contractor.objects.get(key="klimaat-oost")
    other.active = False
    other.save(update_fields=["active"])
    with pytest.raises(OverrideRefused):
        repair_request_reroute(request=repair, by=supervisor, contractor=other, reason=REASON)
    assert repair.orders.get().status == OrderStatus.ISSUED


def test_hold_stops_automation_on_the_request_until_released(repair, supervisor):
    hold = repair_request_hold(request=repair, by=supervisor, reason=REASON)
    assert hold.subject_kind == "repairs.repairrequest" and hold.subject_id == str(repair.pk)
    assert not helm.verdict_for(flow=Flow.REPAIR_INTAKE, subject=repair).propose
    with pytest.raises(OverrideRefused):
        repair_request_hold(request=repair, by=supervisor, reason=REASON)
    repair_request_release(request=repair, by=supervisor)
    assert helm.verdict_for(flow=Flow.REPAIR_INTAKE, subject=repair).act
    with pytest.raises(OverrideRefused):
        repair_request_release(request=repair, by=supervisor)
    assert {"hold_placed", "hold_released"} <= set(activities(repair))


def test_a_message_is_kept_on_the_request_and_emailed_after_commit(
    repair, supervisor, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    text = "Beste huurder, de monteur belt u morgen voor een afspraak. <b>Groet</b>"
    with django_capture_on_commit_callbacks(execute=True):
        message = repair_request_message(request=repair, by=supervisor, text=text)
    assert TenantMessage.objects.get().text == text
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["huurder@example.nl"]
    assert text in sent.body and repair.code in sent.subject
    message.refresh_from_db()
    assert message.emailed_at is not None
    assert {"tenant_messaged", "tenant_message_emailed"} <= set(activities(repair))
    assert not JournalEvent.objects.filter(facts__icontains="monteur").exists()


def test_an_empty_message_is_refused(repair, supervisor):
    with pytest.raises(OverrideRefused):
        repair_request_message(request=repair, by=supervisor, text="   ")
    assert not TenantMessage.objects.exists()


def test_a_cancelled_request_cannot_be_reclassified(supervisor):
    cancelled = RepairRequestFactory(cancelled=True, tenant_part=True)
    with pytest.raises(OverrideRefused, match="closed"):
        repair_request_reclassify(
            request=cancelled, by=supervisor, field=Reclassified.TRADE, value="LOO", reason=REASON
        )


def test_the_tenants_part_can_become_the_corporations_and_waits_for_a_person(
    tenancy, tenant_user, supervisor
):
    advised = repair_request_submit(
        tenancy=tenancy, by=tenant_user, problem_id="tap-dripping", answers={}, idempotency_key="k-tap"
    )
    assert advised.handling == Handling.TENANT_PART and not advised.orders.exists()
    result = repair_request_reclassify(
        request=advised, by=supervisor, field=Reclassified.RESPONSIBILITY, value="corporation", reason=REASON
    )
    assert (result.request.handling, result.request.status) == (
        Handling.STAFF_QUEUE,
        RequestStatus.IN_PROGRESS,
    )
    contractors_ensure_from_routing()
    plumber = Contractor.objects.get(key="loodgieter-de-kraan")
    order = repair_request_reroute(request=advised, by=supervisor, contractor=plumber, reason=REASON)
    assert order.status == OrderStatus.ISSUED and order.routed_by == RoutedBy.PERSON


def test_a_trade_the_routing_table_does_not_know_waits_for_a_person(repair, supervisor):
    old = repair.orders.get()
    result = repair_request_reclassify(
        request=repair, by=supervisor, field=Reclassified.TRADE, value="ASB", reason=REASON
    )
    old.refresh_from_db()
    assert old.status == OrderStatus.CANCELLED and result.new_order is None
    assert (result.request.trade, result.request.handling) == ("ASB", Handling.STAFF_QUEUE)
    assert not repair.orders.filter(status=OrderStatus.ISSUED).exists()


def test_an_order_under_the_service_subscription_stays_when_the_part_becomes_the_corporations(
    tenancy, tenant_user, supervisor
):
    tenancy.service_subscription = True
    tenancy.save(update_fields=["service_subscription"])
    booked = repair_request_submit(
        tenancy=tenancy, by=tenant_user, problem_id="tap-dripping", answers={}, idempotency_key="k-sub"
    )
    assert booked.handling == Handling.SUBSCRIPTION
    order = booked.orders.get()
    result = repair_request_reclassify(
        request=booked, by=supervisor, field=Reclassified.RESPONSIBILITY, value="corporation", reason=REASON
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and result.cancelled_orders == ()
    assert result.request.handling == Handling.SUBSCRIPTION
