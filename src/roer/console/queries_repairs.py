"""Reads of the console's repair request pages: finding a request, and everything its page shows — the
wizard's outcome and the rule versions that decided, the orders and visits, the holds, the messages, and
the request's journal as a timeline in plain words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roer.core import helm, journal
from roer.core.constants import ActorKind, Channel
from roer.core.models import Decision, Hold, RuleVersion
from roer.repairs import vera
from roer.repairs.constants import OPEN_ORDER_STATUSES, Handling, VeraList
from roer.repairs.models import Appointment, RepairRequest, SatisfactionResponse, TenantMessage, WorkOrder
from roer.repairs.overrides import active_request_holds, intake_decision
from roer.repairs.routing import contractors_in
from roer.repairs.selectors import live_routing, live_wizard
from roer.tenancies.models import Tenancy

PAGE_SIZE = 25
HANDLING_LABELS = dict(Handling.choices)

# The journal's activities about a request, as a person would say them.
ACTIVITY_WORDS: dict[str, Any] = {
    "repair_request_submitted": _("Request submitted"),
    "repair_request_confirmation_sent": _("Confirmation e-mailed to the tenant"),
    "repair_request_cancelled": _("Request cancelled"),
    "repair_request_reopened": _("Request reopened"),
    "repair_request_rescheduled": _("Visit moved by the tenant"),
    "repair_request_reclassified": _("Outcome reclassified by staff"),
    "decision_taken": _("Autopilot decided"),
    "decision_overridden": _("Autopilot's decision overridden"),
    "work_order_created": _("Work order given to a contractor"),
    "work_order_approved": _("Proposed work order approved"),
    "work_order_accepted": _("Contractor accepted the order"),
    "work_order_reported": _("Contractor reported on the work"),
    "work_order_flagged": _("Contractor flagged the order as wrong"),
    "work_order_cancelled": _("Work order cancelled"),
    "work_order_rerouted": _("Work given to another contractor"),
    "appointment_booked": _("Visit booked"),
    "appointment_rescheduled": _("Visit rebooked"),
    "appointment_confirmed": _("Contractor confirmed the visit"),
    "satisfaction_asked": _("Tenant asked for a grade"),
    "satisfaction_recorded": _("Tenant gave a grade"),
    "hold_placed": _("A person took the helm (hold)"),
    "hold_released": _("Hold released"),
    "tenant_messaged": _("Message sent to the tenant"),
    "tenant_message_emailed": _("Message e-mailed to the tenant"),
}


def activity_words(activity: str) -> str:
    words = ACTIVITY_WORDS.get(activity)
    return str(words) if words is not None else activity.replace("_", " ").capitalize()


# --- finding a request ---------------------------------------------------------------------------------


def repair_search(
    *, request_id: int | None = None, text: str = "", postcode: str = "", house_number: str = ""
) -> QuerySet[RepairRequest]:
    """Requests by number, by tenancy reference, or by the dwelling's postcode and house number; most
    recent first. No criteria: every request."""
    found = RepairRequest.objects.select_related("tenancy", "dwelling").order_by("-submitted_at", "-id")
    if request_id is not None:
        found = found.filter(Q(pk=request_id) | Q(tenancy__reference__iexact=text))
    elif text:
        found = found.filter(tenancy__reference__iexact=text)
    if postcode:
        found = found.filter(
            Q(dwelling__postcode__iexact=postcode)
            | Q(dwelling__postcode__iexact=f"{postcode[:4]} {postcode[4:]}"),
            dwelling__house_number__iexact=house_number.strip(),
        )
    return found


# --- one request ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRow:
    order: WorkOrder
    appointments: list[Appointment]
    is_open: bool


@dataclass(frozen=True)
class TimelineRow:
    at: dt.datetime
    words: str
    activity: str
    actor: str
    channel: str
    facts: dict[str, Any]


@dataclass
class RepairPage:
    repair: RepairRequest
    tenancy: Tenancy
    problem_label: str
    trade_name: str
    decision: Decision | None
    rule_versions: list[RuleVersion]
    orders: list[OrderRow]
    satisfaction: SatisfactionResponse | None
    request_holds: list[Hold]
    tenancy_held: bool
    messages: list[TenantMessage]
    timeline: list[TimelineRow]
    flags: list[WorkOrder] = field(default_factory=list)

    @property
    def decision_words(self) -> str:
        """The autopilot's outcome as the handling it chose."""
        if self.decision is None:
            return ""
        return str(HANDLING_LABELS.get(self.decision.outcome, self.decision.outcome))


def _problem_label(problem_id: str) -> str:
    _version, tree = live_wizard()
    try:
        return tree.problem(problem_id).label
    except LookupError:
        return problem_id


def _trade_name(code: str) -> str:
    try:
        return vera.name_of(VeraList.TRADE, code) if code else ""
    except KeyError:
        return ""


def _timeline(repair: RepairRequest) -> list[TimelineRow]:
    actors = dict(ActorKind.choices)
    channels = dict(Channel.choices)
    return [
        TimelineRow(
            at=event.occurred_at,
            words=activity_words(event.activity),
            activity=event.activity,
            actor=str(actors.get(event.actor_kind, event.actor_kind)),
            channel=str(channels.get(event.channel, event.channel)) if event.channel else "",
            facts=event.facts,
        )
        for event in journal.events_for(repair)
    ]


def repair_page(repair: RepairRequest) -> RepairPage:
    orders = list(
        repair.orders.select_related("contractor", "routing_version__rule_set")
        .prefetch_related(Prefetch("appointments", queryset=Appointment.objects.order_by("created_at", "id")))
        .order_by("created_at", "id")
    )
    versions: list[RuleVersion] = [repair.wizard_version]
    for order in orders:
        if order.routing_version not in versions:
            versions.append(order.routing_version)
    satisfaction = SatisfactionResponse.objects.filter(request=repair).first()
    tenancy = Tenancy.objects.select_related("dwelling").get(pk=repair.tenancy_id)
    return RepairPage(
        repair=repair,
        tenancy=tenancy,
        problem_label=_problem_label(repair.problem_id),
        trade_name=_trade_name(repair.trade),
        decision=intake_decision(repair),
        rule_versions=versions,
        orders=[
            OrderRow(order, list(order.appointments.all()), order.status in OPEN_ORDER_STATUSES)
            for order in orders
        ],
        satisfaction=satisfaction,
        request_holds=active_request_holds(repair),
        tenancy_held=any(hold.active_at(timezone.now()) for hold in helm.holds_on(tenancy)),
        messages=list(repair.tenant_messages.select_related("sent_by")),
        timeline=_timeline(repair),
        flags=[order for order in orders if order.flag],
    )


def routable_trades() -> list[str]:
    """The trades the live routing table knows a contractor for: what a request can be reclassified to."""
    document = live_routing().document
    trades = {trade for entry in contractors_in(document).values() for trade in entry.trades}
    return sorted(trades | set(document["defaults"]))
