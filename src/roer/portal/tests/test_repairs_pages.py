"""The tenant's repair pages: search, outcome, submit (once), follow, and who may see what."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified
from roer.core.dates import AMSTERDAM
from roer.core.models import JournalEvent
from roer.repairs.constants import AppointmentStatus, RequestStatus
from roer.repairs.models import RepairRequest
from roer.repairs.selectors import live_wizard
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 14, 10, 0, tzinfo=AMSTERDAM)  # a Wednesday in winter
START = reverse("portal:repairs-start")


@pytest.fixture(autouse=True)
def winter_wednesday():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def make_tenant(email="huurder@example.nl"):
    user = UserFactory(email=email, roles=[Role.TENANT])
    TenancyFactory(tenant__person=PersonFactory(user=user))
    return user


@pytest.fixture
def tenant(client):
    user = make_tenant()
    client.force_login(user)
    return user


def problem_url(problem_id, **answers):
    url = reverse("portal:repairs-problem", args=[problem_id])
    if answers:
        answers.setdefault("klaar", 1)
        url += "?" + "&".join(f"{k}={v}" for k, v in answers.items())
    return url


def submit(client, key="form-key-1", description="", **extra):
    return client.post(
        problem_url("boiler-broken", **{"whole-home": "ja"}),
        {"description": description, "idempotency_key": key, "part": "", **extra},
    )


def test_the_start_page_searches_and_always_shows_the_emergencies(client, tenant):
    page = client.get(START, {"q": "cv doet het niet"}).content.decode()
    assert "0800-9009" in page and "112" in page
    assert f'href="{problem_url("boiler-broken")}"' in page
    assert "<script" not in page
    browse = client.get(START, {"plek": "inside/kitchen"}).content.decode()
    assert f'href="{problem_url("tap-dripping")}"' in browse


def test_a_dripping_tap_is_the_tenants_part_with_clause_d_and_advice(client, tenant, in_english):
    page = client.get(problem_url("tap-dripping")).content.decode()
    assert 'name="klaar"' in page  # the questions first
    page = client.get(problem_url("tap-dripping", klaar=1)).content.decode()
    assert "You repair this yourself" in page
    assert '<strong class="clause">d</strong>' in page
    assert 'class="advice"' in page
    assert 'name="idempotency_key"' not in page  # no form without a service subscription


def test_a_gas_smell_gives_the_number_at_once_and_no_form(client, tenant):
    page = client.get(problem_url("gas-smell", klaar=1)).content.decode()
    assert 'href="tel:0800-9009"' in page
    assert '<form method="post" action="/portal/reparatie/probleem' not in page
    assert 'name="idempotency_key"' not in page
    assert client.post(problem_url("gas-smell", klaar=1), {"idempotency_key": "x"}).status_code == 302
    assert not RepairRequest.objects.exists()


def test_a_former_tenant_gets_the_advice_and_a_way_to_reach_us_but_no_form(client, in_english):
    user = UserFactory(email="oud@example.nl", roles=[Role.TENANT])
    TenancyFactory(tenant__person=PersonFactory(user=user), end_date=dt.date(2020, 6, 30))
    client.force_login(user)
    url = problem_url("boiler-broken", **{"whole-home": "ja"})
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "We cannot find a current tenancy of yours" in page
    assert 'name="idempotency_key"' not in page
    assert client.post(url, {"idempotency_key": "x", "description": ""}).status_code == 302
    assert not RepairRequest.objects.exists()


def test_a_broken_boiler_is_submitted_once_even_when_posted_twice(client, tenant, in_english):
    page = client.get(problem_url("boiler-broken", **{"whole-home": "ja"})).content.decode()
    assert "Urgent: within 24 hours" in page
    assert 'name="idempotency_key"' in page and 'type="file"' in page
    first = submit(client, weekdays=["1", "3"])
    second = submit(client, weekdays=["1", "3"])
    repair = RepairRequest.objects.get()
    detail = reverse("portal:repairs-request", args=[repair.pk])
    assert first["Location"] == second["Location"] == detail
    assert (repair.urgency, repair.trade, repair.preferred_weekdays) == ("urgent", "CVI", [1, 3])

    page = client.get(detail).content.decode()
    assert f'data-status="{RequestStatus.IN_PROGRESS}"' in page
    assert '<span class="trade">CVI</span>' in page and 'class="due"' in page
    order = repair.orders.get()
    slot = reverse("portal:repairs-book", args=[repair.pk, order.pk])
    assert f'action="{slot}"' in page
    response = client.post(slot, {f"order{order.pk}-slot": "2026-01-15|OCH"})
    assert response.status_code == 302
    assert order.appointments.get().status == AppointmentStatus.PROPOSED

    listing = client.get(reverse("portal:repairs-requests")).content.decode()
    assert repair.code in listing

    cancel = client.post(reverse("portal:repairs-cancel", args=[repair.pk]), {"reason": "Het werkt weer"})
    assert cancel.status_code == 302
    repair.refresh_from_db()
    assert repair.status == RequestStatus.CANCELLED and repair.cancelled_reason == "Het werkt weer"


def test_a_bad_photo_shows_the_services_message(client, tenant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("kapot.jpg", b"not an image at all", content_type="image/jpeg")
    response = submit(client, photos=bad)
    assert response.status_code == 200
    assert 'class="error" role="alert"' in response.content.decode()
    assert not RepairRequest.objects.exists()


def test_the_description_is_escaped(client, tenant):
    submit(client, description='<script>alert("x")</script>')
    repair = RepairRequest.objects.get()
    page = client.get(reverse("portal:repairs-request", args=[repair.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_another_tenants_request_is_not_found(client, tenant):
    submit(client)
    repair = RepairRequest.objects.get()
    client.force_login(make_tenant("ander@example.nl"))
    assert client.get(reverse("portal:repairs-request", args=[repair.pk])).status_code == 404
    cancel = client.post(reverse("portal:repairs-cancel", args=[repair.pk]), {"reason": "weg"})
    assert cancel.status_code == 404
    listing = client.get(reverse("portal:repairs-requests")).content.decode()
    assert reverse("portal:repairs-request", args=[repair.pk]) not in listing


@pytest.mark.parametrize("url", [START, problem_url("tap-dripping"), "/portal/reparatie/verzoeken/"])
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_are_forbidden(client):
    staff = UserFactory(roles=[Role.CUSTOMER_SERVICE])
    staff_second_factor_add(user=staff)
    sign_in_verified(client, staff, StaticDevice.objects.get(user=staff))
    assert client.get(START).status_code == 403
    assert client.get(reverse("portal:repairs-requests")).status_code == 403


def test_an_unknown_problem_is_not_found(client, tenant):
    assert client.get(problem_url("no-such-thing")).status_code == 404


def test_a_service_subscription_offers_to_book_the_tenants_part(client, tenant):
    tenancy = tenant.person.tenancy_parties.get().tenancy
    tenancy.service_subscription = True
    tenancy.save(update_fields=["service_subscription"])
    url = problem_url("tap-dripping", klaar=1)
    assert 'name="idempotency_key"' in client.get(url).content.decode()
    response = client.post(url, {"idempotency_key": "sub-1", "part": ""})
    repair = RepairRequest.objects.get()
    assert response["Location"] == reverse("portal:repairs-request", args=[repair.pk])
    assert (repair.clause, repair.orders.get().trade) == ("d", "LOO")


def test_every_wizard_step_is_journaled_with_the_tree_version_and_without_the_tenants_words(client, tenant):
    version, _tree = live_wizard()
    client.get(START, {"q": "kraan druppelt bij Jansen"})
    client.get(problem_url("boiler-broken"))
    client.get(problem_url("tap-dripping", klaar=1))
    steps = list(JournalEvent.objects.filter(activity="wizard_step").order_by("id"))
    assert [(e.facts["step"], e.facts["problem"]) for e in steps] == [
        ("searched", "tap-dripping"),
        ("questions_shown", "boiler-broken"),
        ("outcome_shown", "tap-dripping"),
    ]
    assert steps[0].facts["matched"] is True
    assert steps[2].facts["responsibility"] == "tenant"
    assert all(e.channel == "INT" and e.actor_kind == "tenant" for e in steps)
    assert all(list(e.rule_versions.values_list("rule_version", flat=True)) == [version.pk] for e in steps)
    assert all("Jansen" not in str(e.facts) for e in steps)
    kinds = {s.kind for e in steps for s in e.subjects.all()}
    assert kinds == {"tenancies.tenancy", "accounts.user"}
