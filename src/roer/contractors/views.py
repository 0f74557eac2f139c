"""The contractors' own area under /aannemer/: their open work orders and what they do with one (accept,
plan or confirm the visit, report the work, flag a wrong order). Plain HTML forms; no JavaScript needed.

Who may come in: a signed-in account with the contractor role that is linked to an active contractor
(`Contractor.user`). Staff use the console instead. Reads go through `roer.repairs.contractor_selectors`
(another contractor's order is a 404), writes through `roer.repairs.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.contractors.forms import FlagForm, PlanForm, ReportForm
from roer.repairs import vera
from roer.repairs.constants import (
    OPEN_ORDER_STATUSES,
    AppointmentStatus,
    OrderFlag,
    OrderResult,
    OrderStatus,
)
from roer.repairs.contractor_selectors import (
    contractor_for_user,
    get_order_for_contractor,
    get_photo_for_contractor,
    live_appointment_of,
    orders_for_contractor,
)
from roer.repairs.models import Contractor, WorkOrder
from roer.repairs.selectors import live_wizard
from roer.repairs.services import (
    RepairRefused,
    appointment_book,
    appointment_confirm,
    appointment_slots,
    work_order_accept,
    work_order_flag,
    work_order_report,
)
from roer.repairs.tree import WizardError

View = Callable[..., HttpResponse]


def contractor_only(view: Callable[..., HttpResponse]) -> View:
    """A contractor's account linked to an active contractor; the view gets that contractor."""

    @role_required(Role.CONTRACTOR)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contractor = contractor_for_user(request.user)
        if contractor is None:
            return render(request, "contractors/not_linked.html", status=403)
        return view(request, contractor, *args, **kwargs)

    return wrapper


def _labels() -> dict[str, str]:
    _version, tree = live_wizard()
    return {p.id: p.label for p in tree.problems.values()}


def _label(problem_id: str) -> str:
    _version, tree = live_wizard()
    try:
        return tree.problem(problem_id).label
    except WizardError:
        return problem_id


def _vera_name(kind: str, code: str) -> str:
    return vera.code_lists().get(kind, {}).get(code, code) if code else ""


@contractor_only
def order_list(request: HttpRequest, contractor: Contractor) -> HttpResponse:
    labels = _labels()
    rows = [
        {
            "order": order,
            "label": labels.get(order.request.problem_id, order.request.problem_id),
            "visit": live_appointment_of(order),
            "late": bool(order.due_by and order.due_by < timezone.now()),
        }
        for order in orders_for_contractor(contractor.pk, open_only=True)
    ]
    return render(request, "contractors/order_list.html", {"contractor": contractor, "rows": rows})


def _is_open(order: WorkOrder) -> bool:
    return order.status in OPEN_ORDER_STATUSES


def _detail(
    request: HttpRequest,
    contractor: Contractor,
    order: WorkOrder,
    *,
    plan_form: PlanForm | None = None,
    report_form: ReportForm | None = None,
    flag_form: FlagForm | None = None,
) -> HttpResponse:
    visit = live_appointment_of(order)
    is_open = _is_open(order)
    slots = appointment_slots(order=order, start=timezone.now()) if is_open else []
    request_row = order.request
    context = {
        "contractor": contractor,
        "order": order,
        "label": _label(request_row.problem_id),
        "trade_name": _vera_name("ONDERHOUDSPECIALISME", order.trade),
        "defect_soort_name": _vera_name("DEFECTSOORT", request_row.defect_soort),
        "defect_locatie_name": _vera_name("DEFECTLOCATIE", request_row.defect_locatie),
        "dwelling": request_row.dwelling,
        "visit": visit,
        "is_open": is_open,
        "can_accept": order.accepted_at is None and order.status in (OrderStatus.ISSUED, OrderStatus.PLANNED),
        "can_confirm": visit is not None and visit.status == AppointmentStatus.PROPOSED,
        "plan_form": plan_form or (PlanForm(slots=slots, prefix="plan") if slots else None),
        "report_form": report_form or ReportForm(prefix="report"),
        "flag_form": flag_form or FlagForm(prefix="flag"),
        "result_label": OrderResult(order.result).label if order.result else "",
        "flag_label": OrderFlag(order.flag).label if order.flag else "",
        "photos": list(request_row.photos.all()),
    }
    return render(request, "contractors/order_detail.html", context)


@contractor_only
def order_detail(request: HttpRequest, contractor: Contractor, code: str) -> HttpResponse:
    return _detail(request, contractor, get_order_for_contractor(contractor.pk, code))


@contractor_only
def order_photo(request: HttpRequest, contractor: Contractor, code: str, photo_id: int) -> HttpResponse:
    """A photo the tenant sent with the request (re-encoded without location data when it came in, and at
    most 2,000 pixels a side, so reading it whole is fine)."""
    photo = get_photo_for_contractor(contractor.pk, code, photo_id)
    with photo.image.open("rb") as image:
        response = HttpResponse(image.read(), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _done(request: HttpRequest, code: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("contractors:order", code=code)


def _refused(request: HttpRequest, code: str, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("contractors:order", code=code)


@contractor_only
@require_POST
def order_accept(request: HttpRequest, contractor: Contractor, code: str) -> HttpResponse:
    order = get_order_for_contractor(contractor.pk, code)
    try:
        work_order_accept(order=order, by=acting_user(request))
    except ValueError:
        return _refused(request, code, _("This order can no longer be accepted."))
    return _done(request, code, _("You have accepted order %(code)s.") % {"code": code})


@contractor_only
@require_POST
def order_plan(request: HttpRequest, contractor: Contractor, code: str) -> HttpResponse:
    order = get_order_for_contractor(contractor.pk, code)
    slots = appointment_slots(order=order, start=timezone.now()) if _is_open(order) else []
    form = PlanForm(request.POST, slots=slots, prefix="plan")
    if not form.is_valid():
        return _detail(request, contractor, order, plan_form=form)
    day, part = form.chosen()
    try:
        appointment_book(order=order, date=day, part=part, by=acting_user(request))
    except RepairRefused as refused:
        form.add_error(None, str(refused))
        return _detail(request, contractor, order, plan_form=form)
    return _done(request, code, _("The visit is planned. The tenant can see it in the portal."))


@contractor_only
@require_POST
def order_confirm(request: HttpRequest, contractor: Contractor, code: str) -> HttpResponse:
    order = get_order_for_contractor(contractor.pk, code)
    visit = live_appointment_of(order)
    if visit is None or visit.status != AppointmentStatus.PROPOSED:
        return _refused(request, code, _("There is no visit to confirm."))
    try:
        appointment_confirm(appointment=visit, by=acting_user(request))
    except ValueError:
        return _refused(request, code, _("There is no visit to confirm."))
    return _done(request, code, _("You have confirmed the visit."))


@contractor_only
@require_POST
def order_report(request: HttpRequest, contractor: Contractor, code: str) -> HttpResponse:
    order = get_order_for_contractor(contractor.pk, code)
    form = ReportForm(request.POST, prefix="report")
    if not form.is_valid():
        return _detail(request, contractor, order, report_form=form)
    result = form.cleaned_data["result"]
    try:
        work_order_report(
            order=order, by=acting_user(request), result=result, remark=form.cleaned_data["remark"]
        )
    except ValueError:  # closed in the meantime: nothing the form can change
        return _refused(request, code, _("This order can no longer be reported on."))
    if result == OrderResult.DONE:
        return _done(request, code, _("Thank you. The work is reported as done."))
    return _done(request, code, _("The work is reported as not done. Plan a new visit."))


@contractor_only
@require_POST
def order_flag(request: HttpRequest, contractor: Contractor, code: str) -> HttpResponse:
    order = get_order_for_contractor(contractor.pk, code)
    form = FlagForm(request.POST, prefix="flag")
    if not form.is_valid():
        return _detail(request, contractor, order, flag_form=form)
    flag = form.cleaned_data["flag"]
    try:
        work_order_flag(order=order, by=acting_user(request), flag=flag, remark=form.cleaned_data["remark"])
    except ValueError:  # closed in the meantime: nothing the form can change
        return _refused(request, code, _("This order can no longer be flagged."))
    if flag == OrderFlag.NO_ACCESS:
        return _done(request, code, _("Noted: you could not get in. Plan a new visit."))
    return _done(request, code, _("Thank you. The corporation will look at this order again."))
