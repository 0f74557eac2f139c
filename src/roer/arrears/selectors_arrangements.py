"""Reads for payment arrangements, early warning and bailiff proposals.

These gather the plain facts the pure rules in `roer.arrears.services.arrangements` and
`roer.arrears.services.early_warning` decide on, and the lists the portal and the console show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet

from roer.arrears.constants import ArrangementStatus, BailiffProposalStatus
from roer.arrears.history import (
    BalanceLine,
    LedgerMovement,
    month_records,
    on_time_streak,
)
from roer.arrears.models import Arrangement, BailiffProposal, EarlyWarningSignal, Episode, Instalment
from roer.arrears.policy import Policy
from roer.casework import selectors as casework_selectors
from roer.core import helm
from roer.core.constants import Flow
from roer.core.money import ZERO, euros
from roer.ledger import selectors as ledger_selectors
from roer.tenancies.constants import PartyRole
from roer.tenancies.selectors import rent_valid_on

if TYPE_CHECKING:
    from roer.arrears.services.arrangements import ArrangementOptions, SelfServiceFacts
    from roer.tenancies.models import Person, Tenancy

# Arrangements that actually ran (or run): a request that was never approved does not count as one.
RAN_STATUSES = (
    ArrangementStatus.ACTIVE,
    ArrangementStatus.ENDED,
    ArrangementStatus.CANCELLED,
    ArrangementStatus.FROZEN,
)
# A request waiting for a person, or a running arrangement: a second one is not proposed beside it.
OPEN_STATUSES = (ArrangementStatus.REQUESTED, ArrangementStatus.ACTIVE, ArrangementStatus.FROZEN)


# --- tenancy facts ---------------------------------------------------------------------------------


def open_episode(tenancy_id: int) -> Episode | None:
    return Episode.objects.filter(tenancy_id=tenancy_id, closed_on__isnull=True).first()


def monthly_rent_on(tenancy: Tenancy, day: dt.date) -> Decimal:
    rent = rent_valid_on(list(tenancy.rents.all()), day)
    return euros(rent.gross_rent) if rent is not None else ZERO


def main_tenant(tenancy: Tenancy) -> Person | None:
    party = tenancy.parties.filter(role=PartyRole.TENANT).select_related("person").order_by("id").first()
    return party.person if party is not None else None


def is_party_user(tenancy: Tenancy, user: Any) -> bool:
    """Whether this user is a tenant (or co-tenant) of the tenancy."""
    if user is None or getattr(user, "pk", None) is None:
        return False
    return tenancy.parties.filter(person__user_id=user.pk).exists()


def debt_measure_applies(tenancy: Tenancy, day: dt.date) -> bool:
    return any(measure.applies_on(day) for measure in tenancy.debt_measures.all())


def hold_active(tenancy: Tenancy, moment: dt.datetime) -> bool:
    return any(hold.active_at(moment) for hold in helm.holds_on(tenancy))


def arrears_on(tenancy_id: int, day: dt.date) -> Decimal:
    """What is owed and unpaid at the end of `day` (rent, returned debits and costs; never negative)."""
    return euros(ledger_selectors.allocation_on(tenancy_id=tenancy_id, day=day).arrears)


def _movements(tenancy_id: int, until: dt.date) -> list[LedgerMovement]:
    return [
        LedgerMovement(
            date=entry.date,
            amount=entry.amount,
            kind=entry.kind,
            method=entry.method,
            return_reason=entry.return_reason,
        )
        for entry in ledger_selectors.entries_of(tenancy_id=tenancy_id, until=until)
    ]


def on_time_months_before_arrears(tenancy_id: int, as_of: dt.date, policy: Policy) -> int:
    """Months in a row paid on time before the month the current arrears began in (as the ledger shows).

    The month the arrears began in is left out: its rent is part of these arrears, not of the record before.
    Without arrears, the streak up to the last month that closed.
    """
    movements = _movements(tenancy_id, as_of)
    records = month_records(
        movements, BalanceLine(movements), as_of=as_of, negligible=policy.negligible_amount
    )
    oldest = ledger_selectors.allocation_on(tenancy_id=tenancy_id, day=as_of).oldest_open
    if oldest is not None:
        dues = [r.due for r in records if r.due <= oldest.date]
        start = dues[-1] if dues else oldest.date
        before = [r for r in records if r.due < start]
    else:
        before = [r for r in records if r.carried is not None]
    return on_time_streak(before, policy.grace_days)


def full_months(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(0, months)


def last_arrangement_on(tenancy_id: int, as_of: dt.date) -> dt.date | None:
    """The last day an arrangement of this tenancy ran: today for a running one, else its end."""
    last: dt.date | None = None
    for start, ended, status in Arrangement.objects.filter(
        tenancy_id=tenancy_id, status__in=RAN_STATUSES, start_date__lte=as_of
    ).values_list("start_date", "ended_on", "status"):
        day = as_of if status in (ArrangementStatus.ACTIVE, ArrangementStatus.FROZEN) else (ended or start)
        last = day if last is None or day > last else last
    return last


def bailiff_involved(tenancy_id: int) -> bool:
    """A bailiff proposal waits for a decision, or was approved, in an arrears episode still open."""
    return BailiffProposal.objects.filter(
        tenancy_id=tenancy_id,
        episode__closed_on__isnull=True,
        status__in=(BailiffProposalStatus.PROPOSED, BailiffProposalStatus.APPROVED),
    ).exists()


def self_service_facts(
    *, tenancy: Tenancy, as_of: dt.date, policy: Policy, instalment_count: int, now: dt.datetime | None = None
) -> SelfServiceFacts:
    """Everything `self_service_allowed` looks at, for this tenancy on this day."""
    from roer.arrears.services.arrangements import SelfServiceFacts

    verdict = helm.verdict_for(flow=Flow.ARRANGEMENTS, subject=tenancy, now=now)
    return SelfServiceFacts(
        as_of=as_of,
        arrears=arrears_on(tenancy.pk, as_of),
        monthly_rent=monthly_rent_on(tenancy, as_of),
        tenancy_months=full_months(tenancy.start_date, as_of),
        on_time_months=on_time_months_before_arrears(tenancy.pk, as_of, policy),
        last_arrangement_on=last_arrangement_on(tenancy.pk, as_of),
        bailiff=bailiff_involved(tenancy.pk),
        debt_measure=debt_measure_applies(tenancy, as_of),
        instalment_count=instalment_count,
        automation_may_act=verdict.act,
        automation_reason=verdict.reason,
    )


# --- arrangements ----------------------------------------------------------------------------------


def arrangements_for_tenancy(tenancy_id: int) -> list[Arrangement]:
    """A tenancy's arrangements, newest first, with their instalments in order."""
    return list(
        Arrangement.objects.filter(tenancy_id=tenancy_id)
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .order_by("-proposed_at", "-id")
    )


def open_arrangement(tenancy_id: int) -> Arrangement | None:
    return Arrangement.objects.filter(tenancy_id=tenancy_id, status__in=OPEN_STATUSES).order_by("-id").first()


def arrangements_requested() -> list[Arrangement]:
    """Requests outside the self-service policy, waiting for a social manager or collections officer."""
    return list(
        Arrangement.objects.filter(status=ArrangementStatus.REQUESTED)
        .select_related("tenancy__dwelling")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .order_by("proposed_at", "id")
    )


def arrangements_to_reconcile(as_of: dt.date) -> QuerySet[Arrangement]:
    return Arrangement.objects.filter(status=ArrangementStatus.ACTIVE, start_date__lte=as_of).order_by("id")


def arrangement_options(
    tenancy: Tenancy, as_of: dt.date, *, policy: Policy | None = None, now: dt.datetime | None = None
) -> ArrangementOptions:
    """For the portal: may the tenant arrange it alone today, for how much, in at most how many instalments,
    and what the schedule would look like."""
    from roer.arrears.services.arrangements import arrangement_options_for, live_policy

    return arrangement_options_for(tenancy=tenancy, as_of=as_of, policy=policy or live_policy()[0], now=now)


# --- early warning ---------------------------------------------------------------------------------


def signals_of_month(first_day: dt.date) -> list[EarlyWarningSignal]:
    """The early-warning signals reported in the month of `first_day`, in a fixed order."""
    last_day = (first_day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return list(
        EarlyWarningSignal.objects.filter(reported_on__gte=first_day, reported_on__lte=last_day)
        .select_related("episode", "tenancy__dwelling")
        .prefetch_related("tenancy__parties__person")
        .order_by("reported_on", "tenancy__reference", "id")
    )


def episodes_missing_contact() -> QuerySet[Episode]:
    """Open episodes without a recorded attempt at personal contact or a pointer to debt help."""
    return Episode.objects.filter(closed_on__isnull=True).filter(
        Q(contact_attempted_on__isnull=True) | Q(debt_help_pointed_on__isnull=True)
    )


# --- bailiff ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BailiffProposalRow:
    """One line of the collections officer's queue."""

    proposal_id: int
    tenancy_id: int
    reference: str
    address: str
    arrears: Decimal
    proposed_on: dt.date
    days_waiting: int
    open_case: bool  # a social case opened after the proposal: approval is refused while it is open


def bailiff_proposals_pending(*, today: dt.date | None = None) -> list[BailiffProposalRow]:
    """Proposals waiting for a collections officer, oldest first; two queries however long the queue."""
    from django.utils import timezone

    today = today or timezone.localdate()
    with_case = casework_selectors.tenancies_with_open_cases()
    proposals = (
        BailiffProposal.objects.filter(status=BailiffProposalStatus.PROPOSED)
        .select_related("tenancy__dwelling")
        .order_by("proposed_on", "id")
    )
    return [
        BailiffProposalRow(
            proposal_id=p.pk,
            tenancy_id=p.tenancy_id,
            reference=p.tenancy.reference,
            address=f"{p.tenancy.dwelling.address_line}, {p.tenancy.dwelling.city}",
            arrears=p.arrears,
            proposed_on=p.proposed_on,
            days_waiting=(today - p.proposed_on).days,
            open_case=p.tenancy_id in with_case,
        )
        for p in proposals
    ]
