"""The tenant's rent account: balance and movements, letters, a payment arrangement and the direct debit.

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
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.arrears.constants import ArrangementStatus
from roer.arrears.selectors_arrangements import arrangement_options, arrangements_for_tenancy
from roer.arrears.services.arrangements import ArrangementError, arrangement_propose
from roer.core.money import format_euros
from roer.ledger.services import mandates
from roer.portal import account_queries as queries
from roer.portal.account_forms import ArrangementForm, MandateForm
from roer.tenancies.models import Tenancy

TENANCY_PARAM = "contract"
ALL_PARAM = "alles"


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
    show_all = request.GET.get(ALL_PARAM) == "1"
    summary = queries.rent_account(tenancy, timezone.localdate(), show_all=show_all)
    return render(
        request,
        "portal/account/account.html",
        {
            **_base_context(request, tenancy, "account"),
            "summary": summary,
            "all_param": ALL_PARAM,
            "direct_debit": mandates.is_active(tenancy),
            "masked_iban": mandates.mask_iban(tenancy.iban) if tenancy.iban else "",
        },
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


# --- the direct debit (incasso) --------------------------------------------------------------------


def _mandate_url(name: str, tenancy: Tenancy) -> str:
    return f"{reverse(name)}?{TENANCY_PARAM}={tenancy.pk}"


def _mandate_context(request: HttpRequest, tenancy: Tenancy) -> dict[str, Any]:
    status = mandates.mandate_status(tenancy, timezone.localdate())
    return {
        **_base_context(request, tenancy, "mandate"),
        "status": status,
        "monthly_rent": format_euros(queries.monthly_rent(tenancy, timezone.localdate())),
        "creditor_iban": settings.CREDITOR_IBAN,
        "creditor_id": settings.CREDITOR_ID,
        "corporation": settings.CORPORATION_NAME,
        "notice_days": mandates.PRE_NOTIFICATION_DAYS,
    }


def _collections(items: list[mandates.PlannedCollection]) -> list[dict[str, Any]]:
    return [{"month": item.month, "date": item.date, "amount": format_euros(item.amount)} for item in items]


@require_GET
@role_required(Role.TENANT)
def mandate(request: HttpRequest) -> HttpResponse:
    """Whether the rent is collected, from which account, and when the next collection falls."""
    tenancy = _tenancy_or_none(request)
    if tenancy is None:
        return _no_tenancy(request)
    context = _mandate_context(request, tenancy)
    status = context["status"]
    nxt = status.next_collection
    context["next"] = (
        {"month": nxt.month, "date": nxt.date, "amount": format_euros(nxt.amount)} if nxt else None
    )
    # A collection in a file at the bank that is not the next one under this mandate (an earlier mandate's).
    context["already_sent"] = _collections(
        [item for item in status.already_sent if nxt is None or item.month != nxt.month]
    )
    return render(request, "portal/account/mandate.html", context)


def _refusal(status: mandates.MandateStatus, *, changing: bool) -> str:
    """Why this tenant cannot use the form, or empty."""
    if status.administrator:
        return "administrator"
    if status.ended:
        return "ended"
    if changing and not status.active:
        return "not_active"
    if not changing and status.active:
        return "already_active"
    return ""


def _plan_context(plan: mandates.MandatePlan) -> dict[str, Any]:
    return {
        "plan": plan,
        "first_amount": format_euros(plan.first.amount),
        "transfer": _collections(plan.transfer),
        "plan_already_sent": _collections(plan.already_sent),
    }


def _mandate_form_view(request: HttpRequest, *, changing: bool) -> HttpResponse:
    """Two steps without JavaScript: the tenant types the account, then sees what will be collected, when and
    from which account (the pre-notification), and confirms. Every step keeps what they typed; nothing is
    signed without the first collection date the tenant was shown."""
    user = acting_user(request)
    tenancy = _tenancy_or_none(request)
    if tenancy is None:
        return _no_tenancy(request)
    context = {**_mandate_context(request, tenancy), "changing": changing}
    refusal = _refusal(context["status"], changing=changing)
    if refusal:
        context["refusal"] = refusal
        return render(request, "portal/account/mandate_form.html", context)

    step = request.POST.get("step", "") if request.method == "POST" else ""
    if request.method != "POST":
        holder = (
            tenancy.account_holder if changing and tenancy.account_holder else queries.person_name_for(user)
        )
        form = MandateForm(initial={"account_holder": holder})
    elif step == "edit":
        form = MandateForm(initial={key: request.POST.get(key, "") for key in ("iban", "account_holder")})
    else:
        form = MandateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data

            def confirm_page(**extra: Any) -> HttpResponse:
                plan = mandates.mandate_plan(
                    tenancy=tenancy,
                    iban=data["iban"],
                    account_holder=data["account_holder"],
                    today=timezone.localdate(),
                    changing=changing,
                )
                return render(
                    request,
                    "portal/account/mandate_confirm.html",
                    {**context, **_plan_context(plan), **extra},
                )

            try:
                if step != "confirm" or data["first_collection"] is None:
                    return confirm_page()
                service = mandates.mandate_change_iban if changing else mandates.mandate_sign_up
                result = service(
                    tenancy=tenancy,
                    iban=data["iban"],
                    account_holder=data["account_holder"],
                    by=user,
                    announced=data["first_collection"],
                )
            except mandates.MandateError as exc:
                if exc.code != "plan_changed":
                    form.add_error(exc.field if exc.field in form.fields else None, str(exc))
                else:
                    try:
                        return confirm_page(plan_changed=str(exc))
                    except mandates.MandateError as again:
                        form.add_error(again.field if again.field in form.fields else None, str(again))
            else:
                messages.success(request, _done_message(result))
                return redirect(_mandate_url("portal:account-mandate", tenancy))
    context["form"] = form
    return render(request, "portal/account/mandate_form.html", context)


def _done_message(result: mandates.MandateResult) -> str:
    first = result.plan.first
    values = {
        "amount": format_euros(first.amount),
        "date": date_format(first.date, "j F Y"),
        "iban": result.plan.masked_iban,
        "id": result.mandate_id,
    }
    return (
        _(
            "Done. We collect %(amount)s on %(date)s from %(iban)s. Your mandate reference is %(id)s. "
            "We have sent you an e-mail about it."
        )
        % values
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.TENANT)
def mandate_sign_up(request: HttpRequest) -> HttpResponse:
    return _mandate_form_view(request, changing=False)


@require_http_methods(["GET", "POST"])
@role_required(Role.TENANT)
def mandate_change(request: HttpRequest) -> HttpResponse:
    return _mandate_form_view(request, changing=True)


@require_http_methods(["GET", "POST"])
@role_required(Role.TENANT)
def mandate_cancel(request: HttpRequest) -> HttpResponse:
    """Stop the direct debit; the page says how to pay by transfer from now on."""
    user = acting_user(request)
    tenancy = _tenancy_or_none(request)
    if tenancy is None:
        return _no_tenancy(request)
    context = _mandate_context(request, tenancy)
    status = context["status"]
    refusal = _refusal(status, changing=True)
    if not refusal and request.method == "POST":
        try:
            result = mandates.mandate_cancel(tenancy=tenancy, by=user)
        except mandates.MandateError as exc:
            context["error"] = str(exc)
        else:
            messages.success(
                request,
                _(
                    "The direct debit has stopped. From now on, please transfer your rent yourself to "
                    "%(iban)s with payment reference %(reference)s, before the first of each month."
                )
                % {"iban": settings.CREDITOR_IBAN, "reference": result.payment_reference},
            )
            return redirect(_mandate_url("portal:account-mandate", tenancy))
    context["refusal"] = refusal
    context["already_sent"] = _collections(status.already_sent)
    return render(request, "portal/account/mandate_cancel.html", context)
