import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core import journal
from roer.core.dates import AMSTERDAM
from roer.repairs.constants import AppointmentStatus, Handling, OrderStatus, RequestStatus
from roer.repairs.models import Appointment
from roer.repairs.services import appointment_book
from roer.repairs.tests.factories import AppointmentFactory, ContractorFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db

# Thursday 23 April 2026, 9:00; Monday 27 April is King's Day.
NOW = dt.datetime(2026, 4, 23, 9, 0, tzinfo=AMSTERDAM)
AREA = "/aannemer/"
REMARK = "Ketel vervangen, oude afgevoerd"


@pytest.fixture(autouse=True)
def thursday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def contractor_user():
    return UserFactory(roles=[Role.CONTRACTOR])


@pytest.fixture
def contractor(contractor_user):
    return ContractorFactory(key="warmte-x", name="Warmte X", trades=["CVI"], user=contractor_user)


@pytest.fixture
def signed_in(client, contractor_user, contractor):
    client.force_login(contractor_user)
    return client


@pytest.fixture
def order(contractor):
    return WorkOrderFactory(
        contractor=contractor,
        request__description="Radiatoren blijven koud",
        request__tenancy__dwelling__street="Oudegracht",
        request__tenancy__dwelling__house_number="12bis",
    )


@pytest.fixture
def other_order():
    other_user = UserFactory(roles=[Role.CONTRACTOR])
    return WorkOrderFactory(
        contractor=ContractorFactory(key="warmte-y", trades=["CVI"], user=other_user),
        request__tenancy__dwelling__street="Biltstraat",
    )


def page(order, action=""):
    return f"{AREA}orders/{order.code}/{action + '/' if action else ''}"


# --- who may come in ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(AREA)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_tenant_is_refused(client):
    client.force_login(UserFactory(roles=[Role.TENANT]))
    assert client.get(AREA).status_code == 403


def test_a_contractor_account_without_a_contractor_is_told_so(client, in_english):
    client.force_login(UserFactory(roles=[Role.CONTRACTOR]))
    response = client.get(AREA)
    assert response.status_code == 403
    assert "not linked to a contractor" in response.content.decode()


def test_an_inactive_contractor_is_refused(signed_in, contractor, order):
    contractor.active = False
    contractor.save()
    assert signed_in.get(AREA).status_code == 403
    assert signed_in.get(page(order)).status_code == 403


def test_a_contractor_cannot_open_the_staff_console(signed_in):
    response = signed_in.get("/console/")
    assert response.status_code == 403


# --- the list and the order page -----------------------------------------------------------------------


def test_the_list_shows_own_open_orders_with_due_date_urgency_address_and_status(
    signed_in, contractor, order, other_order, in_english
):
    done = WorkOrderFactory(contractor=contractor, done=True)
    waiting = WorkOrderFactory(contractor=contractor, awaiting_approval=True)
    text = signed_in.get(AREA).content.decode()
    assert order.code in text
    assert "Oudegracht 12bis" in text
    assert "Issued to the contractor" in text
    assert "Urgent" in text
    assert "Friday 24 April 2026" in text  # due tomorrow
    for hidden in (other_order.code, "Biltstraat", done.code, waiting.code):
        assert hidden not in text


def test_the_list_makes_the_same_queries_for_one_or_many_orders(signed_in, contractor):
    AppointmentFactory(order=WorkOrderFactory(contractor=contractor))
    signed_in.get(AREA)
    with CaptureQueriesContext(connection) as one:
        assert signed_in.get(AREA).status_code == 200
    for _ in range(4):
        AppointmentFactory(order=WorkOrderFactory(contractor=contractor))
    with CaptureQueriesContext(connection) as many:
        assert signed_in.get(AREA).status_code == 200
    assert len(many) == len(one)


def test_the_order_page_shows_the_details_and_the_actions(signed_in, order, in_english):
    text = signed_in.get(page(order)).content.decode()
    assert "Radiatoren blijven koud" in text
    assert "CV Installateur" in text
    for action in ("accept", "plan", "report", "flag"):
        assert f'action="{page(order, action)}"' in text
    assert "csrfmiddlewaretoken" in text
    assert "Could not get in" in text


@pytest.mark.parametrize("action", ["", "accept", "plan", "confirm", "report", "flag"])
def test_another_contractors_order_is_404(signed_in, other_order, action):
    AppointmentFactory(order=other_order)
    if action:
        data = {"plan-slot": "2026-04-23|MID", "report-result": "done", "flag-flag": "no_access"}
        response = signed_in.post(page(other_order, action), data)
    else:
        response = signed_in.get(page(other_order))
    assert response.status_code == 404
    other_order.refresh_from_db()
    assert (other_order.status, other_order.accepted_at, other_order.result, other_order.flag) == (
        OrderStatus.ISSUED,
        None,
        "",
        "",
    )
    assert Appointment.objects.get(order=other_order).status == AppointmentStatus.PROPOSED


def test_an_unknown_code_is_404(signed_in):
    assert signed_in.get(f"{AREA}orders/OO999999/").status_code == 404
    assert signed_in.get(f"{AREA}orders/nonsense/").status_code == 404


def test_the_actions_need_post_and_csrf(contractor_user, order):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(contractor_user)
    assert strict.get(page(order, "accept")).status_code == 405
    assert strict.post(page(order, "accept")).status_code == 403
    order.refresh_from_db()
    assert order.accepted_at is None


# --- acting on an order -------------------------------------------------------------------------------------


def test_accept_confirm_and_report_done(signed_in, order, in_english):
    response = signed_in.post(page(order, "accept"), follow=True)
    assert "You have accepted order" in response.content.decode()
    order.refresh_from_db()
    assert order.accepted_at is not None
    assert "Accept this order" not in response.content.decode()
    appointment_book(order=order, date=dt.date(2026, 4, 24), part="OCH", by=UserFactory())
    assert "The tenant asked for a visit" in signed_in.get(page(order)).content.decode()
    response = signed_in.post(page(order, "confirm"), follow=True)
    assert "You have confirmed the visit." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLANNED
    response = signed_in.post(
        page(order, "report"), {"report-result": "done", "report-remark": REMARK}, follow=True
    )
    text = response.content.decode()
    assert "The work is reported as done." in text
    assert "This order is closed." in text
    order.refresh_from_db()
    order.request.refresh_from_db()
    assert (order.status, order.request.status, order.remark) == (
        OrderStatus.TECHNICALLY_DONE,
        RequestStatus.TECHNICALLY_DONE,
        REMARK,
    )
    reported = journal.events_for(order)[-1]
    assert reported.activity == "work_order_reported"
    assert (reported.actor_kind, reported.actor_id) == ("contractor", order.contractor.user_id)
    assert REMARK not in str(reported.facts)


def test_plan_a_time_offered(signed_in, order, in_english):
    text = signed_in.get(page(order)).content.decode()
    assert 'value="2026-04-23|MID"' in text and 'value="2026-04-24|OCH"' in text
    response = signed_in.post(page(order, "plan"), {"plan-slot": "2026-04-24|OCH"}, follow=True)
    assert "The visit is planned." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PLANNED
    assert order.appointments.get().status == AppointmentStatus.CONFIRMED


def test_a_time_not_offered_is_refused_next_to_the_field(signed_in, order, in_english):
    response = signed_in.post(page(order, "plan"), {"plan-slot": "2026-04-25|OCH"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not order.appointments.exists()


def test_report_not_done(signed_in, order, in_english):
    AppointmentFactory(order=order, status=AppointmentStatus.CONFIRMED)
    response = signed_in.post(page(order, "report"), {"report-result": "not_done"}, follow=True)
    assert "Plan a new visit." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and order.result == "not_done"
    assert not order.appointments.exclude(status=AppointmentStatus.CANCELLED).exists()


def test_a_report_without_a_result_keeps_the_remark(signed_in, order, in_english):
    response = signed_in.post(page(order, "report"), {"report-remark": REMARK})
    text = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in text
    assert REMARK in text
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED


@pytest.mark.parametrize(
    ("flag", "status", "message"),
    [
        ("wrong_trade", OrderStatus.CANCELLED, "will look at this order again"),
        ("tenant_responsibility", OrderStatus.CANCELLED, "will look at this order again"),
        ("other_contractor", OrderStatus.CANCELLED, "will look at this order again"),
        ("no_access", OrderStatus.ISSUED, "you could not get in"),
    ],
)
def test_flag_an_order(signed_in, order, flag, status, message, in_english):
    response = signed_in.post(page(order, "flag"), {"flag-flag": flag, "flag-remark": REMARK}, follow=True)
    assert message in response.content.decode()
    order.refresh_from_db()
    order.request.refresh_from_db()
    assert (order.status, order.flag) == (status, flag)
    if status == OrderStatus.CANCELLED:
        assert order.request.handling == Handling.STAFF_QUEUE
    event = journal.events_for(order)[-1]
    assert event.activity == "work_order_flagged" and REMARK not in str(event.facts)


def test_wrong_states_give_a_clear_message_not_an_error(signed_in, contractor, in_english):
    done = WorkOrderFactory(contractor=contractor, done=True)
    assert "This order is closed." in signed_in.get(page(done)).content.decode()
    response = signed_in.post(page(done, "accept"), follow=True)
    assert response.status_code == 200
    assert "This order can no longer be accepted." in response.content.decode()
    response = signed_in.post(page(done, "report"), {"report-result": "done"}, follow=True)
    assert "This order can no longer be reported on." in response.content.decode()
    response = signed_in.post(page(done, "flag"), {"flag-flag": "no_access"}, follow=True)
    assert "This order can no longer be flagged." in response.content.decode()
    response = signed_in.post(page(done, "confirm"), follow=True)
    assert "There is no visit to confirm." in response.content.decode()
    response = signed_in.post(page(done, "plan"), {"plan-slot": "2026-04-23|MID"})
    assert response.status_code == 200
    done.refresh_from_db()
    assert done.status == OrderStatus.TECHNICALLY_DONE


# --- the tenant's photos ------------------------------------------------------------------------------


def _photo(order, settings, tmp_path):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from roer.repairs.models import RepairPhoto

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    photo = RepairPhoto.objects.create(
        request=order.request, image=ContentFile(buffer.getvalue(), name="photo.jpg")
    )
    return photo, buffer.getvalue()


def test_the_contractor_sees_the_tenants_photos_of_their_own_order(signed_in, order, settings, tmp_path):
    photo, content = _photo(order, settings, tmp_path)
    html = signed_in.get(page(order)).content.decode()
    url = f"{AREA}orders/{order.code}/photos/{photo.pk}.jpg"
    assert f'src="{url}"' in html and 'width="40" height="30"' in html
    response = signed_in.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content == content


def test_another_contractors_photo_is_not_found(signed_in, other_order, order, settings, tmp_path):
    photo, _ = _photo(other_order, settings, tmp_path)
    # Neither through the other order's code, nor by putting the photo's id under the own order.
    assert signed_in.get(f"{AREA}orders/{other_order.code}/photos/{photo.pk}.jpg").status_code == 404
    assert signed_in.get(f"{AREA}orders/{order.code}/photos/{photo.pk}.jpg").status_code == 404
