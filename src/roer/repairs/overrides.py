"""A person takes over one repair request: reclassify the wizard's outcome, reroute the work to another
contractor, hold or release the request, and message the tenant.

Reclassifying and rerouting override the request's intake decision (`helm.decision_override`, journaled as
`decision_overridden`: the supervisor's meters count those as wrong follow-up actions) and journal what
changed about the request and its tenancy. A cancelled order works as cancellations already do: it turns
VERA GEA with its visits cancelled, which the contractor sees in their area and through the orders API; the
replacement is a new order. The reason and the message text are free text: they stay on the decision, the
hold and the message, never in the journal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import structlog
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from roer.core import helm, journal
from roer.core.constants import Channel, Flow
from roer.core.models import Decision, Hold
from roer.core.outbox import mail_enqueue
from roer.core.subjects import subject_ref
from roer.repairs import vera
from roer.repairs.constants import (
    OPEN_ORDER_STATUSES,
    OPEN_REQUEST_STATUSES,
    AppointmentStatus,
    Handling,
    OrderStatus,
    RequestStatus,
    Responsibility,
    Urgency,
    VeraList,
)
from roer.repairs.models import Contractor, RepairRequest, TenantMessage, WorkOrder
from roer.repairs.routing import NoRouteError
from roer.repairs.services import (
    NoContractorError,
    lock_request,
    recipients_of,
    repair_request_order,
    request_due_by,
    set_order_status,
    set_request_status,
    tenancy_ref,
)

logger = structlog.get_logger(__name__)

MESSAGE_MAX = 1000

# What a person may reclassify a request to. A third party's problem never becomes a request (the wizard
# refuses it with the number to call), so a request is the tenant's part or the corporation's.
RECLASSIFIABLE_RESPONSIBILITIES = (Responsibility.TENANT, Responsibility.CORPORATION)


class OverrideRefused(ValueError):
    """The override cannot be done; the message is for the person at the console."""


class Reclassified(models.TextChoices):
    """Which part of the wizard's outcome a person changes."""

    RESPONSIBILITY = "responsibility", _lazy("Responsibility")
    URGENCY = "urgency", _lazy("Urgency")
    TRADE = "trade", _lazy("Trade")


@dataclass(frozen=True)
class Reclassification:
    request: RepairRequest
    cancelled_orders: tuple[int, ...] = ()
    new_order: WorkOrder | None = None
    due_by_changed: bool = False


def intake_decision(request: RepairRequest) -> Decision | None:
    """The repair intake decision taken when the request was submitted (the latest, should there be more)."""
    ref = subject_ref(request)
    return (
        Decision.objects.filter(flow=Flow.REPAIR_INTAKE, subject_kind=ref.kind, subject_id=ref.id)
        .order_by("-decided_at", "-id")
        .first()
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise OverrideRefused(_("Say why you override the autopilot."))
    return reason


def _override(request: RepairRequest, by: Any, outcome: str, reason: str) -> Decision:
    decision = intake_decision(request)
    if decision is None:
        raise OverrideRefused(_("This request has no intake decision to override."))
    return helm.decision_override(decision=decision, by=by, outcome=outcome[:60], reason=reason)


def _cancel_order(order: WorkOrder, *, by: Any, now: dt.datetime, because: str) -> None:
    """Cancel one open order (VERA GEA) with its visits: the contractor sees it in their area and the API."""
    before = set_order_status(order, OrderStatus.CANCELLED, now)
    visits = order.appointments.exclude(status=AppointmentStatus.CANCELLED).update(
        status=AppointmentStatus.CANCELLED, cancelled_at=now
    )
    journal.record(
        activity="work_order_cancelled",
        subjects=[order, order.request, tenancy_ref(order.request)],
        actor=by,
        rule_versions=[order.request.wizard_version, order.routing_version],
        occurred_at=now,
        facts={"from": before, "to": order.status, "because": because, "visits_cancelled": visits},
    )


def _open_orders(request: RepairRequest) -> list[WorkOrder]:
    return list(
        WorkOrder.objects.select_for_update()
        .select_related("request__wizard_version", "routing_version")
        .filter(request=request, status__in=list(OPEN_ORDER_STATUSES))
        .order_by("id")
    )


def _check_open(request: RepairRequest) -> None:
    """Open requests can be reclassified, and the tenant's part the wizard handled with advice alone (a
    person may find it is the corporation's after all); a cancelled or finished request cannot."""
    advised = request.status == RequestStatus.HANDLED and request.handling == Handling.TENANT_PART
    if request.status not in OPEN_REQUEST_STATUSES and not advised:
        raise OverrideRefused(_("This request is closed: there is nothing left to change."))


def _check_value(field: str, value: str, request: RepairRequest) -> str:
    if field == Reclassified.RESPONSIBILITY:
        if value not in RECLASSIFIABLE_RESPONSIBILITIES:
            raise OverrideRefused(_("A request is the tenant's part or the corporation's."))
    elif field == Reclassified.URGENCY:
        if value not in Urgency.values:
            raise OverrideRefused(_("Choose one of the urgency classes."))
        if request.responsibility == Responsibility.TENANT:
            raise OverrideRefused(
                _("The tenant's own part has no urgency: reclassify the responsibility first.")
            )
    elif field == Reclassified.TRADE:
        if not vera.is_code(VeraList.TRADE, value):
            raise OverrideRefused(_("%(code)s is not a VERA trade code.") % {"code": value})
    else:
        raise OverrideRefused(_("Only the responsibility, the urgency or the trade can be reclassified."))
    if getattr(request, field) == value:
        raise OverrideRefused(_("The request already has this value."))
    return value


def repair_request_reclassify(
    *, request: RepairRequest, by: Any, field: str, value: str, reason: str, now: dt.datetime | None = None
) -> Reclassification:
    """Change the responsibility, urgency or trade the wizard gave a request, overriding its intake decision.

    - The tenant's part: the open orders are cancelled and the request is handled as the tenant's part.
    - The corporation's part (from the tenant's): with no open order (one booked under the service
      subscription stays), the request goes to the staff queue for a person to order.
    - Another urgency: the open order's due date follows the new class (counted from the submission).
    - Another trade: the open order is cancelled and the routing table's contractor for the new trade gets
      a new one; with no route for it, the request waits in the staff queue for a person to choose.
    """
    reason = _reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(request)
        _check_open(request)
        value = _check_value(field, value, request)
        before = getattr(request, field)
        orders = _open_orders(request)
        cancelled: list[int] = []
        new_order: WorkOrder | None = None
        due_changed = False
        setattr(request, field, value)
        request.save(update_fields=[field])
        if field == Reclassified.RESPONSIBILITY and value == Responsibility.TENANT:
            for order in orders:
                _cancel_order(order, by=by, now=now, because="reclassified")
                cancelled.append(order.pk)
            request.urgency = ""
            request.handling = Handling.TENANT_PART
            set_request_status(request, RequestStatus.HANDLED, now, "urgency", "handling")
        elif field == Reclassified.RESPONSIBILITY:
            if not orders:
                request.handling = Handling.STAFF_QUEUE
                set_request_status(request, RequestStatus.IN_PROGRESS, now, "handling")
        elif field == Reclassified.URGENCY:
            # As `repair_request_order` counts it: from the submission, by the request's class.
            due = request_due_by(request, request.wizard_version, request.submitted_at)
            for order in orders:
                if order.due_by != due:
                    order.due_by = due
                    order.save(update_fields=["due_by"])
                    due_changed = True
        elif orders:
            for order in orders:
                _cancel_order(order, by=by, now=now, because="reclassified")
                cancelled.append(order.pk)
            new_order = _order_or_queue(request, by=by, now=now)
        decision = _override(request, by, f"{field}:{value}", reason)
        journal.record(
            activity="repair_request_reclassified",
            subjects=[request, tenancy_ref(request), decision],
            actor=by,
            rule_versions=[request.wizard_version],
            occurred_at=now,
            facts={
                "field": str(field),
                "from": before or None,
                "to": value,
                "orders_cancelled": len(cancelled),
                "new_order": new_order.pk if new_order else None,
                "due_by_changed": due_changed,
            },
        )
    logger.info("repair_request_reclassified", request_id=request.pk, field=str(field))
    request.refresh_from_db()
    return Reclassification(request, tuple(cancelled), new_order, due_changed)


def _order_or_queue(request: RepairRequest, *, by: Any, now: dt.datetime) -> WorkOrder | None:
    """A new order from the routing table's contractor; when the table has none for the trade, the request
    waits in the staff queue for a person to choose (the reroute form orders it then)."""
    try:
        with transaction.atomic():
            return repair_request_order(request=request, by=by, now=now)
    except (NoRouteError, NoContractorError):
        request.handling = Handling.STAFF_QUEUE
        set_request_status(request, RequestStatus.IN_PROGRESS, now, "handling")
        return None


def contractors_for_trade(trade: str) -> list[Contractor]:
    """The active contractors who do this trade (the choices when rerouting)."""
    return sorted(
        (c for c in Contractor.objects.filter(active=True) if trade and trade in (c.trades or [])),
        key=lambda c: c.name,
    )


def repair_request_reroute(
    *, request: RepairRequest, by: Any, contractor: Contractor, reason: str, now: dt.datetime | None = None
) -> WorkOrder:
    """Give the work to the contractor a person chooses: the open order (if any) is cancelled and replaced
    by a new one for that contractor (`routed_by="person"`), overriding the intake decision."""
    reason = _reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(request)
        if request.status not in OPEN_REQUEST_STATUSES:
            raise OverrideRefused(_("This request is closed: there is no work to give to a contractor."))
        if request.responsibility == Responsibility.TENANT and request.handling != Handling.SUBSCRIPTION:
            raise OverrideRefused(_("This is the tenant's own part: reclassify the responsibility first."))
        contractor = Contractor.objects.get(pk=contractor.pk)
        if not contractor.active or request.trade not in (contractor.trades or []):
            raise OverrideRefused(
                _("%(name)s is not an active contractor for trade %(trade)s.")
                % {"name": contractor.name, "trade": request.trade or "—"}
            )
        orders = _open_orders(request)
        if any(order.contractor_id == contractor.pk for order in orders):
            raise OverrideRefused(_("This contractor has the open order already."))
        for order in orders:
            _cancel_order(order, by=by, now=now, because="rerouted")
        new_order = repair_request_order(request=request, by=by, contractor=contractor, now=now)
        decision = _override(request, by, f"rerouted:{contractor.key}", reason)
        journal.record(
            activity="work_order_rerouted",
            subjects=[new_order, request, tenancy_ref(request), decision],
            actor=by,
            rule_versions=[request.wizard_version, new_order.routing_version],
            occurred_at=now,
            facts={
                "contractor_id": contractor.pk,
                "from_contractor_id": orders[-1].contractor_id if orders else None,
                "replaces": orders[-1].pk if orders else None,
                "trade": new_order.trade,
            },
        )
    logger.info("repair_request_rerouted", request_id=request.pk, order_id=new_order.pk)
    return new_order


# --- hold and release --------------------------------------------------------------------------------


def active_request_holds(request: RepairRequest, now: dt.datetime | None = None) -> list[Hold]:
    """The holds on the request in force now (a hold on its tenancy is not one of them)."""
    ref = subject_ref(request)
    now = now or timezone.now()
    return list(
        Hold.objects.filter(subject_kind=ref.kind, subject_id=ref.id, since__lte=now)
        .filter(Q(released_at__isnull=True) | Q(released_at__gt=now))
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .select_related("held_by")
        .order_by("since", "id")
    )


def repair_request_hold(*, request: RepairRequest, by: Any, reason: str) -> Hold:
    """A person takes the helm of one request: no automated step touches it until released."""
    reason = _reason(reason)
    if active_request_holds(request):
        raise OverrideRefused(_("You already have the helm of this request."))
    return helm.hold_place(subject=request, by=by, reason=reason)


def repair_request_release(*, request: RepairRequest, by: Any) -> list[Hold]:
    """Release every active hold on the request: the autopilot may act on it again."""
    held = active_request_holds(request)
    if not held:
        raise OverrideRefused(_("Nobody has the helm of this request."))
    with transaction.atomic():
        return [helm.hold_release(hold=hold, by=by) for hold in held]


# --- a message to the tenant -------------------------------------------------------------------------


def repair_request_message(
    *, request: RepairRequest, by: Any, text: str, now: dt.datetime | None = None
) -> TenantMessage:
    """Send the tenant a short message about the request: kept on the request (the portal shows it) and
    e-mailed to the tenancy's address through the outbox, as the confirmation is."""
    text = (text or "").strip()
    if not text:
        raise OverrideRefused(_("Write the message."))
    if len(text) > MESSAGE_MAX:
        raise OverrideRefused(_("Keep the message to %(n)d characters.") % {"n": MESSAGE_MAX})
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(request)
        message = TenantMessage.objects.create(request=request, text=text, sent_by=by, created_at=now)
        journal.record(
            activity="tenant_messaged",
            subjects=[request, tenancy_ref(request), message],
            actor=by,
            channel=Channel.PORTAL,
            occurred_at=now,
            facts={"length": len(text)},
        )
        recipients = recipients_of(request)
        if recipients:
            subject, body = message_email_text(message)
            mail_enqueue(
                EmailMessage(
                    subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients
                ),
                key=f"repair-message:{message.pk}",
                on_sent="roer.repairs.overrides.tenant_message_emailed",
                on_sent_args={"message_id": message.pk},
            )
    logger.info("tenant_messaged", request_id=request.pk, message_id=message.pk)
    return message


def message_email_text(message: TenantMessage) -> tuple[str, str]:
    """The subject and body of the e-mail, in Dutch; the staff's text as they wrote it."""
    request = message.request
    with translation.override("nl"):
        subject = _("A message about your repair request %(code)s") % {"code": request.code}
        lines = [
            _("Hello,"),
            "",
            message.text,
            "",
            _("You can also read this message in the portal, with your request %(code)s.")
            % {"code": request.code},
            "",
            _("Kind regards,"),
            _("Your housing corporation"),
        ]
    return subject, "\n".join(str(line) for line in lines)


def tenant_message_emailed(args: dict[str, Any], sent_at: dt.datetime) -> None:
    """The outbox sent the message (its `on_sent` hook): `emailed_at` and the journal say when."""
    message = TenantMessage.objects.select_related("request").get(pk=args["message_id"])
    TenantMessage.objects.filter(pk=message.pk).update(emailed_at=sent_at)
    journal.record(
        activity="tenant_message_emailed",
        subjects=[message.request, tenancy_ref(message.request), message],
        channel=Channel.EMAIL,
        occurred_at=sent_at,
    )
