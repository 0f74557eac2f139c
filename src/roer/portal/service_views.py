"""Answers to tenants' common questions, "did this help?", and "Bel me terug". Plain GET/POST forms; no
JavaScript needed.

The answers are open to everyone, signed in or not: a question about rent benefit needs no account. A
callback needs a signed-in tenant: customer service must know whose tenancy it is about, and an open form
that stores anyone's name and number would invite abuse (calling a number that is not the visitor's). A
visitor who is not signed in sees the phone number and office hours instead, on every page, in the footer.

Reads go through `roer.answers.selectors`, writes through `roer.answers.services`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from roer.accounts.access import Access, access_for, acting_user, role_required
from roer.accounts.constants import Role
from roer.accounts.models import User
from roer.answers import selectors as answers_selectors
from roer.answers.book import Answer, Book, UnknownAnswer
from roer.answers.constants import CallbackTopic
from roer.answers.models import CallbackRequest
from roer.answers.services import (
    CallbackRefused,
    answer_feedback_record,
    answer_search_record,
    answer_viewed,
    callback_request_create,
)
from roer.core import helm
from roer.core.constants import Flow, Mode
from roer.portal.repairs_queries import tenancy_for_tenant
from roer.portal.service_forms import AnswerSearchForm, CallbackForm, FeedbackForm
from roer.repairs.selectors import live_wizard
from roer.tenancies.models import Person, Tenancy

HELPED = {"yes": True, "no": False}


def _is_tenant(user: Any) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.has_role(Role.TENANT)


def _tenancy_of(user: Any) -> Tenancy | None:
    """The signed-in tenant's running tenancy, or None (anonymous visitors, staff, no tenancy)."""
    if not _is_tenant(user):
        return None
    try:
        return tenancy_for_tenant(user)
    except Http404:
        return None


def _by(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _callback_url(**query: str) -> str:
    return reverse("portal:callback") + ("?" + urlencode(query) if query else "")


def _links(answer: Answer) -> list[dict[str, str]]:
    return [{"url": reverse(link.url_name), "label": link.label} for link in answer.links]


# --- answers ---------------------------------------------------------------------------------------------


def answers(request: HttpRequest) -> HttpResponse:
    """The search box and every answer by topic."""
    _version, book = answers_selectors.live_answers()
    form = AnswerSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        results = answer_search_record(
            text=form.cleaned_data["q"], by=_by(request), tenancy=_tenancy_of(request.user)
        )
    return render(
        request,
        "portal/service/answers.html",
        {
            "form": form,
            "results": results,
            "topics": book.by_topic(),
            "title": book.title,
            "mode": helm.flow_mode(Flow.ANSWERS),
            "callback_query": urlencode({"topic": CallbackTopic.ANSWER}),
        },
    )


def _render_answer(
    request: HttpRequest,
    *,
    book: Book,
    answer: Answer,
    version_number: int,
    feedback_form: FeedbackForm | None = None,
    helped: str = "",
) -> HttpResponse:
    mode = helm.flow_mode(Flow.ANSWERS)
    tenant = _is_tenant(request.user)
    related = [a for a in book.answers.values() if a.topic.id == answer.topic.id and a.id != answer.id]
    return render(
        request,
        "portal/service/answer.html",
        {
            "answer": answer,
            "paragraphs": answer.paragraphs(
                phone=settings.CORPORATION_PHONE, office_hours=settings.CORPORATION_OFFICE_HOURS
            ),
            "links": _links(answer),
            "related": related[:5],
            "feedback_form": feedback_form or FeedbackForm(initial={"version": version_number}),
            "helped": helped,
            "mode": mode,
            # Assist and manual put a person first: manual shows no automated answer at all.
            "show_answer": mode != Mode.MANUAL,
            "offer_person": helped == "no" or mode != Mode.AUTO,
            "is_tenant": tenant,
            "callback_url": _callback_url(topic=CallbackTopic.ANSWER, answer=answer.id),
            "callback_query": urlencode({"topic": CallbackTopic.ANSWER, "answer": answer.id}),
        },
    )


def answer(request: HttpRequest, answer_id: str) -> HttpResponse:
    """One answer with "did this help?"; after a "no" (`?geholpen=nee`) a person: callback and phone."""
    helped = {"ja": "yes", "nee": "no"}.get(request.GET.get("geholpen", ""), "")
    if helped:
        # The same visit, back from the feedback form: shown again, not counted again.
        version, book = answers_selectors.live_answers()
        try:
            found = book.answer(answer_id)
        except UnknownAnswer:
            raise Http404(_("We do not know this question.")) from None
    else:
        try:
            version, found = answer_viewed(
                answer_id=answer_id, by=_by(request), tenancy=_tenancy_of(request.user)
            )
        except UnknownAnswer:
            raise Http404(_("We do not know this question.")) from None
        book = answers_selectors.book_of(version)
    return _render_answer(request, book=book, answer=found, version_number=version.number, helped=helped)


@require_POST
def answer_feedback(request: HttpRequest, answer_id: str) -> HttpResponse:
    """Yes or no; then back to the answer (POST-redirect-GET), with a person offered after a no."""
    version, book = answers_selectors.live_answers()
    try:
        found = book.answer(answer_id)
    except UnknownAnswer:
        raise Http404(_("We do not know this question.")) from None
    form = FeedbackForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            answer_feedback_record(
                answer_id=found.id,
                helped=HELPED[data["helped"]],
                by=_by(request),
                tenancy=_tenancy_of(request.user),
                version_number=data["version"],
                comment=data["comment"],
                idempotency_key=data["idempotency_key"],
            )
        except (ValueError, UnknownAnswer) as refused:
            form.add_error(None, str(refused))
        else:
            word = "ja" if data["helped"] == "yes" else "nee"
            return redirect(reverse("portal:answer", args=[found.id]) + f"?geholpen={word}#feedback")
    return _render_answer(request, book=book, answer=found, version_number=version.number, feedback_form=form)


# --- "Bel me terug" --------------------------------------------------------------------------------------


def _phone_of(user: User) -> str:
    person = Person.objects.filter(user=user).only("phone").first()
    return person.phone if person is not None else ""


def _prefill(request: HttpRequest) -> dict[str, str]:
    """`?topic=repair&problem=<id>` or `?topic=answer&answer=<id>`, when the live rules know the id."""
    topic = request.GET.get("topic", "")
    if topic not in CallbackTopic.values:
        return {}
    found = {"topic": topic}
    if topic == CallbackTopic.REPAIR and request.GET.get("problem"):
        _wizard_version, tree = live_wizard()
        if request.GET["problem"] in tree.problems:
            found["problem_id"] = request.GET["problem"]
    if topic == CallbackTopic.ANSWER and request.GET.get("answer"):
        _version, book = answers_selectors.live_answers()
        if request.GET["answer"] in book.answers:
            found["answer_id"] = request.GET["answer"]
    return found


def _about(problem_id: str, answer_id: str) -> str:
    """What a prefilled callback is about, in the tenant's words (the problem's label, the question)."""
    if problem_id:
        _wizard_version, tree = live_wizard()
        return tree.problems[problem_id].label if problem_id in tree.problems else ""
    if answer_id:
        _version, book = answers_selectors.live_answers()
        return book.answers[answer_id].question if answer_id in book.answers else ""
    return ""


@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user, (Role.TENANT,))
    if access is Access.SIGN_IN:
        # Not signed in: the phone number, or sign in first (and come back here).
        return render(
            request,
            "portal/service/callback_sign_in.html",
            {"login_url": reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})},
        )
    if access is Access.VERIFY:
        return redirect_to_login(request.get_full_path(), reverse("accounts:verify"))
    if access is not Access.ALLOWED:
        raise PermissionDenied
    user = acting_user(request)
    tenancy = tenancy_for_tenant(user)
    _version, book = answers_selectors.live_answers()
    slots = answers_selectors.callback_slots(book)
    if request.method == "POST":
        form = CallbackForm(request.POST, slots=slots)
        if form.is_valid():
            data = form.cleaned_data
            day, part = form.chosen()
            try:
                made = callback_request_create(
                    tenancy=tenancy,
                    by=user,
                    phone=data["phone"],
                    day=day,
                    part=part,
                    topic=data["topic"],
                    problem_id=data["problem_id"],
                    answer_id=data["answer_id"],
                    note=data["note"],
                    idempotency_key=data["idempotency_key"],
                )
            except CallbackRefused as refused:
                form.add_error(refused.field, str(refused))
            except ValueError as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("portal:callback-detail", callback_id=made.pk)
        prefill = {"problem_id": form.data.get("problem_id", ""), "answer_id": form.data.get("answer_id", "")}
    else:
        prefill = _prefill(request)
        form = CallbackForm(initial={"phone": _phone_of(user), **prefill}, slots=slots)
    return render(
        request,
        "portal/service/callback.html",
        {
            "form": form,
            "about": _about(prefill.get("problem_id", ""), prefill.get("answer_id", "")),
            "waiting": answers_selectors.waiting_callbacks_of(user, tenancy),
            "has_slots": bool(slots),
        },
    )


@role_required(Role.TENANT)
def callback_detail(request: HttpRequest, callback_id: int) -> HttpResponse:
    """The confirmation: when we will call, on which number. Only the tenant's own requests (else 404)."""
    found: CallbackRequest = answers_selectors.get_callback_for_user(acting_user(request), callback_id)
    starts, ends = answers_selectors.part_window(found.preferred_day, found.preferred_part)
    return render(
        request,
        "portal/service/callback_done.html",
        {
            "callback": found,
            "starts": starts,
            "ends": ends,
            "about": _about(found.problem_id, found.answer_id),
        },
    )
