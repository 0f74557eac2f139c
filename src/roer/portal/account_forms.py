"""The rent-account forms: a payment arrangement (how many instalments, from which day) and a direct-debit
mandate (which account)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from roer.ledger.services import mandates

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


class MandateForm(forms.Form):
    """The account to collect the rent from. The confirmation step carries the same fields hidden, plus the
    first collection date the tenant was shown."""

    iban = forms.CharField(
        label=_("IBAN (your bank account number)"),
        max_length=50,
        help_text=_("For example NL91 ABNA 0417 1643 00. It is on your bank card and in your banking app."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": _("Fill in your IBAN.")},
    )
    account_holder = forms.CharField(
        label=_("Name of the account holder"),
        max_length=mandates.ACCOUNT_HOLDER_LENGTH,
        help_text=_("The name your bank has for this account."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Fill in the name of the account holder.")},
    )
    first_collection = forms.DateField(required=False, widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])

    def clean_iban(self) -> str:
        try:
            return str(mandates.iban_checked(self.cleaned_data["iban"]).compact)
        except mandates.MandateError as exc:
            raise forms.ValidationError(str(exc), code=exc.code) from None

    def clean_account_holder(self) -> str:
        return " ".join(self.cleaned_data["account_holder"].split())
