"""The one way to write the journal. Only non-personal facts go in: names and free text stay on subjects."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

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


def plain_facts(facts: Mapping[str, Any], *, check_personal: bool = True) -> dict[str, Any]:
    personal = PERSONAL_FACT_KEYS.intersection(facts) if check_personal else set()
    if personal:
        raise ValueError(f"personal data does not belong in the journal: {sorted(personal)}")
    # Decimal, dates and the like become strings, as they would in an export.
    return json.loads(json.dumps(dict(facts), cls=DjangoJSONEncoder))


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


def record_many(entries: Sequence[Entry]) -> list[JournalEvent]:
    """Append many events in three queries: batch jobs (bank files, nightly runs) write thousands."""
    now = timezone.now()
    prepared = []
    for entry in entries:
        refs = list(dict.fromkeys(subject_ref(s) for s in entry.subjects))
        if not refs:
            raise ValueError(f"a journal event is about at least one subject: {entry.activity}")
        event = JournalEvent(
            occurred_at=entry.occurred_at or now,
            activity=entry.activity,
            actor_kind=entry.actor.journal_actor_kind if entry.actor is not None else ActorKind.SYSTEM,
            actor_id=entry.actor.pk if entry.actor is not None else None,
            channel=entry.channel,
            facts=plain_facts(entry.facts or {}),
        )
        prepared.append((event, refs, {v.pk for v in entry.rule_versions}))
    if not prepared:
        return []
    with transaction.atomic():
        events = JournalEvent.objects.bulk_create([event for event, _refs, _versions in prepared])
        JournalSubject.objects.bulk_create(
            [
                JournalSubject(event=event, kind=ref.kind, subject_id=ref.id)
                for event, (_e, refs, _v) in zip(events, prepared, strict=True)
                for ref in refs
            ]
        )
        JournalRuleVersion.objects.bulk_create(
            [
                JournalRuleVersion(event=event, rule_version_id=pk)
                for event, (_e, _r, versions) in zip(events, prepared, strict=True)
                for pk in sorted(versions)
            ]
        )
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
