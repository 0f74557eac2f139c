"""Issue 7: the authorization matrix. Every named URL against every role, with the expected outcome in each
cell (see `matrix.EXPECTED`), generated from the URL configuration: a new URL without a row fails
`test_every_url_has_a_row`. Then the writes: the key POST endpoints, sent by the wrong person, change
nothing; and the special-category casework notes reach social managers only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from roer.answers.models import CallbackRequest
from roer.arrears.models import Arrangement
from roer.casework.models import Case, CaseNote, ContactMoment
from roer.core.models import FlowMode, JournalEvent
from roer.ledger.models import BankEntry
from roer.repairs.models import Appointment, RepairRequest, SatisfactionResponse, WorkOrder
from roer.tenancies.models import Tenancy

from .conftest import GENERAL_NOTE_TEXT, HEALTH_NOTE_TEXT, ROLES, World
from .matrix import EXPECTED, LOGIN, REDIRECT, VERIFY, Outcome

ADMIN_NAMESPACE = admin.site.name


def named_urls() -> tuple[set[str], list[str]]:
    """Every URL name (with its namespaces) in the URL configuration, and the routes without a name."""
    names: set[str] = set()
    unnamed: list[str] = []

    def walk(patterns: list[Any], namespace: str, route: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == ADMIN_NAMESPACE:
                    continue  # the Django admin: its own tests below
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner, route + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                if entry.name:
                    names.add(namespace + entry.name)
                else:
                    unnamed.append(route + str(entry.pattern))

    walk(get_resolver().url_patterns, "", "")
    return names, unnamed


def test_every_url_has_a_row() -> None:
    names, unnamed = named_urls()
    missing = sorted(names - set(EXPECTED))
    stale = sorted(set(EXPECTED) - names)
    assert not missing, f"URLs without a row in tests/security/matrix.py EXPECTED: {missing}"
    assert not stale, f"rows in EXPECTED whose URL no longer exists: {stale}"
    assert not unnamed, f"URLs without a name (give them one, then a row): {unnamed}"


def outcome(response: Any) -> Outcome:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("accounts:verify")):
            return VERIFY
        if location.startswith(reverse("accounts:login")):
            return LOGIN
        return REDIRECT
    return response.status_code


def _cells() -> list[Any]:
    cells = []
    for name, row in sorted(EXPECTED.items()):
        for role in ROLES:
            marks = []
            if role in row.xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=row.xfail[role]))
            cells.append(pytest.param(name, role, id=f"{name}|{role}", marks=marks))
    return cells


@pytest.mark.parametrize(("name", "role"), _cells())
def test_cell(w: World, name: str, role: str) -> None:
    row = EXPECTED[name]
    url = reverse(name, kwargs=row.kwargs(w)) + row.query
    expected = row.cells[role]
    response = w.client(role).get(url)
    got = outcome(response)
    assert got == expected, f"GET {url} as {role}: expected {expected}, got {got}"
    if role != "social_manager" and response.status_code == 200 and not response.streaming:
        # Special-category notes (health here) reach social managers only, on whatever page.
        assert HEALTH_NOTE_TEXT not in response.content.decode(), f"GET {url} as {role} shows a health note"


def test_no_refused_cell_expects_success() -> None:
    """A guard on the table itself: anonymous visitors reach only the public rows with a 2xx."""
    private = [name for name, row in EXPECTED.items() if row.cells["anonymous"] == 200 and not _public(name)]
    assert not private, f"anonymous may GET these with 200, but they are not public: {private}"


def _public(name: str) -> bool:
    return name in PUBLIC


PUBLIC = {
    "home",
    "healthz",
    "api-schema",
    "portal:answers",
    "portal:answer",
    "portal:callback",
    "api:repair-problems",
    "api:repair-problem",
    "accounts:login",
    "accounts:verify",
    "accounts:activate",
    "accounts:activate-account",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
}


# --- another tenant's tenancy by changing the id in the query ------------------------------------------

CONTRACT_PAGES = (
    "portal:account",
    "portal:account-letters",
    "portal:account-arrangement",
    "portal:account-mandate",
    "portal:account-mandate-sign-up",
    "portal:account-mandate-change",
    "portal:account-mandate-cancel",
)


@pytest.mark.parametrize("name", CONTRACT_PAGES)
def test_another_tenants_tenancy_by_its_id_is_not_found(w: World, name: str) -> None:
    assert w.tenancy_a is not None and w.tenancy_b is not None
    url = reverse(name)
    assert w.client("tenant_a").get(f"{url}?contract={w.tenancy_a.pk}").status_code == 200
    assert w.client("tenant_b").get(f"{url}?contract={w.tenancy_a.pk}").status_code == 404
    assert w.client("tenant_b").get(f"{url}?contract={w.tenancy_b.pk}").status_code == 200


def test_the_404s_are_about_ownership_not_broken_pages(w: World) -> None:
    """Tenant B and contractor Y reach their own objects: their 404s on A's and X's are the access rule."""
    assert w.repair_b is not None and w.order_b is not None
    repair_b = reverse("portal:repairs-request", kwargs={"request_id": w.repair_b.pk})
    assert w.client("tenant_b").get(repair_b).status_code == 200
    assert w.client("tenant_a").get(repair_b).status_code == 404
    order_b = w.order_b.code
    assert (
        w.client("contractor_y").get(reverse("contractors:order", kwargs={"code": order_b})).status_code
        == 200
    )
    assert (
        w.client("contractor_x").get(reverse("contractors:order", kwargs={"code": order_b})).status_code
        == 404
    )
    assert w.client("token_y").get(reverse("api:order", kwargs={"code": order_b})).status_code == 200
    assert w.client("token_x").get(reverse("api:order", kwargs={"code": order_b})).status_code == 404


def test_contractors_list_only_their_own_orders(w: World) -> None:
    assert w.order_a is not None and w.order_b is not None
    page_x = w.client("contractor_x").get(reverse("contractors:orders")).content.decode()
    assert w.order_a.code in page_x and w.order_b.code not in page_x
    page_y = w.client("contractor_y").get(reverse("contractors:orders")).content.decode()
    assert w.order_b.code in page_y and w.order_a.code not in page_y
    api_x = w.client("token_x").get(reverse("api:orders")).content.decode()
    assert w.order_a.code in api_x and w.order_b.code not in api_x
    api_y = w.client("token_y").get(reverse("api:orders")).content.decode()
    assert w.order_b.code in api_y and w.order_a.code not in api_y


# --- special-category casework notes -------------------------------------------------------------------


def test_a_social_manager_reads_the_health_note(w: World) -> None:
    assert w.case_a is not None
    page = w.client("social_manager").get(reverse("console:case_detail", args=[w.case_a.pk]))
    assert page.status_code == 200
    assert HEALTH_NOTE_TEXT in page.content.decode()
    assert GENERAL_NOTE_TEXT in page.content.decode()


def test_a_collections_officer_opens_the_case_without_the_health_note(w: World) -> None:
    assert w.case_a is not None
    page = w.client("collections_officer").get(reverse("console:case_detail", args=[w.case_a.pk]))
    assert page.status_code == 200
    assert GENERAL_NOTE_TEXT in page.content.decode()
    assert HEALTH_NOTE_TEXT not in page.content.decode()


# --- the Django admin (behind the OTP staff sign-in) ---------------------------------------------------


def _admin(name: str) -> str:
    return reverse(f"{ADMIN_NAMESPACE}:{name}")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "administrator"])
def test_the_admin_sends_everyone_else_to_its_sign_in(w: World, role: str) -> None:
    for url in (_admin("index"), _admin("accounts_user_changelist")):
        response = w.client(role).get(url)
        assert response.status_code == 302, (url, role)
        assert response["Location"].startswith(_admin("login")), (url, role)


def test_the_administrator_with_a_verified_second_factor_enters_the_admin(w: World) -> None:
    client = w.client("administrator")
    assert client.get(_admin("index")).status_code == 200
    assert client.get(_admin("accounts_user_changelist")).status_code == 200
    # Not the devices: their pages show everyone's second-factor secrets.
    assert client.get(_admin("otp_static_staticdevice_changelist")).status_code == 403


# --- writes by the wrong person change nothing ---------------------------------------------------------


def snapshot(w: World) -> dict[str, Any]:
    """Everything the key write endpoints could change, field by field, and how many rows each table has
    (the journal among them: every write records an event)."""
    assert w.repair_a and w.order_a and w.arrangement_a and w.case_a and w.tenancy_a and w.bank_entry
    rows: dict[str, tuple[Any, int]] = {
        "repair_a": (RepairRequest, w.repair_a.pk),
        "order_a": (WorkOrder, w.order_a.pk),
        "arrangement_a": (Arrangement, w.arrangement_a.pk),
        "case_a": (Case, w.case_a.pk),
        "tenancy_a": (Tenancy, w.tenancy_a.pk),
        "callback_a": (CallbackRequest, w.callback_a.pk),
        "bank_entry": (BankEntry, w.bank_entry.pk),
    }
    state: dict[str, Any] = {
        key: model.objects.filter(pk=pk).values().get() for key, (model, pk) in rows.items()
    }
    counted: tuple[Any, ...] = (
        SatisfactionResponse,
        Appointment,
        CaseNote,
        ContactMoment,
        CallbackRequest,
        Arrangement,
        FlowMode,
        JournalEvent,
    )
    for model in counted:
        state[model.__name__] = model.objects.count()
    return state


def _repair_id(w: World) -> dict[str, Any]:
    assert w.repair_a is not None
    return {"request_id": w.repair_a.pk}


def _repair_order(w: World) -> dict[str, Any]:
    assert w.repair_a is not None and w.order_a is not None
    return {"request_id": w.repair_a.pk, "order_id": w.order_a.pk}


def _code(w: World) -> dict[str, Any]:
    assert w.order_a is not None
    return {"code": w.order_a.code}


def _case_id(w: World) -> dict[str, Any]:
    assert w.case_a is not None
    return {"case_id": w.case_a.pk}


def _contract(w: World, **data: Any) -> dict[str, Any]:
    assert w.tenancy_a is not None
    return {"contract": w.tenancy_a.pk, **data}


def _none(_w: World) -> dict[str, Any]:
    return {}


TOMORROW = "2026-12-01"
MANDATE = {
    "iban": "NL91ABNA0417164300",
    "account_holder": "B. Ander",
    "step": "confirm",
    "first_collection": TOMORROW,
}

# (url name, its kwargs, the POST data, the role that must not, the outcome it gets)
WRONG_WRITES: list[tuple[str, Any, Any, str, Outcome]] = [
    ("portal:repairs-cancel", _repair_id, lambda w: {"reason": "Niet nodig"}, "tenant_b", 404),
    ("portal:repairs-cancel", _repair_id, lambda w: {"reason": "Niet nodig"}, "customer_service", 403),
    ("portal:repairs-cancel", _repair_id, lambda w: {"reason": "Niet nodig"}, "contractor_x", 403),
    ("portal:repairs-cancel", _repair_id, lambda w: {"reason": "Niet nodig"}, "anonymous", LOGIN),
    (
        "portal:repairs-grade",
        _repair_id,
        lambda w: {"fixed": "yes", "grade": "8", "comment": ""},
        "tenant_b",
        404,
    ),
    ("portal:repairs-book", _repair_order, lambda w: {"slot": f"{TOMORROW}|morning"}, "tenant_b", 404),
    ("portal:repairs-reschedule", _repair_order, lambda w: {"slot": f"{TOMORROW}|morning"}, "tenant_b", 404),
    (
        "portal:account-arrangement",
        _none,
        lambda w: _contract(w, count="2", start_date=TOMORROW),
        "tenant_b",
        404,
    ),
    ("portal:account-mandate-sign-up", _none, lambda w: _contract(w, **MANDATE), "tenant_b", 404),
    ("portal:account-mandate-change", _none, lambda w: _contract(w, **MANDATE), "tenant_b", 404),
    ("portal:account-mandate-cancel", _none, lambda w: _contract(w), "tenant_b", 404),
    ("portal:account-mandate-cancel", _none, lambda w: _contract(w), "social_manager", 403),
    (
        "portal:callback",
        _none,
        lambda w: {"phone": "0612345678", "topic": "repair", "idempotency_key": "matrix-cb"},
        "customer_service",
        403,
    ),
    (
        "portal:callback",
        _none,
        lambda w: {"phone": "0612345678", "topic": "repair", "idempotency_key": "matrix-cb"},
        "contractor_x",
        403,
    ),
    ("contractors:order-accept", _code, lambda w: {}, "contractor_y", 404),
    (
        "contractors:order-report",
        _code,
        lambda w: {"report-result": "done", "report-remark": ""},
        "contractor_y",
        404,
    ),
    (
        "contractors:order-report",
        _code,
        lambda w: {"report-result": "done", "report-remark": ""},
        "tenant_a",
        403,
    ),
    (
        "contractors:order-flag",
        _code,
        lambda w: {"flag-flag": "wrong_trade", "flag-remark": ""},
        "contractor_y",
        404,
    ),
    ("api:order-accept", _code, lambda w: {}, "token_y", 404),
    ("api:order-report", _code, lambda w: {"resultaat": "done"}, "token_y", 404),
    ("api:order-report", _code, lambda w: {"resultaat": "done"}, "contractor_x", 401),  # a session, no token
    ("api:order-flag", _code, lambda w: {"signalering": "wrong_trade"}, "token_y", 404),
    (
        "console:case_note",
        _case_id,
        lambda w: {"note-category": "general", "note-text": "Niet van mij"},
        "collections_officer",
        403,
    ),
    (
        "console:case_note",
        _case_id,
        lambda w: {"note-category": "general", "note-text": "x"},
        "tenant_a",
        403,
    ),
    ("console:case_close", _case_id, lambda w: {"close-outcome": "paid"}, "customer_service", 403),
    (
        "console:arrangement_decision",
        lambda w: {"arrangement_id": w.arrangement_a.pk},
        lambda w: {f"arrangement-{w.arrangement_a.pk}-decision": "approve"},
        "finance_officer",
        403,
    ),
    (
        "console:arrangement_decision",
        lambda w: {"arrangement_id": w.arrangement_a.pk},
        lambda w: {f"arrangement-{w.arrangement_a.pk}-decision": "approve"},
        "tenant_a",
        403,
    ),
    (
        "console:callback_handle",
        lambda w: {"callback_id": w.callback_a.pk},
        lambda w: {"outcome": "called", "note": "x"},
        "finance_officer",
        403,
    ),
    (
        "console:unmatched_assign",
        lambda w: {"entry_id": w.bank_entry.pk},
        lambda w: {"tenancy": w.tenancy_a.pk},
        "customer_service",
        403,
    ),
    (
        "console:helm_flow_switch",
        lambda w: {"flow": "repair_intake"},
        lambda w: {"repair_intake-mode": "manual"},
        "social_manager",
        403,
    ),
]


def _post(w: World, role: str, name: str, kwargs: Any, data: Any) -> Any:
    url = reverse(name, kwargs=kwargs(w))
    if name.startswith("api:"):
        return w.client(role).post(url, data(w), content_type="application/json")
    return w.client(role).post(url, data(w))


@pytest.mark.parametrize(
    ("name", "kwargs", "data", "role", "expected"),
    [pytest.param(*case, id=f"{case[0]}|{case[3]}") for case in WRONG_WRITES],
)
def test_a_write_by_the_wrong_person_changes_nothing(
    w: World, name: str, kwargs: Any, data: Any, role: str, expected: Outcome
) -> None:
    before = snapshot(w)
    got = outcome(_post(w, role, name, kwargs, data))
    assert got == expected, f"POST {name} as {role}: expected {expected}, got {got}"
    assert snapshot(w) == before


# The same writes by the right person do change something: the snapshot above would see a leak.
RIGHT_WRITES = [
    ("portal:repairs-cancel", _repair_id, lambda w: {"reason": "Niet nodig"}, "tenant_a"),
    (
        "contractors:order-report",
        _code,
        lambda w: {"report-result": "done", "report-remark": ""},
        "contractor_x",
    ),
    ("api:order-report", _code, lambda w: {"resultaat": "done"}, "token_x"),
    (
        "console:case_note",
        _case_id,
        lambda w: {"note-category": "general", "note-text": "Wel van mij"},
        "social_manager",
    ),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "data", "role"),
    [pytest.param(*case, id=f"{case[0]}|{case[3]}") for case in RIGHT_WRITES],
)
def test_the_same_write_by_the_right_person_is_seen(
    w: World, name: str, kwargs: Any, data: Any, role: str
) -> None:
    before = snapshot(w)
    response = _post(w, role, name, kwargs, data)
    assert response.status_code < 400, response.status_code
    assert snapshot(w) != before
