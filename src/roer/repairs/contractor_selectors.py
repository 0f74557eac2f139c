"""Reads for a contractor's own work: the orders given to them, by VERA code, scoped to that contractor.

Both the API (a contractor by token, perhaps without an account) and the contractors' area (a signed-in
contractor account) come through here: one place that decides what a contractor may see. Another
contractor's order is a 404, whether it exists or not.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from roer.accounts.constants import Role
from roer.repairs.constants import OPEN_ORDER_STATUSES, AppointmentStatus, OrderStatus
from roer.repairs.models import Appointment, Contractor, RepairPhoto, WorkOrder

# `WorkOrder.code`: OO and the id, at least six digits.
ORDER_CODE = re.compile(r"^OO(\d{6,12})$")

# Orders a contractor never sees: registered but not given out, or waiting for a person's approval.
NOT_GIVEN_OUT = (OrderStatus.REGISTERED, OrderStatus.AWAITING_APPROVAL)


def order_pk_from_code(code: str) -> int | None:
    found = ORDER_CODE.match(code or "")
    return int(found.group(1)) if found else None


def contractor_for_user(user: Any) -> Contractor | None:
    """The active contractor a signed-in contractor account works for; None for anyone else (staff too)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if not user.has_role(Role.CONTRACTOR) or user.is_staff_member or user.pk is None:
        return None
    return Contractor.objects.filter(user_id=user.pk, active=True).first()


def orders_for_contractor(
    contractor_id: int, *, status: str | None = None, open_only: bool = False
) -> QuerySet[WorkOrder]:
    """The orders given to this contractor, newest first (open ones by due date with `open_only`), with
    the request, the dwelling and the appointments loaded for a list."""
    orders = (
        WorkOrder.objects.filter(contractor_id=contractor_id)
        .exclude(status__in=NOT_GIVEN_OUT)
        .select_related("request__dwelling", "contractor")
        .prefetch_related(Prefetch("appointments", queryset=Appointment.objects.order_by("id")))
    )
    if status:
        orders = orders.filter(status=status)
    if open_only:
        return orders.filter(status__in=list(OPEN_ORDER_STATUSES)).order_by("due_by", "id")
    return orders.order_by("-id")


def get_order_for_contractor(contractor_id: int, code: str) -> WorkOrder:
    """One order of this contractor by its VERA code (OO000123); else Http404."""
    pk = order_pk_from_code(code)
    found = orders_for_contractor(contractor_id).filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404(_("No such work order."))
    return found


def live_appointment_of(order: WorkOrder) -> Appointment | None:
    """The order's appointment that is not cancelled, from the prefetched list when there is one."""
    return next((a for a in order.appointments.all() if a.status != AppointmentStatus.CANCELLED), None)


def get_photo_for_contractor(contractor_id: int, code: str, photo_id: int) -> RepairPhoto:
    """A photo the tenant sent with the request behind this contractor's order; else Http404."""
    order = get_order_for_contractor(contractor_id, code)
    found = RepairPhoto.objects.filter(pk=photo_id, request_id=order.request_id).first()
    if found is None:
        raise Http404(_("No such photo."))
    return found
