"""Forms of the supervisor's helm: switch a flow, hold a subject, draft and publish a rule version, pick a
replay period. They validate input only; the services in `roer.core.helm`, `roer.core.rules` and
`roer.supervision.replay` decide."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roer.core import rules
from roer.core.constants import Mode
from roer.core.dates import AMSTERDAM
from roer.repairs.models import RepairRequest
from roer.tenancies.models import Tenancy

REASON_MAX = 500
DOCUMENT_MAX_BYTES = 2_000_000
REPAIR_CODE = re.compile(r"^RV0*(\d+)$", re.IGNORECASE)
REPLAY_DAYS = (7, 30, 90)


def _reason(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )


class FlowModeForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, widget=forms.RadioSelect)
    reason = _reason(
        _("Why?"), _("Required. Kept with the flow's mode; the journal records only the switch itself.")
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why you switch this flow."))
        return reason


class HoldForm(forms.Form):
    subject = forms.CharField(
        label=_("Tenancy reference or repair request code"),
        help_text=_("For example a tenancy's reference, or RV000123 for a repair request."),
        max_length=40,
    )
    reason = _reason(_("Why do you take the helm?"), _("Required. Kept with the hold, not in the journal."))
    until = forms.DateField(
        label=_("Until (the hold ends at the start of this day)"),
        help_text=_("Leave empty to hold it until you release it."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_subject(self) -> RepairRequest | Tenancy:
        text = self.cleaned_data["subject"].strip()
        code = REPAIR_CODE.match(text)
        if code:
            request = RepairRequest.objects.filter(pk=int(code.group(1))).first()
            if request is None:
                raise forms.ValidationError(_("There is no repair request %(code)s.") % {"code": text})
            return request
        tenancy = Tenancy.objects.filter(reference__iexact=text).first()
        if tenancy is None:
            raise forms.ValidationError(
                _("No tenancy has the reference %(reference)s, and it is not a repair request code.")
                % {"reference": text}
            )
        return tenancy

    def clean_until(self) -> dt.datetime | None:
        day = self.cleaned_data.get("until")
        if day is None:
            return None
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Pick a day after today."))
        return dt.datetime.combine(day, dt.time.min, tzinfo=AMSTERDAM)


class DraftForm(forms.Form):
    """A new draft: paste the JSON document, or upload it as a file (the file wins)."""

    document = forms.CharField(
        label=_("The rule document (JSON)"),
        help_text=_("Paste the whole document. It is checked against the rule set before it is saved."),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 80, "spellcheck": "false"}),
    )
    upload = forms.FileField(label=_("Or upload a .json file"), required=False)
    note = forms.CharField(
        label=_("What changes in this draft?"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )

    def __init__(self, *args: Any, key: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.key = key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        field = "document"
        text = data.get("document") or ""
        if upload is not None:
            field = "upload"
            if upload.size > DOCUMENT_MAX_BYTES:
                self.add_error(field, _("The file is too large."))
                return data
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error(field, _("The file is not UTF-8 text."))
                return data
        if not text.strip():
            self.add_error("document", _("Paste a document or upload a file."))
            return data
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as error:
            self.add_error(
                field,
                _("This is not valid JSON: %(problem)s (line %(line)s, column %(column)s).")
                % {"problem": error.msg, "line": error.lineno, "column": error.colno},
            )
            return data
        if not isinstance(parsed, dict):
            self.add_error(field, _("The document must be one JSON object: { ... }."))
            return data
        try:
            rules.validate(self.key, parsed)
        except rules.RuleValidationError as error:
            for problem in error.problems:
                self.add_error(field, problem)
            return data
        data["parsed"] = parsed
        return data


class PublishForm(forms.Form):
    reason = _reason(_("Why publish this version?"), _("Required. Kept on the version's note."))


class PeriodForm(forms.Form):
    first = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and last < first:
            self.add_error("last", _("The period must end on or after its first day."))
        if first and last and (last - first).days > 366:
            self.add_error("first", _("Replay at most a year at a time."))
        return data
