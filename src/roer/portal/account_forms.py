"""The payment-arrangement form: how many instalments, and from which day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# How far ahead a tenant may let the first instalment fall.
LATEST_START_DAYS = 28


class ArrangementForm(forms.Form):
    count = forms.TypedChoiceField(label=_("Number of instalments"), coerce=int)
    start_date = forms.DateField(
        label=_("First payment on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        help_text=_("Pick a day in the next four weeks."),
    )

    def __init__(self, *args: Any, max_instalments: int, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"count": max_instalments, "start_date": today})
        super().__init__(*args, **kwargs)
        self.today = today
        count = self.fields["count"]
        assert isinstance(count, forms.TypedChoiceField)
        count.choices = [
            (n, ngettext("%(n)s instalment", "%(n)s instalments", n) % {"n": n})
            for n in range(1, max_instalments + 1)
        ]
        start = self.fields["start_date"]
        start.widget.attrs.update(
            {"min": today.isoformat(), "max": (today + dt.timedelta(days=LATEST_START_DAYS)).isoformat()}
        )

    def clean_start_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["start_date"]
        latest = self.today + dt.timedelta(days=LATEST_START_DAYS)
        if day < self.today:
            raise forms.ValidationError(_("Pick today or a later day."))
        if day > latest:
            raise forms.ValidationError(
                _("Pick a day no later than %(day)s.") % {"day": date_format(latest, "j F Y")}
            )
        return day
