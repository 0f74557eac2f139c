"""The process supervisor's helm: flow modes, holds, and rule versions with a replay before publishing.

Like the other console views: read the form, call one service, redirect with a message; when the form or
the service says no, show the page again with the error and the input kept. The services live in
`roer.core.helm`, `roer.core.rules` and `roer.supervision.replay`; nothing is decided here.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.console.forms_helm import REPLAY_DAYS, DraftForm, FlowModeForm, HoldForm, PeriodForm, PublishForm
from roer.console.views import _attempt, _not_saved
from roer.core import helm, rules
from roer.core.constants import Flow, Mode, RuleVersionStatus
from roer.core.models import FlowMode, Hold, JournalEvent, RuleVersion
from roer.supervision import replay as replays
from roer.tenancies.models import Tenancy

SUPERVISOR = Role.PROCESS_SUPERVISOR
FLOW_HISTORY = 50
DIFF_LINES = 400


def _names(ids: set[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=ids)
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


# --- flows -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowRow:
    flow: Flow
    mode: Mode
    row: FlowMode | None
    form: FlowModeForm


def _flow_rows(bound: tuple[str, FlowModeForm] | None = None) -> list[FlowRow]:
    rows = {row.flow: row for row in FlowMode.objects.select_related("changed_by")}
    modes = helm.flow_modes()
    found = []
    for flow in Flow:
        if bound is not None and bound[0] == flow.value:
            form = bound[1]
        else:
            form = FlowModeForm(initial={"mode": modes[flow.value]}, prefix=flow.value)
        found.append(FlowRow(flow, Mode(modes[flow.value]), rows.get(flow.value), form))
    return found


def _flow_history() -> list[dict[str, Any]]:
    events = list(JournalEvent.objects.filter(activity="flow_mode_changed").order_by("-occurred_at", "-id"))
    events = events[:FLOW_HISTORY]
    names = _names({e.actor_id for e in events if e.actor_id is not None})
    labels = dict(Flow.choices)
    mode_labels = dict(Mode.choices)
    return [
        {
            "at": event.occurred_at,
            "flow": labels.get(event.facts.get("flow"), event.facts.get("flow")),
            "from": mode_labels.get(event.facts.get("from"), event.facts.get("from")),
            "to": mode_labels.get(event.facts.get("to"), event.facts.get("to")),
            "by": names.get(event.actor_id or 0, "—"),
        }
        for event in events
    ]


def _flows_page(request: HttpRequest, bound: tuple[str, FlowModeForm] | None = None) -> HttpResponse:
    return render(
        request,
        "console/helm/flows.html",
        {"rows": _flow_rows(bound), "history": _flow_history()},
        status=400 if bound else 200,
    )


@role_required(SUPERVISOR)
def flows(request: HttpRequest) -> HttpResponse:
    return _flows_page(request)


@role_required(SUPERVISOR)
@require_POST
def flow_switch(request: HttpRequest, flow: str) -> HttpResponse:
    if flow not in Flow.values:
        raise Http404
    form = FlowModeForm(request.POST, prefix=flow)
    if form.is_valid() and _attempt(
        form,
        lambda: helm.flow_mode_set(
            flow=flow,
            mode=form.cleaned_data["mode"],
            by=acting_user(request),
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(
            request,
            _("%(flow)s now runs in this mode: %(mode)s.")
            % {"flow": Flow(flow).label, "mode": Mode(form.cleaned_data["mode"]).label},
        )
        return redirect("console:helm_flows")
    _not_saved(request, form)
    return _flows_page(request, (flow, form))


# --- holds -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldRow:
    hold: Hold
    label: str
    held_by: str


def _hold_label(hold: Hold) -> str:
    if hold.subject_kind == "repairs.repairrequest" and hold.subject_id.isdigit():
        return _("Repair request %(code)s") % {"code": f"RV{int(hold.subject_id):06d}"}
    if hold.subject_kind == "tenancies.tenancy":
        tenancy = Tenancy.objects.filter(pk=hold.subject_id).only("reference").first()
        if tenancy is not None:
            return _("Tenancy %(reference)s") % {"reference": tenancy.reference}
    return f"{hold.subject_kind} #{hold.subject_id}"


@role_required(SUPERVISOR)
@require_http_methods(["GET", "POST"])
def holds(request: HttpRequest) -> HttpResponse:
    form = HoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid() and _attempt(
            form,
            lambda: helm.hold_place(
                subject=form.cleaned_data["subject"],
                by=acting_user(request),
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
            ),
        ):
            messages.success(request, _("You have the helm: no automated step touches it until released."))
            return redirect("console:helm_holds")
        _not_saved(request, form)
    rows = [
        HoldRow(hold, _hold_label(hold), hold.held_by.get_full_name() or hold.held_by.get_username())
        for hold in helm.active_holds()
    ]
    return render(
        request,
        "console/helm/holds.html",
        {"rows": rows, "form": form},
        status=400 if form.is_bound else 200,
    )


@role_required(SUPERVISOR)
@require_POST
def hold_release(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = get_object_or_404(Hold, pk=hold_id)
    helm.hold_release(hold=hold, by=acting_user(request))
    messages.success(
        request, _("Released: %(subject)s runs on autopilot again.") % {"subject": _hold_label(hold)}
    )
    return redirect("console:helm_holds")


# --- rule versions ---------------------------------------------------------------------------------


def _definition(key: str) -> rules.RuleSetDefinition:
    try:
        return rules.definition_of(key)
    except LookupError:
        raise Http404 from None


def _version(key: str, number: int) -> RuleVersion:
    return get_object_or_404(
        RuleVersion.objects.select_related("rule_set", "created_by", "published_by"),
        rule_set__key=key,
        number=number,
    )


def _pretty(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False)


def _diff(live: RuleVersion | None, version: RuleVersion) -> tuple[str, bool]:
    """The version's document against the live one, as a unified diff of the pretty JSON (cut when long)."""
    if live is None or live.pk == version.pk:
        return "", False
    lines = list(
        difflib.unified_diff(
            _pretty(live.document).splitlines(),
            _pretty(version.document).splitlines(),
            fromfile=_("live version %(number)s") % {"number": live.number},
            tofile=_("version %(number)s") % {"number": version.number},
            lineterm="",
        )
    )
    return "\n".join(lines[:DIFF_LINES]), len(lines) > DIFF_LINES


def _version_page(
    request: HttpRequest, key: str, version: RuleVersion, publish_form: PublishForm
) -> HttpResponse:
    live = next((v for v in rules.versions_of(key) if v.status == RuleVersionStatus.PUBLISHED), None)
    diff, cut = _diff(live, version)
    return render(
        request,
        "console/helm/rule_version.html",
        {
            "key": key,
            "version": version,
            "live": live,
            "document": _pretty(version.document),
            "diff": diff,
            "diff_cut": cut,
            "replayable": replays.replayable(key),
            "publish_form": publish_form,
        },
        status=400 if publish_form.is_bound else 200,
    )


@role_required(SUPERVISOR)
def rule_sets(request: HttpRequest) -> HttpResponse:
    rows = []
    for key, definition in sorted(rules.REGISTRY.items()):
        versions = rules.versions_of(key)
        live = next((v for v in versions if v.status == RuleVersionStatus.PUBLISHED), None)
        drafts = sum(1 for v in versions if v.status == RuleVersionStatus.DRAFT)
        rows.append(
            {
                "key": key,
                "title": definition.title,
                "live": live,
                "drafts": drafts,
                "replayable": replays.replayable(key),
            }
        )
    return render(request, "console/helm/rule_sets.html", {"rows": rows})


@role_required(SUPERVISOR)
@require_http_methods(["GET", "POST"])
def rule_set(request: HttpRequest, key: str) -> HttpResponse:
    definition = _definition(key)
    if request.method == "POST":
        form = DraftForm(request.POST, request.FILES, key=key)
        if form.is_valid() and _attempt(
            form,
            lambda: rules.rule_version_draft(
                key=key,
                document=form.cleaned_data["parsed"],
                by=acting_user(request),
                note=form.cleaned_data["note"],
            ),
        ):
            messages.success(request, _("The draft is saved. Try it on past cases before you publish it."))
            return redirect("console:helm_rule_set", key=key)
        _not_saved(request, form)
    else:
        live = next((v for v in rules.versions_of(key) if v.status == RuleVersionStatus.PUBLISHED), None)
        form = DraftForm(initial={"document": _pretty(live.document) if live else ""}, key=key)
    versions = list(reversed(rules.versions_of(key)))
    return render(
        request,
        "console/helm/rule_set.html",
        {
            "key": key,
            "definition": definition,
            "versions": versions,
            "form": form,
            "replayable": replays.replayable(key),
            "can_roll_back": any(
                v.status == RuleVersionStatus.RETIRED and v.published_at is not None for v in versions
            ),
        },
        status=400 if form.is_bound else 200,
    )


@role_required(SUPERVISOR)
def rule_version(request: HttpRequest, key: str, number: int) -> HttpResponse:
    _definition(key)
    return _version_page(request, key, _version(key, number), PublishForm())


MAX_LABEL_WIDTH = 340


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: int
    width: int
    text_x: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int


def bar_chart(totals: list[tuple[str, int]], *, room: int = 290, row: int = 28) -> BarChart:
    """Horizontal bars for a server-rendered SVG: one per kind of change, scaled to the largest. The label
    column is as wide as the longest label needs (about 7 units a character at 13px), within limits."""
    longest = max((len(label) for label, _count in totals), default=0)
    label_width = min(MAX_LABEL_WIDTH, max(140, longest * 7 + 16))
    width = label_width + room + 50
    largest = max((count for _label, count in totals), default=0) or 1
    bars = []
    for index, (label, count) in enumerate(totals):
        bar_width = max(round(room * count / largest), 1 if count else 0)
        bars.append(Bar(label, count, index * row + 4, bar_width, label_width + bar_width + 6))
    return BarChart(bars, width, max(len(totals), 1) * row + 8, label_width)


def _period(request: HttpRequest) -> tuple[PeriodForm, replays.Period | None]:
    today = timezone.localdate()
    default = replays.Period.last_days(30, today)
    if "first" in request.GET or "last" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            return form, replays.Period(form.cleaned_data["first"], form.cleaned_data["last"])
        return form, None
    if request.GET.get("days", "").isdigit() and int(request.GET["days"]) in REPLAY_DAYS:
        default = replays.Period.last_days(int(request.GET["days"]), today)
    form = PeriodForm(initial={"first": default.first, "last": default.last})
    return form, default


@role_required(SUPERVISOR)
def rule_version_replay(request: HttpRequest, key: str, number: int) -> HttpResponse:
    _definition(key)
    version = _version(key, number)
    if not replays.replayable(key):
        raise Http404
    form, period = _period(request)
    result = None
    chart = None
    if period is not None:
        result = replays.replay(version, period)
        replays.replay_record(version=version, result=result, by=acting_user(request))
        chart = bar_chart(result.totals())
    return render(
        request,
        "console/helm/replay.html",
        {
            "key": key,
            "version": version,
            "form": form,
            "result": result,
            "chart": chart,
            "days": REPLAY_DAYS,
            "publish_form": PublishForm(),
        },
        status=200 if period is not None else 400,
    )


@role_required(SUPERVISOR)
@require_POST
def rule_version_publish(request: HttpRequest, key: str, number: int) -> HttpResponse:
    _definition(key)
    version = _version(key, number)
    form = PublishForm(request.POST)
    if form.is_valid() and _attempt(
        form,
        lambda: replays.draft_publish(
            version=version, by=acting_user(request), reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, _("Version %(number)s is live.") % {"number": version.number})
        return redirect("console:helm_rule_set", key=key)
    _not_saved(request, form)
    return _version_page(request, key, version, form)


@role_required(SUPERVISOR)
@require_POST
def rule_set_roll_back(request: HttpRequest, key: str) -> HttpResponse:
    _definition(key)
    try:
        restored = rules.rule_version_roll_back(key=key, by=acting_user(request))
    except LookupError:
        messages.error(request, _("Nothing was saved: there is no earlier live version to go back to."))
    else:
        messages.success(
            request, _("Rolled back: version %(number)s is live again.") % {"number": restored.number}
        )
    return redirect("console:helm_rule_set", key=key)
