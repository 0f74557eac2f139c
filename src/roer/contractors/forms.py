"""Forms of the contractors' area: plan a visit, report the work, flag a wrong order."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from roer.repairs.constants import OrderFlag, OrderResult
from roer.repairs.slot_forms import SlotChoiceForm

REMARK_MAX = 2000


class PlanForm(SlotChoiceForm):
    """A visit slot to choose (`roer.repairs.slot_forms`)."""


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
