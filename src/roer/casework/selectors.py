"""Reads of casework. Cases and notes hold personal data: people reach them only through the
`get_case_for_user` / `notes_for_user` helpers, which scope to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.casework import access
from roer.casework.constants import PROTECTED_NOTE_CATEGORIES, CaseStatus, NoteReadPurpose
from roer.casework.models import Case, CaseNote, ContactMoment
from roer.core import journal


@dataclass(frozen=True)
class CaseRow:
    """One line of the social manager's queue."""

    case_id: int
    tenancy_id: int
    reference: str
    address: str
    priority: int
    reasons: tuple[str, ...]
    opened_at: dt.datetime
    days_open: int
    last_contact_at: dt.datetime | None
    assigned_to_id: int | None
    assigned_to_name: str
    referred_to_debt_help: bool


def case_queue(*, user: Any, now: dt.datetime | None = None) -> list[CaseRow]:
    """Open cases, most urgent first, then the longest waiting; one query however long the queue.

    Empty for anyone who may not read cases.
    """
    if not access.may_read_cases(user):
        return []
    today = timezone.localdate(now or timezone.now())
    last_contact = (
        ContactMoment.objects.filter(tenancy=OuterRef("tenancy"))
        .order_by("-happened_at")
        .values("happened_at")[:1]
    )
    cases = (
        Case.objects.filter(status=CaseStatus.OPEN)
        .select_related("tenancy__dwelling", "assigned_to")
        .annotate(last_contact_at=Subquery(last_contact))
        .order_by("-priority", "opened_at", "id")
    )
    return [
        CaseRow(
            case_id=case.pk,
            tenancy_id=case.tenancy_id,
            reference=case.tenancy.reference,
            address=f"{case.tenancy.dwelling.address_line}, {case.tenancy.dwelling.city}",
            priority=case.priority,
            reasons=tuple(case.reasons),
            opened_at=case.opened_at,
            days_open=(today - timezone.localdate(case.opened_at)).days,
            last_contact_at=case.last_contact_at,
            assigned_to_id=case.assigned_to_id,
            assigned_to_name=(case.assigned_to.get_full_name() or case.assigned_to.username)
            if case.assigned_to
            else "",
            referred_to_debt_help=case.referred_to_debt_help_at is not None,
        )
        for case in cases
    ]


def get_case_for_user(user: Any, case_id: int) -> Case:
    """The case, open or closed, for social managers and (read-only) collections officers; else 404."""
    if not access.may_read_cases(user):
        raise Http404(_("No such case."))
    case = Case.objects.select_related("tenancy__dwelling", "assigned_to").filter(pk=case_id).first()
    if case is None:
        raise Http404(_("No such case."))
    return case


def notes_for_user(*, user: Any, case: Case, purpose: NoteReadPurpose | str) -> list[CaseNote]:
    """The notes this user may read, oldest first.

    Health (AVG art. 9) and family notes only for social managers. Every read that shows notes is
    journaled with the reader, the categories, the count and the purpose, never the text: a general note
    is personal data too (issue 7: every read of casework notes is journaled, with who and why).
    """
    purpose = NoteReadPurpose(purpose)
    categories = access.note_categories_for(user)
    if not categories:
        raise Http404(_("No such case."))
    notes = list(
        CaseNote.objects.filter(case_id=case.pk, category__in=categories)
        .select_related("author")
        .order_by("created_at", "id")
    )
    if notes:
        journal.record(
            activity="casework_notes_read",
            subjects=[case.tenancy_subject, case],
            actor=user,
            facts={
                "case_id": case.pk,
                "categories": sorted({note.category for note in notes}),
                "count": len(notes),
                "protected": sum(1 for note in notes if note.category in PROTECTED_NOTE_CATEGORIES),
                "purpose": purpose,
            },
        )
    return notes


def first_contact_after(
    *, tenancy_id: int, since: dt.datetime | dt.date, channels: frozenset[str] | None = None
) -> ContactMoment | None:
    """The first contact moment (successful or attempted) at or after `since`, optionally on some channels.

    A date means the start of that day in Amsterdam. Used to measure the days to the first human contact.
    """
    if not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time.min, tzinfo=timezone.get_current_timezone())
    contacts = ContactMoment.objects.filter(tenancy_id=tenancy_id, happened_at__gte=since)
    if channels is not None:
        contacts = contacts.filter(channel__in=channels)
    return contacts.order_by("happened_at", "id").first()


def open_case_for_tenancy(tenancy_id: int) -> Case | None:
    return Case.objects.filter(tenancy_id=tenancy_id, status=CaseStatus.OPEN).first()


def tenancies_with_open_cases() -> set[int]:
    """The tenancies a person is working on, in one query: the nightly run holds their letters."""
    return set(Case.objects.filter(status=CaseStatus.OPEN).values_list("tenancy_id", flat=True))
