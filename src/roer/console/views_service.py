"""Customer service in the console: the queue of "Bel me terug" requests, handling one, and registering a
phone, desk or other contact with its topic (and the repair problem or answer it was about).

Like the other console views: read the form, call one service, redirect with a message; when the form or
the service says no, show the page again with the error and the input kept. Who may open a page is
`role_required`'s business; what may be done is the services'.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from roer.accounts.access import acting_user, role_required
from roer.answers import selectors as answers_selectors
from roer.answers import services as answers_services
from roer.answers.constants import CallbackStatus
from roer.answers.models import CallbackRequest
from roer.console.forms_service import CallbackHandleForm, ContactRegisterForm, TenancySearchForm
from roer.console.views import _attempt, _not_saved
from roer.repairs.selectors import live_wizard
from roer.tenancies.models import Tenancy

SERVICE_ROLES = answers_selectors.CALLBACK_STAFF_ROLES


def _about(callback: CallbackRequest) -> str:
    """The problem's label or the answer's question a callback names, from the live rules."""
    if callback.problem_id:
        _version, tree = live_wizard()
        problem = tree.problems.get(callback.problem_id)
        return problem.label if problem is not None else callback.problem_id
    if callback.answer_id:
        _answers_version, book = answers_selectors.live_answers()
        answer = book.answers.get(callback.answer_id)
        return answer.question if answer is not None else callback.answer_id
    return ""


@role_required(*SERVICE_ROLES)
def service_queue(request: HttpRequest) -> HttpResponse:
    rows = answers_selectors.callback_queue(user=request.user)
    return render(
        request,
        "console/service/queue.html",
        {
            "rows": rows,
            "due": sum(1 for row in rows if row.due),
            "search_form": TenancySearchForm(),
        },
    )


@role_required(*SERVICE_ROLES)
@require_http_methods(["GET", "POST"])
def callback_handle(request: HttpRequest, callback_id: int) -> HttpResponse:
    callback = answers_selectors.get_callback_for_user(request.user, callback_id)
    form = CallbackHandleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid() and _attempt(
            form,
            lambda: answers_services.callback_handle(
                callback=callback,
                by=acting_user(request),
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
            ),
        ):
            status = CallbackStatus(form.cleaned_data["status"])
            messages.success(
                request,
                _("Callback for %(reference)s: %(status)s.")
                % {"reference": callback.tenancy.reference, "status": status.label},
            )
            return redirect("console:service_queue")
        _not_saved(request, form)
    starts, ends = answers_selectors.part_window(callback.preferred_day, callback.preferred_part)
    return render(
        request,
        "console/service/callback.html",
        {
            "callback": callback,
            "tenancy": callback.tenancy,
            "about": _about(callback),
            "starts": starts,
            "ends": ends,
            "waiting": callback.status in {CallbackStatus.OPEN, CallbackStatus.NO_ANSWER},
            "form": form,
            "contacts": answers_selectors.recent_contacts_of(user=request.user, tenancy=callback.tenancy),
        },
    )


@role_required(*SERVICE_ROLES)
def contact_search(request: HttpRequest) -> HttpResponse:
    form = TenancySearchForm(request.GET or None)
    results: list[Tenancy] | None = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        results = answers_selectors.tenancies_for_contact(user=request.user, query=form.cleaned_data["q"])
    return render(request, "console/service/contact_search.html", {"form": form, "results": results})


def _contact_form(request: HttpRequest, data: Any = None) -> ContactRegisterForm:
    _version, tree = live_wizard()
    _answers_version, book = answers_selectors.live_answers()
    return ContactRegisterForm(data, tree=tree, book=book)


@role_required(*SERVICE_ROLES)
@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, tenancy_id: int) -> HttpResponse:
    tenancy = answers_selectors.get_tenancy_for_contact(request.user, tenancy_id)
    form = _contact_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid() and _attempt(
            form,
            lambda: answers_services.contact_register(
                tenancy=tenancy,
                by=acting_user(request),
                channel=form.cleaned_data["channel"],
                direction=form.cleaned_data["direction"],
                succeeded=form.cleaned_data["succeeded"],
                topic=form.cleaned_data["topic"],
                problem_id=form.cleaned_data["problem_id"],
                answer_id=form.cleaned_data["answer_id"],
                summary=form.cleaned_data["summary"],
                happened_at=form.cleaned_data["happened_at"],
            ),
        ):
            messages.success(
                request, _("The contact with %(reference)s is logged.") % {"reference": tenancy.reference}
            )
            return redirect("console:contact_new", tenancy_id=tenancy.pk)
        _not_saved(request, form)
    return render(
        request,
        "console/service/contact_new.html",
        {
            "tenancy": tenancy,
            "form": form,
            "contacts": answers_selectors.recent_contacts_of(user=request.user, tenancy=tenancy),
        },
    )
