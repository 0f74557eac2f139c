"""The process supervisor's review queue: portal interactions to look at (filtered by reason, state and
period, oldest first, with counts per reason), and one item with what happened and the tag form.
roer.supervision.review fills the queue and records the verdicts; docs/review.md."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.console.forms_period import date_input
from roer.supervision import review, review_selectors
from roer.supervision.models import ReviewItem, ReviewReason, ReviewState, ReviewTag

SUPERVISOR = Role.PROCESS_SUPERVISOR


class QueueFilterForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        required=False,
        choices=[("", gettext_lazy("All")), *ReviewReason.choices],
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[
            (ReviewState.OPEN, ReviewState.OPEN.label),
            (ReviewState.REVIEWED, ReviewState.REVIEWED.label),
            ("all", gettext_lazy("All")),
        ],
    )
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=date_input())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", gettext_lazy("The end comes before the start."))
        return data

    def choices(self) -> dict[str, Any]:
        """The filter as the selectors take it; the open items of any period when the form is not valid."""
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state") or ReviewState.OPEN
        return {
            "reason": data.get("reason", ""),
            "state": "" if state == "all" else state,
            "first": data.get("date_from"),
            "last": data.get("date_to"),
        }


class TagForm(forms.Form):
    tags = forms.MultipleChoiceField(
        label=gettext_lazy("What did you find?"),
        choices=ReviewTag.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick every problem that applies, or only “Fine”."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Stays with this item; no names or other personal details."),
    )

    def clean_tags(self) -> list[str]:
        try:
            return review.valid_tags(self.cleaned_data["tags"])
        except ValueError:
            raise forms.ValidationError(
                gettext_lazy("Choose “Fine” on its own, or one or more problems.")
            ) from None


@role_required(SUPERVISOR)
def review_queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    choices = form.choices()
    counts = review_selectors.counts_per_reason(
        state=choices["state"], first=choices["first"], last=choices["last"]
    )
    labels = dict(ReviewReason.choices)
    return render(
        request,
        "console/review/queue.html",
        {
            "form": form,
            "items": review_selectors.queue(**choices),
            "counts": [(reason, labels[reason], count) for reason, count in counts.items()],
            "total": sum(counts.values()),
            "limit": review_selectors.QUEUE_LIMIT,
        },
    )


def _item_page(
    request: HttpRequest, item: ReviewItem, form: TagForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "console/review/item.html",
        {
            "item": item,
            "story": review_selectors.story(item),
            "concerned": review_selectors.concerned(item),
            "form": form or TagForm(),
            "reviewed": item.state == ReviewState.REVIEWED,
        },
        status=status,
    )


@role_required(SUPERVISOR)
@require_http_methods(["GET", "POST"])
def review_item(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        item = review_selectors.get_item(item_id)
    except ReviewItem.DoesNotExist:
        raise Http404("no such review item") from None
    if request.method != "POST":
        return _item_page(request, item)
    form = TagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: see the form below."))
        return _item_page(request, item, form, status=400)
    try:
        review.review_item_tag(
            item=item, by=acting_user(request), tags=form.cleaned_data["tags"], note=form.cleaned_data["note"]
        )
    except review.ReviewClosed:
        messages.error(request, _("Nothing was saved: this item has been reviewed already."))
        return redirect("console:review_item", item_id=item.pk)
    messages.success(request, _("The review is saved."))
    following = review_selectors.next_open(item)
    if following is not None:
        return redirect("console:review_item", item_id=following)
    return redirect("console:review_queue")
