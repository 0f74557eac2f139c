"""Customer service in the console: who may open it, the callback queue, handling a callback, and
registering a contact with each topic."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from roer.accounts.constants import Role
from roer.answers.constants import KEY, CallbackStatus
from roer.answers.models import CallbackRequest
from roer.answers.tests.factories import CallbackRequestFactory
from roer.casework.models import ContactMoment
from roer.core import rules
from roer.core.dates import AMSTERDAM
from roer.core.journal import events_for
from roer.core.models import JournalEvent
from roer.tenancies.tests.factories import DwellingFactory, TenancyFactory

from .conftest import make_user, sign_in

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 15, 10, 30, tzinfo=AMSTERDAM)  # Thursday morning
CS, SM = Role.CUSTOMER_SERVICE, Role.SOCIAL_MANAGER
ALL_ROLES = [
    Role.TENANT,
    Role.CUSTOMER_SERVICE,
    Role.SOCIAL_MANAGER,
    Role.COLLECTIONS_OFFICER,
    Role.FINANCE_OFFICER,
    Role.PROCESS_SUPERVISOR,
    Role.ADMINISTRATOR,
    Role.CONTRACTOR,
]
QUEUE = reverse("console:service_queue")
SEARCH = reverse("console:contact_search")


@pytest.fixture(autouse=True)
def thursday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def callback():
    return CallbackRequestFactory(created_at=NOW - dt.timedelta(hours=20))


@pytest.fixture
def customer_service(as_role):
    return as_role(CS)


def pages(callback):
    return [
        QUEUE,
        reverse("console:callback_handle", args=[callback.pk]),
        SEARCH,
        reverse("console:contact_new", args=[callback.tenancy.pk]),
    ]


def test_anonymous_people_are_sent_to_sign_in(client, callback):
    for url in pages(callback):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert (
        client.post(reverse("console:callback_handle", args=[callback.pk]), {"status": "called"}).status_code
        == 302
    )
    assert CallbackRequest.objects.get().status == CallbackStatus.OPEN


@pytest.mark.parametrize("role", ALL_ROLES)
def test_customer_service_and_social_managers_only(client, callback, role):
    sign_in(client, make_user(role))
    allowed = role in {CS, SM}
    for url in pages(callback):
        assert client.get(url).status_code == (200 if allowed else 403), url
    response = client.post(
        reverse("console:callback_handle", args=[callback.pk]), {"status": "called", "outcome": "Gesproken."}
    )
    assert response.status_code == (302 if allowed else 403)
    assert CallbackRequest.objects.get().status == (CallbackStatus.CALLED if allowed else CallbackStatus.OPEN)
    assert ContactMoment.objects.exists() is allowed


def test_unverified_staff_verify_first(client, callback):
    client.force_login(make_user(CS))
    response = client.get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:verify"))


def test_the_queue_lists_waiting_callbacks_oldest_first_and_marks_the_due_ones(
    client, customer_service, django_assert_max_num_queries
):
    late = CallbackRequestFactory(preferred_day=dt.date(2026, 1, 14), created_at=NOW - dt.timedelta(days=2))
    due = CallbackRequestFactory(preferred_day=dt.date(2026, 1, 15), created_at=NOW - dt.timedelta(days=1))
    later = CallbackRequestFactory(preferred_day=dt.date(2026, 1, 16), created_at=NOW - dt.timedelta(hours=1))
    handled = CallbackRequestFactory(called=True)
    for _ in range(5):
        CallbackRequestFactory(preferred_day=dt.date(2026, 1, 16), created_at=NOW)

    with django_assert_max_num_queries(12):
        page = client.get(QUEUE).content.decode()

    positions = [
        page.index(f'href="{reverse("console:callback_handle", args=[c.pk])}"') for c in (late, due, later)
    ]
    assert positions == sorted(positions)
    assert reverse("console:callback_handle", args=[handled.pk]) not in page
    assert page.count('data-state="overdue"') == 1 and page.count('data-state="due"') == 1
    assert "2 are due now or late." in page
    assert f'href="{QUEUE}"' in page  # the console's navigation leads here


def test_the_callback_page_shows_whom_to_call_and_about_what(client, customer_service, callback):
    page = client.get(reverse("console:callback_handle", args=[callback.pk])).content.decode()
    assert 'href="tel:0612345678"' in page
    assert "Kraan druppelt" in page
    assert "Liefst na tienen." in page


def test_a_call_is_saved_with_its_contact(client, customer_service, callback):
    response = client.post(
        reverse("console:callback_handle", args=[callback.pk]),
        {"status": "called", "outcome": "Uitgelegd hoe het leertje gaat."},
    )
    assert response.status_code == 302 and response["Location"] == QUEUE
    callback.refresh_from_db()
    assert (callback.status, callback.handled_by, callback.attempts) == ("called", customer_service, 1)
    contact = ContactMoment.objects.get()
    assert (contact.channel, contact.topic, contact.problem_id, contact.succeeded) == (
        "TEL",
        "repair",
        "tap-dripping",
        True,
    )
    assert reverse("console:callback_handle", args=[callback.pk]) not in client.get(QUEUE).content.decode()


def test_closing_without_a_reason_is_refused_and_the_choice_kept(client, customer_service, callback):
    response = client.post(
        reverse("console:callback_handle", args=[callback.pk]), {"status": "closed", "outcome": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say why the callback is closed without a call." in page
    assert re.search(r'name="status" value="closed"[^>]* checked>', page)
    assert CallbackRequest.objects.get().status == CallbackStatus.OPEN


def test_a_handled_callback_says_so(client, customer_service):
    handled = CallbackRequestFactory(called=True)
    page = client.get(reverse("console:callback_handle", args=[handled.pk])).content.decode()
    assert "Handled on" in page and 'name="status"' not in page
    response = client.post(
        reverse("console:callback_handle", args=[handled.pk]), {"status": "called", "outcome": "x"}
    )
    assert response.status_code == 200
    assert "This callback was handled already." in response.content.decode()
    assert not ContactMoment.objects.exists()


def test_an_unknown_callback_is_404(client, customer_service):
    assert client.get(reverse("console:callback_handle", args=[999999])).status_code == 404


# --- registering a contact ------------------------------------------------------------------------------


def test_a_tenancy_is_found_by_reference_or_by_postcode_and_house_number(client, customer_service):
    tenancy = TenancyFactory(
        reference="HO-777001", dwelling=DwellingFactory(postcode="3512 PK", house_number="12a")
    )
    TenancyFactory(dwelling=DwellingFactory(postcode="3512 PK", house_number="14"))
    new = reverse("console:contact_new", args=[tenancy.pk])
    for query in ("HO-777001", "ho-777", "3512 PK 12a", "3512pk12a", "3512 pk, 12A"):
        page = client.get(SEARCH, {"q": query}).content.decode()
        assert f'href="{new}"' in page, query
        assert len(re.findall(r'href="/console/klantenservice/contact/\d+/"', page)) == 1, query
    assert "No tenancy found" in client.get(SEARCH, {"q": "9999 ZZ 1"}).content.decode()


def _contact(client, tenancy, **fields):
    data = {
        "channel": "TEL",
        "direction": "INK",
        "succeeded": "yes",
        "topic": "other",
        "problem_id": "",
        "answer_id": "",
        "happened_at": "",
        "summary": "Mevrouw belde, 06 98765432.",
    }
    return client.post(reverse("console:contact_new", args=[tenancy.pk]), data | fields)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"topic": "repair", "problem_id": "boiler-broken"}, ("repair", "boiler-broken", "")),
        ({"topic": "repair"}, ("repair", "", "")),
        ({"topic": "rent_account", "channel": "BAL"}, ("rent_account", "", "")),
        ({"topic": "arrangement"}, ("arrangement", "", "")),
        ({"topic": "answer", "answer_id": "housing-allowance"}, ("answer", "", "housing-allowance")),
        ({"topic": "other", "direction": "UIT", "succeeded": "no"}, ("other", "", "")),
    ],
)
def test_a_contact_is_logged_with_each_topic(client, customer_service, fields, expected):
    tenancy = TenancyFactory()
    response = _contact(client, tenancy, **fields)
    assert response.status_code == 302
    contact = ContactMoment.objects.get()
    assert (contact.topic, contact.problem_id, contact.answer_id) == expected
    assert (contact.channel, contact.by, contact.summary) == (
        fields.get("channel", "TEL"),
        customer_service,
        "Mevrouw belde, 06 98765432.",
    )
    event = events_for(contact)[0]
    assert event.activity == "contact_logged"
    assert event.facts["topic"] == expected[0]
    assert (
        event.facts.get("problem_id", "") == expected[1] and event.facts.get("answer_id", "") == expected[2]
    )
    assert "98765432" not in str(event.facts) and "Mevrouw" not in str(event.facts)
    if expected[2]:
        assert rules.live_version(KEY).pk in {v.rule_version_id for v in event.rule_versions.all()}


def test_the_form_offers_the_live_problems_and_answers(client, customer_service):
    page = client.get(reverse("console:contact_new", args=[TenancyFactory().pk])).content.decode()
    assert '<option value="boiler-broken">' in page
    assert '<option value="housing-allowance">Heb ik recht op huurtoeslag?</option>' in page
    assert "<optgroup" in page


def test_a_problem_with_another_topic_is_shown_next_to_the_field_and_nothing_saved(client, customer_service):
    response = _contact(client, TenancyFactory(), topic="rent_account", problem_id="boiler-broken")
    page = response.content.decode()
    assert response.status_code == 200
    assert "A repair problem goes with the topic Repair" in page
    assert '<option value="boiler-broken" selected>' in page
    assert "Mevrouw belde, 06 98765432." in page
    assert not ContactMoment.objects.exists()
    assert not JournalEvent.objects.filter(activity="contact_logged").exists()


def test_a_social_manager_sees_the_link_on_the_console_home(client, as_role):
    as_role(SM)
    page = client.get(reverse("console:home")).content.decode()
    assert f'href="{QUEUE}"' in page and f'href="{SEARCH}"' in page
