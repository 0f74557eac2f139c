"""The staff console: the social manager's cases, the collections officer's reviews and the finance officer's
unmatched payments.

Views read the form, call one service, and redirect with a message (POST-redirect-GET). When the form or
the service says no, the page is shown again with the error and the input kept. They decide nothing: what
is allowed is the services' business; who may open a page is `role_required`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.arrears import selectors as arrears_selectors
from roer.arrears.models import Letter
from roer.arrears.selectors_arrangements import bailiff_proposals_pending
from roer.arrears.services import review
from roer.arrears.services.arrangements import arrangement_decide, arrangement_propose
from roer.arrears.services.bailiff import bailiff_proposal_decide
from roer.arrears.services.early_warning import early_warning_objection_record
from roer.arrears.services.letters import letter_stop
from roer.casework import access as casework_access
from roer.casework import selectors as casework_selectors
from roer.casework import services as casework_services
from roer.casework.constants import NoteReadPurpose
from roer.casework.models import Case
from roer.console import forms as console_forms
from roer.console import queries
from roer.console.forms_letters import LetterStopForm
from roer.console.timeline import build_chart
from roer.core.money import format_euros
from roer.ledger.services.statements import bank_entry_assign, bank_entry_mark_for_return

SOCIAL = Role.SOCIAL_MANAGER
COLLECTIONS = Role.COLLECTIONS_OFFICER
FINANCE = Role.FINANCE_OFFICER

# What a service says when it will not do something: shown to the person, never a server error.
REFUSALS: tuple[type[Exception], ...] = (ValueError, PermissionDenied)


def _refusal(error: Exception) -> str:
    return str(error) or _("This cannot be done.")


def _not_saved(request: HttpRequest, form: forms.Form) -> None:
    """Say that nothing was saved, and why when the service said so (its form may not be on the page)."""
    reasons = " ".join(str(error) for error in form.non_field_errors())
    messages.error(
        request,
        _("Nothing was saved: %(reasons)s") % {"reasons": reasons}
        if reasons
        else _("Nothing was saved: see the form below."),
    )


def _attempt(form: forms.Form, call: Callable[[], Any]) -> bool:
    """Call the service; a refusal becomes a form error. Whether it succeeded."""
    try:
        call()
    except REFUSALS as error:
        form.add_error(None, _refusal(error))
        return False
    return True


# --- home ------------------------------------------------------------------------------------------


@role_required(*queries.CONSOLE_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "console/home.html", {"counts": queries.queue_counts(request.user)})


# --- the social manager's queue --------------------------------------------------------------------


@role_required(SOCIAL, COLLECTIONS)
def case_queue(request: HttpRequest) -> HttpResponse:
    filter_form = console_forms.QueueFilterForm(request.GET or None)
    show = filter_form.choice()
    rows = casework_selectors.case_queue(user=request.user)
    if show == "mine":
        rows = [row for row in rows if row.assigned_to_id == request.user.pk]
    elif show == "unassigned":
        rows = [row for row in rows if row.assigned_to_id is None]
    return render(
        request,
        "console/case_queue.html",
        {
            "rows": rows,
            "show": show,
            "filter_form": filter_form,
            "may_work": casework_access.may_work_cases(request.user),
        },
    )


@role_required(SOCIAL)
@require_POST
def case_take(request: HttpRequest, case_id: int) -> HttpResponse:
    case = casework_selectors.get_case_for_user(request.user, case_id)
    try:
        casework_services.case_assign(case=case, to=acting_user(request), by=acting_user(request))
    except REFUSALS as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _("You took case %(reference)s.") % {"reference": case.tenancy.reference})
    return redirect(_safe_next(request, reverse("console:case_queue")))


# --- the case page ---------------------------------------------------------------------------------


def _case_forms(request: HttpRequest, bound: dict[str, forms.Form]) -> dict[str, forms.Form]:
    may_protected = casework_access.may_work_cases(request.user)
    blank: dict[str, forms.Form] = {
        "contact_form": console_forms.ContactForm(prefix="contact"),
        "arrangement_form": console_forms.ArrangementOfferForm(
            prefix="arrangement", initial={"count": 3, "start_date": timezone.localdate()}
        ),
        "waive_form": console_forms.ConfirmForm(prefix="waive"),
        "hold_form": console_forms.HoldForm(prefix="hold"),
        "debt_help_form": console_forms.ConfirmForm(prefix="debt_help"),
        "objection_form": console_forms.ObjectionForm(prefix="objection"),
        "note_form": console_forms.NoteForm(prefix="note", may_protected=may_protected),
        "close_form": console_forms.CloseForm(prefix="close"),
    }
    return {**blank, **bound}


def _render_case(
    request: HttpRequest,
    case: Case,
    bound: dict[str, forms.Form] | None = None,
    decision_forms: dict[int, forms.Form] | None = None,
) -> HttpResponse:
    user = request.user
    tenancy = case.tenancy
    may_work = casework_access.may_work_cases(user)
    purpose = NoteReadPurpose.CASE_WORK if may_work else NoteReadPurpose.REVIEW
    notes = casework_selectors.notes_for_user(user=user, case=case, purpose=purpose)
    facts = queries.case_facts(user=user, tenancy=tenancy)
    timeline = queries.timeline_of(user=user, tenancy=tenancy)
    decision_forms = decision_forms or {}
    arrangements = [
        (
            arrangement,
            decision_forms.get(arrangement.pk)
            or console_forms.DecisionForm(
                prefix=f"arrangement-{arrangement.pk}", initial={"next": request.get_full_path()}
            ),
        )
        for arrangement in facts.arrangements
    ]
    today = timezone.localdate()
    years = (today - tenancy.start_date).days / 365.25
    return render(
        request,
        "console/case_detail.html",
        {
            "case": case,
            "tenancy": tenancy,
            "household": queries.household_of(tenancy),
            "years_of_tenancy": int(years),
            "facts": facts,
            "arrangements": arrangements,
            "notes": notes,
            "timeline": timeline,
            "timeline_events": list(reversed(timeline.events)),
            "chart": build_chart(timeline),
            "may_work": may_work,
            "pending_letters": _pending_letters(case, bound or {}),
            **_case_forms(request, bound or {}),
        },
    )


def _pending_letters(case: Case, bound: dict[str, forms.Form]) -> list[tuple[Any, forms.Form]]:
    """The tenancy's posted letters not printed yet, each with the form to stop it."""
    return [
        (letter, bound.get(f"letter-{letter.pk}") or LetterStopForm(prefix=f"letter-{letter.pk}"))
        for letter in arrears_selectors.letters_pending(case.tenancy_id)
    ]


@role_required(SOCIAL, COLLECTIONS)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = casework_selectors.get_case_for_user(request.user, case_id)
    return _render_case(request, case)


def _case_action(
    request: HttpRequest,
    case_id: int,
    *,
    name: str,
    form_class: type[forms.Form],
    prefix: str,
    call: Callable[[Case, dict[str, Any]], Any],
    success: Callable[[Case, dict[str, Any]], str],
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """Read the form, call the service, redirect to the case with a message; or show the errors."""
    case = casework_selectors.get_case_for_user(request.user, case_id)
    form = form_class(request.POST, prefix=prefix, **(form_kwargs or {}))
    if form.is_valid() and _attempt(form, lambda: call(case, form.cleaned_data)):
        messages.success(request, success(case, form.cleaned_data))
        return redirect("console:case_detail", case_id=case.pk)
    _not_saved(request, form)
    return _render_case(request, case, {name: form})


@role_required(SOCIAL)
@require_POST
def case_contact(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        name="contact_form",
        form_class=console_forms.ContactForm,
        prefix="contact",
        call=lambda case, data: casework_services.contact_log(
            tenancy=case.tenancy,
            case=case,
            by=acting_user(request),
            channel=data["channel"],
            direction=data["direction"],
            succeeded=data["succeeded"],
            topic=data["topic"],
            summary=data["summary"],
            happened_at=data["happened_at"],
        ),
        success=lambda case, data: _("The contact is logged."),
    )


@role_required(SOCIAL)
@require_POST
def case_arrangement(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        name="arrangement_form",
        form_class=console_forms.ArrangementOfferForm,
        prefix="arrangement",
        call=lambda case, data: arrangement_propose(
            tenancy=case.tenancy,
            count=data["count"],
            start_date=data["start_date"],
            by=acting_user(request),
        ),
        success=lambda case, data: _(
            "The arrangement is offered. Approve it below once the tenant agrees to it."
        ),
    )


@role_required(SOCIAL)
@require_POST
def case_waive_costs(request: HttpRequest, case_id: int) -> HttpResponse:
    def call(case: Case, data: dict[str, Any]) -> Any:
        episode = queries.open_episode_for_user(request.user, case.tenancy)
        if episode is None:
            raise ValueError(_("There are no open arrears, so there are no costs to waive."))
        return review.episode_costs_waive(episode=episode, by=acting_user(request))

    return _case_action(
        request,
        case_id,
        name="waive_form",
        form_class=console_forms.ConfirmForm,
        prefix="waive",
        call=call,
        success=lambda case, data: _("The collection costs are waived for these arrears."),
    )


@role_required(SOCIAL)
@require_POST
def case_hold(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        name="hold_form",
        form_class=console_forms.HoldForm,
        prefix="hold",
        call=lambda case, data: casework_services.case_hold_automation(
            case=case,
            by=acting_user(request),
            weeks=data["weeks"],
            reason=data["reason"],
        ),
        success=lambda case, data: (
            _("No automated step touches this tenancy for %(weeks)d weeks.") % {"weeks": data["weeks"]}
        ),
    )


@role_required(SOCIAL)
@require_POST
def case_debt_help(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        name="debt_help_form",
        form_class=console_forms.ConfirmForm,
        prefix="debt_help",
        call=lambda case, data: review.case_debt_help_refer(case=case, by=acting_user(request)),
        success=lambda case, data: _("The referral to debt help is recorded."),
    )


@role_required(SOCIAL)
@require_POST
def case_objection(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        name="objection_form",
        form_class=console_forms.ObjectionForm,
        prefix="objection",
        call=lambda case, data: early_warning_objection_record(
            tenancy=case.tenancy,
            by=acting_user(request),
            on=data["on"],
        ),
        success=lambda case, data: _(
            "The objection is recorded: no early-warning signal goes to the municipality for these arrears."
        ),
    )


@role_required(SOCIAL)
@require_POST
def case_note(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        name="note_form",
        form_class=console_forms.NoteForm,
        prefix="note",
        form_kwargs={"may_protected": casework_access.may_work_cases(request.user)},
        call=lambda case, data: casework_services.note_add(
            case=case,
            by=acting_user(request),
            category=data["category"],
            text=data["text"],
        ),
        success=lambda case, data: _("The note is added."),
    )


@role_required(SOCIAL)
@require_POST
def case_letter_stop(request: HttpRequest, case_id: int, letter_id: int) -> HttpResponse:
    case = casework_selectors.get_case_for_user(request.user, case_id)
    letter = get_object_or_404(Letter, pk=letter_id, tenancy_id=case.tenancy_id)
    return _case_action(
        request,
        case_id,
        name=f"letter-{letter.pk}",
        form_class=LetterStopForm,
        prefix=f"letter-{letter.pk}",
        call=lambda case, data: letter_stop(letter=letter, by=acting_user(request), reason=data["reason"]),
        success=lambda case, data: _("The letter is stopped: it will not be printed."),
    )


@role_required(SOCIAL)
@require_POST
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_action(
        request,
        case_id,
        name="close_form",
        form_class=console_forms.CloseForm,
        prefix="close",
        call=lambda case, data: casework_services.case_close(
            case=case,
            by=acting_user(request),
            outcome=data["outcome"],
            note=data["note"],
        ),
        success=lambda case, data: _("The case is closed."),
    )


# --- arrangements awaiting a decision --------------------------------------------------------------


def _safe_next(request: HttpRequest, default: str) -> str:
    target = ""
    for key in request.POST:
        value = request.POST.get(key, "")
        if (key == "next" or key.endswith("-next")) and value:
            target = value
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _arrangement_rows(request: HttpRequest, bound: dict[int, forms.Form] | None = None) -> list[Any]:
    bound = bound or {}
    return [
        (
            arrangement,
            bound.get(arrangement.pk)
            or console_forms.DecisionForm(
                prefix=f"arrangement-{arrangement.pk}", initial={"next": request.get_full_path()}
            ),
        )
        for arrangement in queries.arrangements_requested_for_user(request.user)
    ]


@role_required(SOCIAL, COLLECTIONS)
def arrangements(request: HttpRequest) -> HttpResponse:
    return render(request, "console/arrangements.html", {"arrangements": _arrangement_rows(request)})


@role_required(SOCIAL, COLLECTIONS)
@require_POST
def arrangement_decision(request: HttpRequest, arrangement_id: int) -> HttpResponse:
    arrangement = queries.get_arrangement_for_user(request.user, arrangement_id)
    form = console_forms.DecisionForm(request.POST, prefix=f"arrangement-{arrangement.pk}")
    if form.is_valid() and _attempt(
        form,
        lambda: arrangement_decide(
            arrangement=arrangement,
            by=acting_user(request),
            approve=form.approve,
            note=form.cleaned_data["note"],
        ),
    ):
        messages.success(
            request,
            (
                _("The arrangement for %(reference)s is approved.")
                if form.approve
                else _("The arrangement for %(reference)s is turned down.")
            )
            % {"reference": arrangement.tenancy.reference},
        )
        return redirect(_safe_next(request, reverse("console:arrangements")))
    _not_saved(request, form)
    back = _safe_next(request, "")
    case = casework_selectors.open_case_for_tenancy(arrangement.tenancy_id)
    if case is not None and back.startswith(reverse("console:case_detail", args=[case.pk])):
        return _render_case(request, case, decision_forms={arrangement.pk: form})
    return render(
        request,
        "console/arrangements.html",
        {"arrangements": _arrangement_rows(request, {arrangement.pk: form})},
    )


# --- the collections officer's queue ---------------------------------------------------------------


def _render_collections(
    request: HttpRequest,
    *,
    review_forms: dict[int, tuple[str, forms.Form]] | None = None,
    bailiff_forms: dict[int, forms.Form] | None = None,
    arrangement_forms: dict[int, forms.Form] | None = None,
) -> HttpResponse:
    review_forms = review_forms or {}
    bailiff_forms = bailiff_forms or {}
    reviews = []
    for row in queries.officer_reviews(user=request.user):
        postpone: forms.Form = console_forms.HoldForm(prefix=f"postpone-{row.episode_id}")
        approve: forms.Form = console_forms.ConfirmForm(prefix=f"approve-{row.episode_id}")
        kind, bound = review_forms.get(row.episode_id or 0, ("", None))
        if kind == "postpone" and bound is not None:
            postpone = bound
        elif kind == "approve" and bound is not None:
            approve = bound
        reviews.append((row, approve, postpone))
    proposals = [
        (
            row,
            bailiff_forms.get(row.proposal_id)
            or console_forms.BailiffDecisionForm(prefix=f"bailiff-{row.proposal_id}"),
        )
        for row in bailiff_proposals_pending()
    ]
    return render(
        request,
        "console/collections.html",
        {
            "reviews": reviews,
            "proposals": proposals,
            "arrangements": _arrangement_rows(request, arrangement_forms),
            "run": queries.latest_run(),
        },
    )


@role_required(COLLECTIONS)
def collections(request: HttpRequest) -> HttpResponse:
    return _render_collections(request)


@role_required(COLLECTIONS)
@require_POST
def final_notice_approve(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = queries.get_episode_for_user(request.user, episode_id)
    form = console_forms.ConfirmForm(request.POST, prefix=f"approve-{episode.pk}")
    if form.is_valid() and _attempt(
        form,
        lambda: review.episode_final_notice_approve(episode=episode, by=acting_user(request)),
    ):
        messages.success(
            request,
            _("The final notice for %(reference)s is approved; the next nightly run sends it.")
            % {"reference": episode.tenancy.reference},
        )
        return redirect("console:collections")
    _not_saved(request, form)
    return _render_collections(request, review_forms={episode.pk: ("approve", form)})


@role_required(COLLECTIONS)
@require_POST
def final_notice_postpone(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = queries.get_episode_for_user(request.user, episode_id)
    form = console_forms.HoldForm(request.POST, prefix=f"postpone-{episode.pk}")
    if form.is_valid() and _attempt(
        form,
        lambda: review.episode_final_notice_postpone(
            episode=episode,
            by=acting_user(request),
            weeks=form.cleaned_data["weeks"],
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(
            request,
            _("No final notice for %(reference)s now: the tenancy is held for %(weeks)d weeks.")
            % {"reference": episode.tenancy.reference, "weeks": form.cleaned_data["weeks"]},
        )
        return redirect("console:collections")
    _not_saved(request, form)
    return _render_collections(request, review_forms={episode.pk: ("postpone", form)})


@role_required(COLLECTIONS)
@require_POST
def bailiff_decision(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = queries.get_bailiff_proposal_for_user(request.user, proposal_id)
    form = console_forms.BailiffDecisionForm(request.POST, prefix=f"bailiff-{proposal.pk}")
    if form.is_valid() and _attempt(
        form,
        lambda: bailiff_proposal_decide(
            proposal=proposal,
            by=acting_user(request),
            approve=form.approve,
            reason=form.cleaned_data["note"],
        ),
    ):
        messages.success(
            request,
            (
                _("The bailiff hand-over for %(reference)s is approved.")
                if form.approve
                else _("The bailiff proposal for %(reference)s is rejected.")
            )
            % {"reference": proposal.tenancy.reference},
        )
        return redirect("console:collections")
    _not_saved(request, form)
    return _render_collections(request, bailiff_forms={proposal.pk: form})


# --- the finance officer's queue -------------------------------------------------------------------


@role_required(FINANCE)
def unmatched(request: HttpRequest) -> HttpResponse:
    return render(request, "console/unmatched.html", {"rows": queries.unmatched_payments(user=request.user)})


def _render_entry(
    request: HttpRequest, entry_id: int, *, return_form: forms.Form | None = None, assign_error: str = ""
) -> HttpResponse:
    entry = queries.get_bank_entry_for_user(request.user, entry_id)
    search = console_forms.SearchForm(request.GET or None)
    results = []
    if search.is_valid() and search.cleaned_data["q"]:
        results = queries.tenancy_search(user=request.user, query=search.cleaned_data["q"])
    return render(
        request,
        "console/unmatched_entry.html",
        {
            "row": queries.unmatched_row(entry),
            "entry": entry,
            "search_form": search,
            "searched": search.is_bound,
            "results": results,
            "return_form": return_form or console_forms.ReturnForm(prefix="return"),
            "assign_error": assign_error,
        },
    )


@role_required(FINANCE)
def unmatched_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    return _render_entry(request, entry_id)


@role_required(FINANCE)
@require_POST
def unmatched_assign(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = queries.get_bank_entry_for_user(request.user, entry_id)
    form = console_forms.AssignForm(request.POST)
    if form.is_valid():
        tenancy = queries.get_tenancy_to_assign(request.user, form.cleaned_data["tenancy"])
        if _attempt(form, lambda: bank_entry_assign(entry=entry, tenancy=tenancy, by=acting_user(request))):
            messages.success(
                request,
                _("%(amount)s is booked to %(reference)s.")
                % {"amount": format_euros(abs(entry.amount)), "reference": tenancy.reference},
            )
            return redirect("console:unmatched")
    messages.error(request, _("Nothing was saved."))
    errors = " ".join(str(e) for e in form.non_field_errors()) or _(
        "Choose a tenancy from the search results."
    )
    return _render_entry(request, entry_id, assign_error=errors)


@role_required(FINANCE)
@require_POST
def unmatched_return(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = queries.get_bank_entry_for_user(request.user, entry_id)
    form = console_forms.ReturnForm(request.POST, prefix="return")
    if form.is_valid() and _attempt(
        form,
        lambda: bank_entry_mark_for_return(
            entry=entry,
            by=acting_user(request),
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(
            request,
            _("%(amount)s is marked to be paid back.") % {"amount": format_euros(abs(entry.amount))},
        )
        return redirect("console:unmatched")
    _not_saved(request, form)
    return _render_entry(request, entry_id, return_form=form)
