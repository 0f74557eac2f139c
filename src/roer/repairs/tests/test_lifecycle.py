import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core import journal
from roer.core.dates import AMSTERDAM
from roer.repairs.constants import AppointmentStatus, Handling, OrderStatus, RequestStatus
from roer.repairs.models import Appointment
from roer.repairs.selectors import live_appointment, open_orders_for_contractor
from roer.repairs.services import (
    RepairRefused,
    appointment_book,
    appointment_confirm,
    appointment_slots,
    repair_request_cancel,
    repair_request_order,
    repair_request_reschedule,
    repair_request_submit,
    work_order_accept,
    work_order_flag,
    work_order_report,
)
from roer.repairs.tests.factories import (
    AppointmentFactory,
    ContractorFactory,
    RepairRequestFactory,
    WorkOrderFactory,
)

pytestmark = pytest.mark.django_db

# Thursday 23 April 2026, 9:00: King's Day falls on Monday 27 April.
NOW = dt.datetime(2026, 4, 23, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def before_kings_day():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def contractor_user():
    return UserFactory(roles=[Role.CONTRACTOR])


@pytest.fixture
def order(tenancy, tenant_user, contractor_user):
    """A normal repair (thermostat: 3 working days) ordered from a contractor with an account."""
    request = repair_request_submit(
        tenancy=tenancy,
        by=tenant_user,
        problem_id="thermostat",
        answers={},
        description="",
        preferred=None,
        photos=(),
        channel="INT",
        idempotency_key="k1",
    )
    order = request.orders.get()
    order.contractor.user = contractor_user
    order.contractor.save(update_fields=["user"])
    return order


def test_slots_skip_the_weekend_and_kings_day_and_respect_the_due_date(order):
    # Due: Thu 23 + 3 working days = Fri 24, Tue 28, Wed 29 (18:00).
    assert order.due_by == dt.datetime(2026, 4, 29, 18, tzinfo=AMSTERDAM)
    found = appointment_slots(order=order, start=NOW)
    days = sorted({day for day, _ in found})
    assert days == [dt.date(2026, 4, 23), dt.date(2026, 4, 24), dt.date(2026, 4, 28), dt.date(2026, 4, 29)]
    assert (dt.date(2026, 4, 23), "OCH") not in found  # it is 9:00: the morning has begun


def test_slots_follow_the_tenants_preference(order):
    request = order.request
    request.preferred_weekdays, request.preferred_part = [1], "MID"
    request.save()
    assert appointment_slots(order=order, start=NOW) == [(dt.date(2026, 4, 28), "MID")]


def test_an_emergency_order_gets_no_slots():
    order = WorkOrderFactory(request__urgency="emergency")
    assert appointment_slots(order=order, start=NOW) == []


def test_book_confirm_and_complete(order, tenant_user, contractor_user):
    work_order_accept(order=order, by=contractor_user)
    appointment = appointment_book(order=order, date=dt.date(2026, 4, 28), part="OCH", by=tenant_user)
    assert appointment.status == AppointmentStatus.PROPOSED and appointment.vera_status == "AAN"
    appointment_confirm(appointment=appointment, by=contractor_user)
    order.refresh_from_db()
    assert order.status == OrderStatus.PLANNED
    work_order_report(order=order, by=contractor_user, result="done", remark="Thermostaat vervangen")
    order.refresh_from_db()
    order.request.refresh_from_db()
    assert (order.status, order.request.status) == (
        OrderStatus.TECHNICALLY_DONE,
        RequestStatus.TECHNICALLY_DONE,
    )
    activities = [e.activity for e in journal.events_for(order.request)]
    for activity in (
        "work_order_accepted",
        "appointment_booked",
        "appointment_confirmed",
        "work_order_reported",
    ):
        assert activity in activities
    reported = next(e for e in journal.events_for(order) if e.activity == "work_order_reported")
    assert reported.actor_kind == "contractor" and "Thermostaat" not in str(reported.facts)
    assert {v.rule_version.rule_set.key for v in reported.rule_versions.all()} == {
        "repair-wizard",
        "contractor-routing",
    }


def test_a_slot_on_kings_day_or_after_the_due_date_is_refused(order, tenant_user):
    with pytest.raises(RepairRefused):
        appointment_book(order=order, date=dt.date(2026, 4, 27), part="OCH", by=tenant_user)
    with pytest.raises(RepairRefused):
        appointment_book(order=order, date=dt.date(2026, 4, 30), part="OCH", by=tenant_user)


def test_reschedule_cancels_the_old_appointment(order, tenant_user):
    first = appointment_book(order=order, date=dt.date(2026, 4, 24), part="OCH", by=tenant_user)
    second = repair_request_reschedule(
        request=order.request, by=tenant_user, date=dt.date(2026, 4, 28), part="MID"
    )
    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED
    assert live_appointment(order) == second
    assert journal.events_for(second)[-1].activity == "repair_request_rescheduled"


def test_a_contractor_booking_is_confirmed_at_once(order, contractor_user):
    appointment = appointment_book(order=order, date=dt.date(2026, 4, 24), part="MID", by=contractor_user)
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_cancel_the_request_with_its_order_and_appointment(order, tenant_user):
    appointment_book(order=order, date=dt.date(2026, 4, 24), part="OCH", by=tenant_user)
    request = repair_request_cancel(
        request=order.request, by=tenant_user, reason="De buurman heeft het gemaakt"
    )
    order.refresh_from_db()
    assert (request.status, order.status) == (RequestStatus.CANCELLED, OrderStatus.CANCELLED)
    assert not Appointment.objects.exclude(status=AppointmentStatus.CANCELLED).exists()
    event = journal.events_for(request)[-1]
    assert event.activity == "repair_request_cancelled" and "buurman" not in str(event.facts)
    with pytest.raises(RepairRefused):
        repair_request_cancel(request=request, by=tenant_user, reason="nog eens")


def test_a_cancel_needs_a_reason(order, tenant_user):
    with pytest.raises(ValueError):
        repair_request_cancel(request=order.request, by=tenant_user, reason="  ")


def test_flag_wrong_trade_sends_the_request_to_the_staff_queue(order, contractor_user):
    work_order_flag(order=order, by=contractor_user, flag="wrong_trade", remark="Is de elektra")
    order.refresh_from_db()
    order.request.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.flag == "wrong_trade"
    assert order.request.handling == Handling.STAFF_QUEUE
    staff = UserFactory(roles=[Role.CUSTOMER_SERVICE])
    electrician = ContractorFactory(key="elektro-van-dam", trades=["ELE"])
    again = repair_request_order(request=order.request, by=staff, contractor=electrician)
    assert again.routed_by == "person" and again.status == OrderStatus.ISSUED


def test_flag_no_access_keeps_the_order_open(order, tenant_user, contractor_user):
    appointment_book(order=order, date=dt.date(2026, 4, 24), part="OCH", by=tenant_user)
    work_order_flag(order=order, by=contractor_user, flag="no_access")
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and live_appointment(order) is None


def test_not_done_waits_for_a_new_appointment(order, contractor_user, tenant_user):
    appointment_book(order=order, date=dt.date(2026, 4, 24), part="OCH", by=contractor_user)
    work_order_report(order=order, by=contractor_user, result="not_done")
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and live_appointment(order) is None


def test_another_contractor_cannot_act_on_the_order(order):
    stranger = UserFactory(roles=[Role.CONTRACTOR])
    ContractorFactory(user=stranger)
    with pytest.raises(PermissionDenied):
        work_order_accept(order=order, by=stranger)


def test_the_contractors_open_orders_by_due_date():
    contractor = ContractorFactory()
    later = WorkOrderFactory(contractor=contractor, due_by=NOW + dt.timedelta(days=3))
    sooner = WorkOrderFactory(contractor=contractor, due_by=NOW + dt.timedelta(days=1))
    WorkOrderFactory(contractor=contractor, done=True)
    WorkOrderFactory(contractor=contractor, awaiting_approval=True)
    assert list(open_orders_for_contractor(contractor.pk)) == [sooner, later]


def test_factory_traits_build_every_state():
    assert RepairRequestFactory(tenant_part=True).status == RequestStatus.HANDLED
    assert RepairRequestFactory(cancelled=True).status == RequestStatus.CANCELLED
    assert WorkOrderFactory(flagged=True).request.handling == Handling.STAFF_QUEUE
    assert AppointmentFactory(confirmed=True).order.status == OrderStatus.PLANNED
    assert AppointmentFactory(cancelled=True).status == AppointmentStatus.CANCELLED
