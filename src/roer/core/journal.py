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
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from roer.core.bulk import insert_rows, insert_rows_returning_ids
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
    if check_personal and not PERSONAL_FACT_KEYS.isdisjoint(facts):
        personal = PERSONAL_FACT_KEYS.intersection(facts)
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
    """INSERT the events in as few statements as the backend allows (one per batch on SQLite, a COPY
    with ids drawn from the table's own sequence on PostgreSQL); their new ids in row order."""
    if connection.vendor != "postgresql" and not connection.features.can_return_rows_from_bulk_insert:
        raise ImproperlyConfigured("the journal needs a database that returns ids from a bulk insert")
    return insert_rows_returning_ids(JournalEvent, _EVENT_COLUMNS, rows)


# One event as record_many prepares it: occurred_at, activity, actor kind, actor id, channel, facts,
# its subjects as (kind, id) and the ids of its rule versions.
_Prepared = tuple[dt.datetime, str, str, Any, str, dict[str, Any], list[tuple[str, str]], set[Any]]


def _subject_pairs(entry: Entry) -> list[tuple[str, str]]:
    """(kind, id) of each subject of an event, once each, in the order given."""
    pairs: list[tuple[str, str]] = []
    for subject in entry.subjects:
        ref = subject if type(subject) is SubjectRef else subject_ref(subject)
        pair = (ref.kind, ref.id)
        if pair not in pairs:  # an event has a handful of subjects: a list is quicker than hashing
            pairs.append(pair)
    if not pairs:
        raise ValueError(f"a journal event is about at least one subject: {entry.activity}")
    return pairs


def _events(ids: Sequence[int], prepared: Sequence[_Prepared]) -> list[JournalEvent]:
    """The appended events as saved model instances.

    A batch of thousands builds them without `Model.__init__` when nothing listens to the model's
    pre_init or post_init signal: then the instance is the same, at a fraction of the cost."""
    alias = connection.alias
    if pre_init.has_listeners(JournalEvent) or post_init.has_listeners(JournalEvent):
        events = [
            JournalEvent(pk, occurred_at, activity, actor_kind, actor_id, channel, facts)
            for pk, (occurred_at, activity, actor_kind, actor_id, channel, facts, _p, _v) in zip(
                ids, prepared, strict=True
            )
        ]
        for event in events:
            event._state.adding = False
            event._state.db = alias
        return events
    new = JournalEvent.__new__
    events = []
    for pk, (occurred_at, activity, actor_kind, actor_id, channel, facts, _pairs, _versions) in zip(
        ids, prepared, strict=True
    ):
        event = new(JournalEvent)
        state = ModelState()
        state.adding = False
        state.db = alias
        event.__dict__.update(
            _state=state,
            id=pk,
            occurred_at=occurred_at,
            activity=activity,
            actor_kind=actor_kind,
            actor_id=actor_id,
            channel=channel,
            facts=facts,
        )
        events.append(event)
    return events


def record_many(entries: Sequence[Entry]) -> list[JournalEvent]:
    """Append many events in three queries: batch jobs (bank files, nightly runs) write thousands.

    Rows go in as plain tuples through the backend's own cursor and value adapters, not through
    `bulk_create`, whose per-instance field preparation costs far more than the insert itself.
    """
    now = timezone.now()
    system = ActorKind.SYSTEM.value
    prepared: list[_Prepared] = []
    for entry in entries:
        pairs = _subject_pairs(entry)
        actor = entry.actor
        prepared.append(
            (
                entry.occurred_at or now,
                str(entry.activity),
                str(actor.journal_actor_kind) if actor is not None else system,
                actor.pk if actor is not None else None,
                str(entry.channel),
                plain_facts(entry.facts or {}),
                pairs,
                {v.pk for v in entry.rule_versions} if entry.rule_versions else set(),
            )
        )
    if not prepared:
        return []
    adapt_moment = connection.ops.adapt_datetimefield_value
    adapt_json = connection.ops.adapt_json_value
    moments: dict[dt.datetime, Any] = {}
    rows = []
    for occurred_at, activity, actor_kind, actor_id, channel, facts, _pairs, _versions in prepared:
        moment = moments.get(occurred_at)
        if moment is None:
            moment = moments[occurred_at] = adapt_moment(occurred_at)
        rows.append((moment, activity, actor_kind, actor_id, channel, adapt_json(facts, None)))
    with transaction.atomic():
        ids = _insert_events(rows)
        subjects = [
            (pk, kind, subject_id)
            for pk, item in zip(ids, prepared, strict=True)
            for kind, subject_id in item[6]
        ]
        versions = [
            (pk, version) for pk, item in zip(ids, prepared, strict=True) for version in sorted(item[7])
        ]
        insert_rows(JournalSubject, ("event", "kind", "subject_id"), subjects)
        insert_rows(JournalRuleVersion, ("event", "rule_version"), versions)
    events = _events(ids, prepared)
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
