"""Reads for repairs: the live wizard tree (parsed once per rule version), problem summaries, the live
routing table, and the access helpers for requests and work orders."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from roer.accounts.constants import Role
from roer.core import rules
from roer.core.models import RuleVersion
from roer.repairs.constants import (
    OPEN_ORDER_STATUSES,
    OPEN_REQUEST_STATUSES,
    AppointmentStatus,
    Handling,
    OrderStatus,
)
from roer.repairs.models import Appointment, RepairRequest, WorkOrder
from roer.repairs.routing import KEY as ROUTING_KEY
from roer.repairs.tree import Outcome, Problem, Tree, default_outcome
from roer.repairs.wizard_rules import KEY

# Keyed by the version's id and creation time: a stored version's document never changes, and the time
# guards against an id reused after a rolled-back transaction.
_TREES: dict[tuple[int, str], Tree] = {}
_LOCK = threading.Lock()
_KEEP = 8


def live_wizard() -> tuple[RuleVersion, Tree]:
    """The published wizard version and its parsed tree; the parse is cached per version id."""
    version = rules.live_version(KEY)
    key = (version.pk, version.created_at.isoformat())
    tree = _TREES.get(key)
    if tree is None:
        tree = Tree.from_document(version.document)
        with _LOCK:
            if len(_TREES) >= _KEEP:
                _TREES.clear()
            _TREES[key] = tree
    return version, tree


@dataclass(frozen=True)
class ProblemSummary:
    """A problem with its default outcome (every question at its most common answer)."""

    problem: Problem
    outcome: Outcome
    questions: int
    score: float | None = None

    @property
    def id(self) -> str:
        return self.problem.id

    @property
    def label(self) -> str:
        return self.problem.label


def summarise(tree: Tree, problem: Problem, score: float | None = None) -> ProblemSummary:
    return ProblemSummary(problem, default_outcome(tree, problem.id), len(problem.questions), score)


def problem_summaries(tree: Tree) -> list[ProblemSummary]:
    """Every problem, in the tree's order."""
    return [summarise(tree, p) for p in tree.problems.values()]


# --- contractor routing ----------------------------------------------------------------------


def live_routing() -> RuleVersion:
    """The published `contractor-routing` version (its document is the routing table)."""
    return rules.live_version(ROUTING_KEY)


# --- repair requests: access helpers -----------------------------------------------------------

# Staff who work repair requests: customer service takes phone and desk reports, the process supervisor
# takes over cases, the social manager sees a household's requests when visiting. Finance, collections
# and the administrator have no need to read them.
REPAIR_STAFF_ROLES: tuple[Role, ...] = (Role.CUSTOMER_SERVICE, Role.PROCESS_SUPERVISOR, Role.SOCIAL_MANAGER)


def _signed_in(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def repair_requests_visible_to(user: Any) -> QuerySet[RepairRequest]:
    """Every request this user may see: staff all, a contractor those with an order of theirs, a tenant
    those of their own tenancies (through their person record and its tenancy parties); else none."""
    requests = RepairRequest.objects.all()
    if not _signed_in(user):
        return requests.none()
    if user.has_role(*REPAIR_STAFF_ROLES):
        return requests
    if user.has_role(Role.CONTRACTOR):
        return requests.filter(orders__contractor__user=user).distinct()
    # Anyone else (a tenant) sees only the requests of tenancies they are a party to.
    return requests.filter(tenancy__parties__person__user=user).distinct()


def get_repair_request_for_user(user: Any, request_id: int) -> RepairRequest:
    """The request if this user may see it; else Http404 (whether it exists or not)."""
    found = (
        repair_requests_visible_to(user)
        .select_related("tenancy", "dwelling", "wizard_version__rule_set")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise Http404(_("No such repair request."))
    return found


def get_work_order_for_user(user: Any, order_id: int) -> WorkOrder:
    """A work order for its contractor or repair staff; else Http404."""
    orders = WorkOrder.objects.select_related("request__tenancy", "request__dwelling", "contractor")
    if not _signed_in(user):
        raise Http404(_("No such work order."))
    if user.has_role(*REPAIR_STAFF_ROLES):
        pass
    elif user.has_role(Role.CONTRACTOR):
        orders = orders.filter(contractor__user=user)
    else:
        raise Http404(_("No such work order."))
    found = orders.filter(pk=order_id).first()
    if found is None:
        raise Http404(_("No such work order."))
    return found


def repair_requests_for_tenancy(tenancy_id: int) -> list[RepairRequest]:
    """A tenancy's requests, newest first, with their orders and appointments (for the portal's list)."""
    return list(
        RepairRequest.objects.filter(tenancy_id=tenancy_id).prefetch_related(
            Prefetch("orders", queryset=WorkOrder.objects.select_related("contractor")),
            "orders__appointments",
        )
    )


def staff_queue() -> QuerySet[RepairRequest]:
    """Open requests waiting for a person: the staff queue (manual mode, held tenancy, flagged order) and
    proposals awaiting approval (assist mode), oldest first."""
    return (
        RepairRequest.objects.filter(
            status__in=list(OPEN_REQUEST_STATUSES),
            handling__in=[Handling.STAFF_QUEUE, Handling.AWAITING_APPROVAL],
        )
        .select_related("tenancy", "dwelling")
        .order_by("submitted_at", "id")
    )


def open_orders_for_contractor(contractor_id: int) -> QuerySet[WorkOrder]:
    return (
        WorkOrder.objects.filter(contractor_id=contractor_id, status__in=list(OPEN_ORDER_STATUSES))
        .exclude(status=OrderStatus.AWAITING_APPROVAL)
        .select_related("request__dwelling")
        .order_by("due_by", "id")
    )


def live_appointment(order: WorkOrder) -> Appointment | None:
    return order.appointments.exclude(status=AppointmentStatus.CANCELLED).first()
