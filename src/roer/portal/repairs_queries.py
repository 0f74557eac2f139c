"""Reads the repair pages need that `roer.repairs.selectors` does not have: the signed-in tenant's own
tenancy (scoped to tenancies the user is a party to, through their person record), and a request's status
in plain words with its timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from roer.accounts.models import User
from roer.repairs.constants import Handling, RequestStatus
from roer.repairs.models import Appointment, RepairRequest, SatisfactionResponse, WorkOrder
from roer.tenancies.models import Tenancy


def tenancy_for_tenant(user: User) -> Tenancy:
    """The tenant's current tenancy (the latest one still running); Http404 when they have none."""
    today = timezone.localdate()
    found = (
        Tenancy.objects.filter(parties__person__user=user)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("dwelling")
        .order_by("-start_date", "-id")
        .first()
    )
    if found is None:
        raise Http404(_("We cannot find a tenancy of yours."))
    return found


# --- following a request: the status in plain words and a short timeline ------------------------------


def status_words(repair: RepairRequest, appointment: Appointment | None) -> str:
    """The VERA status of a request as a tenant would say it."""
    status = repair.status
    if status == RequestStatus.REGISTERED:
        return _("We have received your request.")
    if status == RequestStatus.UNDER_REVIEW:
        return _("One of our staff is checking your request.")
    if status == RequestStatus.IN_PROGRESS:
        if repair.handling == Handling.STAFF_QUEUE:
            return _("One of our staff is looking at your request. We will contact you.")
        if appointment is not None:
            return _("A contractor will come for the repair.")
        return _("We have asked a contractor to do the repair. Choose a time for the visit below.")
    if status == RequestStatus.TECHNICALLY_DONE:
        return _("The contractor says the work is done.")
    if status == RequestStatus.FINANCIAL:
        return _("The work is done. We are settling the bill.")
    if status == RequestStatus.HANDLED:
        if repair.handling == Handling.TENANT_PART:
            return _("Handled: this is a small repair you do yourself.")
        return _("Finished.")
    if status == RequestStatus.CANCELLED:
        return _("Cancelled.")
    return str(repair.get_status_display())


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    at: dt.datetime | None
    detail: str = ""

    @property
    def reached(self) -> bool:
        return self.at is not None


def _visit_words(appointment: Appointment) -> str:
    return f"{formats.date_format(appointment.date, 'l j F')}, {appointment.get_part_display()}"


def request_timeline(
    repair: RepairRequest,
    orders: Sequence[WorkOrder],
    appointment: Appointment | None,
    satisfaction: SatisfactionResponse | None,
) -> list[Milestone]:
    """Registered, order issued, visit planned, done, graded — each with its moment once reached. A step
    that was passed by (an emergency has no planned visit) is left out, and so is everything after a
    cancellation."""
    steps = [Milestone("registered", _("Registered"), repair.submitted_at)]
    if repair.handling == Handling.TENANT_PART and not orders:
        steps.append(Milestone("advice", _("Advice given: you repair this yourself"), repair.submitted_at))
    else:
        issued = [o.issued_at for o in orders if o.issued_at]
        done = [o.completed_at for o in orders if o.completed_at]
        steps += [
            Milestone("ordered", _("Order issued to a contractor"), min(issued) if issued else None),
            Milestone(
                "planned",
                _("Visit planned"),
                appointment.created_at if appointment else None,
                _visit_words(appointment) if appointment else "",
            ),
            Milestone("done", _("Work done"), max(done) if done else None),
        ]
    if satisfaction is not None:
        steps.append(Milestone("graded", _("Graded"), satisfaction.answered_at))
        if not satisfaction.fixed:
            steps.append(
                Milestone("reopened", _("Not fixed: our staff look at it again"), satisfaction.answered_at)
            )
    elif repair.status not in (RequestStatus.CANCELLED,):
        steps.append(Milestone("graded", _("Graded"), None))
    if repair.status == RequestStatus.CANCELLED:
        steps = [s for s in steps if s.reached]
        steps.append(Milestone("cancelled", _("Cancelled"), repair.status_changed_at))
    # A step not reached while a later one is: passed by, so not shown.
    last_reached = max((i for i, s in enumerate(steps) if s.reached), default=-1)
    return [s for i, s in enumerate(steps) if s.reached or i > last_reached]
