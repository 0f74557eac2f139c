"""Forms of the answers and "Bel me terug" pages: search, "did this help?", and the callback request."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from roer.answers.constants import COMMENT_MAX, ID_MAX, NOTE_MAX, PHONE_MAX, CallbackPart, CallbackTopic


def _key() -> str:
    return uuid.uuid4().hex


class AnswerSearchForm(forms.Form):
    q = forms.CharField(label=_("What is your question?"), max_length=200, required=False)


class FeedbackForm(forms.Form):
    """Two submit buttons named `helped` (yes / no); the comment is optional."""

    helped = forms.ChoiceField(choices=(("yes", _("Yes")), ("no", _("No"))), widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("What were you looking for? (optional)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", _key())


def slot_value(day: dt.date, part: str) -> str:
    return f"{day.isoformat()}|{part}"


def slot_label(day: dt.date, part: str) -> str:
    return f"{formats.date_format(day, 'l j F')}, {CallbackPart(part).label}"


class CallbackForm(forms.Form):
    phone = forms.CharField(
        label=_("Which phone number may we call?"),
        max_length=PHONE_MAX,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    slot = forms.ChoiceField(label=_("When may we call you?"), widget=forms.RadioSelect)
    topic = forms.ChoiceField(
        label=_("What would you like to talk about?"), choices=CallbackTopic.choices, widget=forms.RadioSelect
    )
    problem_id = forms.SlugField(max_length=ID_MAX, required=False, widget=forms.HiddenInput)
    answer_id = forms.SlugField(max_length=ID_MAX, required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Anything we should know before we call? (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, slots: Sequence[tuple[dt.date, Sequence[str]]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["slot"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (slot_value(day, part), slot_label(day, part)) for day, parts in slots for part in parts
        ]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", _key())
            self.initial.setdefault("topic", CallbackTopic.OTHER)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A problem goes with a repair, an answer with a question: a changed topic drops the other.
        if data.get("topic") != CallbackTopic.REPAIR:
            data["problem_id"] = ""
        if data.get("topic") != CallbackTopic.ANSWER:
            data["answer_id"] = ""
        return data

    def chosen(self) -> tuple[dt.date, str]:
        day, part = self.cleaned_data["slot"].split("|")
        return dt.date.fromisoformat(day), part
