"""Reads for the collections run, in bulk: a fixed number of queries per batch of tenancies, never one per
tenancy (the nightly run reads 100,000 tenancies).

The first pass is one aggregate over the ledger: the tenancies whose balance on the date is above zero,
plus those with an open arrears episode. Only for those are the ledger movements and the rest loaded, in
batches of `IN_BATCH` tenancies: one query per table per batch.

The ledger, tenancy and casework rows are read here directly, in bulk, because their apps' selectors
answer per tenancy; see docs/collections-run.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from roer.arrears.constants import ArrangementStatus
from roer.arrears.history import ArrangementRecord, HouseholdChange, LedgerMovement
from roer.arrears.models import Arrangement, BailiffProposal, EarlyWarningSignal, Episode, Letter
from roer.casework.constants import ContactTopic
from roer.casework.models import ContactMoment
from roer.core.csvfiles import chunked
from roer.core.dates import local_date, start_of_day
from roer.ledger.models import LedgerEntry
from roer.ledger.selectors import balances_on
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import DebtMeasure, HouseholdMember, Rent, Tenancy, TenancyParty
from roer.tenancies.selectors import rent_valid_on

IN_BATCH = 1000  # tenancies per batch: bounds the parameters of one IN (...) on every database
LEDGER_CHUNK = 5000  # rows fetched at a time while streaming the ledger
INSTALMENT_GRACE_DAYS = 5
PAYMENT_TOPICS = (
    ContactTopic.ARREARS,
    ContactTopic.ARRANGEMENT,
    ContactTopic.RENT_ACCOUNT,
)  # an instalment paid within this many days of its due date is kept


@dataclass(frozen=True)
class Party:
    person_id: int
    role: str
    name: str
    email: str
    died_on: dt.date | None


@dataclass
class TenancyFile:
    """Everything the run needs about one tenancy, read in bulk."""

    tenancy: Tenancy
    monthly_rent: Decimal | None
    parties: list[Party] = field(default_factory=list)
    household_changes: list[HouseholdChange] = field(default_factory=list)
    arrangements: list[ArrangementRecord] = field(default_factory=list)
    debt_measure: bool = False
    episode: Episode | None = None
    bailiff_proposed_on: dt.date | None = None
    early_warning_reported_on: dt.date | None = None
    contact_days: list[dt.date] = field(default_factory=list)  # calls and visits, tried or not


def candidate_tenancy_ids(*, day: dt.date) -> tuple[dict[int, Decimal], set[int]]:
    """(balances above zero on `day` by tenancy, tenancies with an open episode): two queries."""
    owing = {pk: balance for pk, balance in balances_on(day=day).items() if balance > 0}
    open_episodes = set(Episode.objects.filter(closed_on__isnull=True).values_list("tenancy_id", flat=True))
    return owing, open_episodes


def tenancy_files(*, ids: Sequence[int], day: dt.date) -> dict[int, TenancyFile]:
    """The tenancies (active on `day`, or ended) with their rent, parties, household changes, debt
    measures, arrangements and open episode: a fixed number of queries for up to IN_BATCH ids."""
    tenancies = Tenancy.objects.filter(pk__in=list(ids), start_date__lte=day).select_related("dwelling")
    files: dict[int, TenancyFile] = {t.pk: TenancyFile(tenancy=t, monthly_rent=None) for t in tenancies}
    keys = list(files)
    if not keys:
        return files

    rents: dict[int, list[Rent]] = defaultdict(list)
    for rent in Rent.objects.filter(tenancy_id__in=keys):
        rents[rent.tenancy_id].append(rent)
    for pk, rows in rents.items():
        valid = rent_valid_on(rows, day) or min(rows, key=lambda r: r.valid_from)
        files[pk].monthly_rent = valid.gross_rent

    parties = (
        TenancyParty.objects.filter(tenancy_id__in=keys)
        .select_related("person")
        .order_by("tenancy_id", "role", "id")
    )
    for party in parties:
        files[party.tenancy_id].parties.append(
            Party(
                person_id=party.person_id,
                role=party.role,
                name=party.person.name,
                email=party.person.email,
                died_on=party.person.died_on,
            )
        )

    members = HouseholdMember.objects.filter(tenancy_id__in=keys, moved_out__isnull=False).exclude(
        end_reason=""
    )
    for tenancy_id, moved_out, end_reason in members.values_list("tenancy_id", "moved_out", "end_reason"):
        if moved_out is not None:
            files[tenancy_id].household_changes.append(HouseholdChange(date=moved_out, kind=end_reason))

    measures = DebtMeasure.objects.filter(tenancy_id__in=keys, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )
    for tenancy_id in measures.values_list("tenancy_id", flat=True):
        files[tenancy_id].debt_measure = True

    arrangements = (
        Arrangement.objects.filter(tenancy_id__in=keys, start_date__lte=day)
        .exclude(status__in=[ArrangementStatus.REQUESTED, ArrangementStatus.REMOVED])
        .prefetch_related("instalments")
    )
    for arrangement in arrangements:
        files[arrangement.tenancy_id].arrangements.append(arrangement_record(arrangement, day=day))

    for episode in Episode.objects.filter(tenancy_id__in=keys, closed_on__isnull=True):
        files[episode.tenancy_id].episode = episode
    episodes = {f.episode.pk: f for f in files.values() if f.episode is not None}
    # Contacts with the household (attempted or not) since the oldest open episode: early-warning
    # precondition a, and the end of the "a person tries to reach the tenant" step.
    waiting = [
        f for f in episodes.values() if f.episode is not None and f.episode.contact_attempted_on is None
    ]
    if waiting:
        since = min(f.episode.opened_on for f in waiting if f.episode is not None)
        contacts = ContactMoment.objects.filter(
            tenancy_id__in=[f.tenancy.pk for f in waiting],
            topic__in=PAYMENT_TOPICS,
            happened_at__gte=start_of_day(since),
            happened_at__lt=start_of_day(day + dt.timedelta(days=1)),
        ).values_list("tenancy_id", "happened_at")
        for tenancy_id, happened_at in contacts:
            files[tenancy_id].contact_days.append(local_date(happened_at))
    if episodes:
        for episode_id, proposed_on in BailiffProposal.objects.filter(
            episode_id__in=list(episodes)
        ).values_list("episode_id", "proposed_on"):
            episodes[episode_id].bailiff_proposed_on = proposed_on
        for episode_id, reported_on in EarlyWarningSignal.objects.filter(
            episode_id__in=list(episodes)
        ).values_list("episode_id", "reported_on"):
            episodes[episode_id].early_warning_reported_on = reported_on
    return files


def arrangement_record(arrangement: Arrangement, *, day: dt.date) -> ArrangementRecord:
    """An arrangement as the assessment sees it on `day`: broken on the first instalment not paid in full
    within the grace days of its due date (or the day a person signalled it missed)."""
    broken: list[dt.date] = []
    for instalment in arrangement.instalments.all():
        if instalment.missed_signalled_on is not None:
            broken.append(instalment.due_date)
            continue
        limit = instalment.due_date + dt.timedelta(days=INSTALMENT_GRACE_DAYS)
        if limit >= day:
            continue
        paid_in_time = (
            instalment.paid_on is not None
            and instalment.paid_on <= limit
            and instalment.paid_amount >= instalment.amount
        )
        if not paid_in_time:
            broken.append(instalment.due_date)
    ended = arrangement.ended_on
    return ArrangementRecord(
        started_on=arrangement.start_date,
        ended_on=ended if ended is not None and ended <= day else None,
        broken_on=min(broken) if broken else None,
    )


def ledger_movements(*, ids: Sequence[int], day: dt.date) -> Iterator[tuple[int, list[LedgerMovement]]]:
    """Each tenancy's ledger up to `day`, oldest first: one streamed query for the batch."""
    rows = (
        LedgerEntry.objects.filter(tenancy_id__in=list(ids), date__lte=day)
        .order_by("tenancy_id", "date", "id")
        .values_list("tenancy_id", "date", "amount", "kind", "method", "return_reason")
        .iterator(chunk_size=LEDGER_CHUNK)
    )
    current: int | None = None
    movements: list[LedgerMovement] = []
    for tenancy_id, date, amount, kind, method, return_reason in rows:
        if tenancy_id != current:
            if current is not None:
                yield current, movements
            current, movements = tenancy_id, []
        movements.append(
            LedgerMovement(
                date=date, amount=Decimal(amount), kind=kind, method=method, return_reason=return_reason
            )
        )
    if current is not None:
        yield current, movements


def batches(ids: Sequence[int]) -> Iterator[list[int]]:
    yield from chunked(sorted(ids), IN_BATCH)


def main_tenant(parties: Sequence[Party]) -> Party | None:
    tenants = [p for p in parties if p.role == PartyRole.TENANT]
    return tenants[0] if tenants else None


# --- the register ------------------------------------------------------------------------------


def letters_of_tenancy(tenancy_id: int) -> list[Letter]:
    """The letter register of one tenancy, newest first (for the portal's inbox and the console)."""
    return list(Letter.objects.filter(tenancy_id=tenancy_id).order_by("-letter_date", "-id"))


def letters_to_post(day: dt.date) -> list[Letter]:
    """The day's letters that go by post, in the order they were made."""
    return list(Letter.objects.filter(letter_date=day, channel="BRI").order_by("id"))
