"""The process map in the console (/console/supervisie/meters/proces/): for the process supervisor.

The directly-follows graph (server-drawn SVG, see process_svg), the edges and variants as tables, each
variant clickable to its cases, and, for the journal's repair requests, conformance to the designed
flow. Everything comes from roer.supervision.selectors; the filters are the period (default: the last
90 days), and for the journal the channel and a rule version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roer.accounts.access import role_required
from roer.accounts.constants import Role
from roer.console.forms_period import PeriodForm
from roer.console.process_svg import draw, duration_words
from roer.core.constants import Channel, Flow
from roer.repairs.models import RepairRequest
from roer.supervision import meter_selectors, selectors
from roer.supervision.conformance import DESIGNED_FLOWS, Conformance, check_cases
from roer.supervision.constants import DEFAULT_CASE_KIND, JOURNAL_SOURCE
from roer.supervision.mining import ProcessMap

DEFAULT_DAYS = 90
MAX_DAYS = 366 * 3
CASE_LIMIT = 50
EXAMPLES = 10


class ProcessFilterForm(PeriodForm):
    longest_days = MAX_DAYS
    too_long = _("Choose a period of at most three years.")

    source = forms.ChoiceField(label=_("Source"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(self, *args: Any, sources: Sequence[str], versions: Sequence[Any], **kwargs: Any):
        super().__init__(*args, versions=versions, **kwargs)
        self.set_choices(
            "source",
            [
                (JOURNAL_SOURCE, _("The journal: repair requests")),
                *((name, name) for name in sources if name != JOURNAL_SOURCE),
            ],
        )
        self.set_choices("channel", [("", _("All channels")), *Channel.choices])
        self.order_fields(["source", "date_from", "date_to", "channel", "version"])


@dataclass(frozen=True)
class Filters:
    source: str
    date_from: dt.date
    date_to: dt.date
    channel: str | None
    version: int | None

    @property
    def journal(self) -> bool:
        return self.source == JOURNAL_SOURCE


def _filters(request: HttpRequest) -> tuple[ProcessFilterForm, Filters]:
    form = ProcessFilterForm(
        request.GET or None, sources=selectors.sources(), versions=meter_selectors.rule_versions()
    )
    today = timezone.localdate()
    default = Filters(JOURNAL_SOURCE, today - dt.timedelta(days=DEFAULT_DAYS - 1), today, None, None)
    if not form.is_bound or not form.is_valid():
        return form, default
    data = form.cleaned_data
    last = data.get("date_to") or today
    first = data.get("date_from") or min(last - dt.timedelta(days=DEFAULT_DAYS - 1), last)
    source = data.get("source") or JOURNAL_SOURCE
    journal = source == JOURNAL_SOURCE
    return form, Filters(
        source=source,
        date_from=first,
        date_to=last,
        channel=(data.get("channel") or None) if journal else None,
        version=data.get("version") if journal else None,
    )


def _map(filters: Filters) -> ProcessMap:
    try:
        return selectors.process_map(
            filters.source,
            filters.date_from,
            filters.date_to,
            DEFAULT_CASE_KIND if filters.journal else None,
            channel=filters.channel,
            rule_version=filters.version,
        )
    except selectors.UnknownSource as error:
        raise Http404("no such event log") from error


@dataclass(frozen=True)
class VariantRow:
    index: int
    activities: tuple[str, ...]
    count: int
    share: float


def _variants(found: ProcessMap) -> list[VariantRow]:
    return [
        VariantRow(index=i, activities=v.activities, count=v.count, share=100 * v.count / (found.cases or 1))
        for i, v in enumerate(found.variants)
    ]


def _conformance(filters: Filters) -> Conformance | None:
    """Conformance of the journal's repair requests, under the same filters as the map (the check of
    `selectors.conformance`, on the traces read with the channel and version filters too)."""
    if not filters.journal:
        return None
    flow = DESIGNED_FLOWS[Flow.REPAIR_INTAKE.value]
    traces = selectors.journal_traces(
        flow.case_kind,
        filters.date_from,
        filters.date_to,
        channel=filters.channel,
        rule_version=filters.version,
    )
    return check_cases(
        flow,
        (
            (case_id, tuple(traces.activities[a] for a in sequence))
            for case_id, sequence in zip(traces.case_ids, traces.case_activities, strict=True)
        ),
    )


@role_required(Role.PROCESS_SUPERVISOR)
def process_map(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    found = _map(filters)
    checked = _conformance(filters)
    edges = [{"edge": e, "median": duration_words(e.median_seconds)} for e in found.edges]
    return render(
        request,
        "console/process/map.html",
        {
            "form": form,
            "filters": filters,
            "found": found,
            "graph": draw(found),
            "edges": edges,
            "variants": _variants(found),
            "conformance": checked,
            "deviations": checked.counts.most_common(10) if checked else [],
            "examples": checked.deviating[:EXAMPLES] if checked else [],
            "query": request.GET.urlencode(),
        },
    )


def _journal_variant_cases(filters: Filters, wanted: tuple[str, ...]) -> list[str]:
    """The journal's cases that follow exactly this sequence, with the channel and version filters
    (which the selector's `variant_cases` does not take), the earliest first."""
    traces = selectors.journal_traces(
        DEFAULT_CASE_KIND,
        filters.date_from,
        filters.date_to,
        channel=filters.channel,
        rule_version=filters.version,
    )
    found = [
        (moments[0], case_id)
        for case_id, sequence, moments in zip(
            traces.case_ids, traces.case_activities, traces.case_moments, strict=True
        )
        if tuple(traces.activities[a] for a in sequence) == wanted
    ]
    return [case_id for _start, case_id in sorted(found)[:CASE_LIMIT]]


@role_required(Role.PROCESS_SUPERVISOR)
def process_variant(request: HttpRequest, index: int) -> HttpResponse:
    form, filters = _filters(request)
    found = _map(filters)
    if index >= len(found.variants):
        raise Http404("no such variant")
    variant = found.variants[index]
    if filters.journal:
        case_ids = _journal_variant_cases(filters, variant.activities)
        numbers = [int(c) for c in case_ids if c.isdigit()]
        codes = {str(r.pk): r.code for r in RepairRequest.objects.filter(pk__in=numbers).only("pk")}
        cases = [{"id": case_id, "code": codes.get(case_id, "")} for case_id in case_ids]
    else:
        ids = selectors.variant_cases(
            filters.source, variant.activities, filters.date_from, filters.date_to, limit=CASE_LIMIT
        )
        cases = [{"id": case_id, "code": ""} for case_id in ids]
    return render(
        request,
        "console/process/variant.html",
        {
            "form": form,
            "filters": filters,
            "variant": variant,
            "index": index,
            "share": 100 * variant.count / (found.cases or 1),
            "cases": cases,
            "limit": CASE_LIMIT,
            "query": request.GET.urlencode(),
        },
    )
