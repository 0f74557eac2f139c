"""The form that offers visit slots, shared by the tenant's portal and the contractors' area: both pick one
of the slots `roer.repairs.services.appointment_slots` offers, and both must read it back the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from roer.repairs.constants import PartOfDay


def slot_value(day: dt.date, part: str) -> str:
    return f"{day.isoformat()}|{part}"


def slot_label(day: dt.date, part: str) -> str:
    return f"{formats.date_format(day, 'l j F')}, {PartOfDay(part).label}"


class SlotChoiceForm(forms.Form):
    slot = forms.ChoiceField(label=_("Choose a time for the visit"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, slots: Sequence[tuple[dt.date, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["slot"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(slot_value(d, p), slot_label(d, p)) for d, p in slots]

    def chosen(self) -> tuple[dt.date, str]:
        day, part = self.cleaned_data["slot"].split("|")
        return dt.date.fromisoformat(day), part
