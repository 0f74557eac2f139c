"""Writes the simulated repairs and contacts: portal accounts, repair requests, work orders, visits, decisions,
grades, contact moments and their journal events, as plain-row inserts per chunk.

Every row and every event has the shape the real services give it (`repairs.services`,
`repairs.satisfaction`, `repairs.wizard_sessions`, `casework.services.contact_log`,
`accounts.activation`, `core.helm.decision_record`): the same activities, facts, subjects, actors, channels
and rule versions, so the supervisor's meters and process map read the demo's history as live data. Only
the way in differs: ids are drawn for the whole chunk first (PostgreSQL's sequences, SQLite's next row ids),
then each table gets one bulk insert (`roer.core.bulk.insert_rows`) and the journal one `record_many`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from roer.accounts.constants import ACTIVATION_CODE_DAYS, DEMO_PASSWORD, DEMO_USERNAMES, Role
from roer.accounts.models import ActivationCode, User
from roer.accounts.services import user_create
from roer.answers import selectors as answers_selectors
from roer.answers.constants import ANSWER_SUBJECT_KIND
from roer.answers.models import AnswerFeedback, CallbackRequest, UnansweredSearch
from roer.answers.search import normalised_text, search
from roer.casework.models import ContactMoment
from roer.core import helm, journal
from roer.core.bulk import column, insert_rows
from roer.core.constants import ActorKind, Flow, Mode
from roer.core.models import Decision, JournalEvent, JournalRuleVersion, JournalSubject, RuleVersion
from roer.core.subjects import SubjectRef
from roer.demo.logins import DEMO_TENANT_STORIES
from roer.demo.simulation.answers import CallbackSim, FeedbackSim, answers_world
from roer.demo.simulation.contacts import ANSWERS, ANSWERS_AND_WIZARD, ContactSim, PkOf
from roer.demo.simulation.repairs import (
    LINK,
    STAFF,
    SYSTEM,
    TENANT,
    WIZARD,
    WIZARD_AND_ROUTING,
    AccountSim,
    AppointmentSim,
    ContractorInfo,
    EventSim,
    OrderSim,
    RepairWorld,
    RequestSim,
    SatisfactionSim,
    TenancyRepairs,
    world_from_tree,
)
from roer.repairs.contractor_tokens import contractor_actor, contractor_demo_account_link
from roer.repairs.models import Appointment, Contractor, RepairRequest, SatisfactionResponse, WorkOrder
from roer.repairs.selectors import live_routing, live_wizard
from roer.repairs.services import contractors_ensure_from_routing
from roer.tenancies.constants import PartyRole
from roer.tenancies.models import Person, Tenancy, TenancyParty


@dataclass(slots=True)
class JournalActor:
    """Who acted, as the journal records it: a kind and, where there is one, the account's id."""

    pk: int | None
    journal_actor_kind: str


def _kind(model: type[models.Model]) -> str:
    return model._meta.label_lower


KIND = {
    "tenancy": _kind(Tenancy),
    "user": _kind(User),
    "person": _kind(Person),
    "code": _kind(ActivationCode),
    "request": _kind(RepairRequest),
    "order": _kind(WorkOrder),
    "appointment": _kind(Appointment),
    "decision": _kind(Decision),
    "satisfaction": _kind(SatisfactionResponse),
    "contact": _kind(ContactMoment),
    "feedback": _kind(AnswerFeedback),
    "callback": _kind(CallbackRequest),
    "answer": ANSWER_SUBJECT_KIND,
    "answers_version": _kind(RuleVersion),
}


def _pk(model: type[models.Model]) -> models.Field[Any, Any]:
    pk = model._meta.pk
    if pk is None:
        raise ValueError(f"{model.__name__} has no primary key")
    return pk


def _pk_column(model: type[models.Model]) -> str:
    return column(model, _pk(model).name)


class _Numbered(Protocol):
    pk: int | None
    ref: Any


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, in order, that no other insert will take: drawn from the
    table's sequence on PostgreSQL; on SQLite the next row ids (its AUTOINCREMENT counter follows the
    largest id inserted, so they are not handed out again)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, _pk(model).column, count],
            )
            return sorted(int(row[0]) for row in cursor.fetchall())
        if connection.vendor != "sqlite":
            raise ImproperlyConfigured("the demo's bulk writer runs on SQLite and PostgreSQL")
        cursor.execute(
            f"SELECT MAX({_pk_column(model)}), (SELECT seq FROM sqlite_sequence WHERE name = %s) "
            f"FROM {connection.ops.quote_name(table)}",
            [table],
        )
        largest, counter = cursor.fetchone()
        first = max(largest or 0, counter or 0) + 1
    return list(range(first, first + count))


def datetime_adapter() -> Any:
    """`connection.ops.adapt_datetimefield_value`; on SQLite the same conversion (to the connection's time
    zone, then text) without its checks, which cost more than the conversion for a million values."""
    if connection.vendor == "sqlite" and settings.USE_TZ:
        zone = connection.timezone

        def adapt(value: dt.datetime) -> str:
            return str(value.astimezone(zone).replace(tzinfo=None))

        return adapt
    return connection.ops.adapt_datetimefield_value


def _number(items: Sequence[_Numbered], model: type[models.Model]) -> None:
    kind = _kind(model)
    for item, pk in zip(items, reserve_ids(model, len(items)), strict=True):
        item.pk = pk
        item.ref = SubjectRef(kind, str(pk))


@dataclass
class _Tenancy:
    id: int
    dwelling_id: int
    person_id: int | None
    result: TenancyRepairs
    ref: SubjectRef = field(init=False)

    def __post_init__(self) -> None:
        self.ref = SubjectRef(kind=KIND["tenancy"], id=str(self.id))


class RepairRows:
    """The rows and events of one chunk; `flush()` writes them and returns the counts."""

    def __init__(
        self,
        *,
        wizard_version: RuleVersion,
        routing_version: RuleVersion,
        answers_version: RuleVersion | None,
        staff_user_id: int,
        contractor_users: Mapping[int, int | None],
        tenant_group_id: int,
        decision_reason: str,
    ) -> None:
        ops = connection.ops
        self._datetime = datetime_adapter()
        self._date = ops.adapt_datefield_value
        self._json = ops.adapt_json_value
        self.wizard_version = wizard_version
        self.routing_version = routing_version
        self.answers_version = answers_version
        self.versions: dict[int, tuple[RuleVersion, ...]] = {
            0: (),
            WIZARD: (wizard_version,),
            WIZARD_AND_ROUTING: (wizard_version, routing_version),
        }
        if answers_version is not None:
            self.versions[ANSWERS] = (answers_version,)
            self.versions[ANSWERS_AND_WIZARD] = (answers_version, wizard_version)
            self.answers_ref = SubjectRef(KIND["answers_version"], str(answers_version.pk))
        self.staff = JournalActor(staff_user_id, ActorKind.STAFF.value)
        self.staff_user_id = staff_user_id
        self.link_holder = JournalActor(None, ActorKind.TENANT.value)
        self.contractors = {
            contractor_id: JournalActor(user_id, ActorKind.CONTRACTOR.value)
            for contractor_id, user_id in contractor_users.items()
        }
        self.tenant_group_id = tenant_group_id
        self.decision_reasons = self._json([decision_reason], None)
        self.tenancies: list[_Tenancy] = []

    def add(
        self, *, tenancy_id: int, dwelling_id: int, person_id: int | None, result: TenancyRepairs
    ) -> None:
        if result.account is not None and person_id is None:
            raise ValueError(f"tenancy {tenancy_id} has a portal account but no main tenant")
        self.tenancies.append(_Tenancy(tenancy_id, dwelling_id, person_id, result))

    def dt(self, value: dt.datetime | None) -> Any:
        return None if value is None else self._datetime(value)

    # --- writing -------------------------------------------------------------------------------------

    def flush(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        accounts = [(t, t.result.account) for t in self.tenancies if t.result.account is not None]
        requests = [(t, r) for t in self.tenancies for r in t.result.requests]
        orders = [(r, o) for _t, r in requests for o in r.orders]
        appointments = [(o, a) for _r, o in orders for a in o.appointments]
        graded = [(r, r.satisfaction) for _t, r in requests if r.satisfaction is not None]
        contacts = [(t, c) for t in self.tenancies for c in t.result.contacts]
        feedback = [(t, f) for t in self.tenancies for f in t.result.feedback]
        callbacks = [(t, c) for t in self.tenancies for c in t.result.callbacks]
        self._give_ids(accounts, requests, orders, appointments, graded, contacts)
        _number([f for _t, f in feedback], AnswerFeedback)
        _number([c for _t, c in callbacks], CallbackRequest)
        self._write_accounts(accounts)
        self._write_requests(requests)
        self._write_orders(orders)
        self._write_appointments(appointments)
        self._write_decisions(requests)
        self._write_satisfaction(graded)
        self._write_contacts(contacts)
        self._write_answers(feedback, callbacks)
        entries = [self._entry(t, e) for t in self.tenancies for e in t.result.events]
        # In the order they happened (ties in the order they were made): the journal's ids follow time as
        # they do live, and its time indexes fill in order rather than all over.
        entries.sort(key=_occurred)
        journal.record_many(entries)
        counts["portal accounts"] += len(accounts)
        counts["repair requests"] += len(requests)
        counts["work orders"] += len(orders)
        counts["appointments"] += len(appointments)
        counts["satisfaction responses"] += len(graded)
        counts["contact moments"] += len(contacts)
        counts["answer feedback"] += len(feedback)
        counts["callback requests"] += len(callbacks)
        counts["repair journal events"] += len(entries)
        self.tenancies.clear()
        return counts

    def _give_ids(
        self,
        accounts: Sequence[tuple[_Tenancy, AccountSim]],
        requests: Sequence[tuple[_Tenancy, RequestSim]],
        orders: Sequence[tuple[RequestSim, OrderSim]],
        appointments: Sequence[tuple[OrderSim, AppointmentSim]],
        graded: Sequence[tuple[RequestSim, SatisfactionSim]],
        contacts: Sequence[tuple[_Tenancy, ContactSim]],
    ) -> None:
        """Ids for every new row, and the journal subjects they make."""
        user_ids = reserve_ids(User, len(accounts))
        code_ids = reserve_ids(ActivationCode, len(accounts))
        for (tenancy, account), user_id, code_id in zip(accounts, user_ids, code_ids, strict=True):
            account.pk, account.code_pk, account.person_id = user_id, code_id, tenancy.person_id
            account.ref = SubjectRef(KIND["user"], str(user_id))
            account.person_ref = SubjectRef(KIND["person"], str(tenancy.person_id))
            account.code_ref = SubjectRef(KIND["code"], str(code_id))
        request_ids = reserve_ids(RepairRequest, len(requests))
        decision_ids = reserve_ids(Decision, len(requests))
        for (_t, request), request_id, decision_id in zip(requests, request_ids, decision_ids, strict=True):
            request.pk, request.decision_pk = request_id, decision_id
            request.ref = SubjectRef(KIND["request"], str(request_id))
            request.decision_ref = SubjectRef(KIND["decision"], str(decision_id))
        _number([o for _r, o in orders], WorkOrder)
        _number([a for _o, a in appointments], Appointment)
        _number([s for _r, s in graded], SatisfactionResponse)
        _number([c for _t, c in contacts], ContactMoment)

    def _write_accounts(self, accounts: Sequence[tuple[_Tenancy, AccountSim]]) -> None:
        """As `tenant_account_activate` leaves them: a tenant user linked to the person, the code used."""
        usable = accounts
        insert_rows(
            User,
            (
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "is_staff",
                "is_active",
                "date_joined",
                "email",
                "is_demo",
            ),
            [
                (
                    a.pk,
                    a.password,
                    self.dt(a.activated_at),
                    False,
                    a.username,
                    "",
                    "",
                    False,
                    True,
                    self.dt(a.activated_at),
                    a.email,
                    False,
                )
                for _t, a in usable
            ],
        )
        insert_rows(
            User.groups.through, ("user", "group"), [(a.pk, self.tenant_group_id) for _t, a in usable]
        )
        if usable:
            table = connection.ops.quote_name(Person._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET {column(Person, 'user')} = %s WHERE {_pk_column(Person)} = %s",
                    [(a.pk, a.person_id) for _t, a in usable],
                )
        insert_rows(
            ActivationCode,
            (
                "id",
                "person",
                "tenancy",
                "digest",
                "issued_at",
                "expires_at",
                "used_at",
                "revoked_at",
                "attempts",
            ),
            [
                (
                    a.code_pk,
                    a.person_id,
                    t.id,
                    a.digest,
                    self.dt(a.issued_at),
                    self.dt(a.issued_at + dt.timedelta(days=ACTIVATION_CODE_DAYS)),
                    self.dt(a.activated_at),
                    None,
                    0,
                )
                for t, a in usable
            ],
        )

    def _write_requests(self, requests: Sequence[tuple[_Tenancy, RequestSim]]) -> None:
        json = self._json
        wizard = self.wizard_version.pk
        rows = []
        for tenancy, r in requests:
            outcome = r.outcome
            account = tenancy.result.account
            rows.append(
                (
                    r.pk,
                    tenancy.id,
                    tenancy.dwelling_id,
                    r.problem_id,
                    json(r.answers, DjangoJSONEncoder),
                    outcome.responsibility,
                    outcome.urgency or "",
                    outcome.working_days,
                    outcome.trade or "",
                    outcome.defect_soort or "",
                    outcome.defect_locatie or "",
                    outcome.clause or "",
                    wizard,
                    r.channel,
                    r.status,
                    r.handling,
                    r.description,
                    json(r.preferred_weekdays, DjangoJSONEncoder),
                    r.preferred_part,
                    self.dt(r.submitted_at),
                    account.pk if r.by_tenant and account is not None else self.staff_user_id,
                    r.idempotency_key,
                    self.dt(r.status_changed_at),
                    r.cancelled_reason,
                    self.dt(r.confirmation_sent_at),
                    self.dt(r.satisfaction_asked_at),
                )
            )
        insert_rows(
            RepairRequest,
            (
                "id",
                "tenancy",
                "dwelling",
                "problem_id",
                "answers",
                "responsibility",
                "urgency",
                "working_days",
                "trade",
                "defect_soort",
                "defect_locatie",
                "clause",
                "wizard_version",
                "channel",
                "status",
                "handling",
                "description",
                "preferred_weekdays",
                "preferred_part",
                "submitted_at",
                "submitted_by",
                "idempotency_key",
                "status_changed_at",
                "cancelled_reason",
                "confirmation_sent_at",
                "satisfaction_asked_at",
            ),
            rows,
        )

    def _write_orders(self, orders: Sequence[tuple[RequestSim, OrderSim]]) -> None:
        routing = self.routing_version.pk
        insert_rows(
            WorkOrder,
            (
                "id",
                "request",
                "contractor",
                "trade",
                "status",
                "due_by",
                "routing_version",
                "routed_by",
                "created_at",
                "issued_at",
                "accepted_at",
                "status_changed_at",
                "result",
                "completed_at",
                "flag",
                "flagged_at",
                "remark",
            ),
            [
                (
                    o.pk,
                    r.pk,
                    o.contractor_id,
                    o.trade,
                    o.status,
                    self.dt(o.due_by),
                    routing,
                    o.routed_by,
                    self.dt(o.created_at),
                    self.dt(o.issued_at),
                    self.dt(o.accepted_at),
                    self.dt(o.status_changed_at),
                    o.result,
                    self.dt(o.completed_at),
                    o.flag,
                    self.dt(o.flagged_at),
                    o.remark,
                )
                for r, o in orders
            ],
        )

    def _write_appointments(self, appointments: Sequence[tuple[OrderSim, AppointmentSim]]) -> None:
        insert_rows(
            Appointment,
            ("id", "order", "date", "part", "status", "created_at", "confirmed_at", "cancelled_at"),
            [
                (
                    a.pk,
                    o.pk,
                    self._date(a.date),
                    a.part,
                    a.status,
                    self.dt(a.created_at),
                    self.dt(a.confirmed_at),
                    self.dt(a.cancelled_at),
                )
                for o, a in appointments
            ],
        )

    def _write_decisions(self, requests: Sequence[tuple[_Tenancy, RequestSim]]) -> None:
        """`helm.decision_record` of `repair_request_submit`: one repair-intake decision per request."""
        wizard = self.wizard_version.pk
        kind = KIND["request"]
        flow = Flow.REPAIR_INTAKE.value
        insert_rows(
            Decision,
            (
                "id",
                "flow",
                "subject_kind",
                "subject_id",
                "rule_version",
                "inputs",
                "outcome",
                "reasons",
                "decided_at",
                "overridden_by",
                "overridden_at",
                "override_outcome",
                "override_reason",
            ),
            [
                (
                    r.decision_pk,
                    flow,
                    kind,
                    str(r.pk),
                    wizard,
                    self._json(journal.plain_facts(r.decision_inputs, check_personal=False), None),
                    r.decision_outcome,
                    self.decision_reasons,
                    self.dt(r.submitted_at),
                    None,
                    None,
                    "",
                    "",
                )
                for _t, r in requests
            ],
        )

    def _write_satisfaction(self, graded: Sequence[tuple[RequestSim, SatisfactionSim]]) -> None:
        wizard, routing = self.wizard_version.pk, self.routing_version.pk
        insert_rows(
            SatisfactionResponse,
            (
                "id",
                "request",
                "grade",
                "fixed",
                "comment",
                "channel",
                "answered_at",
                "problem_id",
                "trade",
                "contractor",
                "wizard_version",
                "routing_version",
                "intake_channel",
                "urgency",
            ),
            [
                (
                    s.pk,
                    r.pk,
                    s.grade,
                    s.fixed,
                    s.comment,
                    s.channel,
                    self.dt(s.answered_at),
                    s.problem_id,
                    s.trade,
                    s.contractor_id,
                    wizard,
                    routing if s.has_routing else None,
                    s.intake_channel,
                    s.urgency,
                )
                for r, s in graded
            ],
        )

    def _write_contacts(self, contacts: Sequence[tuple[_Tenancy, ContactSim]]) -> None:
        columns = [
            "id",
            "tenancy",
            "case",
            "channel",
            "direction",
            "happened_at",
            "by",
            "succeeded",
            "topic",
            "summary",
            "recorded_at",
        ]
        names = {f.name for f in ContactMoment._meta.concrete_fields}
        ids = [name for name in ("problem_id", "answer_id") if name in names]
        columns.extend(ids)
        staff = self.staff_user_id
        insert_rows(
            ContactMoment,
            columns,
            [
                (
                    c.pk,
                    t.id,
                    None,
                    c.channel,
                    c.direction,
                    self.dt(c.happened_at),
                    staff,
                    c.succeeded,
                    c.topic,
                    c.summary,
                    self.dt(c.recorded_at),
                    *(getattr(c, name) for name in ids),
                )
                for t, c in contacts
            ],
        )

    def _write_answers(
        self,
        feedback: Sequence[tuple[_Tenancy, FeedbackSim]],
        callbacks: Sequence[tuple[_Tenancy, CallbackSim]],
    ) -> None:
        """As `answer_feedback_record`, `callback_request_create` / `callback_handle` and
        `answer_search_record` (a search that found nothing) leave them."""
        version = self.answers_version
        if version is None:
            return
        insert_rows(
            AnswerFeedback,
            (
                "id",
                "answer_id",
                "rule_version",
                "helped",
                "tenancy",
                "user",
                "comment",
                "idempotency_key",
                "created_at",
            ),
            [
                (
                    f.pk,
                    f.answer_id,
                    version.pk,
                    f.helped,
                    t.id,
                    t.result.account.pk if t.result.account is not None else None,
                    f.comment,
                    f.idempotency_key,
                    self.dt(f.created_at),
                )
                for t, f in feedback
            ],
        )
        staff = self.staff_user_id
        insert_rows(
            CallbackRequest,
            (
                "id",
                "tenancy",
                "user",
                "phone",
                "preferred_day",
                "preferred_part",
                "topic",
                "problem_id",
                "answer_id",
                "note",
                "status",
                "attempts",
                "handled_by",
                "handled_at",
                "outcome",
                "rule_version",
                "idempotency_key",
                "created_at",
            ),
            [
                (
                    c.pk,
                    t.id,
                    t.result.account.pk if t.result.account is not None else None,
                    c.phone,
                    self._date(c.preferred_day),
                    c.preferred_part,
                    c.topic,
                    c.problem_id,
                    c.answer_id,
                    c.note,
                    c.status,
                    c.attempts,
                    staff if c.handled_at is not None else None,
                    self.dt(c.handled_at),
                    c.outcome,
                    version.pk,
                    c.idempotency_key,
                    self.dt(c.created_at),
                )
                for t, c in callbacks
            ],
        )
        insert_rows(
            UnansweredSearch,
            ("text", "normalised", "created_at"),
            [
                (s.text, normalised_text(s.text)[:200], self.dt(s.created_at))
                for t in self.tenancies
                for s in t.result.searches
            ],
        )

    # --- the journal ---------------------------------------------------------------------------------

    def _entry(self, tenancy: _Tenancy, event: EventSim) -> journal.Entry:
        subject = self._subject
        facts = event.facts
        if event.resolve:
            facts = {k: (v.target.pk if type(v) is PkOf else v) for k, v in facts.items()}
        return journal.Entry(
            activity=event.activity,
            subjects=[subject(tenancy, kind, obj) for kind, obj in event.subjects],
            actor=self._actor(tenancy, event.actor),
            channel=event.channel,
            rule_versions=self.versions[event.rules],
            facts=facts,
            occurred_at=event.at,
        )

    def _subject(self, tenancy: _Tenancy, kind: str, obj: Any) -> SubjectRef:
        if kind == "tenancy":
            return tenancy.ref
        if kind == "answers_version":
            return self.answers_ref
        if kind == "decision":
            return obj.decision_ref
        if kind == "person":
            return obj.person_ref
        if kind == "code":
            return obj.code_ref
        if kind == "answer":
            return SubjectRef(ANSWER_SUBJECT_KIND, obj)
        return obj.ref

    def _actor(self, tenancy: _Tenancy, actor: str | int) -> JournalActor | None:
        if actor == SYSTEM:
            return None
        if actor == STAFF:
            return self.staff
        if actor == TENANT:
            account = tenancy.result.account
            return JournalActor(account.pk if account is not None else None, ActorKind.TENANT.value)
        if actor == LINK:
            return self.link_holder
        if isinstance(actor, int):
            return self.contractors.get(actor) or JournalActor(None, ActorKind.CONTRACTOR.value)
        raise ValueError(f"unknown actor {actor!r}")


def _occurred(entry: journal.Entry) -> dt.datetime:
    return entry.occurred_at or dt.datetime.min.replace(tzinfo=dt.UTC)


def tenant_group_id() -> int:
    return Group.objects.get_or_create(name="tenant")[0].pk


# --- wiping ------------------------------------------------------------------------------------------


def repairs_wipe(*, person_ids: Iterable[int]) -> None:
    """Remove what the repairs chapter wrote (and whatever live use added to it): contact moments, grades,
    visits, orders, requests and their decisions, the portal accounts of the demo's people and their
    activation codes — and the journal events about the demo's tenancies, requests and those accounts, so a
    rebuilt corporation's meters do not count the old one's history twice. The journal is append-only for
    the product; the demo wipes its own fiction here, with plain DELETEs, on purpose."""
    person_ids = list(person_ids)
    user_ids: list[int] = []
    for first in range(0, len(person_ids), 5000):
        user_ids.extend(
            Person.objects.filter(pk__in=person_ids[first : first + 5000], user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
    _journal_wipe(user_ids)
    for model in (CallbackRequest, AnswerFeedback, UnansweredSearch, ContactMoment, SatisfactionResponse):
        model._default_manager.all().delete()
    Appointment.objects.all().delete()
    WorkOrder.objects.all().delete()
    Decision.objects.filter(subject_kind=KIND["request"]).delete()
    RepairRequest.objects.all().delete()
    # Every tenancy is the demo's (`demo_wipe` checked), so every activation code is.
    ActivationCode.objects.all().delete()
    for first in range(0, len(user_ids), 5000):
        User.objects.filter(pk__in=user_ids[first : first + 5000]).delete()


def _journal_wipe(user_ids: Sequence[int]) -> None:
    quote = connection.ops.quote_name
    subjects = quote(JournalSubject._meta.db_table)
    events = quote(JournalEvent._meta.db_table)
    versions = quote(JournalRuleVersion._meta.db_table)
    event_col = column(JournalSubject, "event")
    version_event_col = column(JournalRuleVersion, "event")
    kind_col = column(JournalSubject, "kind")
    id_col = column(JournalSubject, "subject_id")
    marked = quote("demo_wipe_events")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {marked} (event_id BIGINT PRIMARY KEY)")
        try:
            cursor.execute(
                f"INSERT INTO {marked} (event_id) SELECT DISTINCT {event_col} FROM {subjects} "
                f"WHERE {kind_col} IN (%s, %s)",
                [KIND["tenancy"], KIND["request"]],
            )
            for first in range(0, len(user_ids), 500):
                chunk = [str(pk) for pk in user_ids[first : first + 500]]
                cursor.execute(
                    f"INSERT INTO {marked} (event_id) SELECT DISTINCT {event_col} FROM {subjects} "
                    f"WHERE {kind_col} = %s AND {id_col} IN ({', '.join(['%s'] * len(chunk))}) "
                    f"AND {event_col} NOT IN (SELECT event_id FROM {marked})",
                    [KIND["user"], *chunk],
                )
            cursor.execute(
                f"DELETE FROM {versions} WHERE {version_event_col} IN (SELECT event_id FROM {marked})"
            )
            cursor.execute(f"DELETE FROM {subjects} WHERE {event_col} IN (SELECT event_id FROM {marked})")
            cursor.execute(
                f"DELETE FROM {events} WHERE {_pk_column(JournalEvent)} IN (SELECT event_id FROM {marked})"
            )
        finally:
            cursor.execute(f"DROP TABLE {marked}")


# --- what the chapter needs from the database, once per build ------------------------------------------


@dataclass
class RepairSetting:
    """The live rule versions, the contractors (made from the routing table), customer service's account and
    the pure `RepairWorld` the simulation runs in."""

    world: RepairWorld
    wizard_version: RuleVersion
    routing_version: RuleVersion
    answers_version: RuleVersion | None
    staff_user_id: int
    contractor_users: dict[int, int | None]
    tenant_group_id: int
    usernames: set[str]

    def rows(self) -> RepairRows:
        return RepairRows(
            wizard_version=self.wizard_version,
            routing_version=self.routing_version,
            answers_version=self.answers_version,
            staff_user_id=self.staff_user_id,
            contractor_users=self.contractor_users,
            tenant_group_id=self.tenant_group_id,
            decision_reason=self.world.decision_reason,
        )


def repair_setting(*, history_start: dt.date, until: dt.date) -> RepairSetting:
    """Contractors from the live routing table (`contractors_ensure_from_routing`), the demo accounts of
    customer service (who takes the calls) and of the contractor (who works the heating installer's orders),
    and the world of the live wizard tree."""
    staff = _demo_account(Role.CUSTOMER_SERVICE)
    _demo_account(Role.CONTRACTOR)
    contractors = contractors_ensure_from_routing()
    contractor_demo_account_link()
    wizard_version, tree = live_wizard()
    routing_version = live_routing()
    contractor_users: dict[int, int | None] = {}
    for contractor in Contractor.objects.filter(pk__in=[c.pk for c in contractors]).select_related("user"):
        # The journal's actor for the contractor: its own account, else the contractor without an id.
        contractor_users[contractor.pk] = getattr(contractor_actor(contractor), "pk", None)
    # The history ran on autopilot: the reason `repair_request_submit` gives its decisions then.
    reason = str(helm.automation_verdict(mode=Mode.AUTO, holds=[], now=timezone.now()).reason)
    try:
        answers_version, book = answers_selectors.live_answers()
    except LookupError:
        answers_version, answers = None, None
    else:
        answers = answers_world(book, search, mode=Mode.AUTO.value)
    world = world_from_tree(
        tree,
        routing_document=routing_version.document,
        routing_number=routing_version.number,
        contractors={c.key: ContractorInfo(c.pk, c.key, tuple(c.trades)) for c in contractors if c.active},
        decision_reason=reason,
        history_start=history_start,
        until=until,
        answers=answers,
    )
    return RepairSetting(
        world=world,
        wizard_version=wizard_version,
        routing_version=routing_version,
        answers_version=answers_version,
        staff_user_id=staff.pk,
        contractor_users=contractor_users,
        tenant_group_id=tenant_group_id(),
        usernames={name.lower() for name in User.objects.values_list("username", flat=True)},
    )


def _demo_account(role: Role) -> User:
    """The demo account of a role, made as `demo_accounts_ensure` makes it (which `roer demo` runs after the
    build and which then adds the one-time codes): the history needs customer service and the contractor."""
    username = DEMO_USERNAMES[role]
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return user_create(
        username=username,
        email=f"{username}@demo.roer.local",
        password=DEMO_PASSWORD,
        roles=[role],
        is_demo=True,
    )


def main_tenants(tenancy_ids: Iterable[int]) -> dict[int, int]:
    """The main tenant's person id per tenancy."""
    return dict(
        TenancyParty.objects.filter(tenancy_id__in=list(tenancy_ids), role=PartyRole.TENANT).values_list(
            "tenancy_id", "person_id"
        )
    )


def story_accounts_adopt() -> list[str]:
    """A demo tenant login whose main tenant opened a portal account in the simulation becomes that account
    (renamed to the story's username, with the demo password), so the login shows the household's own
    portal history. Runs before `demo_tenant_logins_ensure`, which then finds the login made."""
    adopted = []
    for username, find in DEMO_TENANT_STORIES.items():
        if User.objects.filter(username=username).exists():
            continue
        tenancy = find()
        if tenancy is None:
            continue
        party = (
            TenancyParty.objects.filter(tenancy=tenancy, role=PartyRole.TENANT)
            .select_related("person__user")
            .first()
        )
        user = party.person.user if party is not None else None
        if user is None or user.is_demo:
            continue
        user.username = username
        user.is_demo = True
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["username", "is_demo", "password"])
        adopted.append(username)
    return adopted
