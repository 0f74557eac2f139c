"""Retention: the personal data of tenancies that ended longer ago than `ROER_RETENTION_YEARS` is anonymised.

Kept: amounts, dates and codes (the ledger, letters' register, arrangements, decisions, the journal), so the
books and the meters stay whole. Gone: names, e-mail, phone, birth date, IBAN, every free text a person
wrote or that was written about them, letter PDFs and repair photos. The journal holds no personal data by
design (`core.journal`), so it is kept as it is and is de-identified the moment the subjects are.

A tenancy with money still owed, an open arrears episode or an open case is skipped and reported: the data
is still needed. A person with another tenancy not yet anonymised keeps their name until that one goes too.
One transaction per tenancy, and an `Anonymisation` row for each: a second run does nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import structlog
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django_otp import devices_for_user

from roer.accounts.models import ActivationCode, User
from roer.answers.models import AnswerFeedback, CallbackRequest
from roer.arrears.models import Arrangement, BailiffProposal, Episode, Letter
from roer.casework.constants import CaseStatus
from roer.casework.models import Case, CaseNote, ContactMoment
from roer.core import journal
from roer.core.models import Decision, Hold
from roer.ledger.models import BankEntry, LedgerEntry
from roer.privacy.constants import ANONYMISED_NAME, SkipReason
from roer.privacy.models import Anonymisation
from roer.privacy.selectors import subjects_filter, tenancy_subjects
from roer.repairs.models import RepairPhoto, RepairRequest, SatisfactionResponse, TenantMessage, WorkOrder
from roer.tenancies.models import HouseholdMember, Person, Tenancy, TenancyParty

logger = structlog.get_logger(__name__)


@dataclass
class RetentionResult:
    cutoff: dt.date
    years: int
    dry_run: bool
    anonymised: list[str] = field(default_factory=list)  # tenancy references
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reference -> SkipReason values
    counts: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "retention_years": self.years,
            "dry_run": self.dry_run,
            "anonymised": self.anonymised,
            "skipped": self.skipped,
            "counts": dict(sorted(self.counts.items())),
        }


def retention_cutoff(today: dt.date, years: int) -> dt.date:
    """Tenancies that ended before this day are past retention (29 February falls back to the 28th)."""
    return today - relativedelta(years=years)


def _skip_reasons(ids: list[int]) -> dict[int, list[str]]:
    """Why each candidate must wait, in three queries however many candidates there are."""
    reasons: dict[int, list[str]] = {}
    balances = (
        LedgerEntry.objects.filter(tenancy_id__in=ids)
        .values("tenancy_id")
        .annotate(total=Sum("amount"))
        .values_list("tenancy_id", "total")
    )
    for tenancy_id, total in balances:
        # SQLite sums decimals as floats: anything above half a cent is money owed.
        if total is not None and total > 0.005:
            reasons.setdefault(tenancy_id, []).append(SkipReason.OPEN_DEBT)
    for tenancy_id in Episode.objects.filter(tenancy_id__in=ids, closed_on__isnull=True).values_list(
        "tenancy_id", flat=True
    ):
        reasons.setdefault(tenancy_id, []).append(SkipReason.OPEN_ARREARS)
    for tenancy_id in Case.objects.filter(tenancy_id__in=ids, status=CaseStatus.OPEN).values_list(
        "tenancy_id", flat=True
    ):
        reasons.setdefault(tenancy_id, []).append(SkipReason.OPEN_CASE)
    return reasons


def anonymise_ended(
    *, today: dt.date | None = None, years: int | None = None, dry_run: bool = False
) -> RetentionResult:
    """Anonymise every tenancy past retention that may go; report the ones that must wait."""
    today = today or timezone.localdate()
    years = years if years is not None else settings.RETENTION_YEARS
    result = RetentionResult(cutoff=retention_cutoff(today, years), years=years, dry_run=dry_run)
    candidates = list(
        Tenancy.objects.filter(end_date__lt=result.cutoff, anonymisation__isnull=True).order_by(
            "end_date", "id"
        )
    )
    waiting = _skip_reasons([t.pk for t in candidates])
    for tenancy in candidates:
        if tenancy.pk in waiting:
            result.skipped[tenancy.reference] = sorted(str(r) for r in waiting[tenancy.pk])
            continue
        result.anonymised.append(tenancy.reference)
        if not dry_run:
            result.counts.update(_anonymise_tenancy(tenancy_id=tenancy.pk, years=years))
    logger.info(
        "personal_data_retention",
        cutoff=result.cutoff.isoformat(),
        anonymised=len(result.anonymised),
        skipped=len(result.skipped),
        dry_run=dry_run,
    )
    return result


def _anonymise_tenancy(*, tenancy_id: int, years: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    files: list[tuple[Storage, str]] = []
    with transaction.atomic():
        tenancy = Tenancy.objects.select_for_update().get(pk=tenancy_id)
        if Anonymisation.objects.filter(tenancy=tenancy).exists():
            return counts  # a run at the same time did it first
        persons = list(
            Person.objects.filter(
                Q(tenancy_parties__tenancy=tenancy) | Q(households__tenancy=tenancy)
            ).distinct()
        )
        old_iban = tenancy.iban

        tenancy.iban = ""
        tenancy.account_holder = ""
        tenancy.administrator_name = ""
        tenancy.administrator_address = ""
        tenancy.save(update_fields=["iban", "account_holder", "administrator_name", "administrator_address"])

        letters = Letter.objects.filter(tenancy=tenancy)
        files += [(letter.pdf.storage, letter.pdf.name) for letter in letters if letter.pdf.name]
        counts["letters"] += letters.update(
            recipient_name=ANONYMISED_NAME, recipient_address="", recipient_email="", html="", pdf=""
        )
        photos = RepairPhoto.objects.filter(request__tenancy=tenancy)
        files += [(photo.image.storage, photo.image.name) for photo in photos if photo.image.name]
        counts["photos_deleted"] += photos.delete()[0]
        counts["notes_deleted"] += CaseNote.objects.filter(case__tenancy=tenancy).delete()[0]

        texts = _clear_free_texts(tenancy, old_iban)
        gone_users = []
        for person in persons:
            if _other_tenancies_remain(person, tenancy):
                counts["persons_kept"] += 1
                continue
            _anonymise_person(person)
            counts["persons_anonymised"] += 1
            if person.user_id is not None:
                gone_users.append(person.user_id)
        # Feedback given while signed in but on no tenancy in particular goes with the account.
        texts += AnswerFeedback.objects.filter(tenancy__isnull=True, user_id__in=gone_users).update(
            comment=""
        )

        counts["free_texts"] += texts
        Anonymisation.objects.create(
            tenancy=tenancy, retention_years=years, persons_anonymised=counts["persons_anonymised"]
        )
        journal.record(
            activity="personal_data_anonymised",
            subjects=[tenancy],
            facts={"retention_years": years, **dict(sorted(counts.items()))},
        )
        # Files go only once the rows that point at them are gone for good.
        transaction.on_commit(lambda: _delete_files(files))
    counts["tenancies"] += 1
    return counts


def _clear_free_texts(tenancy: Tenancy, old_iban: str) -> int:
    """Every free text on the tenancy's rows, whoever wrote it: it may name or describe the person."""
    texts = 0
    refs = tenancy_subjects([tenancy])
    texts += Arrangement.objects.filter(tenancy=tenancy).update(decision_note="")
    texts += BailiffProposal.objects.filter(tenancy=tenancy).update(decision_reason="")
    texts += Case.objects.filter(tenancy=tenancy).update(reasons=[], outcome_note="")
    texts += ContactMoment.objects.filter(tenancy=tenancy).update(summary="")
    texts += RepairRequest.objects.filter(tenancy=tenancy).update(description="", cancelled_reason="")
    texts += TenantMessage.objects.filter(request__tenancy=tenancy).update(text="")
    texts += WorkOrder.objects.filter(request__tenancy=tenancy).update(remark="")
    texts += SatisfactionResponse.objects.filter(request__tenancy=tenancy).update(comment="")
    texts += CallbackRequest.objects.filter(tenancy=tenancy).update(phone="", note="", outcome="")
    texts += AnswerFeedback.objects.filter(tenancy=tenancy).update(comment="")
    # Payments from their account that matched no tenancy; those matched to another tenancy (the same
    # account paying for their new home) belong to that one.
    unmatched = Q(tenancy__isnull=True, counterparty_iban=old_iban) if old_iban else Q(pk__in=[])
    texts += BankEntry.objects.filter(Q(tenancy=tenancy) | unmatched).update(
        counterparty_name="", counterparty_iban="", remittance_info="", handling_note=""
    )
    texts += LedgerEntry.objects.filter(tenancy=tenancy).exclude(reference="").update(reference="")
    texts += (
        Decision.objects.filter(subjects_filter(refs, "subject_kind", "subject_id"))
        .exclude(override_reason="")
        .update(override_reason="")
    )
    texts += Hold.objects.filter(subjects_filter(refs, "subject_kind", "subject_id")).update(reason="")
    return texts


def _other_tenancies_remain(person: Person, tenancy: Tenancy) -> bool:
    """Another tenancy of the person still needs their name: running, in retention, or skipped for now."""
    linked = set(TenancyParty.objects.filter(person=person).values_list("tenancy_id", flat=True)) | set(
        HouseholdMember.objects.filter(person=person).values_list("tenancy_id", flat=True)
    )
    linked.discard(tenancy.pk)
    return (
        linked - set(Anonymisation.objects.filter(tenancy_id__in=linked).values_list("tenancy_id", flat=True))
        != set()
    )


def _anonymise_person(person: Person) -> None:
    person.name = ANONYMISED_NAME
    person.birth_date = None
    person.email = ""
    person.phone = ""
    person.died_on = None
    person.save(update_fields=["name", "birth_date", "email", "phone", "died_on"])
    ActivationCode.objects.filter(person=person).delete()
    _forget_admin_history(Person, person.pk)
    if person.user is not None:
        _anonymise_user(person.user)


def _anonymise_user(user: User) -> None:
    """The account cannot sign in any more and no longer says whose it was; rows that point at it stay."""
    signed_in_as = [value for value in (user.username, user.email) if value]
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    user.username = f"anonymised-{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["username", "email", "first_name", "last_name", "is_active", "password"])
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__in=signed_in_as).delete()
    _forget_admin_history(User, user.pk)


def _forget_admin_history(model: type[Person] | type[User], pk: int) -> None:
    """The admin's history names the object it changed; the name goes, the history stays."""
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk)).update(
        object_repr=ANONYMISED_NAME, change_message=""
    )


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("anonymised_file_not_deleted", file=name)
