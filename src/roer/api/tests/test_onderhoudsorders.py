import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core import journal
from roer.core.dates import AMSTERDAM
from roer.repairs.constants import AppointmentStatus, Handling, OrderStatus, RequestStatus
from roer.repairs.contractor_tokens import contractor_token_issue
from roer.repairs.models import Appointment
from roer.repairs.services import appointment_book
from roer.repairs.tests.factories import AppointmentFactory, ContractorFactory, WorkOrderFactory

pytestmark = pytest.mark.django_db

# Thursday 23 April 2026, 9:00; Monday 27 April is King's Day.
NOW = dt.datetime(2026, 4, 23, 9, 0, tzinfo=AMSTERDAM)
URL = "/api/v1/onderhoudsorders"
REMARK = "Thermostaat vervangen bij mevrouw"
DESCRIPTION = "De ketel geeft foutcode E1 en de radiatoren blijven koud"


@pytest.fixture(autouse=True)
def thursday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def contractor():
    return ContractorFactory(key="warmte-x", name="Warmte X", trades=["CVI"])


@pytest.fixture
def token(contractor):
    issued = contractor_token_issue(contractor=contractor)
    contractor.refresh_from_db()
    return issued


@pytest.fixture
def api(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def order(contractor):
    """An urgent boiler order given out this morning, due by tomorrow 9:00."""
    return WorkOrderFactory(
        contractor=contractor,
        request__description=DESCRIPTION,
        request__tenancy__dwelling__street="Oudegracht",
        request__tenancy__dwelling__house_number="12bis",
        request__tenancy__dwelling__postcode="3511 AB",
    )


@pytest.fixture
def other_order():
    """Contractor Y's order: contractor X must not see it or act on it."""
    other = ContractorFactory(key="warmte-y", trades=["CVI"])
    contractor_token_issue(contractor=other)
    return WorkOrderFactory(contractor=other)


# --- the token --------------------------------------------------------------------------------------


def test_without_a_token_it_is_401_with_a_challenge(order):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize(
    "header", ["Token roer_ct_wrong", "Token nonsense", "Bearer ", "Token a b", "Token " + "x" * 500]
)
def test_a_wrong_token_is_401(order, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(URL)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_bearer_works_like_token(token, order):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(URL).status_code == 200


def test_an_inactive_contractor_is_401(api, contractor, order):
    assert api.get(URL).status_code == 200
    contractor.active = False
    contractor.save(update_fields=["active"])
    assert api.get(URL).status_code == 401
    assert api.get(f"{URL}/{order.code}").status_code == 401


def test_a_disabled_linked_account_is_401(api, contractor, order):
    contractor.user = UserFactory(roles=[Role.CONTRACTOR], is_active=False)
    contractor.save(update_fields=["user"])
    assert api.get(URL).status_code == 401


def test_a_signed_in_session_is_not_a_token(order):
    client = APIClient()
    user = UserFactory(roles=[Role.CONTRACTOR])
    order.contractor.user = user
    order.contractor.save()
    client.force_login(user)
    assert client.get(URL).status_code == 401


# --- reading ---------------------------------------------------------------------------------------


def test_the_list_holds_only_the_contractors_own_given_out_orders(api, contractor, order, other_order):
    WorkOrderFactory(contractor=contractor, awaiting_approval=True)
    done = WorkOrderFactory(contractor=contractor, done=True)
    body = api.get(URL).json()
    assert body["count"] == 2
    assert [r["code"] for r in body["results"]] == [done.code, order.code]
    assert other_order.code not in str(body)


def test_the_list_filters_by_vera_status(api, contractor, order):
    WorkOrderFactory(contractor=contractor, done=True)
    planned = WorkOrderFactory(contractor=contractor, planned=True)
    assert [r["code"] for r in api.get(URL, {"status": "GUN"}).json()["results"]] == [order.code]
    assert [r["code"] for r in api.get(URL, {"status": "PLN"}).json()["results"]] == [planned.code]


@pytest.mark.parametrize("params", [{"status": "XYZ"}, {"limit": 0}, {"limit": "many"}, {"offset": -1}])
def test_a_bad_list_parameter_is_400(api, params):
    assert api.get(URL, params).status_code == 400


def test_the_list_pages(api, contractor):
    WorkOrderFactory.create_batch(3, contractor=contractor)
    first = api.get(URL, {"limit": 2}).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (3, 2, None)
    assert "offset=2" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None


def test_the_list_makes_the_same_queries_for_one_or_many_orders(api, contractor):
    AppointmentFactory(order=WorkOrderFactory(contractor=contractor))
    api.get(URL)  # warm the rule caches
    with CaptureQueriesContext(connection) as one:
        assert api.get(URL).status_code == 200
    for _ in range(4):
        AppointmentFactory(order=WorkOrderFactory(contractor=contractor))
    with CaptureQueriesContext(connection) as many:
        assert api.get(URL).json()["count"] == 5
    assert len(many) == len(one)


def test_one_order_in_vera_terms(api, order):
    body = api.get(f"{URL}/{order.code}").json()
    assert body["code"] == order.code
    assert body["status"] == {"soort": "ONDERHOUDSORDERSTATUS", "code": "GUN", "naam": "Order gegund"}
    assert body["onderhoudSoort"]["code"] == "REP"
    assert body["onderhoudspecialisme"] == {
        "soort": "ONDERHOUDSPECIALISME",
        "code": "CVI",
        "naam": "CV Installateur",
    }
    assert body["defecten"][0]["soort"]["code"] == "STO"
    assert body["defecten"][0]["locatie"]["code"] == "TRI"
    assert body["urgentie"]["code"] == "urgent"
    assert body["omschrijving"] == body["onderhoudsverzoek"]["omschrijving"] != "boiler-broken"
    assert body["onderhoudsverzoek"]["code"] == order.request.code
    assert body["onderhoudsverzoek"]["status"]["code"] == "INB"
    assert body["onderhoudsverzoek"]["toelichting"] == DESCRIPTION
    assert body["adres"] == {
        "adres": "Oudegracht 12bis",
        "straatnaam": "Oudegracht",
        "huisnummer": "12bis",
        "postcode": "3511 AB",
        "woonplaats": {"naam": "Utrecht"},
    }
    assert dt.datetime.fromisoformat(body["uitersteGereeddatum"]) == order.due_by
    assert dt.datetime.fromisoformat(body["opdrachtdatum"]) == order.issued_at
    assert (body["afspraken"], body["actueleAfspraak"], body["gereedmelding"], body["signalering"]) == (
        [],
        None,
        None,
        None,
    )


def test_no_tenant_names_or_contacts_in_an_order(api, order):
    person = order.request.tenancy.parties.first().person
    text = api.get(f"{URL}/{order.code}").content.decode()
    for personal in (person.email, person.name, person.phone, order.request.tenancy.iban):
        if personal:
            assert personal not in text


# --- another contractor's order --------------------------------------------------------------------

ACTIONS = [
    ("get", ""),
    ("get", "/tijdvakken"),
    ("post", "/accepteren"),
    ("post", "/afspraken"),
    ("post", "/afspraken/bevestigen"),
    ("post", "/gereedmelding"),
    ("post", "/signalering"),
]


@pytest.mark.parametrize(("method", "suffix"), ACTIONS)
def test_another_contractors_order_is_404(api, other_order, method, suffix):
    AppointmentFactory(order=other_order)
    body = {"resultaat": "done", "signalering": "no_access", "datum": "2026-04-23", "dagdeel": "MID"}
    response = getattr(api, method)(f"{URL}/{other_order.code}{suffix}", body, format="json")
    assert response.status_code == 404
    assert "detail" in response.json()
    other_order.refresh_from_db()
    assert (other_order.status, other_order.accepted_at, other_order.result) == (OrderStatus.ISSUED, None, "")
    assert Appointment.objects.get(order=other_order).status == AppointmentStatus.PROPOSED


@pytest.mark.parametrize("code", ["OO999999", "abc", "OO12", "RV000001"])
def test_an_unknown_code_is_404(api, code):
    assert api.get(f"{URL}/{code}").status_code == 404
    assert api.post(f"{URL}/{code}/accepteren").status_code == 404


# --- acting on an order ----------------------------------------------------------------------------


def test_the_full_path_accept_confirm_report_done(api, order):
    response = api.post(f"{URL}/{order.code}/accepteren")
    assert response.status_code == 200
    assert response.json()["acceptatiedatum"] is not None
    slots = api.get(f"{URL}/{order.code}/tijdvakken").json()
    # Due tomorrow 9:00: this afternoon and tomorrow morning.
    assert [(s["datum"], s["dagdeel"]["code"]) for s in slots["tijdvakken"]] == [
        ("2026-04-23", "MID"),
        ("2026-04-24", "OCH"),
    ]
    assert slots["tijdvakken"][0]["bloktijdBegin"].startswith("2026-04-23T12:00:00")
    # The tenant asks for tomorrow morning in the portal; the contractor confirms.
    appointment_book(order=order, date=dt.date(2026, 4, 24), part="OCH", by=UserFactory())
    asked = api.get(f"{URL}/{order.code}").json()["actueleAfspraak"]
    assert (asked["status"]["code"], asked["dagdeel"]["code"]) == ("AAN", "OCH")
    confirmed = api.post(f"{URL}/{order.code}/afspraken/bevestigen")
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert (body["status"]["code"], body["actueleAfspraak"]["status"]["code"]) == ("PLN", "GEP")
    done = api.post(
        f"{URL}/{order.code}/gereedmelding", {"resultaat": "done", "opmerking": REMARK}, format="json"
    )
    assert done.status_code == 200
    body = done.json()
    assert body["status"]["code"] == "TEC"
    assert body["onderhoudsverzoek"]["status"]["code"] == "TEC"
    assert body["gereedmelding"]["resultaat"]["code"] == "done"
    assert body["technischGereeddatum"] is not None and body["opmerking"] == REMARK
    order.refresh_from_db()
    order.request.refresh_from_db()
    assert (order.status, order.request.status) == (
        OrderStatus.TECHNICALLY_DONE,
        RequestStatus.TECHNICALLY_DONE,
    )


def test_the_contractor_plans_a_visit_itself(api, order):
    response = api.post(
        f"{URL}/{order.code}/afspraken", {"datum": "2026-04-23", "dagdeel": "MID"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"]["code"] == "PLN"
    assert body["actueleAfspraak"]["status"]["code"] == "GEP"
    assert body["actueleAfspraak"]["datum"] == "2026-04-23"
    # Planning again cancels the first visit.
    again = api.post(
        f"{URL}/{order.code}/afspraken", {"datum": "2026-04-24", "dagdeel": "OCH"}, format="json"
    )
    assert [a["status"]["code"] for a in again.json()["afspraken"]] == ["ANN", "GEP"]


def test_not_done_waits_for_a_new_visit(api, order):
    api.post(f"{URL}/{order.code}/afspraken", {"datum": "2026-04-23", "dagdeel": "MID"}, format="json")
    body = api.post(f"{URL}/{order.code}/gereedmelding", {"resultaat": "not_done"}, format="json").json()
    assert body["status"]["code"] == "GUN"
    assert body["gereedmelding"]["resultaat"]["code"] == "not_done"
    assert body["actueleAfspraak"] is None
    assert body["onderhoudsverzoek"]["status"]["code"] == "INB"


@pytest.mark.parametrize(
    ("flag", "order_status", "detail_status"),
    [
        ("wrong_trade", "GEA", "DIS"),
        ("tenant_responsibility", "GEA", None),
        ("other_contractor", "GEA", None),
        ("no_access", "GUN", "AFW"),
    ],
)
def test_each_flag(api, order, flag, order_status, detail_status):
    response = api.post(
        f"{URL}/{order.code}/signalering", {"signalering": flag, "opmerking": REMARK}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"]["code"] == order_status
    assert body["signalering"]["code"] == flag
    assert (body["signalering"]["detailStatus"] or {}).get("code") == detail_status
    order.request.refresh_from_db()
    if order_status == "GEA":
        assert order.request.handling == Handling.STAFF_QUEUE


# --- what the state does not allow: 409, and bad bodies: 400 -----------------------------------------


def test_wrong_states_are_409_not_500(api, contractor, order):
    done = WorkOrderFactory(contractor=contractor, done=True)
    cancelled = WorkOrderFactory(contractor=contractor, flagged=True)
    cases = [
        (f"{URL}/{done.code}/accepteren", {}),
        (f"{URL}/{done.code}/gereedmelding", {"resultaat": "done"}),
        (f"{URL}/{done.code}/afspraken", {"datum": "2026-04-23", "dagdeel": "MID"}),
        (f"{URL}/{cancelled.code}/signalering", {"signalering": "no_access"}),
        (f"{URL}/{cancelled.code}/gereedmelding", {"resultaat": "not_done"}),
        (f"{URL}/{order.code}/afspraken/bevestigen", {}),
        # Saturday, and after the due date: not offered.
        (f"{URL}/{order.code}/afspraken", {"datum": "2026-04-25", "dagdeel": "OCH"}),
        (f"{URL}/{order.code}/afspraken", {"datum": "2026-05-20", "dagdeel": "OCH"}),
    ]
    for url, body in cases:
        response = api.post(url, body, format="json")
        assert response.status_code == 409, (url, response.content)
        assert response.json()["detail"]
    assert api.get(f"{URL}/{done.code}/tijdvakken").json()["tijdvakken"] == []


def test_an_already_confirmed_visit_cannot_be_confirmed_again(api, order):
    api.post(f"{URL}/{order.code}/afspraken", {"datum": "2026-04-23", "dagdeel": "MID"}, format="json")
    assert api.post(f"{URL}/{order.code}/afspraken/bevestigen").status_code == 409


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        ("/afspraken", {}),
        ("/afspraken", {"datum": "morgen", "dagdeel": "OCH"}),
        ("/afspraken", {"datum": "2026-04-24", "dagdeel": "AVO"}),
        ("/gereedmelding", {}),
        ("/gereedmelding", {"resultaat": "half"}),
        ("/gereedmelding", {"resultaat": "done", "opmerking": "x" * 2001}),
        ("/signalering", {"signalering": "bored"}),
        ("/signalering", {}),
    ],
)
def test_a_bad_body_is_400(api, order, suffix, body):
    response = api.post(f"{URL}/{order.code}{suffix}", body, format="json")
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED


def test_a_bad_slot_query_is_400(api, order):
    assert api.get(f"{URL}/{order.code}/tijdvakken", {"dagen": 0}).status_code == 400
    assert api.get(f"{URL}/{order.code}/tijdvakken", {"dagen": 31}).status_code == 400


# --- the journal --------------------------------------------------------------------------------------


def test_journal_events_carry_no_token_and_no_free_text(api, token, order):
    api.post(f"{URL}/{order.code}/accepteren")
    api.post(f"{URL}/{order.code}/afspraken", {"datum": "2026-04-23", "dagdeel": "MID"}, format="json")
    api.post(
        f"{URL}/{order.code}/signalering", {"signalering": "no_access", "opmerking": REMARK}, format="json"
    )
    api.post(f"{URL}/{order.code}/gereedmelding", {"resultaat": "done", "opmerking": REMARK}, format="json")
    events = journal.events_for(order)
    assert [e.activity for e in events][-4:] == [
        "work_order_accepted",
        "appointment_booked",
        "work_order_flagged",
        "work_order_reported",
    ]
    issued = journal.events_for(order.contractor)
    everything = str([(e.activity, e.facts) for e in [*events, *issued]])
    order.contractor.refresh_from_db()
    assert order.contractor.api_token_hash
    for secret in (token, order.contractor.api_token_hash, REMARK, DESCRIPTION):
        assert secret not in everything
    for event in events[-4:]:
        assert event.actor_kind == "contractor"
        assert event.actor_id is None  # a contractor without an account of its own


def test_a_linked_account_is_the_journal_actor(api, contractor, order):
    user = UserFactory(roles=[Role.CONTRACTOR])
    contractor.user = user
    contractor.save(update_fields=["user"])
    assert api.post(f"{URL}/{order.code}/accepteren").status_code == 200
    event = journal.events_for(order)[-1]
    assert (event.activity, event.actor_kind, event.actor_id) == (
        "work_order_accepted",
        "contractor",
        user.pk,
    )


# --- the schema -----------------------------------------------------------------------------------------


def test_the_schema_documents_the_endpoints_and_the_token(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/onderhoudsorders:",
        "/api/v1/onderhoudsorders/{code}:",
        "/api/v1/onderhoudsorders/{code}/accepteren:",
        "/api/v1/onderhoudsorders/{code}/tijdvakken:",
        "/api/v1/onderhoudsorders/{code}/afspraken:",
        "/api/v1/onderhoudsorders/{code}/afspraken/bevestigen:",
        "/api/v1/onderhoudsorders/{code}/gereedmelding:",
        "/api/v1/onderhoudsorders/{code}/signalering:",
    ):
        assert path in text
    assert "contractorToken" in text
    assert "uitersteGereeddatum" in text


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))
    assert "onderhoudsorders" in target.read_text()
