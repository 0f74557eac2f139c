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
from django.utils import timezone

from roer.arrears.constants import ArrangementStatus
from roer.arrears.history import ArrangementRecord, HouseholdChange, LedgerMovement
from roer.arrears.models import (
    Arrangement,
    BailiffProposal,
    EarlyWarningObjection,
    EarlyWarningSignal,
    Episode,
    Letter,
)
from roer.casework.constants import CaseStatus, ContactTopic
from roer.casework.models import Case, ContactMoment
from roer.core import helm
from roer.core.constants import Channel
from roer.core.csvfiles import chunked
from roer.core.dates import local_date, start_of_day
from roer.ledger.models import LedgerEntry
from roer.ledger.selectors import balances_on
from roer.tenancies.constants import MembershipEnd, PartyRole
from roer.tenancies.models import DebtMeasure, HouseholdMember, Rent, Tenancy, TenancyParty
from roer.tenancies.selectors import rent_valid_on

IN_BATCH = 1000  # tenancies per batch: bounds the parameters of one IN (...) on every database
LEDGER_CHUNK = 5000  # rows fetched at a time while streaming the ledger
# A personal contact attempt (early-warning precondition a): a call, a home visit or a talk at the desk,
# tried or not, about the arrears.
PERSONAL_CHANNELS = frozenset({Channel.PHONE, Channel.VISIT, Channel.DESK})
PERSONAL_TOPICS = frozenset({ContactTopic.ARREARS, ContactTopic.ARRANGEMENT, ContactTopic.RENT_ACCOUNT})


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
    objected_on: dt.date | None = None  # the tenant's objection to early warning that stands on the day


def candidate_tenancy_ids(*, day: dt.date) -> tuple[dict[int, Decimal], set[int]]:
    """(balances above zero on `day` by tenancy, tenancies with an open episode): two queries."""
    owing = {pk: balance for pk, balance in balances_on(day=day).items() if balance > 0}
    open_episodes = set(Episode.objects.filter(closed_on__isnull=True).values_list("tenancy_id", flat=True))
    return owing, open_episodes


def tenancy_files(*, ids: Sequence[int], day: dt.date, grace_days: int) -> dict[int, TenancyFile]:
    """The tenancies (active on `day`, or ended) with their rent, parties, household changes, debt
    measures, arrangements, standing objection and open episode: a fixed number of queries for up to
    IN_BATCH ids. `grace_days` is the policy's: an instalment paid within them is kept."""
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
    # A tenant's (or co-tenant's) own death, where only the person record says so: a bereavement too.
    for file in files.values():
        for signer in file.parties:
            if signer.died_on is None:
                continue
            change = HouseholdChange(date=signer.died_on, kind=MembershipEnd.DECEASED)
            if change not in file.household_changes:  # not also recorded as a member who died
                file.household_changes.append(change)

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
        files[arrangement.tenancy_id].arrangements.append(
            arrangement_record(arrangement, day=day, grace_days=grace_days)
        )

    for tenancy_id, objected_on in standing_objections(ids=keys, day=day).items():
        files[tenancy_id].objected_on = objected_on

    for episode in Episode.objects.filter(tenancy_id__in=keys, closed_on__isnull=True):
        files[episode.tenancy_id].episode = episode
    episodes = {f.episode.pk: f for f in files.values() if f.episode is not None}
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


def arrangement_record(arrangement: Arrangement, *, day: dt.date, grace_days: int) -> ArrangementRecord:
    """An arrangement as the assessment sees it on `day`: broken on the first instalment not paid in full
    within the policy's grace days of its due date (or the day a person signalled it missed), the same
    grace `instalments_reconcile` uses."""
    broken: list[dt.date] = []
    for instalment in arrangement.instalments.all():
        if instalment.missed_signalled_on is not None:
            broken.append(instalment.due_date)
            continue
        limit = instalment.due_date + dt.timedelta(days=grace_days)
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


def standing_objections(*, ids: Sequence[int], day: dt.date) -> dict[int, dt.date]:
    """For each tenancy with an objection to early warning that stands on `day`: the day it was made (the
    earliest, where several stand). One query."""
    found: dict[int, dt.date] = {}
    rows = (
        EarlyWarningObjection.objects.filter(tenancy_id__in=list(ids), objected_on__lte=day)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
        .values_list("tenancy_id", "objected_on")
    )
    for tenancy_id, objected_on in rows:
        if tenancy_id not in found or objected_on < found[tenancy_id]:
            found[tenancy_id] = objected_on
    return found


@dataclass(frozen=True)
class PreconditionEvidence:
    """What casework shows for early-warning preconditions a and b of one episode, up to a day."""

    contact_attempted_on: dt.date | None = None  # the first call, visit or desk talk about the arrears
    debt_help_pointed_on: dt.date | None = None  # the open case's referral to debt help


def precondition_evidence(*, episodes: Sequence[Episode], as_of: dt.date) -> dict[int, PreconditionEvidence]:
    """Preconditions a and b as casework shows them, for many episodes in two queries: contacts about the
    arrears on a personal channel (tried or not) from the day each episode opened up to `as_of`, and the
    open cases' referrals to debt help made in that time. Keyed by episode id; only episodes with some
    evidence are in it. Read directly, in bulk: casework's selectors answer per tenancy."""
    if not episodes:
        return {}
    by_tenancy: dict[int, list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_tenancy[episode.tenancy_id].append(episode)
    since = min(e.opened_on for e in episodes)
    until = start_of_day(as_of + dt.timedelta(days=1))
    contacts: dict[int, list[dt.date]] = defaultdict(list)
    for chunk in chunked(sorted(by_tenancy), IN_BATCH):
        rows = ContactMoment.objects.filter(
            tenancy_id__in=chunk,
            channel__in=PERSONAL_CHANNELS,
            topic__in=PERSONAL_TOPICS,
            happened_at__gte=start_of_day(since),
            happened_at__lt=until,
        ).values_list("tenancy_id", "happened_at")
        for tenancy_id, happened_at in rows:
            contacts[tenancy_id].append(local_date(happened_at))
    referrals: dict[int, dt.date] = {}
    for chunk in chunked(sorted(by_tenancy), IN_BATCH):
        cases = Case.objects.filter(
            tenancy_id__in=chunk,
            status=CaseStatus.OPEN,
            referred_to_debt_help_at__isnull=False,
            referred_to_debt_help_at__lt=until,
        ).values_list("tenancy_id", "referred_to_debt_help_at")
        for tenancy_id, referred_at in cases:
            if referred_at is not None:
                referrals[tenancy_id] = local_date(referred_at)
    found: dict[int, PreconditionEvidence] = {}
    for tenancy_id, tenancy_episodes in by_tenancy.items():
        for episode in tenancy_episodes:
            tried = [d for d in contacts.get(tenancy_id, []) if episode.opened_on <= d <= as_of]
            referred = referrals.get(tenancy_id)
            evidence = PreconditionEvidence(
                contact_attempted_on=min(tried) if tried else None,
                debt_help_pointed_on=referred
                if referred is not None and episode.opened_on <= referred <= as_of
                else None,
            )
            if evidence != PreconditionEvidence():
                found[episode.pk] = evidence
    return found


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
    """The day's letters that go by post, in the order they were made; a stopped letter is never printed."""
    letters = list(Letter.objects.filter(letter_date=day, channel="BRI").order_by("id"))
    stopped = stopped_letter_ids([letter.pk for letter in letters])
    return [letter for letter in letters if letter.pk not in stopped]


LETTER_KIND = "arrears.letter"


def stopped_letter_ids(ids: Sequence[int], now: dt.datetime | None = None) -> set[int]:
    """Which of these letters a person stopped (`letter_stop`: a hold on the letter that is in force)."""
    if not ids:
        return set()
    now = now or timezone.now()
    holds = helm.holds_by_subject(LETTER_KIND, [str(pk) for pk in ids])
    return {int(pk) for pk, periods in holds.items() if any(p.active_at(now) for p in periods)}


def letters_pending(tenancy_id: int) -> list[Letter]:
    """A tenancy's posted letters not yet in a print batch and not stopped, newest first: the ones a person
    can still stop. (An e-mailed letter goes out through the outbox as soon as it is made.)"""
    letters = list(
        Letter.objects.filter(
            tenancy_id=tenancy_id, channel=Channel.LETTER, print_batch__isnull=True
        ).order_by("-letter_date", "-id")
    )
    stopped = stopped_letter_ids([letter.pk for letter in letters])
    return [letter for letter in letters if letter.pk not in stopped]
