"""Reads the staff console needs that the domain apps' selectors do not offer (yet).

Every helper here that returns a tenant-owned object scopes it to the roles that may see it and raises 404
otherwise (DESIGN.md: access helpers guard personal data). The rule, in one place:

- social managers and collections officers read tenancies, their episodes, arrangements and timelines;
- only collections officers read bailiff proposals and the officer-review list;
- only finance officers read unmatched bank entries and search tenancies to assign them;
- casework itself (cases, notes) is scoped by `roer.casework.selectors`.

Lists read in a fixed number of queries, however long they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.accounts.constants import Role
from roer.answers import selectors as answers_selectors
from roer.arrears import selectors as arrears_selectors
from roer.arrears import selectors_arrangements
from roer.arrears.constants import ArrangementStatus, BailiffProposalStatus, Route, RunStatus
from roer.arrears.models import Arrangement, BailiffProposal, CollectionRun, Episode, Instalment, RunDecision
from roer.casework.constants import CaseStatus
from roer.casework.models import Case, ContactMoment
from roer.core import helm
from roer.core.dates import local_date
from roer.core.money import ZERO, euros
from roer.ledger import selectors as ledger_selectors
from roer.ledger.constants import BankEntryFlag, BankEntryStatus, EntryKind
from roer.ledger.models import BankEntry
from roer.tenancies.constants import MembershipEnd, PartyRole
from roer.tenancies.models import HouseholdMember, Tenancy, TenancyParty

SOCIAL = (Role.SOCIAL_MANAGER,)
COLLECTIONS = (Role.COLLECTIONS_OFFICER,)
FINANCE = (Role.FINANCE_OFFICER,)
TENANCY_READERS = (Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER)
ARRANGEMENT_DECIDERS = (Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER)
CONSOLE_ROLES = (
    Role.SOCIAL_MANAGER,
    Role.COLLECTIONS_OFFICER,
    Role.FINANCE_OFFICER,
    Role.CUSTOMER_SERVICE,
    Role.PROCESS_SUPERVISOR,
)

SEARCH_LIMIT = 20


def _may(user: Any, roles: Sequence[Role]) -> bool:
    return (
        user is not None
        and bool(getattr(user, "is_authenticated", False))
        and user.is_active
        and user.has_role(*roles)
    )


def _require(user: Any, roles: Sequence[Role]) -> None:
    if not _may(user, roles):
        raise Http404(_("Not found."))


# --- access helpers --------------------------------------------------------------------------------


def get_tenancy_for_user(user: Any, tenancy_id: int) -> Tenancy:
    """The tenancy for social managers and collections officers; else 404."""
    _require(user, TENANCY_READERS)
    tenancy = Tenancy.objects.select_related("dwelling").filter(pk=tenancy_id).first()
    if tenancy is None:
        raise Http404(_("Not found."))
    return tenancy


def get_tenancy_to_assign(user: Any, tenancy_id: int) -> Tenancy:
    """A tenancy a finance officer books an unmatched payment to; else 404."""
    _require(user, FINANCE)
    tenancy = Tenancy.objects.select_related("dwelling").filter(pk=tenancy_id).first()
    if tenancy is None:
        raise Http404(_("Not found."))
    return tenancy


def open_episode_for_user(user: Any, tenancy: Tenancy) -> Episode | None:
    """The tenancy's open arrears episode, for social managers and collections officers."""
    _require(user, TENANCY_READERS)
    return Episode.objects.filter(tenancy=tenancy, closed_on__isnull=True).first()


def get_episode_for_user(user: Any, episode_id: int) -> Episode:
    """An arrears episode for social managers and collections officers; else 404."""
    _require(user, TENANCY_READERS)
    episode = Episode.objects.select_related("tenancy__dwelling").filter(pk=episode_id).first()
    if episode is None:
        raise Http404(_("Not found."))
    return episode


def get_bailiff_proposal_for_user(user: Any, proposal_id: int) -> BailiffProposal:
    """A bailiff proposal for collections officers only; else 404."""
    _require(user, COLLECTIONS)
    proposal = BailiffProposal.objects.select_related("tenancy__dwelling").filter(pk=proposal_id).first()
    if proposal is None:
        raise Http404(_("Not found."))
    return proposal


def get_arrangement_for_user(user: Any, arrangement_id: int) -> Arrangement:
    """An arrangement for the people who decide on them (social managers, collections officers); else 404."""
    _require(user, ARRANGEMENT_DECIDERS)
    arrangement = Arrangement.objects.select_related("tenancy__dwelling").filter(pk=arrangement_id).first()
    if arrangement is None:
        raise Http404(_("Not found."))
    return arrangement


def get_bank_entry_for_user(user: Any, entry_id: int) -> BankEntry:
    """A bank entry for finance officers only; else 404."""
    _require(user, FINANCE)
    entry = BankEntry.objects.select_related("statement", "tenancy").filter(pk=entry_id).first()
    if entry is None:
        raise Http404(_("Not found."))
    return entry


# --- home ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueCounts:
    open_cases: int | None = None
    my_cases: int | None = None
    unassigned_cases: int | None = None
    officer_reviews: int | None = None
    bailiff_proposals: int | None = None
    arrangements_requested: int | None = None
    unmatched_payments: int | None = None
    waiting_callbacks: int | None = None


def queue_counts(user: Any) -> QueueCounts:
    """How much waits in each queue this user may open (None for queues they may not)."""
    counts: dict[str, int] = {}
    if _may(user, TENANCY_READERS):
        open_cases = Case.objects.filter(status=CaseStatus.OPEN)
        counts["open_cases"] = open_cases.count()
        counts["my_cases"] = open_cases.filter(assigned_to=user).count()
        counts["unassigned_cases"] = open_cases.filter(assigned_to__isnull=True).count()
        counts["arrangements_requested"] = Arrangement.objects.filter(
            status=ArrangementStatus.REQUESTED
        ).count()
    if _may(user, COLLECTIONS):
        counts["officer_reviews"] = sum(1 for row in officer_reviews(user=user) if row.awaiting)
        counts["bailiff_proposals"] = BailiffProposal.objects.filter(
            status=BailiffProposalStatus.PROPOSED
        ).count()
    if _may(user, FINANCE):
        counts["unmatched_payments"] = BankEntry.objects.filter(status=BankEntryStatus.UNMATCHED).count()
    waiting = answers_selectors.waiting_callback_count(user)
    if waiting is not None:
        counts["waiting_callbacks"] = waiting
    return QueueCounts(**counts)


# --- the collections officer's review list --------------------------------------------------------


@dataclass(frozen=True)
class OfficerReviewRow:
    """A tenancy the latest run sent to a collections officer."""

    tenancy_id: int
    reference: str
    address: str
    arrears: Decimal
    months: Decimal
    days_overdue: int
    reasons: tuple[str, ...]
    episode_id: int | None
    final_notice_approved_on: dt.date | None
    final_notice_sent_on: dt.date | None
    held_until: dt.datetime | None
    held: bool
    case_id: int | None

    @property
    def awaiting(self) -> bool:
        """Still waiting for the officer: no approval yet, no notice sent, not put off by a hold."""
        return (
            self.episode_id is not None
            and self.final_notice_approved_on is None
            and self.final_notice_sent_on is None
            and not self.held
        )


def latest_run() -> CollectionRun | None:
    run = CollectionRun.objects.filter(status=RunStatus.FINISHED).order_by("-run_date").first()
    return run or CollectionRun.objects.order_by("-run_date").first()


def officer_reviews(*, user: Any, now: dt.datetime | None = None) -> list[OfficerReviewRow]:
    """The latest run's `officer_review` decisions with their episode, holds and open case: four queries."""
    _require(user, COLLECTIONS)
    now = now or timezone.now()
    run = latest_run()
    if run is None:
        return []
    decisions = list(
        RunDecision.objects.filter(run=run, route=Route.OFFICER_REVIEW)
        .select_related("tenancy__dwelling", "episode")
        .order_by("-priority", "-arrears", "id")
    )
    ids = [str(d.tenancy_id) for d in decisions]
    holds = helm.holds_by_subject(Tenancy._meta.label_lower, ids) if ids else {}
    cases = (
        dict(
            Case.objects.filter(
                status=CaseStatus.OPEN, tenancy_id__in=[d.tenancy_id for d in decisions]
            ).values_list("tenancy_id", "pk")
        )
        if decisions
        else {}
    )
    rows = []
    for d in decisions:
        active = [h for h in holds.get(str(d.tenancy_id), []) if h.active_at(now)]
        until = max((h.until for h in active if h.until is not None), default=None)
        episode = d.episode if d.episode is not None and d.episode.closed_on is None else None
        rows.append(
            OfficerReviewRow(
                tenancy_id=d.tenancy_id,
                reference=d.tenancy.reference,
                address=f"{d.tenancy.dwelling.address_line}, {d.tenancy.dwelling.city}",
                arrears=d.arrears,
                months=d.months,
                days_overdue=d.days_overdue,
                reasons=tuple(d.reasons),
                episode_id=episode.pk if episode else None,
                final_notice_approved_on=episode.final_notice_approved_on if episode else None,
                final_notice_sent_on=episode.final_notice_sent_on if episode else None,
                held_until=until,
                held=bool(active),
                case_id=cases.get(d.tenancy_id),
            )
        )
    return rows


def arrangements_requested_for_user(user: Any) -> list[Arrangement]:
    """Arrangements waiting for a person, with the main tenant's name: three queries."""
    _require(user, ARRANGEMENT_DECIDERS)
    arrangements = selectors_arrangements.arrangements_requested()
    _attach_main_tenants([a.tenancy for a in arrangements])
    return arrangements


def _attach_main_tenants(tenancies: Sequence[Tenancy]) -> None:
    """Set `main_tenant_name` on each tenancy in one query."""
    names: dict[int, str] = {}
    for tenancy_id, name in (
        TenancyParty.objects.filter(tenancy_id__in={t.pk for t in tenancies}, role=PartyRole.TENANT)
        .order_by("id")
        .values_list("tenancy_id", "person__name")
    ):
        names.setdefault(tenancy_id, name)
    for tenancy in tenancies:
        tenancy.main_tenant_name = names.get(tenancy.pk, "")  # type: ignore[attr-defined]


# --- the finance officer's queue -------------------------------------------------------------------


@dataclass(frozen=True)
class UnmatchedRow:
    entry: BankEntry
    invalid_iban: bool
    flag_labels: tuple[str, ...]


def _flag_labels(flags: Sequence[str]) -> tuple[str, ...]:
    labels = dict(BankEntryFlag.choices)
    return tuple(str(labels.get(flag, flag)) for flag in flags)


def unmatched_payments(*, user: Any) -> list[UnmatchedRow]:
    """Bank entries that matched no tenancy, oldest first: one query."""
    _require(user, FINANCE)
    return [
        UnmatchedRow(
            entry=entry,
            invalid_iban=BankEntryFlag.INVALID_IBAN in (entry.flags or []),
            flag_labels=_flag_labels(entry.flags or []),
        )
        for entry in ledger_selectors.unmatched_bank_entries()
    ]


def unmatched_row(entry: BankEntry) -> UnmatchedRow:
    return UnmatchedRow(
        entry=entry,
        invalid_iban=BankEntryFlag.INVALID_IBAN in (entry.flags or []),
        flag_labels=_flag_labels(entry.flags or []),
    )


POSTCODE_AND_NUMBER = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})[\s,]+(\d+)\s*(\S*)\s*$")


def tenancy_search(*, user: Any, query: str, limit: int = SEARCH_LIMIT) -> list[Tenancy]:
    """Tenancies by reference, postcode and house number ("3512 PK 12"), or a tenant's name: two queries.

    Finance officers only (to assign a payment); with `main_tenant_name` on each tenancy.
    """
    _require(user, FINANCE)
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    condition = (
        Q(reference__iexact=query) | Q(reference__istartswith=query) | Q(payment_reference__iexact=query)
    )
    match = POSTCODE_AND_NUMBER.match(query)
    if match:
        digits, letters, number, addition = match.groups()
        postcode = Q(dwelling__postcode__iexact=f"{digits} {letters}") | Q(
            dwelling__postcode__iexact=f"{digits}{letters}"
        )
        house = Q(dwelling__house_number__iexact=f"{number}{addition}") | Q(
            dwelling__house_number__iexact=f"{number} {addition}".strip()
        )
        condition |= postcode & house
    condition |= Q(parties__person__name__icontains=query)
    tenancies = list(
        Tenancy.objects.filter(condition)
        .select_related("dwelling")
        .distinct()
        .order_by("-start_date", "reference")[:limit]
    )
    _attach_main_tenants(tenancies)
    return tenancies


# --- the case page: household and timeline --------------------------------------------------------


@dataclass(frozen=True)
class PersonLine:
    name: str
    role: str  # a label: main tenant, co-tenant, household member
    phone: str
    email: str
    birth_date: dt.date | None
    died_on: dt.date | None
    moved_in: dt.date | None = None
    moved_out: dt.date | None = None
    end_reason: str = ""


@dataclass(frozen=True)
class Household:
    parties: tuple[PersonLine, ...]
    members: tuple[PersonLine, ...]
    administrator_name: str
    administrator_address: str


def household_of(tenancy: Tenancy) -> Household:
    """The tenants (main and co-tenants) and who lives there, with contact details: two queries."""
    role_labels = dict(PartyRole.choices)
    end_labels = dict(MembershipEnd.choices)
    parties = [
        PersonLine(
            name=p.person.name,
            role=str(role_labels.get(p.role, p.role)),
            phone=p.person.phone,
            email=p.person.email,
            birth_date=p.person.birth_date,
            died_on=p.person.died_on,
        )
        for p in TenancyParty.objects.filter(tenancy=tenancy).select_related("person").order_by("role", "id")
    ]
    members = [
        PersonLine(
            name=m.person.name,
            role=str(_("Household member")),
            phone=m.person.phone,
            email=m.person.email,
            birth_date=m.person.birth_date,
            died_on=m.person.died_on,
            moved_in=m.moved_in,
            moved_out=m.moved_out,
            end_reason=str(end_labels.get(m.end_reason, m.end_reason)) if m.end_reason else "",
        )
        for m in HouseholdMember.objects.filter(tenancy=tenancy)
        .select_related("person")
        .order_by("moved_in", "id")
    ]
    return Household(
        parties=tuple(parties),
        members=tuple(members),
        administrator_name=tenancy.administrator_name,
        administrator_address=tenancy.administrator_address,
    )


class EventKind:
    TENANCY_START = "tenancy_start"
    PAYMENT = "payment"
    RETURN = "return"
    COST = "cost"
    LETTER = "letter"
    CONTACT = "contact"
    HOUSEHOLD = "household"


@dataclass(frozen=True)
class TimelineEvent:
    day: dt.date
    kind: str
    label: str
    amount: Decimal | None = None
    code: str = ""  # a returned debit's reason code
    succeeded: bool | None = None  # contacts
    detail: str = ""


@dataclass
class TimelineData:
    tenancy_start: dt.date
    ledger_start: dt.date | None
    today: dt.date
    balance: list[tuple[dt.date, Decimal]] = field(default_factory=list)  # end-of-day balance on change days
    events: list[TimelineEvent] = field(default_factory=list)  # oldest first


def timeline_of(*, user: Any, tenancy: Tenancy, today: dt.date | None = None) -> TimelineData:
    """The tenant's history for the chart and the list: the ledger's balance day by day, payments,
    returned debits (with their reason), costs, letters, contacts and household changes. Five queries."""
    _require(user, TENANCY_READERS)
    today = today or timezone.localdate()
    from roer.ledger.constants import ReturnReason

    return_labels = dict(ReturnReason.choices)
    data = TimelineData(tenancy_start=tenancy.start_date, ledger_start=None, today=today)
    data.events.append(
        TimelineEvent(day=tenancy.start_date, kind=EventKind.TENANCY_START, label=str(_("Tenancy started")))
    )
    running = ZERO
    for entry in ledger_selectors.entries_of(tenancy_id=tenancy.pk, until=today):
        if data.ledger_start is None:
            data.ledger_start = entry.date
        running = euros(running + entry.amount)
        if data.balance and data.balance[-1][0] == entry.date:
            data.balance[-1] = (entry.date, running)
        else:
            data.balance.append((entry.date, running))
        if entry.kind == EntryKind.PAYMENT:
            data.events.append(
                TimelineEvent(
                    day=entry.date,
                    kind=EventKind.PAYMENT,
                    label=str(_("Payment")),
                    amount=-entry.amount,
                    detail=entry.get_method_display() if entry.method else "",
                )
            )
        elif entry.kind == EntryKind.RETURN:
            data.events.append(
                TimelineEvent(
                    day=entry.date,
                    kind=EventKind.RETURN,
                    label=str(_("Direct debit returned")),
                    amount=entry.amount,
                    code=entry.return_reason,
                    detail=str(return_labels.get(entry.return_reason, "")),
                )
            )
        elif entry.kind == EntryKind.COST:
            data.events.append(
                TimelineEvent(
                    day=entry.date, kind=EventKind.COST, label=str(_("Collection costs")), amount=entry.amount
                )
            )
    for letter in arrears_selectors.letters_of_tenancy(tenancy.pk):
        if letter.letter_date <= today:
            data.events.append(
                TimelineEvent(
                    day=letter.letter_date,
                    kind=EventKind.LETTER,
                    label=str(letter.get_kind_display()),
                    detail=f"{letter.get_recipient_role_display()} · {letter.channel}",
                )
            )
    for contact in ContactMoment.objects.filter(tenancy=tenancy).order_by("happened_at", "id"):
        day = local_date(contact.happened_at)
        if day <= today:
            data.events.append(
                TimelineEvent(
                    day=day,
                    kind=EventKind.CONTACT,
                    label=str(contact.get_channel_display()),
                    succeeded=contact.succeeded,
                    detail=str(contact.get_topic_display()),
                )
            )
    end_labels = dict(MembershipEnd.choices)
    for member in HouseholdMember.objects.filter(tenancy=tenancy).select_related("person"):
        if member.moved_out is not None and member.moved_out <= today:
            reason = member.end_reason or MembershipEnd.MOVED_OUT
            data.events.append(
                TimelineEvent(
                    day=member.moved_out,
                    kind=EventKind.HOUSEHOLD,
                    label=str(end_labels.get(reason, reason)),
                    detail=member.person.name,
                )
            )
    data.events.sort(key=lambda e: (e.day, e.kind != EventKind.TENANCY_START))
    return data


# --- the case page: the rest -----------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    arrears: Decimal
    balance: Decimal
    episode: Episode | None
    arrangements: list[Arrangement]
    active_holds: list[helm.HoldPeriod]


def case_facts(*, user: Any, tenancy: Tenancy, today: dt.date | None = None) -> CaseFacts:
    """The arrears now, the open episode, the arrangements (with instalments) and the holds in force."""
    _require(user, TENANCY_READERS)
    today = today or timezone.localdate()
    now = timezone.now()
    arrangements = list(
        Arrangement.objects.filter(tenancy=tenancy)
        .select_related("decided_by", "proposed_by")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .order_by("-proposed_at", "-id")
    )
    return CaseFacts(
        arrears=selectors_arrangements.arrears_on(tenancy.pk, today),
        balance=ledger_selectors.balance_on(tenancy_id=tenancy.pk, day=today),
        episode=Episode.objects.filter(tenancy=tenancy, closed_on__isnull=True)
        .select_related("final_notice_approved_by", "costs_waived_by")
        .first(),
        arrangements=arrangements,
        active_holds=[h for h in helm.holds_on(tenancy) if h.active_at(now)],
    )
