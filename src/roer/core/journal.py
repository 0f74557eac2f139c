"""The one way to write the journal. Only non-personal facts go in: names and free text stay on subjects."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
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
    refs = list(dict.fromkeys(subject_ref(s) for s in subjects))
    if not refs:
        raise ValueError("a journal event is about at least one subject")
    with transaction.atomic():
        event = JournalEvent.objects.create(
            occurred_at=occurred_at or timezone.now(),
            activity=activity,
            actor_kind=actor.journal_actor_kind if actor is not None else ActorKind.SYSTEM,
            actor_id=actor.pk if actor is not None else None,
            channel=channel,
            facts=plain_facts(facts or {}),
        )
        JournalSubject.objects.bulk_create(
            [JournalSubject(event=event, kind=ref.kind, subject_id=ref.id) for ref in refs]
        )
        versions = {v.pk: v for v in rule_versions}
        JournalRuleVersion.objects.bulk_create(
            [JournalRuleVersion(event=event, rule_version_id=pk) for pk in versions]
        )
    logger.info("journal_recorded", activity=activity, subjects=[str(r) for r in refs], event_id=event.pk)
    return event


def events_for(subject: Subject) -> list[JournalEvent]:
    """Every event about one subject, oldest first."""
    ref: SubjectRef = subject_ref(subject)
    return list(
        JournalEvent.objects.filter(subjects__kind=ref.kind, subjects__subject_id=ref.id)
        .prefetch_related("subjects", "rule_versions__rule_version__rule_set")
        .order_by("occurred_at", "id")
    )
