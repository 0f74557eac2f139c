"""Forms of the tenant's repair pages: search, the wizard's questions, the request, a visit, cancelling,
and the grade after the work is done."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from roer.repairs.constants import GRADE_MAX, GRADE_MIN, PHOTOS_PER_REQUEST, PartOfDay
from roer.repairs.slot_forms import SlotChoiceForm
from roer.repairs.tree import Problem

WEEKDAYS = (
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What is broken?"), max_length=200, required=False)


def questions_form(
    problem: Problem, data: Any | None = None, initial: Mapping[str, str] | None = None
) -> forms.Form:
    """One radio group per question of the problem; each starts at its most common answer, or at the
    answer the tenant gave before (`initial`, when they come back to change it)."""
    form = forms.Form(data)
    for question in problem.questions:
        choices = [(a.id, a.label) for a in question.answers]
        before = (initial or {}).get(question.id)
        form.fields[question.id] = forms.ChoiceField(
            label=question.text,
            choices=choices,
            initial=before if before in {c for c, _label in choices} else question.default,
            widget=forms.RadioSelect,
        )
    return form


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks and cleans each photo."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class RequestForm(forms.Form):
    description = forms.CharField(
        label=_("Describe the problem (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Which days suit you?"),
        help_text=_("Choose none if any working day is fine."),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    part = forms.ChoiceField(
        label=_("Which part of the day suits you?"),
        choices=[("", _("Any time")), *PartOfDay.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        help_text=_("At most %(n)d photos.") % {"n": PHOTOS_PER_REQUEST},
        required=False,
    )
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            self.initial.setdefault("part", "")

    def clean_photos(self) -> list[Any]:
        photos: list[Any] = self.cleaned_data.get("photos") or []
        if len(photos) > PHOTOS_PER_REQUEST:
            raise forms.ValidationError(_("Add at most %(n)d photos.") % {"n": PHOTOS_PER_REQUEST})
        return photos


class BookForm(SlotChoiceForm):
    """A visit slot to choose (`roer.repairs.slot_forms`)."""


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you cancel this request?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


def _yes_no(value: str) -> bool:
    return value == "yes"


class GradeForm(forms.Form):
    """The grade after the work is done: the same form in the portal and behind the e-mail link."""

    fixed = forms.TypedChoiceField(
        label=_("Is the problem fixed?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=_yes_no,
        widget=forms.RadioSelect,
    )
    grade = forms.TypedChoiceField(
        label=_("What grade do you give us?"),
        help_text=_("1 is very bad, 10 is excellent."),
        choices=[(str(n), str(n)) for n in range(GRADE_MIN, GRADE_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
