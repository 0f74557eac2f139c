"""Everything Roer holds about one person (inzage, art. 15 AVG), as one versioned structure.

The JSON and the PDF are both rendered from `personal_data`; docs/privacy.md and personal_data.schema.json
describe the structure. The privacy app sits on top of the domain apps, like supervision: it reads their
tables to find a person everywhere, and no domain app imports it.

What is left out, and why: other people's data (co-tenants' and household members' names, the staff who
handled something), the letters' rendered text (the PDF is in the portal; the metadata is here), and, unless
the reader may see them, the text of special-category casework notes (health, family: `casework.access`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from roer.accounts.models import ActivationCode
from roer.answers.models import AnswerFeedback, CallbackRequest
from roer.arrears.models import (
    Arrangement,
    BailiffProposal,
    EarlyWarningObjection,
    EarlyWarningSignal,
    Episode,
    Letter,
)
from roer.casework.constants import PROTECTED_NOTE_CATEGORIES
from roer.casework.models import Case, CaseNote, ContactMoment
from roer.core.models import Decision, Hold, JournalEvent, JournalSubject
from roer.core.subjects import SubjectRef, subject_ref
from roer.ledger.models import BankEntry, DirectDebitCollection, LedgerEntry
from roer.privacy.constants import EXPORT_FORMAT, EXPORT_VERSION
from roer.repairs.models import RepairRequest
from roer.tenancies.models import HouseholdMember, Person, Tenancy, TenancyParty

JsonDict = dict[str, Any]

# --- the access helper -----------------------------------------------------------------------------


def get_person_for_user(user: Any) -> Person:
    """The person record of the signed-in user; 404 when there is none (one place to test)."""
    if user is None or getattr(user, "pk", None) is None:
        raise Http404("No person record")
    person = Person.objects.filter(user_id=user.pk).first()
    if person is None:
        raise Http404("No person record")
    return person


def tenancies_of(person: Person) -> list[Tenancy]:
    """The tenancies the person is (co-)tenant of: theirs in full, ledger and letters included."""
    return list(
        Tenancy.objects.filter(parties__person=person)
        .select_related("dwelling")
        .distinct()
        .order_by("start_date", "id")
    )


# --- plain values ----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _values(instance: models.Model, fields: Sequence[str]) -> JsonDict:
    """The fields as JSON values; a field with choices also gets `<name>_label`, its words."""
    row: JsonDict = {}
    for name in fields:
        value = getattr(instance, name)
        row[name] = _plain(value)
        field = instance._meta.get_field(name)
        if getattr(field, "choices", None) and value not in (None, ""):
            row[f"{name}_label"] = str(getattr(instance, f"get_{name}_display")())
    return row


# --- the sections ----------------------------------------------------------------------------------

PERSON_FIELDS = ("name", "birth_date", "email", "phone", "died_on")
TENANCY_FIELDS = (
    "reference",
    "start_date",
    "end_date",
    "payment_method",
    "iban",
    "payment_reference",
    "service_subscription",
    "household_size",
    "administrator_name",
    "administrator_address",
)
MANDATE_FIELDS = ("mandate_id", "mandate_date", "account_holder", "iban", "direct_debit_from")
LEDGER_FIELDS = ("date", "kind", "amount", "period", "method", "reference", "return_reason", "source")
BANK_FIELDS = (
    "booking_date",
    "amount",
    "counterparty_name",
    "counterparty_iban",
    "remittance_info",
    "status",
)
COLLECTION_FIELDS = ("month", "mandate_id", "sequence", "amount", "collection_date")
EPISODE_FIELDS = (
    "opened_on",
    "closed_on",
    "personal_message_sent_on",
    "reminder_sent_on",
    "contact_attempted_on",
    "debt_help_pointed_on",
    "early_warning_offered_on",
    "early_warning_sent_on",
    "final_notice_sent_on",
    "final_notice_deadline",
    "final_notice_principal",
    "final_notice_costs",
    "costs_charged_on",
    "costs_waived_on",
)
LETTER_FIELDS = (
    "letter_date",
    "kind",
    "channel",
    "recipient_role",
    "recipient_name",
    "recipient_address",
    "recipient_email",
    "arrears",
    "costs",
    "deadline",
    "emailed_at",
)
ARRANGEMENT_FIELDS = (
    "status",
    "end_reason",
    "amount",
    "start_date",
    "self_service",
    "proposed_at",
    "decided_at",
    "decision_note",
    "ended_on",
)
INSTALMENT_FIELDS = ("number", "due_date", "amount", "paid_amount", "paid_on")
CASE_FIELDS = (
    "status",
    "priority",
    "reasons",
    "opened_at",
    "referred_to_debt_help_at",
    "closed_at",
    "outcome",
    "outcome_note",
)
CONTACT_FIELDS = ("happened_at", "channel", "direction", "succeeded", "topic", "summary")
REPAIR_FIELDS = (
    "problem_id",
    "responsibility",
    "urgency",
    "status",
    "channel",
    "description",
    "preferred_weekdays",
    "preferred_part",
    "submitted_at",
    "cancelled_reason",
)
ORDER_FIELDS = ("trade", "status", "due_by", "completed_at", "result", "remark")
SATISFACTION_FIELDS = ("grade", "fixed", "comment", "channel", "answered_at")
CALLBACK_FIELDS = (
    "phone",
    "preferred_day",
    "preferred_part",
    "topic",
    "note",
    "status",
    "created_at",
    "handled_at",
    "outcome",
)
FEEDBACK_FIELDS = ("answer_id", "helped", "comment", "created_at")


def _note(note: CaseNote, *, include_protected: bool) -> JsonDict:
    row = _values(note, ("created_at", "category"))
    withheld = note.category in PROTECTED_NOTE_CATEGORIES and not include_protected
    row["text"] = None if withheld else note.text
    row["withheld"] = withheld
    return row


def _case(case: Case, *, include_protected: bool) -> JsonDict:
    row = _values(case, CASE_FIELDS)
    row["notes"] = [_note(note, include_protected=include_protected) for note in case.notes.all()]
    return row


def _repair(request: RepairRequest) -> JsonDict:
    row = {"code": request.code, **_values(request, REPAIR_FIELDS)}
    row["photos"] = [
        {"uploaded_at": _plain(photo.uploaded_at), "width": photo.width, "height": photo.height}
        for photo in request.photos.all()
    ]
    row["work_orders"] = [
        {
            "code": order.code,
            "contractor": order.contractor.name,
            **_values(order, ORDER_FIELDS),
            "appointments": [
                _values(appointment, ("date", "part", "status")) for appointment in order.appointments.all()
            ],
        }
        for order in request.orders.all()
    ]
    row["messages"] = [
        _values(m, ("created_at", "text", "emailed_at")) for m in request.tenant_messages.all()
    ]
    satisfaction = getattr(request, "satisfaction", None)
    row["satisfaction"] = _values(satisfaction, SATISFACTION_FIELDS) if satisfaction else None
    return row


def _tenancy(tenancy: Tenancy, *, include_protected: bool) -> JsonDict:
    row = {
        **_values(tenancy, TENANCY_FIELDS),
        "address": {
            "street": tenancy.dwelling.street,
            "house_number": tenancy.dwelling.house_number,
            "postcode": tenancy.dwelling.postcode,
            "city": tenancy.dwelling.city,
        },
        "rent": [
            _values(rent, ("valid_from", "base_rent", "service_charges"))
            for rent in tenancy.rents.order_by("valid_from")
        ],
        "direct_debit": {
            **_values(tenancy, MANDATE_FIELDS),
            "collections": [
                _values(c, COLLECTION_FIELDS)
                for c in DirectDebitCollection.objects.filter(tenancy=tenancy).order_by("month")
            ],
        },
        "ledger_entries": [
            _values(e, LEDGER_FIELDS)
            for e in LedgerEntry.objects.filter(tenancy=tenancy).order_by("date", "id")
        ],
        "bank_entries": [
            _values(e, BANK_FIELDS)
            for e in BankEntry.objects.filter(tenancy=tenancy).order_by("booking_date", "id")
        ],
        "arrears_episodes": [
            _values(e, EPISODE_FIELDS) for e in Episode.objects.filter(tenancy=tenancy).order_by("opened_on")
        ],
        "early_warning_signals": [
            _values(s, ("reported_on", "arrears_amount", "arrears_since", "exported_at"))
            for s in EarlyWarningSignal.objects.filter(tenancy=tenancy).order_by("reported_on")
        ],
        "early_warning_objections": [
            _values(o, ("objected_on", "withdrawn_on"))
            for o in EarlyWarningObjection.objects.filter(tenancy=tenancy).order_by("objected_on")
        ],
        "bailiff_proposals": [
            _values(p, ("proposed_on", "arrears", "status", "decided_at", "decision_reason"))
            for p in BailiffProposal.objects.filter(tenancy=tenancy).order_by("proposed_on")
        ],
        "letters": [
            _values(letter, LETTER_FIELDS)
            for letter in Letter.objects.filter(tenancy=tenancy).order_by("letter_date", "id")
        ],
        "arrangements": [
            {
                **_values(a, ARRANGEMENT_FIELDS),
                "instalments": [_values(i, INSTALMENT_FIELDS) for i in a.instalments.all()],
            }
            for a in Arrangement.objects.filter(tenancy=tenancy)
            .prefetch_related("instalments")
            .order_by("proposed_at")
        ],
        "cases": [
            _case(case, include_protected=include_protected)
            for case in Case.objects.filter(tenancy=tenancy).prefetch_related("notes").order_by("opened_at")
        ],
        "contact_moments": [
            _values(c, CONTACT_FIELDS)
            for c in ContactMoment.objects.filter(tenancy=tenancy).order_by("happened_at", "id")
        ],
        "repair_requests": [
            _repair(r)
            for r in RepairRequest.objects.filter(tenancy=tenancy)
            .select_related("satisfaction")
            .prefetch_related("photos", "orders__contractor", "orders__appointments", "tenant_messages")
            .order_by("submitted_at", "id")
        ],
    }
    return row


def tenancy_subjects(tenancies: Iterable[Tenancy]) -> list[SubjectRef]:
    """The tenancies as journal subjects, and what hangs off them (repairs, letters, cases, ...)."""
    tenancies = list(tenancies)
    ids = [t.pk for t in tenancies]
    refs = [subject_ref(t) for t in tenancies]
    for model in (RepairRequest, Letter, Arrangement, Episode, Case, CallbackRequest, BailiffProposal):
        label = model._meta.label_lower
        pks = model.objects.filter(tenancy_id__in=ids).values_list("pk", flat=True)
        refs += [SubjectRef(kind=label, id=str(pk)) for pk in pks]
    return refs


def subjects_filter(refs: Sequence[SubjectRef], kind_field: str, id_field: str) -> Q:
    """A filter for rows that name one of `refs` by kind and id, one condition per kind."""
    by_kind: dict[str, list[str]] = {}
    for ref in refs:
        by_kind.setdefault(ref.kind, []).append(ref.id)
    query = Q(pk__in=[])
    for kind, ids in by_kind.items():
        query |= Q(**{kind_field: kind, f"{id_field}__in": ids})
    return query


def _journal(refs: Sequence[SubjectRef], user_id: int | None) -> list[JsonDict]:
    event_ids = JournalSubject.objects.filter(subjects_filter(refs, "kind", "subject_id")).values("event_id")
    events = Q(pk__in=event_ids)
    if user_id is not None:
        # What they did themselves, also where the subject is not theirs (a search, a page they left).
        events |= Q(actor_kind="tenant", actor_id=user_id)
    return [
        {
            "occurred_at": _plain(event.occurred_at),
            "activity": event.activity,
            "actor_kind": event.actor_kind,
            "channel": event.channel,
            "facts": event.facts,
            "subjects": [f"{s.kind}#{s.subject_id}" for s in event.subjects.all()],
        }
        for event in JournalEvent.objects.filter(events)
        .prefetch_related("subjects")
        .order_by("occurred_at", "id")
    ]


def _decisions(refs: Sequence[SubjectRef]) -> list[JsonDict]:
    return [
        {
            "subject": f"{d.subject_kind}#{d.subject_id}",
            **_values(
                d,
                (
                    "flow",
                    "decided_at",
                    "outcome",
                    "reasons",
                    "overridden_at",
                    "override_outcome",
                    "override_reason",
                ),
            ),
        }
        for d in Decision.objects.filter(subjects_filter(refs, "subject_kind", "subject_id")).order_by(
            "decided_at", "id"
        )
    ]


def _holds(refs: Sequence[SubjectRef]) -> list[JsonDict]:
    return [
        {
            "subject": f"{h.subject_kind}#{h.subject_id}",
            **_values(h, ("reason", "since", "until", "released_at")),
        }
        for h in Hold.objects.filter(subjects_filter(refs, "subject_kind", "subject_id")).order_by(
            "since", "id"
        )
    ]


def _account(person: Person) -> JsonDict | None:
    user = person.user
    if user is None:
        return None
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _plain(user.date_joined),
        "last_login": _plain(user.last_login),
        "is_active": user.is_active,
    }


def personal_data(
    *, person: Person, include_protected_notes: bool, now: dt.datetime | None = None
) -> JsonDict:
    """Everything about `person`, plain JSON values only (dates ISO 8601, money as "12.34" strings).

    `include_protected_notes`: the text of health and family notes, only for a reader who may see them.
    """
    tenancies = tenancies_of(person)
    tenancy_ids = [t.pk for t in tenancies]
    refs = [subject_ref(person), *tenancy_subjects(tenancies)]
    user_id = person.user_id
    mine = Q(tenancy_id__in=tenancy_ids) | (Q(user_id=user_id) if user_id is not None else Q(pk__in=[]))
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": _plain(now or timezone.now()),
        "person": _values(person, PERSON_FIELDS),
        "account": _account(person),
        "activation_codes": [
            _values(code, ("issued_at", "expires_at", "used_at", "revoked_at"))
            for code in ActivationCode.objects.filter(person=person).order_by("issued_at")
        ],
        "households": [
            {"tenancy": member.tenancy.reference, **_values(member, ("moved_in", "moved_out", "end_reason"))}
            for member in HouseholdMember.objects.filter(person=person)
            .select_related("tenancy")
            .order_by("moved_in")
        ],
        "tenancy_roles": [
            {"tenancy": party.tenancy.reference, **_values(party, ("role",))}
            for party in TenancyParty.objects.filter(person=person)
            .select_related("tenancy")
            .order_by("tenancy_id")
        ],
        "tenancies": [_tenancy(t, include_protected=include_protected_notes) for t in tenancies],
        "callbacks": [
            _values(c, CALLBACK_FIELDS)
            for c in CallbackRequest.objects.filter(mine).order_by("created_at", "id")
        ],
        "answer_feedback": [
            _values(f, FEEDBACK_FIELDS)
            for f in AnswerFeedback.objects.filter(mine).order_by("created_at", "id")
        ],
        "automated_decisions": _decisions(refs),
        "holds": _holds(refs),
        "journal": _journal(refs, user_id),
    }


def protected_note_count(data: JsonDict) -> int:
    """How many health and family notes an export shows in full (journaled with the export)."""
    return sum(
        1
        for tenancy in data["tenancies"]
        for case in tenancy["cases"]
        for note in case["notes"]
        if note["category"] in PROTECTED_NOTE_CATEGORIES and not note["withheld"]
    )
