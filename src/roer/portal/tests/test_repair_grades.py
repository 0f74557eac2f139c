"""Following a repair in the portal (status in plain words, timeline, moving the visit) and grading it —
on the request page and through the e-mail's link without signing in."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core.dates import AMSTERDAM
from roer.core.models import JournalEvent
from roer.repairs.constants import AppointmentStatus, Handling, RequestStatus
from roer.repairs.models import SatisfactionResponse
from roer.repairs.satisfaction import grade_link_token
from roer.repairs.services import repair_request_submit, work_order_report
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 14, 10, 0, tzinfo=AMSTERDAM)  # a Wednesday in winter


@pytest.fixture(autouse=True)
def winter_wednesday():
    with time_machine.travel(NOW, tick=False):
        yield


def make_tenant(email="huurder@example.nl"):
    user = UserFactory(email=email, roles=[Role.TENANT])
    TenancyFactory(tenant__person=PersonFactory(user=user))
    return user


@pytest.fixture
def tenant(client):
    user = make_tenant()
    client.force_login(user)
    return user


@pytest.fixture
def contractor_user():
    return UserFactory(roles=[Role.CONTRACTOR])


@pytest.fixture
def repair(tenant, contractor_user):
    """A broken boiler: ordered (urgent, heating), the contractor has an account."""
    tenancy = tenant.person.tenancy_parties.get().tenancy
    request = repair_request_submit(
        tenancy=tenancy,
        by=tenant,
        problem_id="boiler-broken",
        answers={"whole-home": "ja"},
        description="De ketel bij Jansen op nummer 12 is stuk",
        idempotency_key="form-1",
    )
    order = request.orders.get()
    order.contractor.user = contractor_user
    order.contractor.save(update_fields=["user"])
    return request


def report_done(repair, contractor_user, capture):
    with capture(execute=True):
        work_order_report(order=repair.orders.get(), by=contractor_user, result="done")
    repair.refresh_from_db()
    return repair


def detail(repair):
    return reverse("portal:repairs-request", args=[repair.pk])


GRADE = {"grade": "8", "fixed": "yes", "comment": "Snel geholpen door de monteur"}


# --- following the request ------------------------------------------------------------------------


def test_the_request_page_says_the_status_in_plain_words_with_a_timeline(client, repair, in_english):
    page = client.get(detail(repair)).content.decode()
    assert "We have asked a contractor to do the repair." in page
    steps = re.findall(r'data-step="([a-z]+)"', page)
    assert steps == ["registered", "ordered", "planned", "done", "graded"]
    assert page.count("is-reached") == 2  # registered, order issued
    assert "<script" not in page


def test_moving_the_visit_through_the_portal_is_journaled_as_a_reschedule(client, repair, in_english):
    order = repair.orders.get()
    book = reverse("portal:repairs-book", args=[repair.pk, order.pk])
    # Urgent: due tomorrow 10:00, so this afternoon and tomorrow morning are offered.
    assert client.post(book, {f"order{order.pk}-slot": "2026-01-14|MID"}).status_code == 302
    page = client.get(detail(repair)).content.decode()
    move = reverse("portal:repairs-reschedule", args=[repair.pk, order.pk])
    assert f'action="{move}"' in page and "Move the visit" in page
    assert "A contractor will come for the repair." in page
    assert re.search(r'data-step="planned">\s*<span[^>]*>Visit planned', page)

    response = client.post(move, {f"order{order.pk}-slot": "2026-01-15|OCH"})
    assert response.status_code == 302
    live = order.appointments.exclude(status=AppointmentStatus.CANCELLED).get()
    assert (live.date, live.part) == (dt.date(2026, 1, 15), "OCH")
    activities = list(
        JournalEvent.objects.filter(activity__in=["appointment_booked", "repair_request_rescheduled"])
        .order_by("id")
        .values_list("activity", flat=True)
    )
    assert activities == ["appointment_booked", "repair_request_rescheduled"]


def test_a_time_not_offered_keeps_the_move_form_open_with_an_error(client, repair, in_english):
    order = repair.orders.get()
    client.post(
        reverse("portal:repairs-book", args=[repair.pk, order.pk]),
        {f"order{order.pk}-slot": "2026-01-15|OCH"},
    )
    move = reverse("portal:repairs-reschedule", args=[repair.pk, order.pk])
    response = client.post(move, {f"order{order.pk}-slot": "2030-01-01|OCH"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<details class="repair-move" open>' in page and "Choose one of the times offered." in page
    assert not JournalEvent.objects.filter(activity="repair_request_rescheduled").exists()


def test_another_tenant_cannot_move_or_grade(
    client, repair, contractor_user, django_capture_on_commit_callbacks
):
    order = repair.orders.get()
    report_done(repair, contractor_user, django_capture_on_commit_callbacks)
    client.force_login(make_tenant("buurvrouw@example.nl"))
    move = reverse("portal:repairs-reschedule", args=[repair.pk, order.pk])
    assert client.post(move, {f"order{order.pk}-slot": "2026-01-15|MID"}).status_code == 404
    assert client.post(reverse("portal:repairs-grade", args=[repair.pk]), GRADE).status_code == 404
    assert not SatisfactionResponse.objects.exists()


# --- grading on the request page ------------------------------------------------------------------------


def test_a_signed_in_tenant_grades_on_the_request_page(
    client, repair, contractor_user, django_capture_on_commit_callbacks, in_english
):
    before = client.get(detail(repair)).content.decode()
    assert 'name="grade"' not in before  # not before the work is done
    report_done(repair, contractor_user, django_capture_on_commit_callbacks)
    page = client.get(detail(repair)).content.decode()
    assert "The contractor says the work is done." in page
    assert f'action="{reverse("portal:repairs-grade", args=[repair.pk])}"' in page
    assert page.count('name="grade"') == 10

    response = client.post(reverse("portal:repairs-grade", args=[repair.pk]), GRADE)
    assert response.status_code == 302
    response = SatisfactionResponse.objects.get()
    assert (response.grade, response.fixed, response.channel) == (8, True, "INT")
    page = client.get(detail(repair)).content.decode()
    assert 'name="grade"' not in page and '<dd class="grade">8</dd>' in page
    assert re.findall(r'data-step="([a-z]+)"', page)[-1] == "graded"

    # A second grade is refused: the first one stands.
    client.post(reverse("portal:repairs-grade", args=[repair.pk]), {**GRADE, "grade": "1"})
    assert SatisfactionResponse.objects.get().grade == 8


def test_a_missing_answer_is_shown_next_to_the_field_and_the_words_are_kept(
    client, repair, contractor_user, django_capture_on_commit_callbacks
):
    report_done(repair, contractor_user, django_capture_on_commit_callbacks)
    response = client.post(
        reverse("portal:repairs-grade", args=[repair.pk]), {"fixed": "yes", "comment": "Bijna goed"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error"' in page and "Bijna goed</textarea>" in page
    assert not SatisfactionResponse.objects.exists()


def test_not_fixed_sends_the_request_to_a_person(
    client, repair, contractor_user, django_capture_on_commit_callbacks
):
    report_done(repair, contractor_user, django_capture_on_commit_callbacks)
    client.post(reverse("portal:repairs-grade", args=[repair.pk]), {**GRADE, "grade": "4", "fixed": "no"})
    repair.refresh_from_db()
    assert (repair.status, repair.handling) == (RequestStatus.IN_PROGRESS, Handling.STAFF_QUEUE)
    assert JournalEvent.objects.filter(activity="repair_request_reopened").count() == 1


# --- grading through the e-mail's link --------------------------------------------------------------------


def test_the_completion_email_link_works_signed_out(
    client, repair, contractor_user, mailoutbox, django_capture_on_commit_callbacks, in_english
):
    report_done(repair, contractor_user, django_capture_on_commit_callbacks)
    mails = [m for m in mailoutbox if "/portal/reparatie/beoordelen/" in m.body]
    assert len(mails) == 1  # the confirmation of the submission does not count: it was sent before
    url = re.search(r"https?://\S+/portal/reparatie/beoordelen/\S+/", mails[0].body).group(0)
    path = url.split("://", 1)[1].split("/", 1)[1]
    client.logout()

    page = client.get("/" + path)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer" and "no-store" in page["Cache-Control"]
    text = page.content.decode()
    assert "14 January 2026" in text
    for personal in ("Jansen", "nummer 12", "huurder@example.nl", repair.dwelling.postcode, repair.code):
        assert personal not in text

    posted = client.post("/" + path, GRADE)
    assert posted.status_code == 302
    response = SatisfactionResponse.objects.get()
    assert (response.grade, response.channel, response.comment) == (8, "EMA", "Snel geholpen door de monteur")
    event = JournalEvent.objects.get(activity="satisfaction_recorded")
    assert (event.actor_kind, event.actor_id, event.channel) == ("tenant", None, "EMA")
    thanks = client.get("/" + path).content.decode()
    assert "We have your grade. Thank you!" in thanks and 'name="grade"' not in thanks

    # The link cannot grade twice.
    client.post("/" + path, {**GRADE, "grade": "2"})
    assert SatisfactionResponse.objects.get().grade == 8


def test_an_expired_link_gives_a_friendly_page(
    client, repair, contractor_user, django_capture_on_commit_callbacks, in_english
):
    report_done(repair, contractor_user, django_capture_on_commit_callbacks)
    url = reverse("portal:repairs-grade-link", args=[grade_link_token(repair)])
    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        response = client.get(url)
        posted = client.post(url, GRADE)
    assert response.status_code == 410 and posted.status_code == 410
    assert "This link was valid for 30 days" in response.content.decode()
    assert not SatisfactionResponse.objects.exists()


@pytest.mark.parametrize("token", ["nonsense", "1:1vZ0aB:abcdefghijklmnopqrstuvwxyz0", "x" * 300])
def test_a_tampered_link_gives_a_friendly_page(client, token, in_english):
    response = client.get(reverse("portal:repairs-grade-link", args=[token]))
    assert response.status_code == 404
    assert "We do not recognise this link" in response.content.decode()


def test_a_link_for_work_that_is_not_done_cannot_grade(client, repair, in_english):
    url = reverse("portal:repairs-grade-link", args=[grade_link_token(repair)])
    page = client.get(url).content.decode()
    assert "You cannot give a grade for this repair now." in page and 'name="grade"' not in page
    client.post(url, GRADE)
    assert not SatisfactionResponse.objects.exists()


def test_the_grade_pages_are_in_dutch_by_default(
    client, repair, contractor_user, django_capture_on_commit_callbacks
):
    report_done(repair, contractor_user, django_capture_on_commit_callbacks)
    client.logout()
    page = client.get(reverse("portal:repairs-grade-link", args=[grade_link_token(repair)]))
    assert '<html lang="nl">' in page.content.decode()
