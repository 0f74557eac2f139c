"""Forms of customer service in the console: handle a callback, find a tenancy, register a contact. They
validate input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roer.answers.book import Book
from roer.answers.constants import OUTCOME_MAX, CallbackStatus
from roer.casework.constants import ContactTopic, Direction
from roer.console.forms import CONTACT_CHANNEL_ORDER, TEXT_MAX, YES_NO
from roer.core.constants import Channel
from roer.repairs.tree import Tree

# The channels customer service logs most, first: the phone and the desk.
SERVICE_CHANNELS = (
    Channel.PHONE,
    Channel.DESK,
    *(c for c in CONTACT_CHANNEL_ORDER if c not in {Channel.PHONE, Channel.DESK}),
)
SERVICE_TOPICS = (
    ContactTopic.REPAIR,
    ContactTopic.RENT_ACCOUNT,
    ContactTopic.ARRANGEMENT,
    ContactTopic.ANSWER,
    ContactTopic.OTHER,
    ContactTopic.ARREARS,
)


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 40})


class CallbackHandleForm(forms.Form):
    status = forms.ChoiceField(
        label=_("What happened?"),
        choices=[
            (CallbackStatus.CALLED, _("Called: I spoke to the tenant")),
            (CallbackStatus.NO_ANSWER, _("No answer: try again later")),
            (CallbackStatus.CLOSED, _("Close without a call")),
        ],
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        help_text=_("What was agreed, or why it is closed. Stays on the callback, not in the journal."),
        max_length=OUTCOME_MAX,
        required=False,
        widget=_textarea(),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == CallbackStatus.CLOSED and not (data.get("outcome") or "").strip():
            self.add_error("outcome", _("Say why the callback is closed without a call."))
        return data


class TenancySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tenancy reference, or postcode and house number"),
        help_text=_('For example "HO-000123" or "3512 PK 12".'),
        max_length=100,
        required=False,
    )


def problem_choices(tree: Tree) -> list[tuple[str, Any]]:
    """The live wizard's problems, grouped by area and location, for a select."""
    groups: list[tuple[str, Any]] = [("", _("— no specific problem —"))]
    for area in tree.areas:
        for location in area.locations:
            options = [(p.id, p.label) for element in location.elements for p in element.problems]
            groups.append((f"{area.label}: {location.label}", options))
    return groups


def answer_choices(book: Book) -> list[tuple[str, Any]]:
    """The live answers, grouped by topic, for a select."""
    groups: list[tuple[str, Any]] = [("", _("— no specific answer —"))]
    for topic, answers in book.by_topic():
        groups.append((topic.label, [(a.id, a.question) for a in answers]))
    return groups


class ContactRegisterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, f"{c.label} ({c.value})") for c in SERVICE_CHANNELS]
    )
    direction = forms.ChoiceField(
        label=_("Who started it"), choices=Direction.choices, initial=Direction.INCOMING
    )
    succeeded = forms.ChoiceField(
        label=_("Did you reach the household?"), choices=YES_NO, widget=forms.RadioSelect, initial="yes"
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        choices=[(t.value, t.label) for t in SERVICE_TOPICS],
        widget=forms.RadioSelect,
        initial=ContactTopic.REPAIR,
    )
    problem_id = forms.ChoiceField(label=_("Repair problem (for a repair)"), required=False)
    answer_id = forms.ChoiceField(label=_("Answer (for a question)"), required=False)
    happened_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        help_text=_("Leave empty for now."),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    summary = forms.CharField(label=_("Summary"), required=False, max_length=TEXT_MAX, widget=_textarea())

    def __init__(self, *args: Any, tree: Tree, book: Book, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        problem = self.fields["problem_id"]
        answer = self.fields["answer_id"]
        assert isinstance(problem, forms.ChoiceField) and isinstance(answer, forms.ChoiceField)
        problem.choices = problem_choices(tree)
        answer.choices = answer_choices(book)
        if not self.is_bound:
            self.initial.setdefault("channel", Channel.PHONE)

    def clean_succeeded(self) -> bool:
        return self.cleaned_data["succeeded"] == "yes"

    def clean_happened_at(self) -> Any:
        value = self.cleaned_data.get("happened_at")
        if value is not None and value > timezone.now():
            raise forms.ValidationError(_("A contact cannot happen in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        topic = data.get("topic")
        if data.get("problem_id") and topic != ContactTopic.REPAIR:
            self.add_error(
                "problem_id", _("A repair problem goes with the topic Repair: choose it, or no problem.")
            )
        if data.get("answer_id") and topic != ContactTopic.ANSWER:
            self.add_error(
                "answer_id", _("An answer goes with the topic Question answered: choose it, or no answer.")
            )
        return data
