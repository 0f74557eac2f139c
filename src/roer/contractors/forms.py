"""Forms of the contractors' area: plan a visit, report the work, flag a wrong order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from roer.repairs.constants import OrderFlag, OrderResult, PartOfDay

REMARK_MAX = 2000


def slot_value(day: dt.date, part: str) -> str:
    return f"{day.isoformat()}|{part}"


def slot_label(day: dt.date, part: str) -> str:
    return f"{formats.date_format(day, 'l j F')}, {PartOfDay(part).label}"


class PlanForm(forms.Form):
    slot = forms.ChoiceField(label=_("Choose a time for the visit"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, slots: Sequence[tuple[dt.date, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["slot"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(slot_value(d, p), slot_label(d, p)) for d, p in slots]

    def chosen(self) -> tuple[dt.date, str]:
        day, part = self.cleaned_data["slot"].split("|")
        return dt.date.fromisoformat(day), part


class ReportForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Is the work done?"),
        choices=[
            (OrderResult.DONE.value, _("Yes, the work is done")),
            (OrderResult.NOT_DONE.value, _("No, the work is not done")),
        ],
        widget=forms.RadioSelect,
    )
    remark = forms.CharField(
        label=_("Remark (optional)"),
        help_text=_("What did you do, or why is it not done?"),
        max_length=REMARK_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FlagForm(forms.Form):
    flag = forms.ChoiceField(
        label=_("What is wrong with this order?"), choices=OrderFlag.choices, widget=forms.RadioSelect
    )
    remark = forms.CharField(
        label=_("Remark (optional)"),
        help_text=_("Tell the corporation what you found."),
        max_length=REMARK_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
