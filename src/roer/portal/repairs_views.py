"""The tenant's repair pages: find the problem, answer its questions, see the outcome, submit a request,
follow it (status, visit, cancel). Plain GET/POST forms; no JavaScript needed.

Reads go through `roer.repairs.selectors` (and the pure tree and search functions), writes through
`roer.repairs.services`; the tenant's own tenancy comes from `repairs_queries`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.portal.repairs_forms import BookForm, CancelForm, RequestForm, SearchForm, questions_form
from roer.portal.repairs_queries import tenancy_for_tenant
from roer.repairs.constants import OPEN_REQUEST_STATUSES, Responsibility, Urgency, WizardStep
from roer.repairs.models import RepairRequest, WorkOrder
from roer.repairs.photos import PhotoRefused
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
    repair_request_submit,
    wizard_step_record,
)
from roer.repairs.tree import Outcome, Problem, Tree, WizardError, default_outcome, problem_outcome
from roer.tenancies.models import Tenancy

tenant_only = role_required(Role.TENANT)


def _own_tenancy_or_none(user: User) -> Tenancy | None:
    try:
        return tenancy_for_tenant(user)
    except Http404:
        return None


def _emergencies(tree: Tree) -> list[dict[str, Any]]:
    return [{"problem": p, "outcome": default_outcome(tree, p.id)} for p in tree.emergencies]


@tenant_only
def start(request: HttpRequest) -> HttpResponse:
    _version, tree = live_wizard()
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        results = search(tree, form.cleaned_data["q"])
        wizard_step_record(
            by=acting_user(request),
            tenancy=_own_tenancy_or_none(acting_user(request)),
            step=WizardStep.SEARCHED,
            problem_id=results[0].id if results else None,
            matched=not results.unmatched,
        )
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
    questions = questions_form(found, given if answered and found.questions else None)
    if not answered or (found.questions and not questions.is_valid()):
        wizard_step_record(
            by=user, tenancy=_own_tenancy_or_none(user), step=WizardStep.QUESTIONS_SHOWN, problem_id=found.id
        )
        return render(
            request,
            "portal/repairs/questions.html",
            {"problem": found, "form": questions, "emergencies": _emergencies(tree)},
        )
    answers = {k: str(v) for k, v in questions.cleaned_data.items()} if found.questions else {}
    outcome = problem_outcome(tree, found.id, answers)
    tenancy = tenancy_for_tenant(user)
    offer_form = _wants_form(outcome, tenancy.service_subscription)
    form: RequestForm | None = None
    if offer_form:
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
                    )
                except (RepairRefused, PhotoRefused) as refused:
                    form.add_error(None, str(refused))
                else:
                    messages.success(
                        request, _("We have received your repair request %(code)s.") % {"code": made.code}
                    )
                    return redirect("portal:repairs-request", request_id=made.pk)
        else:
            form = RequestForm()
    elif request.method == "POST":
        return redirect(request.get_full_path())
    if request.method == "GET":
        wizard_step_record(
            by=user,
            tenancy=tenancy,
            step=WizardStep.OUTCOME_SHOWN,
            problem_id=found.id,
            responsibility=outcome.responsibility,
        )
    return render(
        request,
        "portal/repairs/outcome.html",
        {
            "problem": found,
            "outcome": outcome,
            "urgency": _urgency_words(outcome),
            "form": form,
            "subscription": outcome.responsibility == Responsibility.TENANT and form is not None,
            "emergencies": _emergencies(tree),
        },
    )


def _orders(repair: RepairRequest) -> list[dict[str, Any]]:
    rows = []
    now = timezone.now()
    for order in repair.orders.select_related("contractor").order_by("id"):
        slots = appointment_slots(order=order, start=now) if repair.status in OPEN_REQUEST_STATUSES else []
        rows.append(
            {
                "order": order,
                "appointment": live_appointment(order),
                "book_form": BookForm(slots=slots, prefix=f"order{order.pk}") if slots else None,
            }
        )
    return rows


def _detail(request: HttpRequest, repair: RepairRequest, **extra: Any) -> HttpResponse:
    _version, tree = live_wizard()
    try:
        label = tree.problem(repair.problem_id).label
    except WizardError:
        label = repair.problem_id
    context: dict[str, Any] = {
        "repair": repair,
        "label": label,
        "orders": _orders(repair),
        "can_cancel": repair.status in OPEN_REQUEST_STATUSES,
        "cancel_form": CancelForm(),
        "emergencies": _emergencies(tree),
    }
    context.update(extra)
    return render(request, "portal/repairs/request.html", context)


@tenant_only
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    repair = get_repair_request_for_user(acting_user(request), request_id)
    return _detail(request, repair)


@tenant_only
@require_POST
def request_book(request: HttpRequest, request_id: int, order_id: int) -> HttpResponse:
    user = acting_user(request)
    repair = get_repair_request_for_user(user, request_id)
    order = WorkOrder.objects.filter(pk=order_id, request=repair).select_related("request").first()
    if order is None:
        raise Http404(_("No such work order."))
    slots = appointment_slots(order=order, start=timezone.now())
    form = BookForm(request.POST, slots=slots, prefix=f"order{order.pk}")
    if form.is_valid():
        day, part = form.chosen()
        try:
            appointment_book(order=order, date=day, part=part, by=user)
        except RepairRefused as refused:
            return _detail(request, repair, book_error=str(refused))
        messages.success(request, _("Thank you. The contractor will confirm the visit."))
        return redirect("portal:repairs-request", request_id=repair.pk)
    return _detail(request, repair, book_error=_("Choose one of the times offered."))


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


@tenant_only
def request_list(request: HttpRequest) -> HttpResponse:
    _version, tree = live_wizard()
    repairs = list(repair_requests_visible_to(acting_user(request)).order_by("-submitted_at", "-id"))
    labels = {p.id: p.label for p in tree.problems.values()}
    rows = [{"repair": r, "label": labels.get(r.problem_id, r.problem_id)} for r in repairs]
    return render(request, "portal/repairs/list.html", {"rows": rows})
