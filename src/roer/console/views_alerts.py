"""The process supervisor's alerts on the meters: the list (open first), an alert with its evidence in
words, and the forms to assign, acknowledge and resolve it (roer.supervision.alerts decides; docs/meters.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from roer.accounts.access import acting_user, role_required
from roer.accounts.constants import Role
from roer.core.models import RuleVersion
from roer.supervision import alerts
from roer.supervision.fairness import AGE_BAND_LABELS, DIMENSION_LABELS, RATE_LABELS
from roer.supervision.meters import BY_KEY, Unit
from roer.supervision.models import Alert, AlertKind, AlertState

SUPERVISOR = Role.PROCESS_SUPERVISOR
LIST_LIMIT = 200


def _supervisors() -> QuerySet[Any]:
    return get_user_model().objects.filter(is_active=True, groups__name=SUPERVISOR).order_by("username")


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("Not resolved")), ("all", gettext_lazy("All")), *AlertState.choices],
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"), queryset=get_user_model().objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _supervisors()
        field.label_from_instance = lambda user: user.get_full_name() or user.get_username()  # type: ignore[method-assign,assignment]


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What was found and done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean_note(self) -> str:
        note = str(self.cleaned_data["note"]).strip()
        if not note:
            raise forms.ValidationError(gettext_lazy("Write down what was found and done."))
        return note


def _day(text: str | None) -> str:
    if not text:
        return "–"
    return date_format(dt.date.fromisoformat(text), "j F Y")


def _figure(unit: str, value: Any) -> str:
    if value in (None, ""):
        return "–"
    return f"{value}%" if unit == Unit.SHARE else str(value)


def _dimension_label(alert: Alert) -> str:
    if not alert.dimension:
        return ""
    return f"{alert.dimension}: {alert.value or '–'}"


def _per_hundred(numerator: Any, denominator: Any) -> str:
    if not isinstance(numerator, int) or not isinstance(denominator, int) or not denominator:
        return "–"
    return number_format(round(100 * numerator / denominator, 1), decimal_pos=1)


def _disparity(alert: Alert, evidence: dict[str, Any]) -> str:
    dimension, _sep, rate = alert.dimension.partition(":")
    group = AGE_BAND_LABELS.get(alert.value, alert.value) if dimension == "age_band" else alert.value
    observed = evidence.get("observed") or {}
    rest = evidence.get("baseline") or {}
    window = evidence.get("window") or {}
    adjusted = evidence.get("adjusted_p")
    shown_p = (
        "–" if not isinstance(adjusted, float) else "< 0.001" if adjusted < 0.001 else f"= {adjusted:.3f}"
    )
    return _(
        "%(dimension)s %(group)s: %(rate)s %(value)s per 100 arrears episodes (%(num)s in %(den)s) against "
        "%(rest)s for the rest (%(rnum)s in %(rden)s), %(first)s to %(last)s (exact test of two Poisson "
        "rates, Bonferroni-adjusted p %(p)s)."
    ) % {
        "dimension": DIMENSION_LABELS.get(dimension, dimension),
        "group": group,
        "rate": RATE_LABELS.get(rate, rate),
        "value": _per_hundred(observed.get("numerator"), observed.get("denominator")),
        "num": observed.get("numerator"),
        "den": observed.get("denominator"),
        "rest": _per_hundred(rest.get("numerator"), rest.get("denominator")),
        "rnum": rest.get("numerator"),
        "rden": rest.get("denominator"),
        "first": _day(window.get("first")),
        "last": _day(window.get("last")),
        "p": shown_p,
    }


def describe(alert: Alert) -> str:
    """The evidence in words, e.g. "The share was 20% on 3 March 2026 against 40% over the 28 days before
    (binomial test, p = 0.003)"."""
    meter = BY_KEY.get(alert.meter)
    evidence = alert.evidence or {}
    unit = meter.unit if meter is not None else Unit.SHARE
    name = str(meter.name) if meter is not None else alert.meter
    part = _dimension_label(alert)
    subject = f"{name} ({part})" if part else name
    observed = (evidence.get("observed") or {}).get("value")
    window = evidence.get("window") or {}
    if alert.kind == AlertKind.DISPARITY:
        return _disparity(alert, evidence)
    if alert.kind == AlertKind.THRESHOLD:
        return _("%(meter)s was %(observed)s over %(first)s to %(last)s, against a target of %(target)s.") % {
            "meter": subject,
            "observed": _figure(unit, observed),
            "first": _day(window.get("first")),
            "last": _day(window.get("last")),
            "target": _figure(unit, evidence.get("target")),
        }
    p_value = evidence.get("p_value")
    shown_p = "–" if not isinstance(p_value, float) else "< 0.001" if p_value < 0.001 else f"= {p_value:.3f}"
    baseline = evidence.get("baseline") or {}
    if evidence.get("statistic") == "z":
        return _(
            "%(meter)s was %(observed)s on %(day)s against an average of %(mean)s (standard deviation "
            "%(sd)s) over the %(days)s days before (z-test, z = %(z)s, p %(p)s)."
        ) % {
            "meter": subject,
            "observed": _figure(unit, observed),
            "day": _day(evidence.get("day")),
            "mean": baseline.get("mean"),
            "sd": baseline.get("sd"),
            "days": baseline.get("days"),
            "z": evidence.get("z"),
            "p": shown_p,
        }
    return _(
        "%(meter)s was %(observed)s on %(day)s (%(num)s of %(den)s) against %(baseline)s over the 28 days "
        "before (%(bnum)s of %(bden)s; binomial test, p %(p)s)."
    ) % {
        "meter": subject,
        "observed": _figure(unit, observed),
        "day": _day(evidence.get("day")),
        "num": (evidence.get("observed") or {}).get("numerator"),
        "den": (evidence.get("observed") or {}).get("denominator"),
        "baseline": _figure(unit, baseline.get("value")),
        "bnum": baseline.get("numerator"),
        "bden": baseline.get("denominator"),
        "p": shown_p,
    }


@role_required(SUPERVISOR)
def alert_list(request: HttpRequest) -> HttpResponse:
    form = StateFilterForm(request.GET or None)
    state = form.cleaned_data.get("state", "") if form.is_valid() else ""
    rows = Alert.objects.select_related("assigned_to").annotate(
        rank=Case(
            When(state=AlertState.OPEN, then=Value(0)),
            When(state=AlertState.ACKNOWLEDGED, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
    if state == "":
        rows = rows.exclude(state=AlertState.RESOLVED)
    elif state != "all":
        rows = rows.filter(state=state)
    listed = [
        {"alert": alert, "meter": BY_KEY[alert.meter].name if alert.meter in BY_KEY else alert.meter}
        for alert in rows.order_by("rank", "-last_day", "-pk")[:LIST_LIMIT]
    ]
    return render(request, "console/alerts/list.html", {"form": form, "rows": listed})


def _detail_page(
    request: HttpRequest,
    alert: Alert,
    *,
    assign: AssignForm | None = None,
    resolve: ResolveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rule_ids = alert.evidence.get("rule_versions") or []
    versions = list(RuleVersion.objects.filter(pk__in=rule_ids).select_related("rule_set"))
    meter = BY_KEY.get(alert.meter)
    return render(
        request,
        "console/alerts/detail.html",
        {
            "alert": alert,
            "meter": meter,
            "sentence": describe(alert),
            "versions": versions,
            "examples": alert.evidence.get("examples") or [],
            "assign_form": assign or AssignForm(initial={"assignee": alert.assigned_to_id}),
            "resolve_form": resolve or ResolveForm(),
            "closed": alert.state == AlertState.RESOLVED,
        },
        status=status,
    )


@role_required(SUPERVISOR)
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _detail_page(request, get_object_or_404(Alert.objects.select_related("assigned_to"), pk=alert_id))


def _closed(request: HttpRequest, alert: Alert) -> HttpResponse:
    messages.error(request, _("Nothing was saved: this alert is already resolved."))
    return redirect("console:alert_detail", alert_id=alert.pk)


@role_required(SUPERVISOR)
@require_POST
def alert_assign(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=alert_id)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: see the form below."))
        return _detail_page(request, alert, assign=form, status=400)
    try:
        alerts.alert_assign(alert=alert, to=form.cleaned_data["assignee"], by=acting_user(request))
    except alerts.AlertClosed:
        return _closed(request, alert)
    messages.success(request, _("The alert is assigned."))
    return redirect("console:alert_detail", alert_id=alert.pk)


@role_required(SUPERVISOR)
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=alert_id)
    try:
        alerts.alert_acknowledge(alert=alert, by=acting_user(request))
    except alerts.AlertClosed:
        return _closed(request, alert)
    messages.success(request, _("The alert is acknowledged."))
    return redirect("console:alert_detail", alert_id=alert.pk)


@role_required(SUPERVISOR)
@require_POST
def alert_resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=alert_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: see the form below."))
        return _detail_page(request, alert, resolve=form, status=400)
    try:
        alerts.alert_resolve(alert=alert, by=acting_user(request), note=form.cleaned_data["note"])
    except alerts.AlertClosed:
        return _closed(request, alert)
    messages.success(request, _("The alert is resolved."))
    return redirect("console:alert_detail", alert_id=alert.pk)
