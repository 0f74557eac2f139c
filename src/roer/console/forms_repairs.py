"""Forms of the repair request pages: find a request, and the supervisor's overrides. They validate input
only; `roer.repairs.overrides` decides."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from roer.repairs import vera
from roer.repairs.constants import Urgency, VeraList
from roer.repairs.models import Contractor
from roer.repairs.overrides import MESSAGE_MAX, RECLASSIFIABLE_RESPONSIBILITIES, Reclassified

REASON_MAX = 500
REQUEST_CODE = re.compile(r"^(?:RV)?0*(\d{1,9})$", re.IGNORECASE)


def _reason(help_text: Any = None) -> forms.CharField:
    return forms.CharField(
        label=_("Why?"),
        help_text=help_text or _("Required. Kept with the override, not in the journal."),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )


class RepairSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Request number or tenancy reference"),
        help_text=_("For example 123 or RV000123, or a tenancy's reference."),
        max_length=40,
        required=False,
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=7, required=False)
    house_number = forms.CharField(label=_("House number"), max_length=20, required=False)

    def clean_postcode(self) -> str:
        return re.sub(r"\s+", "", self.cleaned_data["postcode"]).upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("postcode")) != bool((data.get("house_number") or "").strip()):
            raise forms.ValidationError(_("Give both the postcode and the house number."))
        return data

    def request_id(self) -> int | None:
        found = REQUEST_CODE.match((self.cleaned_data.get("q") or "").strip())
        return int(found.group(1)) if found else None


def trade_choices(trades: list[str]) -> list[tuple[str, str]]:
    return [(code, f"{code} — {vera.name_of(VeraList.TRADE, code)}") for code in sorted(set(trades))]


class ReclassifyForm(forms.Form):
    field = forms.ChoiceField(choices=Reclassified.choices, widget=forms.HiddenInput)
    responsibility = forms.ChoiceField(
        label=_("Responsibility"),
        choices=[(r.value, r.label) for r in RECLASSIFIABLE_RESPONSIBILITIES],
        required=False,
        help_text=_("The tenant's part cancels the open work orders."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        required=False,
        help_text=_("The open work order's due date follows the new class."),
    )
    trade = forms.ChoiceField(
        label=_("Trade"),
        choices=(),
        required=False,
        help_text=_("The open work order goes to the routing table's contractor for the new trade."),
    )
    reason = _reason()

    def __init__(self, *args: Any, trades: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["trade"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = trade_choices([t for t in trades if vera.is_code(VeraList.TRADE, t)])

    def value(self) -> str:
        return str(self.cleaned_data.get(self.cleaned_data["field"]) or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        field = data.get("field")
        if field and not data.get(field):
            self.add_error(field, _("Choose the new value."))
        return data


class RerouteForm(forms.Form):
    contractor = forms.ModelChoiceField(
        label=_("Contractor"), queryset=Contractor.objects.none(), empty_label=None
    )
    reason = _reason()

    def __init__(self, *args: Any, contractors: list[Contractor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contractor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Contractor.objects.filter(pk__in=[c.pk for c in contractors]).order_by("name")


class HoldForm(forms.Form):
    reason = _reason(_("Required. Kept with the hold, not in the journal."))


class ReleaseForm(forms.Form):
    """Releasing needs no input: the button is the confirmation."""


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the tenant"),
        help_text=_("Plain words. E-mailed to the tenancy and shown with the request in the portal."),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 50}),
    )
