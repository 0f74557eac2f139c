"""Writes for repairs: submitting a request, routing it to a contractor, appointments, cancelling, and the
contractor's side of an order (accept, confirm, report, flag).

Every write runs in one transaction, locks what it changes, saves with `update_fields`, and journals one
event about the request AND the tenancy with the rule versions in force and non-personal facts only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from roer.accounts.constants import Role
from roer.core import helm, journal
from roer.core.constants import ActorKind, Channel, Flow
from roer.core.dates import AMSTERDAM
from roer.core.models import RuleVersion
from roer.core.outbox import mail_enqueue
from roer.core.subjects import SubjectRef
from roer.repairs import routing, scheduling
from roer.repairs.constants import (
    OPEN_ORDER_STATUSES,
    OPEN_REQUEST_STATUSES,
    PHOTOS_PER_REQUEST,
    AppointmentStatus,
    Handling,
    IntakeChannel,
    OrderFlag,
    OrderResult,
    OrderStatus,
    PartOfDay,
    RequestStatus,
    Responsibility,
    RoutedBy,
    Urgency,
    WizardBackTo,
    WizardStep,
)
from roer.repairs.models import Appointment, Contractor, RepairPhoto, RepairRequest, WorkOrder
from roer.repairs.photos import CleanPhoto, photo_accept
from roer.repairs.scheduling import Preference, Slot
from roer.repairs.selectors import live_appointment, live_routing, live_wizard
from roer.repairs.tree import Outcome, problem_outcome
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import Tenancy, TenancyParty

logger = structlog.get_logger(__name__)

DESCRIPTION_MAX = 2000


class RepairRefused(ValueError):
    """The request cannot be taken as a repair request; the message is for the tenant."""


class EmergencyRefused(RepairRefused):
    """An emergency or a third party's problem: call this number now; no request is made."""

    def __init__(self, outcome: Outcome):
        self.outcome = outcome
        self.emergency_number = outcome.emergency_number
        self.advice = outcome.advice
        if outcome.emergency_number:
            message = _("Call %(number)s now. We do not take this as a repair request.") % {
                "number": outcome.emergency_number
            }
        else:
            message = _("This is not for the corporation to repair: %(advice)s") % {
                "advice": outcome.advice or ""
            }
        super().__init__(message)


class NoContractorError(LookupError):
    """The routing table names a contractor key that has no row and cannot be made."""


# --- contractors --------------------------------------------------------------------------------


def contractors_ensure_from_routing(*, version: RuleVersion | None = None) -> list[Contractor]:
    """Create or update a Contractor row for every contractor in the routing table (name, e-mail, trades,
    areas); rows the table no longer names are left alone. Called by `repair_request_submit` when a routed
    key has no row yet, and by the demo."""
    version = version or live_routing()
    document = version.document
    entries = routing.contractors_in(document)
    made: list[Contractor] = []
    with transaction.atomic():
        existing = {c.key: c for c in Contractor.objects.select_for_update().filter(key__in=list(entries))}
        for key, entry in entries.items():
            values = {
                "name": entry.name,
                "email": entry.email,
                "trades": list(entry.trades),
                "areas": routing.areas_of(document, key),
            }
            row = existing.get(key)
            if row is None:
                row = Contractor.objects.create(key=key, **values)
                journal.record(
                    activity="contractor_created",
                    subjects=[row],
                    rule_versions=[version],
                    facts={"key": key, "trades": list(entry.trades)},
                )
            else:
                changed = [name for name, value in values.items() if getattr(row, name) != value]
                for name in changed:
                    setattr(row, name, values[name])
                if changed:
                    row.save(update_fields=changed)
            made.append(row)
    return made


def _contractor_for(key: str, version: RuleVersion) -> Contractor:
    row = Contractor.objects.filter(key=key).first()
    if row is None:
        contractors_ensure_from_routing(version=version)
        row = Contractor.objects.filter(key=key).first()
    if row is None:
        raise NoContractorError(f"contractor-routing names {key!r}, which is not one of its contractors")
    return row


# --- submitting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Routed:
    contractor: Contractor
    matched_by: str
    route_index: int | None


def _route(request: RepairRequest, version: RuleVersion) -> _Routed:
    found = routing.route(
        version.document,
        trade=request.trade or None,
        neighbourhood=request.dwelling.neighbourhood,
        postcode=request.dwelling.postcode,
    )
    return _Routed(_contractor_for(found.contractor, version), found.matched_by, found.route_index)


def _is_tenant_actor(user: Any) -> bool:
    return user is not None and getattr(user, "journal_actor_kind", "") == ActorKind.TENANT


def _clean_photos(photos: Sequence[IO[bytes] | bytes | CleanPhoto]) -> list[CleanPhoto]:
    if len(photos) > PHOTOS_PER_REQUEST:
        raise RepairRefused(_("Add at most %(n)d photos.") % {"n": PHOTOS_PER_REQUEST})
    return [p if isinstance(p, CleanPhoto) else photo_accept(p) for p in photos]


def _facts(request: RepairRequest, **more: Any) -> dict[str, Any]:
    """The non-personal facts of a request for the journal: codes, never the description."""
    return {
        "problem_id": request.problem_id,
        "responsibility": request.responsibility,
        "urgency": request.urgency or None,
        "trade": request.trade or None,
        "status": request.status,
        **more,
    }


def repair_request_submit(
    *,
    tenancy: Tenancy,
    by: Any,
    problem_id: str,
    answers: Mapping[str, str],
    description: str = "",
    preferred: Preference | None = None,
    photos: Sequence[IO[bytes] | bytes | CleanPhoto] = (),
    channel: IntakeChannel | str = IntakeChannel.PORTAL,
    idempotency_key: str,
    wizard_session: str | None = None,
    now: dt.datetime | None = None,
) -> RepairRequest:
    """Take a repair request. The outcome comes from the live wizard tree for these answers:

    - an emergency number or a third party's part: `EmergencyRefused`, no request;
    - the tenant's part: a request (status AFG, advice given) without an order — unless the tenancy has a
      service subscription and the outcome is covered by it: then it is ordered anyway;
    - the corporation's part: a work order for the contractor the live `contractor-routing` table names,
      due by the urgency — unless the helm says otherwise: manual mode or a hold on the tenancy puts the
      request in the staff queue (INB, no order); assist mode proposes the order (WOG) for a person.

    The same `idempotency_key` (a double-submitted form) returns the request made the first time.
    `wizard_session` (the portal's id of this run of the wizard) goes in the journal event, so the funnel
    ties the submission to the wizard steps before it.
    """
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValueError("an idempotency key of 1 to 64 characters is required")
    existing = RepairRequest.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.tenancy_id != tenancy.pk:
            raise ValueError("this idempotency key belongs to another tenancy's request")
        return existing
    channel = IntakeChannel(channel)
    if _is_tenant_actor(by) and not TenancyParty.objects.filter(tenancy=tenancy, person__user=by).exists():
        raise PermissionDenied("a tenant reports repairs for their own tenancy only")
    wizard_session = _check_wizard_session(wizard_session)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise RepairRefused(_("Describe the problem in at most %(n)d characters.") % {"n": DESCRIPTION_MAX})
    now = now or timezone.now()
    wizard_version, tree = live_wizard()
    outcome = problem_outcome(tree, problem_id, dict(answers))
    if outcome.emergency_number or outcome.responsibility == Responsibility.THIRD_PARTY:
        journal.record(
            activity="repair_request_refused",
            subjects=[tenancy],
            actor=by,
            channel=channel,
            rule_versions=[wizard_version],
            occurred_at=now,
            facts={
                "problem_id": problem_id,
                "responsibility": outcome.responsibility,
                "emergency_number": outcome.emergency_number,
                **({"wizard_session": wizard_session} if wizard_session else {}),
            },
        )
        raise EmergencyRefused(outcome)
    cleaned = _clean_photos(photos)
    preferred = preferred or Preference()
    try:
        with transaction.atomic():
            request = _submit(
                tenancy=tenancy,
                by=by,
                outcome=outcome,
                answers=dict(outcome.answers),
                description=description,
                preferred=preferred,
                photos=cleaned,
                channel=channel,
                idempotency_key=idempotency_key,
                wizard_version=wizard_version,
                wizard_session=wizard_session,
                now=now,
            )
    except IntegrityError:
        # The same form came in twice at once: the other submission won.
        existing = RepairRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return request


def _submit(
    *,
    tenancy: Tenancy,
    by: Any,
    outcome: Outcome,
    answers: dict[str, str],
    description: str,
    preferred: Preference,
    photos: list[CleanPhoto],
    channel: IntakeChannel,
    idempotency_key: str,
    wizard_version: RuleVersion,
    wizard_session: str | None,
    now: dt.datetime,
) -> RepairRequest:
    tenancy = Tenancy.objects.select_for_update().select_related("dwelling").get(pk=tenancy.pk)
    request = RepairRequest.objects.create(
        tenancy=tenancy,
        dwelling=tenancy.dwelling,
        problem_id=outcome.problem_id,
        answers=answers,
        responsibility=outcome.responsibility,
        urgency=outcome.urgency or "",
        working_days=outcome.working_days,
        trade=outcome.trade or "",
        defect_soort=outcome.defect_soort or "",
        defect_locatie=outcome.defect_locatie or "",
        clause=outcome.clause or "",
        wizard_version=wizard_version,
        channel=channel,
        status=RequestStatus.REGISTERED,
        handling=Handling.STAFF_QUEUE,
        description=description,
        preferred_weekdays=sorted(preferred.weekdays),
        preferred_part=preferred.part or "",
        submitted_at=now,
        submitted_by=by,
        idempotency_key=idempotency_key,
        status_changed_at=now,
    )
    for photo in photos:
        RepairPhoto.objects.create(
            request=request, image=ContentFile(photo.content, name="photo.jpg"), uploaded_at=now
        )
    subscription = (
        outcome.responsibility == Responsibility.TENANT
        and tenancy.service_subscription
        and outcome.covered_by_service_subscription
    )
    needs_order = outcome.responsibility == Responsibility.CORPORATION or subscription
    verdict = helm.verdict_for(flow=Flow.REPAIR_INTAKE, subject=tenancy, now=now)
    order: WorkOrder | None = None
    routed: _Routed | None = None
    routing_version: RuleVersion | None = None
    if not needs_order:
        handling, status = Handling.TENANT_PART, RequestStatus.HANDLED
    elif not verdict.propose:
        handling, status = Handling.STAFF_QUEUE, RequestStatus.IN_PROGRESS
    else:
        routing_version = live_routing()
        routed = _route(request, routing_version)
        if verdict.act:
            handling = Handling.SUBSCRIPTION if subscription else Handling.ORDERED
            status, order_status = RequestStatus.IN_PROGRESS, OrderStatus.ISSUED
        else:
            handling, status, order_status = (
                Handling.AWAITING_APPROVAL,
                RequestStatus.UNDER_REVIEW,
                OrderStatus.AWAITING_APPROVAL,
            )
        order = WorkOrder.objects.create(
            request=request,
            contractor=routed.contractor,
            trade=request.trade,
            status=order_status,
            due_by=request_due_by(request, wizard_version, now),
            routing_version=routing_version,
            routed_by=routed.matched_by,
            created_at=now,
            issued_at=now if order_status == OrderStatus.ISSUED else None,
            status_changed_at=now,
        )
    request.handling = handling
    request.status = status
    request.save(update_fields=["handling", "status"])
    versions = [wizard_version, *([routing_version] if routing_version else [])]
    helm.decision_record(
        flow=Flow.REPAIR_INTAKE,
        subject=request,
        outcome=handling,
        reasons=[str(verdict.reason)],
        inputs={
            "problem_id": request.problem_id,
            "responsibility": request.responsibility,
            "urgency": request.urgency or None,
            "trade": request.trade or None,
            "service_subscription": tenancy.service_subscription,
            "routing_version": routing_version.number if routing_version else None,
        },
        rule_version=wizard_version,
        decided_at=now,
    )
    journal.record(
        activity="repair_request_submitted",
        subjects=[request, tenancy],
        actor=by,
        channel=channel,
        rule_versions=versions,
        occurred_at=now,
        facts=_facts(
            request,
            handling=handling,
            defect_soort=request.defect_soort or None,
            defect_locatie=request.defect_locatie or None,
            clause=request.clause or None,
            answers=len(answers),
            photos=len(photos),
            has_description=bool(description),
            preferred_weekdays=sorted(preferred.weekdays),
            preferred_part=preferred.part,
            **({"wizard_session": wizard_session} if wizard_session else {}),
        ),
    )
    if order is not None and routed is not None:
        journal.record(
            activity="work_order_created",
            subjects=[order, request, tenancy],
            rule_versions=versions,
            occurred_at=now,
            facts={
                "contractor_id": routed.contractor.pk,
                "trade": order.trade,
                "status": order.status,
                "routed_by": routed.matched_by,
                "route_index": routed.route_index,
                "due_by": order.due_by.isoformat() if order.due_by else None,
            },
        )
    _queue_confirmation(request.pk)
    logger.info("repair_request_submitted", request_id=request.pk, handling=handling, status=status)
    return request


def request_due_by(
    request: RepairRequest, wizard_version: RuleVersion, now: dt.datetime
) -> dt.datetime | None:
    """By the request's urgency; a tenant's part booked under the subscription counts as normal."""
    normal_days = int(wizard_version.document.get("normal_working_days", 5))
    return scheduling.due_by(
        urgency=request.urgency or Urgency.NORMAL,
        working_days=request.working_days or normal_days,
        submitted_at=now,
    )


# --- the confirmation e-mail ------------------------------------------------------------------------


def recipients_of(request: RepairRequest) -> list[str]:
    submitter = request.submitted_by
    if submitter is not None and _is_tenant_actor(submitter) and submitter.email:
        return [submitter.email]
    parties = TenancyParty.objects.filter(
        tenancy_id=request.tenancy_id, role=PartyRole.TENANT
    ).select_related("person")
    return sorted({p.person.email for p in parties if p.person.email})


def confirmation_text(request: RepairRequest) -> tuple[str, str]:
    """The subject and body of the confirmation, in plain Dutch (B1)."""
    _version, tree = live_wizard()
    try:
        label = tree.problem(request.problem_id).label
    except LookupError:
        label = request.problem_id
    with translation.override("nl"):
        subject = _("We have received your repair request %(code)s") % {"code": request.code}
        lines = [
            _("Hello,"),
            "",
            _("We have received your repair request. Thank you."),
            _("Your request: %(problem)s") % {"problem": label},
            _("Number: %(code)s") % {"code": request.code},
            "",
        ]
        if request.handling == Handling.TENANT_PART:
            lines.append(_("This repair is your own part, as the law says (Besluit kleine herstellingen)."))
            lines.append(_("You can find tips in the portal."))
        elif request.handling in (Handling.ORDERED, Handling.SUBSCRIPTION):
            lines.append(_("We have asked a contractor to do the repair."))
            lines.append(_("In the portal you can choose a day and a time for the visit."))
        else:
            lines.append(_("One of our staff will look at your request. We will contact you."))
        lines += [
            "",
            _("You can see the status of your request in the portal at any time."),
            _("Do you smell gas, or is there danger? Call 0800-9009 or 112 at once."),
            "",
            _("Kind regards,"),
            _("Your housing corporation"),
        ]
    return subject, "\n".join(str(line) for line in lines)


def _queue_confirmation(request_id: int) -> None:
    """In the submission's transaction: the confirmation goes through the outbox, sent after the commit."""
    request = RepairRequest.objects.select_related("submitted_by").get(pk=request_id)
    recipients = recipients_of(request)
    if not recipients:
        return
    subject, body = confirmation_text(request)
    mail_enqueue(
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients),
        key=f"repair-confirmation:{request.pk}",
        on_sent="roer.repairs.services.confirmation_sent",
        on_sent_args={"request_id": request.pk},
    )


def confirmation_sent(args: dict[str, Any], sent_at: dt.datetime) -> None:
    """The outbox sent the confirmation: record when (the outbox's `on_sent` hook)."""
    request = RepairRequest.objects.get(pk=args["request_id"])
    RepairRequest.objects.filter(pk=request.pk).update(confirmation_sent_at=sent_at)
    journal.record(
        activity="repair_request_confirmation_sent",
        subjects=[request, tenancy_ref(request)],
        channel=Channel.EMAIL,
        occurred_at=sent_at,
    )


def _ask_satisfaction(request_id: int) -> None:
    """In a DONE report's transaction: queue the e-mail with the link to grade the repair. A failure to
    queue it is logged, not raised (in a savepoint): the contractor's report is stored, and the tenant can
    grade in the portal."""
    # Imported here: `satisfaction` builds on this module's helpers.
    from roer.repairs.satisfaction import satisfaction_ask

    try:
        with transaction.atomic():
            satisfaction_ask(request_id=request_id)
    except Exception:
        logger.exception("satisfaction_ask_failed", request_id=request_id)


def tenancy_ref(request: RepairRequest) -> SubjectRef:
    """The request's tenancy as a journal subject, without loading its row."""
    return SubjectRef(kind="tenancies.tenancy", id=str(request.tenancy_id))


# --- a person handles the queue -------------------------------------------------------------------


def lock_request(request: RepairRequest) -> RepairRequest:
    return RepairRequest.objects.select_for_update().select_related("dwelling").get(pk=request.pk)


def _lock_order(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.select_for_update().select_related("request", "contractor").get(pk=order.pk)


def set_request_status(request: RepairRequest, status: str, now: dt.datetime, *more: str) -> str:
    before = request.status
    request.status = status
    request.status_changed_at = now
    request.save(update_fields=["status", "status_changed_at", *more])
    return before


def set_order_status(order: WorkOrder, status: str, now: dt.datetime, *more: str) -> str:
    before = order.status
    order.status = status
    order.status_changed_at = now
    order.save(update_fields=["status", "status_changed_at", *more])
    return before


def _order_versions(order: WorkOrder) -> list[RuleVersion]:
    return [order.request.wizard_version, order.routing_version]


def work_order_approve(*, order: WorkOrder, by: Any, now: dt.datetime | None = None) -> WorkOrder:
    """A person approves the order the autopilot proposed in assist mode: it goes to the contractor."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _lock_order(order)
        if order.status != OrderStatus.AWAITING_APPROVAL:
            raise ValueError(f"only an order awaiting approval can be approved, not one in {order.status}")
        request = lock_request(order.request)
        order.issued_at = now
        before = set_order_status(order, OrderStatus.ISSUED, now, "issued_at")
        request.handling = Handling.ORDERED
        request_before = set_request_status(request, RequestStatus.IN_PROGRESS, now, "handling")
        journal.record(
            activity="work_order_approved",
            subjects=[order, request, tenancy_ref(request)],
            actor=by,
            rule_versions=[request.wizard_version, order.routing_version],
            occurred_at=now,
            facts={
                "from": before,
                "to": order.status,
                "request_from": request_before,
                "request_to": request.status,
            },
        )
    return order


def repair_request_order(
    *, request: RepairRequest, by: Any, contractor: Contractor | None = None, now: dt.datetime | None = None
) -> WorkOrder:
    """A person orders the work for a request from the staff queue: from the contractor the routing table
    names, or from the one they pick (the order then says `routed_by="person"`)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(request)
        if request.status not in OPEN_REQUEST_STATUSES:
            raise ValueError(f"request {request.pk} is {request.status}: nothing to order")
        if request.orders.filter(status__in=list(OPEN_ORDER_STATUSES)).exists():
            raise ValueError(f"request {request.pk} has an open order already")
        if not request.trade:
            raise ValueError(f"request {request.pk} names no trade; pick one first")
        routing_version = live_routing()
        if contractor is None:
            routed = _route(request, routing_version)
            contractor, matched_by = routed.contractor, routed.matched_by
        else:
            matched_by = RoutedBy.PERSON
        order = WorkOrder.objects.create(
            request=request,
            contractor=contractor,
            trade=request.trade,
            status=OrderStatus.ISSUED,
            due_by=request_due_by(request, request.wizard_version, request.submitted_at),
            routing_version=routing_version,
            routed_by=matched_by,
            created_at=now,
            issued_at=now,
            status_changed_at=now,
        )
        request.handling = Handling.ORDERED
        before = set_request_status(request, RequestStatus.IN_PROGRESS, now, "handling")
        journal.record(
            activity="work_order_created",
            subjects=[order, request, tenancy_ref(request)],
            actor=by,
            rule_versions=[request.wizard_version, routing_version],
            occurred_at=now,
            facts={
                "contractor_id": contractor.pk,
                "trade": order.trade,
                "status": order.status,
                "routed_by": matched_by,
                "request_from": before,
                "request_to": request.status,
                "due_by": order.due_by.isoformat() if order.due_by else None,
            },
        )
    return order


# --- appointments -----------------------------------------------------------------------------------


def _preference(request: RepairRequest) -> Preference:
    return Preference.from_stored(request.preferred_weekdays, request.preferred_part)


def appointment_slots(*, order: WorkOrder, start: dt.datetime | dt.date, days: int = 10) -> list[Slot]:
    """(date, part of day) slots for an order: working days only (no weekends, no Dutch public holidays),
    beginning before the order's due date, narrowed to the tenant's preferred days and part of the day
    where that leaves any. An emergency order gets none: the contractor comes the same day."""
    if order.status not in OPEN_ORDER_STATUSES or order.request.urgency == "emergency":
        return []
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time.min, tzinfo=AMSTERDAM)
    return scheduling.slots(start=start, days=days, due=order.due_by, preference=_preference(order.request))


def _check_slot(order: WorkOrder, day: dt.date, part: str, now: dt.datetime) -> None:
    part = PartOfDay(part)
    horizon = (
        max(30, (order.due_by.astimezone(AMSTERDAM).date() - now.date()).days + 1) if order.due_by else 30
    )
    possible = scheduling.slots(start=now, days=horizon, due=order.due_by)
    if (day, part.value) not in possible:
        raise RepairRefused(_("This time is not available. Choose one of the times offered."))


def appointment_book(
    *,
    order: WorkOrder,
    date: dt.date,
    part: PartOfDay | str,
    by: Any,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book a slot for an order: proposed (the tenant chose it; the contractor confirms), or confirmed at
    once when the contractor books it. A live appointment of the order is cancelled first (journaled as
    `appointment_rescheduled`; the tenant's own move goes through `repair_request_reschedule`)."""
    return _book(order=order, date=date, part=part, by=by, now=now or timezone.now(), reschedule=False)


def _book(
    *,
    order: WorkOrder,
    date: dt.date,
    part: PartOfDay | str,
    by: Any,
    now: dt.datetime,
    reschedule: bool,
) -> Appointment:
    with transaction.atomic():
        order = _lock_order(order)
        if order.status not in OPEN_ORDER_STATUSES or order.status == OrderStatus.AWAITING_APPROVAL:
            raise RepairRefused(_("This order cannot be planned now."))
        previous = live_appointment(order)
        if reschedule and previous is None:
            raise RepairRefused(_("There is no visit to move for this request."))
        _check_slot(order, date, str(part), now)
        previous_status = previous.status if previous is not None else None
        if previous is not None:
            previous.status = AppointmentStatus.CANCELLED
            previous.cancelled_at = now
            previous.save(update_fields=["status", "cancelled_at"])
        by_contractor = getattr(by, "journal_actor_kind", "") == ActorKind.CONTRACTOR
        appointment = Appointment.objects.create(
            order=order,
            date=date,
            part=PartOfDay(part),
            status=AppointmentStatus.CONFIRMED if by_contractor else AppointmentStatus.PROPOSED,
            created_at=now,
            confirmed_at=now if by_contractor else None,
        )
        if by_contractor:
            set_order_status(order, OrderStatus.PLANNED, now)
        if reschedule:
            activity = "repair_request_rescheduled"
        else:
            activity = "appointment_booked" if previous is None else "appointment_rescheduled"
        facts: dict[str, Any] = {
            "date": date.isoformat(),
            "part": str(PartOfDay(part).value),
            "status": appointment.status,
            "replaces": previous.pk if previous else None,
            "days_before_due": (order.due_by.astimezone(AMSTERDAM).date() - date).days
            if order.due_by
            else None,
        }
        if previous is not None:
            facts["previous_date"] = previous.date.isoformat()
            facts["previous_part"] = previous.part
            facts["previous_status"] = previous_status
        journal.record(
            activity=activity,
            subjects=[appointment, order, order.request, tenancy_ref(order.request)],
            actor=by,
            rule_versions=_order_versions(order),
            occurred_at=now,
            facts=facts,
        )
    return appointment


def appointment_confirm(*, appointment: Appointment, by: Any, now: dt.datetime | None = None) -> Appointment:
    """The contractor confirms a proposed appointment; the order is planned (VERA PLN)."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.status != AppointmentStatus.PROPOSED:
            raise ValueError(f"only a proposed appointment can be confirmed, not a {appointment.status} one")
        order = _lock_order(appointment.order)
        appointment.status = AppointmentStatus.CONFIRMED
        appointment.confirmed_at = now
        appointment.save(update_fields=["status", "confirmed_at"])
        before = set_order_status(order, OrderStatus.PLANNED, now)
        journal.record(
            activity="appointment_confirmed",
            subjects=[appointment, order, order.request, tenancy_ref(order.request)],
            actor=by,
            rule_versions=_order_versions(order),
            occurred_at=now,
            facts={
                "date": appointment.date.isoformat(),
                "part": appointment.part,
                "from": before,
                "to": order.status,
            },
        )
    return appointment


def _open_order(request: RepairRequest) -> WorkOrder | None:
    return request.orders.filter(status__in=list(OPEN_ORDER_STATUSES)).order_by("-id").first()


def repair_request_reschedule(
    *,
    request: RepairRequest,
    by: Any,
    date: dt.date,
    part: PartOfDay | str,
    order: WorkOrder | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """The tenant (or staff) moves the planned visit to another slot: the live appointment is cancelled and
    the new one is proposed to the contractor. Journaled as `repair_request_rescheduled` — apart from a
    first booking (`appointment_booked`) — with the old and the new date. `order` defaults to the request's
    open order; with no live appointment there is nothing to move (`RepairRefused`)."""
    if order is None:
        order = _open_order(request)
    elif order.request_id != request.pk:
        raise ValueError(f"work order {order.pk} is not an order of request {request.pk}")
    if order is None:
        raise RepairRefused(_("There is no visit to move for this request."))
    return _book(order=order, date=date, part=part, by=by, now=now or timezone.now(), reschedule=True)


def repair_request_cancel(
    *, request: RepairRequest, by: Any, reason: str, now: dt.datetime | None = None
) -> RepairRequest:
    """Cancel a request (VERA GEA) with its open orders and appointments. The reason is free text: it stays
    on the request, not in the journal."""
    if not reason.strip():
        raise ValueError(_("Say why the request is cancelled."))
    now = now or timezone.now()
    with transaction.atomic():
        request = lock_request(request)
        if request.status not in OPEN_REQUEST_STATUSES:
            raise RepairRefused(_("This request can no longer be cancelled."))
        cancelled_orders = []
        for order in WorkOrder.objects.select_for_update().filter(
            request=request, status__in=list(OPEN_ORDER_STATUSES)
        ):
            set_order_status(order, OrderStatus.CANCELLED, now)
            order.appointments.exclude(status=AppointmentStatus.CANCELLED).update(
                status=AppointmentStatus.CANCELLED, cancelled_at=now
            )
            cancelled_orders.append(order.pk)
        request.cancelled_reason = reason.strip()
        before = set_request_status(request, RequestStatus.CANCELLED, now, "cancelled_reason")
        journal.record(
            activity="repair_request_cancelled",
            subjects=[request, tenancy_ref(request)],
            actor=by,
            rule_versions=[request.wizard_version],
            occurred_at=now,
            facts={"from": before, "to": request.status, "orders_cancelled": len(cancelled_orders)},
        )
    return request


# --- the contractor's side ------------------------------------------------------------------------------


def _check_contractor(order: WorkOrder, by: Any) -> None:
    """A contractor acts only on their own orders; staff may act for them."""
    is_contractor = by is not None and by.has_role(Role.CONTRACTOR) and not by.is_staff_member
    if is_contractor and order.contractor.user_id != by.pk:
        raise PermissionDenied("not this contractor's order")


def work_order_accept(*, order: WorkOrder, by: Any, now: dt.datetime | None = None) -> WorkOrder:
    """The contractor takes the order on (it stays VERA GUN until an appointment is planned)."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _lock_order(order)
        _check_contractor(order, by)
        if order.status not in (OrderStatus.ISSUED, OrderStatus.PLANNED):
            raise ValueError(f"an order in {order.status} cannot be accepted")
        if order.accepted_at is None:
            order.accepted_at = now
            order.save(update_fields=["accepted_at"])
            journal.record(
                activity="work_order_accepted",
                subjects=[order, order.request, tenancy_ref(order.request)],
                actor=by,
                rule_versions=_order_versions(order),
                occurred_at=now,
                facts={"status": order.status},
            )
    return order


def work_order_report(
    *, order: WorkOrder, by: Any, result: OrderResult | str, remark: str = "", now: dt.datetime | None = None
) -> WorkOrder:
    """The contractor reports the work done (order and request VERA TEC) or not done (the visit is cancelled,
    the order waits for a new appointment)."""
    result = OrderResult(result)
    now = now or timezone.now()
    with transaction.atomic():
        order = _lock_order(order)
        _check_contractor(order, by)
        if order.status not in OPEN_ORDER_STATUSES or order.status == OrderStatus.AWAITING_APPROVAL:
            raise ValueError(f"an order in {order.status} cannot be reported on")
        request = lock_request(order.request)
        order.result = result
        order.remark = remark.strip()
        visit = live_appointment(order)
        if result == OrderResult.DONE:
            order.completed_at = now
            before = set_order_status(
                order, OrderStatus.TECHNICALLY_DONE, now, "result", "remark", "completed_at"
            )
            request_before = set_request_status(request, RequestStatus.TECHNICALLY_DONE, now)
            # Through the outbox, after the commit: the e-mail with the link to grade the repair (once).
            _ask_satisfaction(request.pk)
        else:
            if visit is not None:
                visit.status = AppointmentStatus.CANCELLED
                visit.cancelled_at = now
                visit.save(update_fields=["status", "cancelled_at"])
            before = set_order_status(order, OrderStatus.ISSUED, now, "result", "remark")
            request_before = request.status
        journal.record(
            activity="work_order_reported",
            subjects=[order, request, tenancy_ref(request)],
            actor=by,
            rule_versions=_order_versions(order),
            occurred_at=now,
            facts={
                "result": result.value,
                "from": before,
                "to": order.status,
                "request_from": request_before,
                "request_to": request.status,
                "late": bool(order.due_by and now > order.due_by),
                "has_remark": bool(order.remark),
            },
        )
    return order


def work_order_flag(
    *, order: WorkOrder, by: Any, flag: OrderFlag | str, remark: str = "", now: dt.datetime | None = None
) -> WorkOrder:
    """The contractor flags a wrong order — the supervisor's measure of wrong follow-up actions.

    Could not get in: the visit is cancelled and the order waits for a new appointment. Wrong trade, the
    tenant's own part, or another contractor needed: the order is cancelled (VERA GEA) and the request goes
    to the staff queue for a person to decide."""
    flag = OrderFlag(flag)
    now = now or timezone.now()
    with transaction.atomic():
        order = _lock_order(order)
        _check_contractor(order, by)
        if order.status not in OPEN_ORDER_STATUSES:
            raise ValueError(f"an order in {order.status} cannot be flagged")
        request = lock_request(order.request)
        order.flag = flag
        order.flagged_at = now
        order.remark = remark.strip()
        order.appointments.exclude(status=AppointmentStatus.CANCELLED).update(
            status=AppointmentStatus.CANCELLED, cancelled_at=now
        )
        request_before = request.status
        if flag == OrderFlag.NO_ACCESS:
            before = set_order_status(order, OrderStatus.ISSUED, now, "flag", "flagged_at", "remark")
        else:
            before = set_order_status(order, OrderStatus.CANCELLED, now, "flag", "flagged_at", "remark")
            request.handling = Handling.STAFF_QUEUE
            set_request_status(request, RequestStatus.IN_PROGRESS, now, "handling")
        journal.record(
            activity="work_order_flagged",
            subjects=[order, request, tenancy_ref(request)],
            actor=by,
            rule_versions=_order_versions(order),
            occurred_at=now,
            facts={
                "flag": flag.value,
                "from": before,
                "to": order.status,
                "request_from": request_before,
                "request_to": request.status,
                "problem_id": request.problem_id,
                "trade": order.trade,
                "has_remark": bool(order.remark),
            },
        )
    return order


WIZARD_SESSION_PATTERN = re.compile(r"[0-9a-f]{32}")


def _check_wizard_session(wizard_session: str | None) -> str | None:
    """A wizard run's id is 32 random hex digits (uuid4): nothing about the person, so it may go in the
    journal; anything else is refused rather than stored."""
    if not wizard_session:
        return None
    if not WIZARD_SESSION_PATTERN.fullmatch(wizard_session):
        raise ValueError("a wizard session id is 32 lowercase hex digits")
    return wizard_session


def wizard_step_record(
    *,
    by: Any,
    tenancy: Tenancy | None,
    step: WizardStep | str,
    problem_id: str | None = None,
    matched: bool | None = None,
    responsibility: str | None = None,
    wizard_session: str | None = None,
    back_to: WizardBackTo | str | None = None,
    from_step: WizardStep | str | None = None,
    offered_form: bool | None = None,
) -> None:
    """Journal a step of the repair wizard (`wizard_step`) with the tree version in force. What the tenant
    typed stays out of the journal: a search records only whether it found something and the best match.

    `wizard_session` ties the steps of one run of the wizard together (and to `repair_request_submitted`);
    `back` says where the tenant went back to (`back_to`: search or questions) and from which step;
    `outcome_shown` says whether the outcome offered the request form (no form: advice or an emergency
    number ended the run). `submitted` is the `repair_request_submitted` event and `abandoned` is recorded
    by `wizard_sessions.wizard_abandons_record`: neither is journaled here."""
    step = WizardStep(step)
    if step in (WizardStep.SUBMITTED, WizardStep.ABANDONED):
        raise ValueError(f"the {step.value} step is not journaled by wizard_step_record")
    if step == WizardStep.BACK and not back_to:
        raise ValueError("a back step says where it went back to")
    version, _tree = live_wizard()
    facts: dict[str, Any] = {"step": step.value, "problem": problem_id}
    if matched is not None:
        facts["matched"] = matched
    if responsibility is not None:
        facts["responsibility"] = responsibility
    if offered_form is not None:
        facts["offered_form"] = offered_form
    if step == WizardStep.BACK and back_to:
        facts["to"] = WizardBackTo(back_to).value
        facts["from_step"] = WizardStep(from_step).value if from_step else None
    session = _check_wizard_session(wizard_session)
    if session:
        facts["wizard_session"] = session
    journal.record(
        activity="wizard_step",
        subjects=[by] if tenancy is None else [tenancy, by],
        actor=by,
        channel=Channel.PORTAL,
        rule_versions=[version],
        facts=facts,
    )
