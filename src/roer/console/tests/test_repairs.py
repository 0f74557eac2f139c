"""One repair request in the console: find it, read it, and — as the process supervisor — take it over."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from roer.accounts.constants import Role
from roer.core.models import Hold, JournalEvent
from roer.repairs.constants import OrderStatus, Responsibility
from roer.repairs.models import Contractor, RepairRequest
from roer.repairs.routing import KEY as ROUTING_KEY
from roer.repairs.services import repair_request_submit
from roer.repairs.tests.factories import RepairRequestFactory
from roer.repairs.wizard_rules import KEY as WIZARD_KEY
from roer.supervision.models import Alert
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

from .conftest import make_user, sign_in

pytestmark = pytest.mark.django_db

REASON = "De aannemer meldt: de huurder vervangt de thermostaat zelf."


@pytest.fixture
def tenant(db):
    from roer.accounts.tests.factories import UserFactory

    user = UserFactory(email="huurder@example.nl", roles=[Role.TENANT])
    person = PersonFactory(user=user, email="huurder@example.nl")
    TenancyFactory(tenant__person=person, reference="HO-REPAIR-1", dwelling__postcode="3512 PK")
    return user


@pytest.fixture
def repair(tenant) -> RepairRequest:
    tenancy = tenant.person.tenancy_parties.get().tenancy
    return repair_request_submit(
        tenancy=tenancy, by=tenant, problem_id="thermostat", answers={}, channel="INT", idempotency_key="k-c1"
    )


@pytest.fixture
def supervisor(as_role):
    return as_role(Role.PROCESS_SUPERVISOR, first_name="Pim", last_name="Opzichter")


def detail(repair: RepairRequest) -> str:
    return reverse("console:repair_detail", args=[repair.pk])


# --- finding and reading -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROCESS_SUPERVISOR, Role.CUSTOMER_SERVICE])
def test_staff_find_a_request_by_number_tenancy_or_address(client, as_role, repair, role):
    as_role(role)
    other = RepairRequestFactory()
    url = reverse("console:repair_list")
    for query in (
        {"q": str(repair.pk)},
        {"q": repair.code},
        {"q": "ho-repair-1"},
        {"postcode": "3512pk", "house_number": repair.dwelling.house_number},
    ):
        page = client.get(url, query)
        assert page.status_code == 200
        found = list(page.context["page"])
        assert found == [repair], query
    assert set(client.get(url).context["page"]) == {repair, other}


def test_the_list_is_most_recent_first_paginated_and_in_a_fixed_number_of_queries(
    client, supervisor, django_assert_max_num_queries
):
    requests = RepairRequestFactory.create_batch(30)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("console:repair_list"))
    shown = list(first.context["page"])
    assert len(shown) == 25
    assert shown[0] == max(requests, key=lambda r: (r.submitted_at, r.pk))
    second = client.get(reverse("console:repair_list"), {"page": 2})
    assert len(list(second.context["page"])) == 5


def test_postcode_without_house_number_is_an_error(client, supervisor):
    page = client.get(reverse("console:repair_list"), {"postcode": "3512PK"})
    assert page.status_code == 200
    assert page.context["form"].errors
    assert list(page.context["page"]) == []


def test_customer_service_reads_the_request_but_cannot_take_it_over(client, as_role, repair):
    as_role(Role.CUSTOMER_SERVICE)
    page = client.get(detail(repair))
    assert page.status_code == 200
    html = page.content.decode()
    assert repair.code in html
    assert "Request submitted" in html and "Work order given to a contractor" in html
    assert f"({WIZARD_KEY})" in html and f"({ROUTING_KEY})" in html  # the rule versions that decided
    assert not page.context["may_override"]
    assert reverse("console:repair_reclassify", args=[repair.pk]) not in html
    refused = client.post(
        reverse("console:repair_reclassify", args=[repair.pk]),
        {
            "prefix": "urgency",
            "urgency-field": "urgency",
            "urgency-urgency": "urgent",
            "urgency-reason": REASON,
        },
    )
    assert refused.status_code == 403
    repair.refresh_from_db()
    assert repair.urgency == "normal"


def test_a_social_manager_has_no_repair_pages(client, as_role, repair):
    as_role(Role.SOCIAL_MANAGER)
    assert client.get(detail(repair)).status_code == 403


# --- taking over ---------------------------------------------------------------------------------------


def test_the_supervisor_reclassifies_and_the_timeline_shows_it(client, supervisor, repair):
    response = client.post(
        reverse("console:repair_reclassify", args=[repair.pk]),
        {
            "prefix": "responsibility",
            "responsibility-field": "responsibility",
            "responsibility-responsibility": "tenant",
            "responsibility-reason": REASON,
        },
    )
    assert response.status_code == 302 and response.url == detail(repair)
    repair.refresh_from_db()
    assert repair.responsibility == Responsibility.TENANT
    assert repair.orders.get().status == OrderStatus.CANCELLED
    html = client.get(detail(repair)).content.decode()
    for words in (
        "Outcome reclassified by staff",
        "Autopilot&#x27;s decision overridden",
        "Work order cancelled",
    ):
        assert words in html
    assert REASON in html  # the override's reason, on the decision


def test_a_reclassification_without_a_reason_is_refused_with_the_form_kept(client, supervisor, repair):
    response = client.post(
        reverse("console:repair_reclassify", args=[repair.pk]),
        {"prefix": "urgency", "urgency-field": "urgency", "urgency-urgency": "urgent", "urgency-reason": ""},
    )
    assert response.status_code == 400
    assert not JournalEvent.objects.filter(activity="decision_overridden").exists()
    repair.refresh_from_db()
    assert repair.urgency == "normal"


def test_the_supervisor_reroutes_to_another_contractor(client, supervisor, repair):
    other = Contractor.objects.get(key="klimaat-oost")
    page = client.get(detail(repair))
    assert other in page.context["reroute_form"].fields["contractor"].queryset
    response = client.post(
        reverse("console:repair_reroute", args=[repair.pk]),
        {"reroute-contractor": other.pk, "reroute-reason": REASON},
    )
    assert response.status_code == 302
    assert repair.orders.get(status=OrderStatus.ISSUED).contractor == other
    assert "Work given to another contractor" in client.get(detail(repair)).content.decode()


def test_the_supervisor_holds_and_releases_the_request(client, supervisor, repair):
    client.post(reverse("console:repair_hold", args=[repair.pk]), {"hold-reason": REASON})
    hold = Hold.objects.get(subject_kind="repairs.repairrequest", subject_id=str(repair.pk))
    html = client.get(detail(repair)).content.decode()
    assert "has the helm" in html and "Release the hold" in html
    client.post(reverse("console:repair_release", args=[repair.pk]))
    hold.refresh_from_db()
    assert hold.released_by == supervisor
    html = client.get(detail(repair)).content.decode()
    assert "Hold released" in html and "Release the hold" not in html


def test_the_message_reaches_the_tenant_by_email_and_in_the_portal_escaped(
    client, supervisor, repair, tenant, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    text = "De monteur komt morgen. <script>alert(1)</script>"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:repair_message", args=[repair.pk]), {"message-text": text})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["huurder@example.nl"]
    assert "Message sent to the tenant" in client.get(detail(repair)).content.decode()
    client.logout()
    client.force_login(tenant)
    portal = client.get(reverse("portal:repairs-request", args=[repair.pk])).content.decode()
    assert "De monteur komt morgen." in portal
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in portal and "<script>alert(1)" not in portal


def test_another_tenant_does_not_see_the_message(client, supervisor, repair):
    client.post(reverse("console:repair_message", args=[repair.pk]), {"message-text": "Alleen voor u."})
    stranger = make_user(Role.TENANT)
    client.logout()
    sign_in(client, stranger)
    assert client.get(reverse("portal:repairs-request", args=[repair.pk])).status_code == 404


# --- click through from the supervisor's pages -----------------------------------------------------------


def test_the_meters_and_the_process_map_link_their_example_requests_here(client, supervisor, repair):
    today = timezone.localdate().isoformat()
    period = {"date_from": today, "date_to": today}
    page = client.get(reverse("console:meter_detail", args=["digital_share"]), period)
    assert f'href="{detail(repair)}"' in page.content.decode()
    # A supervisor's reclassification takes the request off the designed flow: an example on the map.
    client.post(
        reverse("console:repair_reclassify", args=[repair.pk]),
        {
            "prefix": "responsibility",
            "responsibility-field": "responsibility",
            "responsibility-responsibility": "tenant",
            "responsibility-reason": REASON,
        },
    )
    page = client.get(reverse("console:process_map"), period)
    assert f'data-case="{repair.pk}"' in page.content.decode()
    assert f'href="{detail(repair)}"' in page.content.decode()


def test_an_alerts_example_requests_link_here(client, supervisor, repair):
    alert = Alert.objects.create(
        key="example-links",
        meter="digital_share",
        kind="drift",
        first_day="2026-03-03",
        last_day="2026-03-03",
        evidence={"examples": [str(repair.pk)]},
    )
    page = client.get(reverse("console:alert_detail", args=[alert.pk]))
    assert f'href="{detail(repair)}"' in page.content.decode()
