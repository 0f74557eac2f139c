"""One repair request in the console: find it, read everything about it, and — for the process supervisor —
take it over: reclassify, reroute, hold or release, message the tenant.

Like the other console views: read the form, call one service in `roer.repairs.overrides`, redirect with a
message; when the form or the service says no, show the page again with the error and the input kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.console import queries_repairs
from roer.console.forms_repairs import (
    HoldForm,
    MessageForm,
    ReclassifyForm,
    ReleaseForm,
    RepairSearchForm,
    RerouteForm,
)
from roer.console.views import _attempt, _not_saved
from roer.repairs import overrides
from roer.repairs.models import RepairRequest
from roer.repairs.overrides import Reclassified
from roer.repairs.selectors import get_repair_request_for_user

SUPERVISOR = Role.PROCESS_SUPERVISOR
READERS = (Role.PROCESS_SUPERVISOR, Role.CUSTOMER_SERVICE)


@role_required(*READERS)
def repair_list(request: HttpRequest) -> HttpResponse:
    form = RepairSearchForm(request.GET or None)
    found = queries_repairs.repair_search()
    if form.is_bound:
        if form.is_valid():
            found = queries_repairs.repair_search(
                request_id=form.request_id(),
                text=form.cleaned_data["q"].strip(),
                postcode=form.cleaned_data["postcode"],
                house_number=form.cleaned_data["house_number"],
            )
        else:
            found = found.none()
    page = Paginator(found, queries_repairs.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "console/repairs/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _reclassify_forms(repair: RepairRequest, bound: ReclassifyForm | None) -> list[dict[str, Any]]:
    trades = queries_repairs.routable_trades()
    rows = []
    for choice in Reclassified:
        if bound is not None and bound.prefix == choice.value:
            form = bound
        else:
            form = ReclassifyForm(
                prefix=choice.value,
                trades=trades,
                initial={"field": choice.value, choice.value: getattr(repair, choice.value)},
            )
        rows.append({"field": choice, "form": form, "input": form[choice.value]})
    return rows


def _render(
    request: HttpRequest, repair: RepairRequest, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    bound = bound or {}
    page = queries_repairs.repair_page(repair)
    reclassify = bound.get("reclassify")
    context: dict[str, Any] = {
        "page": page,
        "repair": repair,
        "may_override": acting_user(request).has_role(SUPERVISOR),
        "reclassify_forms": _reclassify_forms(
            repair, reclassify if isinstance(reclassify, ReclassifyForm) else None
        ),
        "reroute_form": bound.get("reroute")
        or RerouteForm(prefix="reroute", contractors=overrides.contractors_for_trade(repair.trade)),
        "hold_form": bound.get("hold") or HoldForm(prefix="hold"),
        "release_form": ReleaseForm(prefix="release"),
        "message_form": bound.get("message") or MessageForm(prefix="message"),
    }
    return render(request, "console/repairs/detail.html", context, status=400 if bound else 200)


@role_required(*READERS)
def repair_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _render(request, get_repair_request_for_user(request.user, request_id))


def _act(
    request: HttpRequest,
    request_id: int,
    *,
    name: str,
    form: Callable[[RepairRequest], forms.Form],
    call: Callable[[RepairRequest, forms.Form], Any],
    success: str,
) -> HttpResponse:
    repair = get_repair_request_for_user(request.user, request_id)
    bound = form(repair)
    if bound.is_valid() and _attempt(bound, lambda: call(repair, bound)):
        messages.success(request, success)
        return redirect("console:repair_detail", request_id=repair.pk)
    _not_saved(request, bound)
    return _render(request, repair, {name: bound})


@role_required(SUPERVISOR)
@require_POST
def repair_reclassify(request: HttpRequest, request_id: int) -> HttpResponse:
    prefix = request.POST.get("prefix", "")
    if prefix not in Reclassified.values:
        prefix = Reclassified.RESPONSIBILITY.value

    def call(repair: RepairRequest, form: forms.Form) -> Any:
        assert isinstance(form, ReclassifyForm)
        return overrides.repair_request_reclassify(
            request=repair,
            by=acting_user(request),
            field=form.cleaned_data["field"],
            value=form.value(),
            reason=form.cleaned_data["reason"],
        )

    return _act(
        request,
        request_id,
        name="reclassify",
        form=lambda repair: ReclassifyForm(
            request.POST, prefix=prefix, trades=queries_repairs.routable_trades()
        ),
        call=call,
        success=_("The request is reclassified; the autopilot's decision is overridden."),
    )


@role_required(SUPERVISOR)
@require_POST
def repair_reroute(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        name="reroute",
        form=lambda repair: RerouteForm(
            request.POST, prefix="reroute", contractors=overrides.contractors_for_trade(repair.trade)
        ),
        call=lambda repair, form: overrides.repair_request_reroute(
            request=repair,
            by=acting_user(request),
            contractor=form.cleaned_data["contractor"],
            reason=form.cleaned_data["reason"],
        ),
        success=_("The work is given to the contractor you chose."),
    )


@role_required(SUPERVISOR)
@require_POST
def repair_hold(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        name="hold",
        form=lambda repair: HoldForm(request.POST, prefix="hold"),
        call=lambda repair, form: overrides.repair_request_hold(
            request=repair, by=acting_user(request), reason=form.cleaned_data["reason"]
        ),
        success=_("You have the helm: no automated step touches this request until you release it."),
    )


@role_required(SUPERVISOR)
@require_POST
def repair_release(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        name="release",
        form=lambda repair: ReleaseForm(request.POST, prefix="release"),
        call=lambda repair, form: overrides.repair_request_release(request=repair, by=acting_user(request)),
        success=_("Released: the autopilot may act on this request again."),
    )


@role_required(SUPERVISOR)
@require_POST
def repair_message(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        name="message",
        form=lambda repair: MessageForm(request.POST, prefix="message"),
        call=lambda repair, form: overrides.repair_request_message(
            request=repair, by=acting_user(request), text=form.cleaned_data["text"]
        ),
        success=_("The message is sent to the tenant and shown with the request in the portal."),
    )
