"""The form to stop a letter before it is printed: it validates input only; `letter_stop` decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REASON_MAX = 1000


class LetterStopForm(forms.Form):
    reason = forms.CharField(
        label=_("Why stop this letter?"),
        help_text=_("Required. Kept with the stop, not in the journal."),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )
