import datetime as dt
import io

import pytest
import time_machine
from PIL import Image

from roer.core import helm, journal, rules
from roer.core.constants import Flow, Mode
from roer.core.dates import AMSTERDAM
from roer.core.models import JournalEvent
from roer.repairs import routing
from roer.repairs.constants import Handling, IntakeChannel, OrderStatus, RequestStatus
from roer.repairs.models import RepairRequest, WorkOrder
from roer.repairs.routing import NoRouteError
from roer.repairs.scheduling import Preference
from roer.repairs.selectors import live_routing, live_wizard, staff_queue
from roer.repairs.services import EmergencyRefused, repair_request_submit, work_order_approve

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 14, 10, 0, tzinfo=AMSTERDAM)  # a Wednesday in winter


@pytest.fixture(autouse=True)
def winter_wednesday():
    with time_machine.travel(NOW, tick=False):
        yield


def submit(tenancy, by, problem_id, answers=None, key="form-1", **kwargs):
    return repair_request_submit(
        tenancy=tenancy,
        by=by,
        problem_id=problem_id,
        answers=answers or {},
        description=kwargs.pop("description", "Het lekt al een week bij de buren van nr. 5"),
        preferred=kwargs.pop("preferred", None),
        photos=kwargs.pop("photos", ()),
        channel=kwargs.pop("channel", IntakeChannel.PORTAL),
        idempotency_key=key,
    )


def test_tenants_part_makes_a_request_without_an_order(tenancy, tenant_user):
    request = submit(tenancy, tenant_user, "tap-dripping")
    assert (request.responsibility, request.clause, request.handling) == ("tenant", "d", Handling.TENANT_PART)
    assert request.status == RequestStatus.HANDLED
    assert not request.orders.exists()


def test_tenants_part_is_booked_under_a_service_subscription(tenancy, tenant_user):
    tenancy.service_subscription = True
    tenancy.save(update_fields=["service_subscription"])
    request = submit(tenancy, tenant_user, "tap-dripping")
    order = request.orders.get()
    assert request.handling == Handling.SUBSCRIPTION and request.status == RequestStatus.IN_PROGRESS
    assert (order.trade, order.contractor.key, order.status) == (
        "LOO",
        "loodgieter-de-kraan",
        OrderStatus.ISSUED,
    )
    # No urgency of its own: normal, 5 working days (the tree's normal_working_days): Wednesday 21 January.
    assert order.due_by == dt.datetime(2026, 1, 21, 18, 0, tzinfo=AMSTERDAM)


def test_a_subscription_does_not_cover_what_the_tree_says_it_does_not(tenancy, tenant_user):
    tenancy.service_subscription = True
    tenancy.save(update_fields=["service_subscription"])
    request = submit(tenancy, tenant_user, "painting")
    assert request.handling == Handling.TENANT_PART and not request.orders.exists()


def test_corporations_part_is_ordered_from_the_routed_contractor(tenancy, tenant_user):
    request = submit(tenancy, tenant_user, "boiler-broken", {"whole-home": "ja"})
    order = request.orders.get()
    assert (request.urgency, request.trade, request.defect_soort) == ("urgent", "CVI", "STO")
    assert request.status == RequestStatus.IN_PROGRESS and request.handling == Handling.ORDERED
    assert order.contractor.key == "warmte-totaal" and order.routed_by == "default"
    assert order.due_by == NOW + dt.timedelta(hours=24)
    assert order.routing_version == live_routing()
    assert request.wizard_version == live_wizard()[0]


@pytest.mark.parametrize(
    ("neighbourhood", "postcode", "key", "matched_by"),
    [
        ("Oost", "3511 AA", "klimaat-oost", "neighbourhood"),
        ("Tuindorp", "3584 CS", "klimaat-oost", "postcode"),
        ("Tuindorp", "3571 AB", "warmte-totaal", "default"),
    ],
)
def test_routing_by_trade_and_area(tenancy, tenant_user, neighbourhood, postcode, key, matched_by):
    dwelling = tenancy.dwelling
    dwelling.neighbourhood, dwelling.postcode = neighbourhood, postcode
    dwelling.save()
    order = submit(tenancy, tenant_user, "boiler-broken").orders.get()
    assert (order.contractor.key, order.routed_by) == (key, matched_by)


def test_emergency_is_refused_with_the_number_and_no_request(tenancy, tenant_user):
    with pytest.raises(EmergencyRefused, match="0800-9009") as refused:
        submit(tenancy, tenant_user, "gas-smell")
    assert refused.value.emergency_number == "0800-9009"
    assert not RepairRequest.objects.exists()
    event = journal.events_for(tenancy)[-1]
    assert event.activity == "repair_request_refused" and event.facts["emergency_number"] == "0800-9009"


def test_a_third_partys_problem_is_refused(tenancy, tenant_user):
    with pytest.raises(EmergencyRefused):
        submit(tenancy, tenant_user, "street-light")
    assert not RepairRequest.objects.exists()


def test_the_corporations_emergency_is_ordered_for_the_same_day(tenancy, tenant_user):
    order = submit(tenancy, tenant_user, "water-pipe-leak", {"spraying": "ja"}).orders.get()
    assert order.due_by == dt.datetime(2026, 1, 15, 0, 0, tzinfo=AMSTERDAM)


def test_a_normal_repair_is_due_in_working_days(tenancy, tenant_user):
    order = submit(tenancy, tenant_user, "thermostat").orders.get()  # normal, 3 working days
    assert order.due_by == dt.datetime(2026, 1, 19, 18, 0, tzinfo=AMSTERDAM)


def test_a_double_submitted_form_makes_one_request(tenancy, tenant_user):
    first = submit(tenancy, tenant_user, "boiler-broken", key="same-form")
    second = submit(tenancy, tenant_user, "boiler-broken", key="same-form")
    assert first.pk == second.pk
    assert RepairRequest.objects.count() == 1 and WorkOrder.objects.count() == 1


def test_no_route_is_a_clear_error_and_leaves_nothing_behind(tenancy, tenant_user):
    document = routing.default_document()
    del document["defaults"]["CVI"]
    document["routes"] = [r for r in document["routes"] if r["trade"] != "CVI"]
    rules.rule_version_publish(version=rules.rule_version_draft(key=routing.KEY, document=document))
    with pytest.raises(NoRouteError, match="'CVI'"):
        submit(tenancy, tenant_user, "boiler-broken")
    assert not RepairRequest.objects.exists()


def test_manual_mode_puts_the_request_in_the_staff_queue(tenancy, tenant_user, django_user_model):
    supervisor = django_user_model.objects.create(username="opzichter")
    helm.flow_mode_set(flow=Flow.REPAIR_INTAKE, mode=Mode.MANUAL, by=supervisor, reason="storing")
    request = submit(tenancy, tenant_user, "boiler-broken")
    assert (request.status, request.handling) == (RequestStatus.IN_PROGRESS, Handling.STAFF_QUEUE)
    assert not request.orders.exists()
    assert list(staff_queue()) == [request]


def test_a_held_tenancy_goes_to_the_staff_queue(tenancy, tenant_user, django_user_model):
    staff = django_user_model.objects.create(username="klantenservice")
    helm.hold_place(subject=tenancy, by=staff, reason="Bewoner in het ziekenhuis")
    request = submit(tenancy, tenant_user, "boiler-broken")
    assert request.handling == Handling.STAFF_QUEUE and not request.orders.exists()


def test_assist_mode_proposes_the_order_for_a_person_to_approve(tenancy, tenant_user, django_user_model):
    staff = django_user_model.objects.create(username="opzichter")
    helm.flow_mode_set(flow=Flow.REPAIR_INTAKE, mode=Mode.ASSIST, by=staff, reason="nieuwe routering")
    request = submit(tenancy, tenant_user, "boiler-broken")
    order = request.orders.get()
    assert (request.status, order.status) == (RequestStatus.UNDER_REVIEW, OrderStatus.AWAITING_APPROVAL)
    assert order.issued_at is None
    work_order_approve(order=order, by=staff)
    order.refresh_from_db()
    request.refresh_from_db()
    assert (request.status, request.handling, order.status) == ("INB", Handling.ORDERED, "GUN")


def test_the_journal_holds_the_rule_versions_and_no_free_text(tenancy, tenant_user):
    request = submit(tenancy, tenant_user, "boiler-broken", preferred=Preference(frozenset({0}), "OCH"))
    events = {e.activity: e for e in journal.events_for(request)}
    submitted = events["repair_request_submitted"]
    subjects = {(s.kind, s.subject_id) for s in submitted.subjects.all()}
    assert ("tenancies.tenancy", str(tenancy.pk)) in subjects
    assert ("repairs.repairrequest", str(request.pk)) in subjects
    keys = {v.rule_version.rule_set.key for v in submitted.rule_versions.all()}
    assert keys == {"repair-wizard", "contractor-routing"}
    assert submitted.facts["handling"] == "ordered" and submitted.facts["has_description"] is True
    assert submitted.actor_kind == "tenant" and submitted.channel == "INT"
    assert "work_order_created" in events and "decision_taken" in events
    for event in JournalEvent.objects.all():
        assert "buren van nr" not in str(event.facts)


def test_photos_are_cleaned_and_stored(tenancy, tenant_user):
    out = io.BytesIO()
    Image.new("RGB", (3000, 1000), (5, 5, 5)).save(out, format="PNG")
    request = submit(tenancy, tenant_user, "boiler-broken", photos=[io.BytesIO(out.getvalue())])
    photo = request.photos.get()
    assert (photo.width, photo.height) == (2000, 667)
    assert photo.image.name.endswith(".jpg")
    with photo.image.open("rb") as handle:
        assert handle.read(2) == b"\xff\xd8"


def test_a_tenant_reports_for_their_own_tenancy_only(tenant_user):
    from django.core.exceptions import PermissionDenied

    from roer.tenancies.tests.factories import TenancyFactory

    with pytest.raises(PermissionDenied):
        submit(TenancyFactory(), tenant_user, "boiler-broken")


def test_a_confirmation_in_plain_dutch_after_commit(
    tenancy, tenant_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(tenancy, tenant_user, "boiler-broken")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["huurder@example.nl"]
    assert request.code in message.subject
    assert "We hebben uw reparatieverzoek ontvangen" in message.body
    assert "Cv-ketel" in message.body or "ketel" in message.body.lower()
    request.refresh_from_db()
    assert request.confirmation_sent_at is not None
    assert journal.events_for(request)[-1].activity == "repair_request_confirmation_sent"


def test_no_mail_before_commit(tenancy, tenant_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(tenancy, tenant_user, "boiler-broken")
    assert mailoutbox == [] and len(callbacks) == 1
