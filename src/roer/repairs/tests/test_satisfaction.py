"""Satisfaction after a repair: the grade's bounds, once per request, "not fixed" back to the staff queue,
the completion e-mail (once, after commit) with its signed link, and the tenant's move of a visit."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core import helm, journal
from roer.core.dates import AMSTERDAM
from roer.core.models import JournalEvent
from roer.repairs.constants import Handling, RequestStatus, SatisfactionChannel
from roer.repairs.models import SatisfactionResponse
from roer.repairs.satisfaction import (
    LINK_HOLDER,
    AlreadyGraded,
    GradeLinkExpired,
    GradeLinkInvalid,
    SatisfactionRefused,
    grade_link_read,
    grade_link_token,
    satisfaction_ask,
    satisfaction_record,
)
from roer.repairs.selectors import staff_queue
from roer.repairs.services import (
    RepairRefused,
    appointment_book,
    repair_request_order,
    repair_request_reschedule,
    repair_request_submit,
    work_order_report,
)
from roer.repairs.tests.factories import RepairRequestFactory, WorkOrderFactory
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

pytestmark = pytest.mark.django_db

# Thursday 23 April 2026, 9:00.
NOW = dt.datetime(2026, 4, 23, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def spring_thursday():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def contractor_user():
    return UserFactory(roles=[Role.CONTRACTOR])


@pytest.fixture
def order(tenancy, tenant_user, contractor_user):
    """A thermostat (normal, 3 working days) ordered from a contractor with an account."""
    request = repair_request_submit(
        tenancy=tenancy,
        by=tenant_user,
        problem_id="thermostat",
        answers={},
        idempotency_key="k1",
    )
    order = request.orders.get()
    order.contractor.user = contractor_user
    order.contractor.save(update_fields=["user"])
    return order


@pytest.fixture
def done(order, contractor_user, django_capture_on_commit_callbacks):
    """The contractor reported the work done (the completion e-mail's callback is captured, not run)."""
    with django_capture_on_commit_callbacks(execute=False):
        work_order_report(order=order, by=contractor_user, result="done", remark="Batterij vervangen")
    order.refresh_from_db()
    order.request.refresh_from_db()
    return order.request


def grade(request, by, value=8, fixed=True, comment="", channel=SatisfactionChannel.PORTAL):
    return satisfaction_record(
        request=request, grade=value, fixed=fixed, comment=comment, by=by, channel=channel
    )


# --- the grade ------------------------------------------------------------------------------------


@settings(max_examples=10, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.integers(min_value=1, max_value=10), fixed=st.booleans())
def test_every_grade_from_1_to_10_is_taken(value, fixed, tenant_user, tenancy):
    request = RepairRequestFactory(tenancy=tenancy, done=True)
    response = grade(request, tenant_user, value=value, fixed=fixed)
    response.refresh_from_db()
    assert (response.grade, response.fixed) == (value, fixed)


@settings(max_examples=50, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.integers(max_value=0), st.integers(min_value=11), st.booleans(), st.text()))
def test_anything_else_is_refused_before_anything_is_stored(value, tenant_user, tenancy, in_english):
    request = RepairRequestFactory.build(tenancy=tenancy, status=RequestStatus.TECHNICALLY_DONE)
    with pytest.raises(SatisfactionRefused, match="from 1 to 10"):
        grade(request, tenant_user, value=value)


def test_the_database_refuses_a_grade_outside_1_to_10(done):
    with pytest.raises(IntegrityError), transaction.atomic():
        SatisfactionResponse.objects.create(
            request=done,
            grade=11,
            fixed=True,
            channel=SatisfactionChannel.PORTAL,
            problem_id=done.problem_id,
            wizard_version=done.wizard_version,
            intake_channel=done.channel,
        )


def test_a_grade_keeps_the_facts_to_slice_by_and_journals_no_comment(done, order, tenant_user):
    response = grade(done, tenant_user, value=7, comment="De monteur was erg vriendelijk, Jansen")
    assert response.comment == "De monteur was erg vriendelijk, Jansen"
    assert (response.trade, response.contractor, response.urgency, response.intake_channel) == (
        order.trade,
        order.contractor,
        done.urgency,
        "INT",
    )
    assert (response.wizard_version, response.routing_version) == (done.wizard_version, order.routing_version)
    event = journal.events_for(response)[-1]
    assert event.activity == "satisfaction_recorded"
    assert (event.channel, event.actor_kind, event.actor_id) == ("INT", "tenant", tenant_user.pk)
    assert event.facts["grade"] == 7 and event.facts["fixed"] is True and event.facts["has_comment"] is True
    assert (event.facts["trade"], event.facts["contractor_id"]) == (order.trade, order.contractor_id)
    assert "Jansen" not in str(event.facts) and "vriendelijk" not in str(event.facts)
    assert {v.rule_version.rule_set.key for v in event.rule_versions.all()} == {
        "repair-wizard",
        "contractor-routing",
    }
    kinds = {s.kind for s in event.subjects.all()}
    assert kinds == {"repairs.satisfactionresponse", "repairs.repairrequest", "tenancies.tenancy"}


def test_a_request_is_graded_once(done, tenant_user, in_english):
    grade(done, tenant_user, value=9)
    with pytest.raises(AlreadyGraded, match="already graded"):
        grade(done, tenant_user, value=2, fixed=False)
    response = SatisfactionResponse.objects.get()
    assert (response.grade, response.fixed) == (9, True)
    done.refresh_from_db()
    assert done.status == RequestStatus.TECHNICALLY_DONE
    assert JournalEvent.objects.filter(activity="satisfaction_recorded").count() == 1


@pytest.mark.parametrize(
    "status", [RequestStatus.REGISTERED, RequestStatus.IN_PROGRESS, RequestStatus.UNDER_REVIEW, "GEA"]
)
def test_only_done_work_can_be_graded(status, tenancy, tenant_user, in_english):
    request = RepairRequestFactory(tenancy=tenancy, status=status)
    with pytest.raises(SatisfactionRefused, match="once the work is done"):
        grade(request, tenant_user)
    assert not SatisfactionResponse.objects.exists()


@pytest.mark.parametrize(
    "status", [RequestStatus.TECHNICALLY_DONE, RequestStatus.FINANCIAL, RequestStatus.HANDLED]
)
def test_done_financial_and_handled_can_be_graded(status, tenancy, tenant_user):
    request = RepairRequestFactory(tenancy=tenancy, status=status)
    assert grade(request, tenant_user).request == request


def test_another_tenant_cannot_grade(done):
    stranger = UserFactory(email="buurman@example.nl")
    TenancyFactory(tenant__person=PersonFactory(user=stranger))
    with pytest.raises(PermissionDenied):
        grade(done, stranger)
    assert not SatisfactionResponse.objects.exists()


def test_not_fixed_puts_the_request_back_in_the_staff_queue(done, order, tenant_user):
    grade(done, tenant_user, value=3, fixed=False, comment="Hij doet het nog steeds niet")
    done.refresh_from_db()
    assert (done.status, done.handling) == (RequestStatus.IN_PROGRESS, Handling.STAFF_QUEUE)
    assert done in staff_queue()
    reopened = journal.events_for(done)[-1]
    assert reopened.activity == "repair_request_reopened" and reopened.actor_kind == "system"
    assert reopened.facts == {
        "reason": "not_fixed",
        "from": "TEC",
        "to": "INB",
        "handling_from": "ordered",
        "handling_to": "staff_queue",
        "grade": 3,
    }
    # A person orders the work again from the queue.
    again = repair_request_order(request=done, by=UserFactory(roles=[Role.CUSTOMER_SERVICE]))
    assert again.pk != order.pk


def test_through_the_link_the_actor_is_a_tenant_without_an_account(done):
    response = grade(done, LINK_HOLDER, channel=SatisfactionChannel.EMAIL)
    event = journal.events_for(response)[-1]
    assert (event.channel, event.actor_kind, event.actor_id) == ("EMA", "tenant", None)
    assert response.channel == "EMA"


# --- the completion e-mail and its link ----------------------------------------------------------------


def test_the_completion_email_goes_once_after_commit_with_a_working_link(
    order, contractor_user, tenant_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        work_order_report(order=order, by=contractor_user, result="done")
    assert mailoutbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    request = order.request
    assert message.to == ["huurder@example.nl"]
    assert request.code in message.subject
    assert "30" in message.body  # how long the link works
    link = next(line for line in message.body.splitlines() if "/portal/reparatie/beoordelen/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert grade_link_read(token) == request
    request.refresh_from_db()
    assert request.satisfaction_asked_at == NOW
    asked = journal.events_for(request)[-1]
    assert (asked.activity, asked.channel) == ("satisfaction_asked", "EMA")
    assert "@" not in str(asked.facts)

    # Once: again by hand, or after another order of the same request is done, no second e-mail.
    assert satisfaction_ask(request_id=request.pk) is False
    assert len(mailoutbox) == 1


def test_no_completion_email_when_the_work_was_not_done(
    order, contractor_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        work_order_report(order=order, by=contractor_user, result="not_done")
    assert mailoutbox == []


def test_no_completion_email_while_a_person_has_the_helm_of_the_request(
    order, contractor_user, mailoutbox, django_capture_on_commit_callbacks
):
    supervisor = UserFactory(roles=[Role.PROCESS_SUPERVISOR])
    hold = helm.hold_place(subject=order.request, by=supervisor, reason="De huurder belt zelf terug.")
    with django_capture_on_commit_callbacks(execute=True):
        work_order_report(order=order, by=contractor_user, result="done")
    assert mailoutbox == []
    helm.hold_release(hold=hold, by=supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        assert satisfaction_ask(request_id=order.request.pk) is True
    assert len(mailoutbox) == 1


def test_no_completion_email_once_graded(done, tenant_user, mailoutbox):
    grade(done, tenant_user)
    assert satisfaction_ask(request_id=done.pk) is False
    assert mailoutbox == []


def test_the_link_expires_after_30_days(done):
    token = grade_link_token(done)
    with time_machine.travel(NOW + dt.timedelta(days=29, hours=23), tick=False):
        assert grade_link_read(token) == done
    with (
        time_machine.travel(NOW + dt.timedelta(days=30, hours=1), tick=False),
        pytest.raises(GradeLinkExpired),
    ):
        grade_link_read(token)


@pytest.mark.parametrize("change", ["cut", "other-request", "garbage", "empty-signature"])
def test_a_changed_link_is_refused(done, change):
    token = grade_link_token(done)
    value, stamp, signature = token.split(":")
    bad = {
        "cut": token[:-3],
        "other-request": f"{done.pk + 1}:{stamp}:{signature}",
        "garbage": "not-a-token",
        "empty-signature": f"{value}:{stamp}:",
    }[change]
    with pytest.raises(GradeLinkInvalid):
        grade_link_read(bad)


def test_a_link_for_a_request_that_is_gone_is_refused():
    other = WorkOrderFactory(done=True).request
    token = grade_link_token(other)
    other.orders.all().delete()
    other.delete()
    with pytest.raises(GradeLinkInvalid):
        grade_link_read(token)


# --- moving a visit ------------------------------------------------------------------------------------


def test_moving_a_visit_is_journaled_apart_from_the_first_booking(order, tenant_user):
    first = appointment_book(order=order, date=dt.date(2026, 4, 24), part="OCH", by=tenant_user)
    assert journal.events_for(first)[-1].activity == "appointment_booked"
    second = repair_request_reschedule(
        request=order.request, by=tenant_user, date=dt.date(2026, 4, 28), part="MID"
    )
    event = journal.events_for(second)[-1]
    assert event.activity == "repair_request_rescheduled"
    assert event.facts["replaces"] == first.pk
    assert (event.facts["previous_date"], event.facts["previous_part"], event.facts["previous_status"]) == (
        "2026-04-24",
        "OCH",
        "proposed",
    )
    assert (event.facts["date"], event.facts["part"]) == ("2026-04-28", "MID")
    assert JournalEvent.objects.filter(activity="appointment_booked").count() == 1


def test_there_is_nothing_to_move_without_a_visit(order, tenant_user, in_english):
    with pytest.raises(RepairRefused, match="no visit to move"):
        repair_request_reschedule(
            request=order.request, by=tenant_user, date=dt.date(2026, 4, 28), part="MID"
        )
    assert not JournalEvent.objects.filter(activity="repair_request_rescheduled").exists()


def test_a_failing_mail_server_does_not_undo_the_report(
    order, contractor_user, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def refuse(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        work_order_report(order=order, by=contractor_user, result="done")
    request = order.request
    request.refresh_from_db()
    assert request.status == RequestStatus.TECHNICALLY_DONE
    assert request.satisfaction_asked_at is None  # free to ask again
    assert not JournalEvent.objects.filter(activity="satisfaction_asked").exists()
