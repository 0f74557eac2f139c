"""The period filter the supervisor's pages share: from, to, one rule version, and a longest period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the lazy-string type exists in the stubs only
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    longest_days: ClassVar[int]
    too_long: ClassVar[StrOrPromise]  # shown as the end date's error

    date_from = forms.DateField(label=_("From"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=date_input())
    version = forms.TypedChoiceField(label=_("Rule version"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, versions: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("version", [("", _("All versions")), *((v.pk, v.label) for v in versions)])

    def set_choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if isinstance(first, dt.date) and isinstance(last, dt.date):
            if first > last:
                self.add_error("date_to", _("The end comes before the start."))
            elif (last - first).days >= self.longest_days:
                self.add_error("date_to", str(self.too_long))
        return data
