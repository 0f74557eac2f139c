"""The one way to write the journal. Only non-personal facts go in: names and free text stay on subjects."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from roer.core.bulk import column, insert_rows, insert_sql, rows_per_statement
from roer.core.constants import ActorKind, Channel
from roer.core.models import JournalEvent, JournalRuleVersion, JournalSubject, RuleVersion
from roer.core.subjects import Subject, SubjectRef, subject_ref

logger = structlog.get_logger(__name__)

PERSONAL_FACT_KEYS = frozenset(
    {"name", "email", "phone", "address", "street", "iban", "birth_date", "text", "note"}
)


class JournalActor(Protocol):
    pk: Any

    @property
    def journal_actor_kind(self) -> str: ...


_PLAIN_SCALARS = frozenset({str, int, bool, type(None)})


def plain_facts(facts: Mapping[str, Any], *, check_personal: bool = True) -> dict[str, Any]:
    personal = PERSONAL_FACT_KEYS.intersection(facts) if check_personal else set()
    if personal:
        raise ValueError(f"personal data does not belong in the journal: {sorted(personal)}")
    # Facts that are already plain JSON scalars come back unchanged from the round trip below; a
    # batch of thousands skips it (exact types only: an enum or a subclass still goes through JSON).
    plain = dict(facts)
    for key, value in plain.items():
        if type(value) not in _PLAIN_SCALARS or type(key) is not str:
            break
    else:
        return plain
    # Decimal, dates and the like become strings, as they would in an export.
    return json.loads(json.dumps(plain, cls=DjangoJSONEncoder))


@dataclass(frozen=True)
class Entry:
    """One event to append; `actor=None` means the system acted."""

    activity: str
    subjects: Sequence[Subject]
    actor: JournalActor | None = None
    channel: Channel | str = ""
    rule_versions: Sequence[RuleVersion] = ()
    facts: Mapping[str, Any] | None = None
    occurred_at: dt.datetime | None = None


def record(
    *,
    activity: str,
    subjects: Iterable[Subject],
    actor: JournalActor | None = None,
    channel: Channel | str = "",
    rule_versions: Iterable[RuleVersion] = (),
    facts: Mapping[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> JournalEvent:
    """Append one event. `actor=None` means the system acted."""
    entry = Entry(
        activity=activity,
        subjects=list(subjects),
        actor=actor,
        channel=channel,
        rule_versions=list(rule_versions),
        facts=facts,
        occurred_at=occurred_at,
    )
    return record_many([entry])[0]


_EVENT_COLUMNS = ("occurred_at", "activity", "actor_kind", "actor_id", "channel", "facts")


def _insert_events(rows: Sequence[tuple[Any, ...]]) -> list[int]:
    """INSERT the events in as few statements as the backend's parameter limit allows; their new ids
    in row order (ids are handed out in row order on every supported backend, whatever order
    RETURNING lists them in, so they are sorted)."""
    if connection.vendor == "postgresql" and rows:
        # Ids drawn from the table's own sequence for the whole batch, then the rows by COPY.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [JournalEvent._meta.db_table, JournalEvent._meta.pk.column, len(rows)],
            )
            drawn = sorted(int(row[0]) for row in cursor.fetchall())
        insert_rows(
            JournalEvent, ("id", *_EVENT_COLUMNS), [(pk, *row) for pk, row in zip(drawn, rows, strict=True)]
        )
        return drawn
    if not connection.features.can_return_rows_from_bulk_insert:
        raise ImproperlyConfigured("the journal needs a database that returns ids from a bulk insert")
    per_statement = rows_per_statement(_EVENT_COLUMNS)
    pk = column(JournalEvent, "id")
    ids: list[int] = []
    with connection.cursor() as cursor:
        for first in range(0, len(rows), per_statement):
            chunk = rows[first : first + per_statement]
            sql = insert_sql(JournalEvent, _EVENT_COLUMNS, len(chunk)) + f" RETURNING {pk}"
            cursor.execute(sql, [value for row in chunk for value in row])
            ids.extend(sorted(int(row[0]) for row in cursor.fetchall()))
    return ids


def record_many(entries: Sequence[Entry]) -> list[JournalEvent]:
    """Append many events in three queries: batch jobs (bank files, nightly runs) write thousands.

    Rows go in as plain tuples through the backend's own cursor and value adapters, not through
    `bulk_create`, whose per-instance field preparation costs far more than the insert itself.
    """
    now = timezone.now()
    ops = connection.ops
    system = ActorKind.SYSTEM.value
    moments: dict[dt.datetime, Any] = {}
    prepared: list[tuple[dt.datetime, str, str, Any, str, dict[str, Any], list[SubjectRef], set[Any]]] = []
    for entry in entries:
        refs = list(dict.fromkeys(s if type(s) is SubjectRef else subject_ref(s) for s in entry.subjects))
        if not refs:
            raise ValueError(f"a journal event is about at least one subject: {entry.activity}")
        actor = entry.actor
        prepared.append(
            (
                entry.occurred_at or now,
                str(entry.activity),
                str(actor.journal_actor_kind) if actor is not None else system,
                actor.pk if actor is not None else None,
                str(entry.channel),
                plain_facts(entry.facts or {}),
                refs,
                {v.pk for v in entry.rule_versions},
            )
        )
    if not prepared:
        return []
    rows = []
    for occurred_at, activity, actor_kind, actor_id, channel, facts, _refs, _versions in prepared:
        moment = moments.get(occurred_at)
        if moment is None:
            moment = moments[occurred_at] = ops.adapt_datetimefield_value(occurred_at)
        rows.append((moment, activity, actor_kind, actor_id, channel, ops.adapt_json_value(facts, None)))
    with transaction.atomic():
        ids = _insert_events(rows)
        subjects = [(pk, ref.kind, ref.id) for pk, item in zip(ids, prepared, strict=True) for ref in item[6]]
        versions = [
            (pk, version) for pk, item in zip(ids, prepared, strict=True) for version in sorted(item[7])
        ]
        insert_rows(JournalSubject, ("event", "kind", "subject_id"), subjects)
        insert_rows(JournalRuleVersion, ("event", "rule_version"), versions)
    events = [
        JournalEvent(pk, occurred_at, activity, actor_kind, actor_id, channel, facts)
        for pk, (occurred_at, activity, actor_kind, actor_id, channel, facts, _r, _v) in zip(
            ids, prepared, strict=True
        )
    ]
    alias = connection.alias
    for event in events:
        event._state.adding = False
        event._state.db = alias
    if len(events) == 1:
        logger.info("journal_recorded", activity=events[0].activity, event_id=events[0].pk)
    else:
        logger.info("journal_recorded_many", count=len(events))
    return events


def events_for(subject: Subject) -> list[JournalEvent]:
    """Every event about one subject, oldest first."""
    ref: SubjectRef = subject_ref(subject)
    return list(
        JournalEvent.objects.filter(subjects__kind=ref.kind, subjects__subject_id=ref.id)
        .prefetch_related("subjects", "rule_versions__rule_version__rule_set")
        .order_by("occurred_at", "id")
    )
