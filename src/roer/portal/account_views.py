"""The tenant's rent account: balance and movements, letters, and a payment arrangement.

Tenant-owned objects come only through the access helpers in `account_queries`; writes go through the
arrears services. Everything works without JavaScript.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.arrears.constants import ArrangementStatus
from roer.arrears.selectors_arrangements import arrangement_options, arrangements_for_tenancy
from roer.arrears.services.arrangements import ArrangementError, arrangement_propose
from roer.core.money import format_euros
from roer.portal import account_queries as queries
from roer.portal.account_forms import ArrangementForm
from roer.tenancies.models import Tenancy

TENANCY_PARAM = "contract"


def _status_in_words() -> dict[str, str]:
    return {
        ArrangementStatus.REQUESTED: _("Waiting: a staff member looks at your request and lets you know."),
        ArrangementStatus.ACTIVE: _("Running: pay the amounts below on or before the dates."),
        ArrangementStatus.FROZEN: _("On hold: we agreed to pause it for now."),
        ArrangementStatus.ENDED: _("Finished."),
        ArrangementStatus.CANCELLED: _("Stopped."),
        ArrangementStatus.REMOVED: _("Not agreed."),
    }


def _contact() -> dict[str, Any]:
    phone = settings.CORPORATION_PHONE
    return {
        "phone": phone,
        "phone_link": "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
        "office_hours": settings.CORPORATION_OFFICE_HOURS,
    }


def _tenancy_or_none(request: HttpRequest) -> Tenancy | None:
    wanted = request.POST.get(TENANCY_PARAM) if request.method == "POST" else request.GET.get(TENANCY_PARAM)
    return queries.current_tenancy_for_user(acting_user(request), wanted)


def _no_tenancy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/account/no_tenancy.html", _contact())


def _base_context(request: HttpRequest, tenancy: Tenancy, section: str) -> dict[str, Any]:
    tenancies = list(queries.tenancies_for_user(acting_user(request)))
    return {
        "tenancy": tenancy,
        "tenancies": tenancies if len(tenancies) > 1 else [],
        "section": section,
        "tenancy_param": TENANCY_PARAM,
        **_contact(),
    }


@require_GET
@role_required(Role.TENANT)
def account(request: HttpRequest) -> HttpResponse:
    tenancy = _tenancy_or_none(request)
    if tenancy is None:
        return _no_tenancy(request)
    summary = queries.rent_account(tenancy, timezone.localdate())
    return render(
        request,
        "portal/account/account.html",
        {**_base_context(request, tenancy, "account"), "summary": summary},
    )


@require_GET
@role_required(Role.TENANT)
def letters(request: HttpRequest) -> HttpResponse:
    tenancy = _tenancy_or_none(request)
    if tenancy is None:
        return _no_tenancy(request)
    return render(
        request,
        "portal/account/letters.html",
        {**_base_context(request, tenancy, "letters"), "letters": queries.letters_for_tenancy(tenancy)},
    )


@require_GET
@role_required(Role.TENANT)
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = queries.get_letter_for_user(acting_user(request), letter_id)
    if not letter.pdf:
        raise Http404("The letter has no PDF")
    try:
        handle = letter.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The letter's PDF is missing") from exc
    response = FileResponse(
        handle,
        content_type="application/pdf",
        filename=f"brief-{letter.letter_date:%Y-%m-%d}-{letter.pk}.pdf",
    )
    # `role_required` is typed for HttpResponse; a streamed file is served the same way.
    return cast(HttpResponse, response)


@require_http_methods(["GET", "POST"])
@role_required(Role.TENANT)
def arrangement(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    tenancy = _tenancy_or_none(request)
    if tenancy is None:
        return _no_tenancy(request)
    today = timezone.localdate()
    options = arrangement_options(tenancy, today)
    form: ArrangementForm | None = None
    if options.allowed:
        data = request.POST if request.method == "POST" else None
        form = ArrangementForm(data, max_instalments=options.max_instalments, today=today)
        if request.method == "POST" and form.is_valid():
            try:
                created = arrangement_propose(
                    tenancy=tenancy,
                    count=form.cleaned_data["count"],
                    start_date=form.cleaned_data["start_date"],
                    by=user,
                )
            except ArrangementError as exc:
                form.add_error(None, str(exc))
            else:
                if created.status == ArrangementStatus.ACTIVE:
                    messages.success(request, _("Your payment arrangement is made. The schedule is below."))
                else:
                    messages.success(
                        request, _("We have your request. A staff member looks at it and lets you know.")
                    )
                url = reverse("portal:account-arrangement")
                return redirect(f"{url}?{TENANCY_PARAM}={tenancy.pk}")
    words = _status_in_words()
    existing = [
        {
            "arrangement": item,
            "status_words": words.get(item.status, item.get_status_display()),
            "amount": format_euros(item.amount),
            "instalments": [
                {"number": i.number, "due_date": i.due_date, "amount": format_euros(i.amount)}
                for i in item.instalments.all()
            ],
        }
        for item in arrangements_for_tenancy(tenancy.pk)
    ]
    return render(
        request,
        "portal/account/arrangement.html",
        {
            **_base_context(request, tenancy, "arrangement"),
            "options": options,
            "arrears": format_euros(options.arrears),
            "monthly_rent": format_euros(options.monthly_rent),
            "form": form,
            "arrangements": existing,
        },
    )
