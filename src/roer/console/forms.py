"""Forms of the staff console: they validate input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roer.arrears.services.arrangements import MAX_INSTALMENTS
from roer.casework.constants import (
    HOLD_MAX_WEEKS,
    HOLD_MIN_WEEKS,
    PROTECTED_NOTE_CATEGORIES,
    CaseOutcome,
    ContactTopic,
    Direction,
    NoteCategory,
)
from roer.core.constants import Channel

TEXT_MAX = 4000
REASON_MAX = 1000

# The channels a social manager logs most, first (VERA COMMUNICATIEKANAAL).
CONTACT_CHANNEL_ORDER = (
    Channel.PHONE,
    Channel.VISIT,
    Channel.DESK,
    Channel.EMAIL,
    Channel.LETTER,
    Channel.SMS,
    Channel.WHATSAPP,
    Channel.PORTAL,
)
YES_NO = (("yes", _("Yes")), ("no", _("No")))
APPROVE_REJECT = (("approve", _("Approve")), ("reject", _("Reject")))


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 40})


class QueueFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        choices=(("all", _("All open cases")), ("mine", _("Mine")), ("unassigned", _("Unassigned"))),
        required=False,
    )

    def choice(self) -> str:
        if self.is_valid():
            return self.cleaned_data["show"] or "all"
        return "all"


class ContactForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, f"{c.label} ({c.value})") for c in CONTACT_CHANNEL_ORDER],
        initial=Channel.PHONE,
    )
    direction = forms.ChoiceField(
        label=_("Who started it"), choices=Direction.choices, initial=Direction.OUTGOING
    )
    succeeded = forms.ChoiceField(
        label=_("Did you reach the household?"), choices=YES_NO, widget=forms.RadioSelect, initial="yes"
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=ContactTopic.choices, initial=ContactTopic.ARREARS)
    happened_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        help_text=_("Leave empty for now."),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    summary = forms.CharField(label=_("Summary"), required=False, max_length=TEXT_MAX, widget=_textarea())

    def clean_succeeded(self) -> bool:
        return self.cleaned_data["succeeded"] == "yes"


class ArrangementOfferForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of monthly instalments"), min_value=1, max_value=MAX_INSTALMENTS
    )
    start_date = forms.DateField(
        label=_("First instalment on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
    )


class DecisionForm(forms.Form):
    """Approve or reject, with a note (required to reject an arrangement; a reason is always required for a
    bailiff, see `BailiffDecisionForm`)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=APPROVE_REJECT, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=REASON_MAX, widget=_textarea(2))
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class BailiffDecisionForm(DecisionForm):
    note = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=_textarea(2))


class HoldForm(forms.Form):
    weeks = forms.IntegerField(
        label=_("Weeks"), min_value=HOLD_MIN_WEEKS, max_value=HOLD_MAX_WEEKS, initial=4
    )
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=_textarea(2))


class ConfirmForm(forms.Form):
    """An action without input: the button is the confirmation."""


class ObjectionForm(forms.Form):
    on = forms.DateField(
        label=_("Objection made on"),
        required=False,
        help_text=_("Leave empty for today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
    )

    def clean_on(self) -> Any:
        day = self.cleaned_data.get("on") or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("An objection cannot lie in the future."))
        return day


class NoteForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Kind of note"), choices=NoteCategory.choices, initial=NoteCategory.GENERAL
    )
    text = forms.CharField(label=_("Note"), max_length=TEXT_MAX, widget=_textarea(4))

    def __init__(self, *args: Any, may_protected: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_protected:
            field = self.fields["category"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                (v, label) for v, label in NoteCategory.choices if v not in PROTECTED_NOTE_CATEGORIES
            ]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CaseOutcome.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=TEXT_MAX, widget=_textarea(2))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why it goes back"), max_length=REASON_MAX, widget=_textarea(2))


class AssignForm(forms.Form):
    tenancy = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the tenancy"),
        required=False,
        max_length=200,
        help_text=_("A tenancy reference, a postcode and house number (3512 PK 12), or a name."),
    )
