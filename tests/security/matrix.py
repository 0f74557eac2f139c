"""The expected outcome of every URL for every role, as data.

`EXPECTED` maps each named URL (namespace:name) to a `Row`: how to build its address from the world, and the
outcome per role. An outcome is an HTTP status, or `LOGIN` / `VERIFY` for a redirect to the sign-in page or
to the second-factor page. The rows are written with the kind helpers below (`public`, `tenant`, `console`,
`contractor_area`, `api_orders`); a cell that differs from its kind is spelled out with `cells`.

Requests are GETs: for a POST-only view the right role sees 405 (the refusal of everyone else comes first,
from the access decorators), and the write tests in `test_authorization_matrix.py` POST to the key
endpoints as the wrong user and check that nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from roer.repairs.routing import KEY as ROUTING_KEY
from roer.supervision import meter_selectors

from .conftest import ROLES, STAFF, World

LOGIN = "login"  # 302 to the sign-in page
VERIFY = "verify"  # 302 to the second-factor page
REDIRECT = "redirect"  # 302 elsewhere (e.g. a signed-in person sent on from the sign-in page)

Outcome = int | str
Kwargs = Callable[[World], dict[str, Any]]

ANON_LIKE = ("anonymous", "token_x", "token_y")  # outside the API a token is no sign-in
CONTRACTORS = ("contractor_x", "contractor_y")
TENANTS = ("tenant_a", "tenant_b")


def no_kwargs(_w: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    cells: dict[str, Outcome]
    kwargs: Kwargs = no_kwargs
    query: str = ""
    note: str = ""
    xfail: dict[str, str] = field(default_factory=dict)  # role -> "LEAK: ..." (strict)


def _full(default: Outcome, cells: dict[str, Outcome]) -> dict[str, Outcome]:
    unknown = set(cells) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    return {role: cells.get(role, default) for role in ROLES}


def public(ok: Outcome = 200, kwargs: Kwargs = no_kwargs, **cells: Any) -> Row:
    """Open to everyone, signed in or not."""
    return Row(_full(ok, cells), kwargs)


def tenant(a: Outcome = 200, b: Outcome = 200, kwargs: Kwargs = no_kwargs, **cells: Any) -> Row:
    """The tenant portal: `a` for tenant A (the owner of the world's objects), `b` for tenant B."""
    base: dict[str, Outcome] = {role: LOGIN for role in ANON_LIKE}
    base |= {role: 403 for role in (*STAFF, *CONTRACTORS)}
    base |= {"staff_unverified": VERIFY, "tenant_a": a, "tenant_b": b}
    return Row(_full(403, base | cells), kwargs)


def console(*roles: str, ok: Outcome = 200, kwargs: Kwargs = no_kwargs, **cells: Outcome) -> Row:
    """A console page for these staff roles; every other signed-in person is refused."""
    base: dict[str, Outcome] = {role: LOGIN for role in ANON_LIKE}
    base |= {"staff_unverified": VERIFY}
    base |= {role: ok for role in roles}
    return Row(_full(403, base | cells), kwargs)


def contractor_area(x: Outcome = 200, y: Outcome = 404, kwargs: Kwargs = no_kwargs) -> Row:
    """The contractors' own area: contractor X's order, which contractor Y cannot see."""
    base: dict[str, Outcome] = {role: LOGIN for role in ANON_LIKE}
    base |= {"staff_unverified": VERIFY, "contractor_x": x, "contractor_y": y}
    return Row(_full(403, base), kwargs)


def api_orders(x: Outcome = 200, y: Outcome = 404, kwargs: Kwargs = no_kwargs) -> Row:
    """The orders API: a contractor's token only (a session is no credential here: 401)."""
    return Row(_full(401, {"token_x": x, "token_y": y}), kwargs)


SOCIAL = "social_manager"
COLLECTIONS = "collections_officer"
FINANCE = "finance_officer"
SERVICE = "customer_service"
SUPERVISOR = "process_supervisor"
CONSOLE_ROLES = (SOCIAL, COLLECTIONS, FINANCE, SERVICE, SUPERVISOR)


def _order(w: World) -> dict[str, Any]:
    assert w.order_a is not None
    return {"code": w.order_a.code}


def _order_photo(w: World) -> dict[str, Any]:
    # No photo of that id: contractor X reaches the lookup (404), the rest are refused before it.
    assert w.order_a is not None
    return {"code": w.order_a.code, "photo_id": 999_999}


def _repair(w: World) -> dict[str, Any]:
    assert w.repair_a is not None
    return {"request_id": w.repair_a.pk}


def _repair_order(w: World) -> dict[str, Any]:
    assert w.repair_a is not None and w.order_a is not None
    return {"request_id": w.repair_a.pk, "order_id": w.order_a.pk}


def _case(w: World) -> dict[str, Any]:
    assert w.case_a is not None
    return {"case_id": w.case_a.pk}


def _letter(w: World) -> dict[str, Any]:
    assert w.letter_a is not None
    return {"letter_id": w.letter_a.pk}


def _case_letter(w: World) -> dict[str, Any]:
    assert w.case_a is not None and w.letter_a is not None
    return {"case_id": w.case_a.pk, "letter_id": w.letter_a.pk}


def _callback(w: World) -> dict[str, Any]:
    return {"callback_id": w.callback_a.pk}


def _arrangement(w: World) -> dict[str, Any]:
    assert w.arrangement_a is not None
    return {"arrangement_id": w.arrangement_a.pk}


def _entry(w: World) -> dict[str, Any]:
    assert w.bank_entry is not None
    return {"entry_id": w.bank_entry.pk}


def _tenancy(w: World) -> dict[str, Any]:
    assert w.tenancy_a is not None
    return {"tenancy_id": w.tenancy_a.pk}


def _meter(_w: World) -> dict[str, Any]:
    return {"key": next(iter(meter_selectors.BY_KEY))}


def _alert(_w: World) -> dict[str, Any]:
    from roer.supervision.models import Alert

    alert, _created = Alert.objects.get_or_create(
        key="security-matrix",
        defaults={
            "meter": "digital_share",
            "kind": "drift",
            "first_day": "2026-03-03",
            "last_day": "2026-03-03",
        },
    )
    return {"alert_id": alert.pk}


def _review_item(_w: World) -> dict[str, Any]:
    from roer.core.journal import record
    from roer.core.subjects import SubjectRef
    from roer.supervision.models import ReviewItem

    item = ReviewItem.objects.filter(subject_kind="tests.securitymatrix").first()
    if item is None:
        subject = SubjectRef(kind="tests.securitymatrix", id="1")
        event = record(activity="work_order_flagged", subjects=[subject], facts={"flag": "wrong_trade"})
        item = ReviewItem.objects.create(
            event=event,
            reason="contractor_flag",
            subject_kind=subject.kind,
            subject_id=subject.id,
            occurred_at=event.occurred_at,
        )
    return {"item_id": item.pk}


def _const(**kwargs: Any) -> Kwargs:
    return lambda _w: kwargs


EXPECTED: dict[str, Row] = {
    # --- public pages --------------------------------------------------------------------------------
    "home": public(),
    "healthz": public(),
    "api-schema": public(),
    "set_language": public(REDIRECT),  # a GET changes nothing and sends you back
    "portal:answers": public(),
    "portal:answer": public(kwargs=_const(answer_id="housing-allowance")),
    "portal:answer-feedback": public(405, kwargs=_const(answer_id="housing-allowance")),
    "portal:callback": tenant(anonymous=200, token_x=200, token_y=200),  # the sign-in-or-phone page
    "portal:repairs-grade-link": public(404, kwargs=_const(token="not-a-token")),
    "api:repair-problems": public(),
    "api:repair-problem": public(kwargs=_const(problem_id="boiler-broken")),
    # --- sign-in and accounts ------------------------------------------------------------------------
    "accounts:login": public(),
    "accounts:verify": public(LOGIN, staff_unverified=200),  # only someone halfway through signing in
    "accounts:logout": public(405),
    "accounts:two-factor": tenant(),
    # staff and tenants set up an authenticator app; contractors have no second factor to set up
    "accounts:totp-setup": Row(
        _full(LOGIN, {**dict.fromkeys((*TENANTS, *STAFF), 200), "staff_unverified": VERIFY})
        | dict.fromkeys(CONTRACTORS, 403)
    ),
    "accounts:activate": public(),
    "accounts:activate-account": public(REDIRECT),  # step 2 without step 1: back to step 1
    "accounts:password-reset": public(),
    "accounts:password-reset-done": public(),
    "accounts:password-reset-confirm": public(kwargs=_const(uidb64="MQ", token="set-password")),
    "accounts:password-reset-complete": public(),
    # --- the tenant portal: repairs --------------------------------------------------------------------
    "portal:repairs-start": tenant(),
    "portal:repairs-problem": tenant(kwargs=_const(problem_id="boiler-broken")),
    "portal:repairs-requests": tenant(),
    "portal:repairs-request": tenant(200, 404, kwargs=_repair),
    "portal:repairs-book": tenant(405, 405, kwargs=_repair_order),
    "portal:repairs-reschedule": tenant(405, 405, kwargs=_repair_order),
    "portal:repairs-cancel": tenant(405, 405, kwargs=_repair),
    "portal:repairs-grade": tenant(405, 405, kwargs=_repair),
    # --- the tenant portal: rent account -------------------------------------------------------------
    "portal:account": tenant(),
    "portal:account-letters": tenant(),
    "portal:account-letter-pdf": tenant(200, 404, kwargs=_letter),
    "portal:account-arrangement": tenant(),
    "portal:account-mandate": tenant(),
    "portal:account-mandate-sign-up": tenant(),
    "portal:account-mandate-change": tenant(),
    "portal:account-mandate-cancel": tenant(),
    "portal:callback-detail": tenant(200, 404, kwargs=_callback),
    # each tenant gets their own data only: the person comes from the signed-in account, never the address
    "portal:personal_data": tenant(),
    "portal:personal_data_json": tenant(),
    "portal:personal_data_pdf": tenant(),
    # --- the console ---------------------------------------------------------------------------------
    "console:home": console(*CONSOLE_ROLES),
    "console:case_queue": console(SOCIAL, COLLECTIONS),
    "console:case_detail": console(SOCIAL, COLLECTIONS, kwargs=_case),
    "console:case_take": console(SOCIAL, ok=405, kwargs=_case),
    "console:case_contact": console(SOCIAL, ok=405, kwargs=_case),
    "console:case_arrangement": console(SOCIAL, ok=405, kwargs=_case),
    "console:case_waive_costs": console(SOCIAL, ok=405, kwargs=_case),
    "console:case_hold": console(SOCIAL, ok=405, kwargs=_case),
    "console:case_debt_help": console(SOCIAL, ok=405, kwargs=_case),
    "console:case_objection": console(SOCIAL, ok=405, kwargs=_case),
    "console:case_note": console(SOCIAL, ok=405, kwargs=_case),
    "console:case_close": console(SOCIAL, ok=405, kwargs=_case),
    "console:case_letter_stop": console(SOCIAL, ok=405, kwargs=_case_letter),
    "console:arrangements": console(SOCIAL, COLLECTIONS),
    "console:arrangement_decision": console(SOCIAL, COLLECTIONS, ok=405, kwargs=_arrangement),
    "console:collections": console(COLLECTIONS),
    "console:final_notice_approve": console(COLLECTIONS, ok=405, kwargs=_const(episode_id=1)),
    "console:final_notice_postpone": console(COLLECTIONS, ok=405, kwargs=_const(episode_id=1)),
    "console:bailiff_decision": console(COLLECTIONS, ok=405, kwargs=_const(proposal_id=1)),
    "console:unmatched": console(FINANCE),
    "console:unmatched_entry": console(FINANCE, kwargs=_entry),
    "console:unmatched_assign": console(FINANCE, ok=405, kwargs=_entry),
    "console:unmatched_return": console(FINANCE, ok=405, kwargs=_entry),
    "console:service_queue": console(SERVICE, SOCIAL),
    "console:callback_handle": console(SERVICE, SOCIAL, kwargs=_callback),
    "console:contact_search": console(SERVICE, SOCIAL),
    "console:contact_new": console(SERVICE, SOCIAL, kwargs=_tenancy),
    # the process supervisor: meters and the helm
    "console:meters": console(SUPERVISOR),
    "console:meter_detail": console(SUPERVISOR, kwargs=_meter),
    "console:meters_fairness": console(SUPERVISOR),
    "console:alerts": console(SUPERVISOR),
    "console:alert_detail": console(SUPERVISOR, kwargs=_alert),
    "console:alert_assign": console(SUPERVISOR, ok=405, kwargs=_alert),
    "console:alert_acknowledge": console(SUPERVISOR, ok=405, kwargs=_alert),
    "console:alert_resolve": console(SUPERVISOR, ok=405, kwargs=_alert),
    "console:review_queue": console(SUPERVISOR),
    "console:review_item": console(SUPERVISOR, kwargs=_review_item),
    "console:process_map": console(SUPERVISOR),
    "console:process_variant": console(SUPERVISOR, ok=404, kwargs=_const(index=9999)),
    "console:helm_flows": console(SUPERVISOR),
    "console:helm_flow_switch": console(SUPERVISOR, ok=405, kwargs=_const(flow="repair_intake")),
    "console:helm_holds": console(SUPERVISOR),
    "console:helm_hold_release": console(SUPERVISOR, ok=405, kwargs=_const(hold_id=1)),
    "console:helm_rule_sets": console(SUPERVISOR),
    "console:helm_rule_set": console(SUPERVISOR, kwargs=_const(key=ROUTING_KEY)),
    "console:helm_roll_back": console(SUPERVISOR, ok=405, kwargs=_const(key=ROUTING_KEY)),
    "console:helm_rule_version": console(SUPERVISOR, kwargs=_const(key=ROUTING_KEY, number=1)),
    "console:helm_replay": console(SUPERVISOR, kwargs=_const(key=ROUTING_KEY, number=1)),
    "console:helm_publish": console(SUPERVISOR, ok=405, kwargs=_const(key=ROUTING_KEY, number=1)),
    # one repair request: customer service reads it, the process supervisor takes it over
    "console:repair_list": console(SUPERVISOR, SERVICE),
    "console:repair_detail": console(SUPERVISOR, SERVICE, kwargs=_repair),
    "console:repair_reclassify": console(SUPERVISOR, ok=405, kwargs=_repair),
    "console:repair_reroute": console(SUPERVISOR, ok=405, kwargs=_repair),
    "console:repair_hold": console(SUPERVISOR, ok=405, kwargs=_repair),
    "console:repair_release": console(SUPERVISOR, ok=405, kwargs=_repair),
    "console:repair_message": console(SUPERVISOR, ok=405, kwargs=_repair),
    # --- the contractors' area -----------------------------------------------------------------------
    "contractors:orders": contractor_area(200, 200),
    "contractors:order": contractor_area(kwargs=_order),
    "contractors:order-photo": contractor_area(404, 404, kwargs=_order_photo),
    "contractors:order-accept": contractor_area(405, 405, kwargs=_order),
    "contractors:order-plan": contractor_area(405, 405, kwargs=_order),
    "contractors:order-confirm": contractor_area(405, 405, kwargs=_order),
    "contractors:order-report": contractor_area(405, 405, kwargs=_order),
    "contractors:order-flag": contractor_area(405, 405, kwargs=_order),
    # --- the orders API (VERA onderhoudsorders) ------------------------------------------------------
    "api:orders": api_orders(200, 200),
    "api:order": api_orders(kwargs=_order),
    "api:order-accept": api_orders(405, 405, kwargs=_order),
    "api:order-slots": api_orders(kwargs=_order),
    "api:order-appointments": api_orders(405, 405, kwargs=_order),
    "api:order-appointment-confirm": api_orders(405, 405, kwargs=_order),
    "api:order-report": api_orders(405, 405, kwargs=_order),
    "api:order-flag": api_orders(405, 405, kwargs=_order),
}
