"""The tenant's repair pages: find the problem, answer its questions, see the outcome, submit a request,
follow it (status, timeline, visit, move the visit, cancel) and grade it once the work is done — also
through the signed link in the e-mail, without signing in. Plain GET/POST forms; no JavaScript needed.

Reads go through `roer.repairs.selectors` (and the pure tree and search functions), writes through
`roer.repairs.services` and `roer.repairs.satisfaction`; the tenant's own tenancy, the plain-words status
and the timeline come from `repairs_queries`.

Every wizard page is journaled (`wizard_step`) with a per-run `wizard_session` id kept in the session,
with a small trail of the steps shown, so that a step back (to search, or to the questions of a problem
already seen) is journaled as `back`. The run ends when a request is submitted; a run that goes quiet
is journaled as `abandoned` afterwards by `roer.repairs.wizard_sessions`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.portal.repairs_forms import BookForm, CancelForm, GradeForm, RequestForm, SearchForm, questions_form
from roer.portal.repairs_queries import request_timeline, status_words, tenancy_for_tenant
from roer.repairs.constants import (
    GRADABLE_REQUEST_STATUSES,
    OPEN_REQUEST_STATUSES,
    WIZARD_STEP_ORDER,
    Responsibility,
    SatisfactionChannel,
    Urgency,
    WizardBackTo,
    WizardStep,
)
from roer.repairs.models import Appointment, RepairRequest, WorkOrder
from roer.repairs.photos import PhotoRefused
from roer.repairs.satisfaction import (
    LINK_HOLDER,
    AlreadyGraded,
    GradeLinkExpired,
    GradeLinkInvalid,
    SatisfactionRefused,
    done_on,
    grade_link_read,
    is_gradable,
    problem_label,
    satisfaction_for,
    satisfaction_record,
)
from roer.repairs.scheduling import Preference
from roer.repairs.search import search
from roer.repairs.selectors import (
    get_repair_request_for_user,
    live_appointment,
    live_wizard,
    repair_requests_visible_to,
)
from roer.repairs.services import (
    RepairRefused,
    appointment_book,
    appointment_slots,
    repair_request_cancel,
    repair_request_reschedule,
    repair_request_submit,
    wizard_step_record,
)
from roer.repairs.tree import Outcome, Problem, Tree, WizardError, default_outcome, problem_outcome
from roer.repairs.wizard_sessions import ABANDON_AFTER
from roer.tenancies.models import Tenancy

tenant_only = role_required(Role.TENANT)


def _own_tenancy_or_none(user: User) -> Tenancy | None:
    try:
        return tenancy_for_tenant(user)
    except Http404:
        return None


def _emergencies(tree: Tree) -> list[dict[str, Any]]:
    return [{"problem": p, "outcome": default_outcome(tree, p.id)} for p in tree.emergencies]


# --- the wizard run in the session -------------------------------------------------------------------

WIZARD_KEY = "repair_wizard"
TRAIL_MAX = 30
BACK_PARAM = "terug"


def _wizard_run(request: HttpRequest) -> dict[str, Any]:
    """This session's run of the wizard: a random id (not personal: it only ties the steps of one run
    together) and a trail of the steps shown. A run quiet for longer than the abandon window is over: the
    next step begins a new one."""
    run = request.session.get(WIZARD_KEY)
    now = timezone.now()
    stale = True
    if isinstance(run, dict) and run.get("id") and run.get("seen"):
        try:
            stale = now - dt.datetime.fromisoformat(run["seen"]) > ABANDON_AFTER
        except (TypeError, ValueError):
            stale = True
    if stale:
        run = {"id": uuid.uuid4().hex, "trail": []}
    assert isinstance(run, dict)
    run["seen"] = now.isoformat()
    request.session[WIZARD_KEY] = run
    return run


def _current_run_id(request: HttpRequest) -> str | None:
    run = request.session.get(WIZARD_KEY)
    return str(run["id"]) if isinstance(run, dict) and run.get("id") else None


def _went_back(
    trail: list[list[Any]], step: WizardStep, problem_id: str | None, explicit: bool
) -> str | None:
    """Where the tenant went back to, if this step is a step back; else None.

    Back to search: a search (or the back link to the start) after questions or an outcome were shown.
    Back to the questions: the questions of a problem shown again after they or its outcome were shown
    before in this run (the "change your answers" link says so itself); showing the same questions twice
    in a row is a reload or a correction, not a step back."""
    if not trail:
        return None
    last_step, last_problem = trail[-1][0], trail[-1][1]
    if step == WizardStep.SEARCHED:
        engaged = (WizardStep.QUESTIONS_SHOWN.value, WizardStep.OUTCOME_SHOWN.value)
        return WizardBackTo.SEARCH.value if last_step in engaged else None
    if step == WizardStep.QUESTIONS_SHOWN:
        if last_step == step.value and last_problem == problem_id:
            return None
        seen = any(
            p == problem_id and WIZARD_STEP_ORDER.get(s, -1) >= WIZARD_STEP_ORDER[WizardStep.QUESTIONS_SHOWN]
            for s, p in trail
        )
        return WizardBackTo.QUESTIONS.value if (explicit or seen) else None
    return None


def _journal_step(
    request: HttpRequest, *, user: User, tenancy: Tenancy | None, step: WizardStep, **facts: Any
) -> None:
    """Journal a wizard step of this run — preceded by a `back` step when it is one — and add it to the
    run's trail."""
    run = _wizard_run(request)
    trail: list[list[Any]] = run.setdefault("trail", [])
    problem_id = facts.get("problem_id")
    back_to = _went_back(trail, step, problem_id, explicit=BACK_PARAM in request.GET)
    if back_to is not None:
        wizard_step_record(
            by=user,
            tenancy=tenancy,
            step=WizardStep.BACK,
            problem_id=problem_id if back_to == WizardBackTo.QUESTIONS else trail[-1][1],
            back_to=back_to,
            from_step=trail[-1][0],
            wizard_session=run["id"],
        )
        trail.append([WizardStep.BACK.value, problem_id])
    wizard_step_record(by=user, tenancy=tenancy, step=step, wizard_session=run["id"], **facts)
    trail.append([step.value, problem_id])
    del trail[:-TRAIL_MAX]
    request.session.modified = True


def _journal_back_to_start(request: HttpRequest, user: User) -> None:
    """The back link to the start page: a step back to search, journaled once."""
    run = _wizard_run(request)
    trail: list[list[Any]] = run.setdefault("trail", [])
    if not trail or trail[-1][0] not in (WizardStep.QUESTIONS_SHOWN.value, WizardStep.OUTCOME_SHOWN.value):
        return
    wizard_step_record(
        by=user,
        tenancy=_own_tenancy_or_none(user),
        step=WizardStep.BACK,
        problem_id=trail[-1][1],
        back_to=WizardBackTo.SEARCH,
        from_step=trail[-1][0],
        wizard_session=run["id"],
    )
    trail.append([WizardStep.BACK.value, trail[-1][1]])
    del trail[:-TRAIL_MAX]
    request.session.modified = True


def _end_run(request: HttpRequest) -> None:
    request.session.pop(WIZARD_KEY, None)


@tenant_only
def start(request: HttpRequest) -> HttpResponse:
    _version, tree = live_wizard()
    form = SearchForm(request.GET or None)
    results = None
    user = acting_user(request)
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        results = search(tree, form.cleaned_data["q"])
        _journal_step(
            request,
            user=user,
            tenancy=_own_tenancy_or_none(user),
            step=WizardStep.SEARCHED,
            problem_id=results[0].id if results else None,
            matched=not results.unmatched,
        )
    elif BACK_PARAM in request.GET:
        _journal_back_to_start(request, user)
    location = None
    wanted = request.GET.get("plek", "")
    for area in tree.areas:
        for loc in area.locations:
            if f"{area.id}/{loc.id}" == wanted:
                location = {"area": area, "location": loc}
    return render(
        request,
        "portal/repairs/start.html",
        {
            "form": form,
            "results": results,
            "areas": tree.areas,
            "chosen": location,
            "emergencies": _emergencies(tree),
        },
    )


def _urgency_words(outcome: Outcome) -> str:
    if not outcome.urgency:
        return ""
    if outcome.urgency == Urgency.NORMAL:
        return _("Normal: we repair it within %(days)d working days.") % {"days": outcome.working_days or 0}
    return str(Urgency(outcome.urgency).label)


def _wants_form(outcome: Outcome, service_subscription: bool) -> bool:
    if outcome.is_emergency or outcome.responsibility == Responsibility.THIRD_PARTY:
        return False
    if outcome.responsibility == Responsibility.CORPORATION:
        return True
    return service_subscription and outcome.covered_by_service_subscription


def _change_answers_url(found: Problem, answers: dict[str, str]) -> str | None:
    """Back to the questions, with the answers given selected (and the step journaled as `back`)."""
    if not found.questions:
        return None
    query = urlencode({**answers, BACK_PARAM: "1"})
    return f"{reverse('portal:repairs-problem', args=[found.id])}?{query}"


@tenant_only
@require_http_methods(["GET", "POST"])
def problem(request: HttpRequest, problem_id: str) -> HttpResponse:
    user = acting_user(request)
    _version, tree = live_wizard()
    try:
        found: Problem = tree.problem(problem_id)
    except WizardError:
        raise Http404(_("We do not know this problem.")) from None
    answered = "klaar" in request.GET or not found.questions
    # A question left out takes its default (most common) answer, as in the wizard's rules.
    given = {q.id: request.GET.get(q.id, q.default) for q in found.questions}
    questions = questions_form(
        found,
        given if answered and found.questions else None,
        # Back to change an answer: the answers given before are selected.
        initial={q.id: request.GET[q.id] for q in found.questions if q.id in request.GET},
    )
    if not answered or (found.questions and not questions.is_valid()):
        _journal_step(
            request,
            user=user,
            tenancy=_own_tenancy_or_none(user),
            step=WizardStep.QUESTIONS_SHOWN,
            problem_id=found.id,
        )
        return render(
            request,
            "portal/repairs/questions.html",
            {"problem": found, "form": questions, "emergencies": _emergencies(tree)},
        )
    answers = {k: str(v) for k, v in questions.cleaned_data.items()} if found.questions else {}
    outcome = problem_outcome(tree, found.id, answers)
    # A former tenant may still sign in (to read old letters): the advice, but no request to send.
    tenancy = _own_tenancy_or_none(user)
    offer_form = tenancy is not None and _wants_form(outcome, tenancy.service_subscription)
    form: RequestForm | None = None
    if offer_form and tenancy is not None:
        if request.method == "POST":
            form = RequestForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    made = repair_request_submit(
                        tenancy=tenancy,
                        by=user,
                        problem_id=found.id,
                        answers=answers,
                        description=data["description"],
                        preferred=Preference(
                            frozenset(int(d) for d in data["weekdays"]), data["part"] or None
                        ),
                        photos=data["photos"],
                        idempotency_key=data["idempotency_key"],
                        wizard_session=_current_run_id(request),
                    )
                except (RepairRefused, PhotoRefused) as refused:
                    form.add_error(None, str(refused))
                else:
                    _end_run(request)
                    messages.success(
                        request, _("We have received your repair request %(code)s.") % {"code": made.code}
                    )
                    return redirect("portal:repairs-request", request_id=made.pk)
        else:
            form = RequestForm()
    elif request.method == "POST":
        return redirect(request.get_full_path())
    if request.method == "GET":
        _journal_step(
            request,
            user=user,
            tenancy=tenancy,
            step=WizardStep.OUTCOME_SHOWN,
            problem_id=found.id,
            responsibility=outcome.responsibility,
            offered_form=offer_form,
        )
    return render(
        request,
        "portal/repairs/outcome.html",
        {
            "problem": found,
            "outcome": outcome,
            "change_answers_url": _change_answers_url(found, answers),
            "urgency": _urgency_words(outcome),
            "form": form,
            "subscription": outcome.responsibility == Responsibility.TENANT and form is not None,
            "no_tenancy": tenancy is None,
            "emergencies": _emergencies(tree),
        },
    )


def _orders(
    repair: RepairRequest, bound: dict[int, BookForm], errors: dict[int, str]
) -> list[dict[str, Any]]:
    """Each order with its visit and, while the request is open, the form to choose a time (no visit yet)
    or to move the visit (one is planned)."""
    rows = []
    now = timezone.now()
    for order in repair.orders.select_related("contractor").order_by("id"):
        appointment = live_appointment(order)
        slots = appointment_slots(order=order, start=now) if repair.status in OPEN_REQUEST_STATUSES else []
        form = bound.get(order.pk)
        if form is None and slots:
            form = BookForm(slots=slots, prefix=f"order{order.pk}")
        rows.append(
            {
                "order": order,
                "appointment": appointment,
                "book_form": form if appointment is None else None,
                "move_form": form if appointment is not None else None,
                "error": errors.get(order.pk, ""),
            }
        )
    return rows


def _detail(
    request: HttpRequest,
    repair: RepairRequest,
    *,
    bound: dict[int, BookForm] | None = None,
    errors: dict[int, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    _version, tree = live_wizard()
    try:
        label = tree.problem(repair.problem_id).label
    except WizardError:
        label = repair.problem_id
    orders = _orders(repair, bound or {}, errors or {})
    appointment: Appointment | None = next(
        (r["appointment"] for r in reversed(orders) if r["appointment"]), None
    )
    satisfaction = satisfaction_for(repair)
    context: dict[str, Any] = {
        "repair": repair,
        "label": label,
        "orders": orders,
        "status_words": status_words(repair, appointment),
        "timeline": request_timeline(repair, [r["order"] for r in orders], appointment, satisfaction),
        "appointment": appointment,
        "can_cancel": repair.status in OPEN_REQUEST_STATUSES,
        "cancel_form": CancelForm(),
        "satisfaction": satisfaction,
        "grade_form": GradeForm()
        if satisfaction is None and repair.status in GRADABLE_REQUEST_STATUSES
        else None,
        "emergencies": _emergencies(tree),
        # The footer's "Bel me terug" is then about this request's problem.
        "callback_query": urlencode({"topic": "repair", "problem": repair.problem_id}),
    }
    context.update(extra)
    return render(request, "portal/repairs/request.html", context)


@tenant_only
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    repair = get_repair_request_for_user(acting_user(request), request_id)
    return _detail(request, repair)


def _own_order(repair: RepairRequest, order_id: int) -> WorkOrder:
    order = WorkOrder.objects.filter(pk=order_id, request=repair).select_related("request").first()
    if order is None:
        raise Http404(_("No such work order."))
    return order


@tenant_only
@require_POST
def request_book(request: HttpRequest, request_id: int, order_id: int) -> HttpResponse:
    """Choose a time for the first visit (a planned visit is moved through `request_reschedule`)."""
    user = acting_user(request)
    repair = get_repair_request_for_user(user, request_id)
    order = _own_order(repair, order_id)
    if live_appointment(order) is not None:
        return request_reschedule(request, request_id, order_id)
    slots = appointment_slots(order=order, start=timezone.now())
    form = BookForm(request.POST, slots=slots, prefix=f"order{order.pk}")
    if form.is_valid():
        day, part = form.chosen()
        try:
            appointment_book(order=order, date=day, part=part, by=user)
        except RepairRefused as refused:
            return _detail(request, repair, bound={order.pk: form}, errors={order.pk: str(refused)})
        messages.success(request, _("Thank you. The contractor will confirm the visit."))
        return redirect("portal:repairs-request", request_id=repair.pk)
    return _detail(
        request, repair, bound={order.pk: form}, errors={order.pk: _("Choose one of the times offered.")}
    )


@tenant_only
@require_POST
def request_reschedule(request: HttpRequest, request_id: int, order_id: int) -> HttpResponse:
    """Move the planned visit to another time: journaled as `repair_request_rescheduled`."""
    user = acting_user(request)
    repair = get_repair_request_for_user(user, request_id)
    order = _own_order(repair, order_id)
    slots = appointment_slots(order=order, start=timezone.now())
    form = BookForm(request.POST, slots=slots, prefix=f"order{order.pk}")
    if form.is_valid():
        day, part = form.chosen()
        try:
            repair_request_reschedule(request=repair, order=order, date=day, part=part, by=user)
        except RepairRefused as refused:
            return _detail(request, repair, bound={order.pk: form}, errors={order.pk: str(refused)})
        messages.success(
            request, _("Thank you. The visit is moved; the contractor will confirm the new time.")
        )
        return redirect("portal:repairs-request", request_id=repair.pk)
    return _detail(
        request, repair, bound={order.pk: form}, errors={order.pk: _("Choose one of the times offered.")}
    )


@tenant_only
@require_POST
def request_cancel(request: HttpRequest, request_id: int) -> HttpResponse:
    user = acting_user(request)
    repair = get_repair_request_for_user(user, request_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            repair_request_cancel(request=repair, by=user, reason=form.cleaned_data["reason"])
        except (RepairRefused, ValueError) as refused:
            return _detail(request, repair, cancel_form=form, cancel_error=str(refused))
        messages.success(request, _("Your request is cancelled."))
        return redirect("portal:repairs-request", request_id=repair.pk)
    return _detail(request, repair, cancel_form=form)


def _grade_message(response_fixed: bool) -> str:
    if response_fixed:
        return _("Thank you for your grade.")
    return _("Thank you. The problem is not fixed: one of our staff will look at it and contact you.")


@tenant_only
@require_POST
def request_grade(request: HttpRequest, request_id: int) -> HttpResponse:
    """The signed-in tenant grades their own request once the work is done."""
    user = acting_user(request)
    repair = get_repair_request_for_user(user, request_id)
    form = GradeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            response = satisfaction_record(
                request=repair,
                grade=data["grade"],
                fixed=data["fixed"],
                comment=data["comment"],
                by=user,
                channel=SatisfactionChannel.PORTAL,
            )
        except AlreadyGraded as refused:
            messages.info(request, str(refused))
            return redirect("portal:repairs-request", request_id=repair.pk)
        except SatisfactionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _grade_message(response.fixed))
            return redirect("portal:repairs-request", request_id=repair.pk)
    return _detail(request, repair, grade_form=form)


# --- the grade link from the e-mail: no sign-in, the token is the permission ---------------------------


def _link_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The token is in the address: it must not leak to another site, nor stay in a shared cache.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def grade_link(request: HttpRequest, token: str) -> HttpResponse:
    """Grade a repair from the e-mail's link. Shows only the problem and the day the work was done."""
    try:
        repair = grade_link_read(token)
    except GradeLinkExpired:
        return _link_page(request, "portal/repairs/grade_link_invalid.html", {"expired": True}, status=410)
    except GradeLinkInvalid:
        return _link_page(request, "portal/repairs/grade_link_invalid.html", {"expired": False}, status=404)
    context: dict[str, Any] = {"label": problem_label(repair), "done_on": done_on(repair)}
    if satisfaction_for(repair) is not None:
        return _link_page(request, "portal/repairs/grade_link_done.html", context)
    if not is_gradable(repair):
        return _link_page(request, "portal/repairs/grade_link_done.html", {**context, "not_now": True})
    form = GradeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            response = satisfaction_record(
                request=repair,
                grade=data["grade"],
                fixed=data["fixed"],
                comment=data["comment"],
                by=LINK_HOLDER,
                channel=SatisfactionChannel.EMAIL,
            )
        except AlreadyGraded:
            return _link_page(request, "portal/repairs/grade_link_done.html", context)
        except SatisfactionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _grade_message(response.fixed))
            return redirect("portal:repairs-grade-link", token=token)
    return _link_page(request, "portal/repairs/grade_link.html", {**context, "form": form})


@tenant_only
def request_list(request: HttpRequest) -> HttpResponse:
    _version, tree = live_wizard()
    repairs = list(repair_requests_visible_to(acting_user(request)).order_by("-submitted_at", "-id"))
    labels = {p.id: p.label for p in tree.problems.values()}
    rows = [{"repair": r, "label": labels.get(r.problem_id, r.problem_id)} for r in repairs]
    return render(request, "portal/repairs/list.html", {"rows": rows})
