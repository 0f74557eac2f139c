"""Wizard runs that ended without a request: the `abandoned` step of the funnel.

A tenant who leaves cannot be seen while they leave, so this runs afterwards (Celery beat task
`roer.repairs.record_wizard_abandons`, or `roer record_wizard_abandons` from cron). It reads the journal's
`wizard_step` events per `wizard_session` (a random id per run of the wizard, set by the portal) and,
for every run that

- showed the tenant questions or an outcome,
- has been quiet for `ABANDON_AFTER` (24 hours),
- led to no `repair_request_submitted` (nor `repair_request_refused`) with the same `wizard_session`,
- and did not end on an outcome that offered no form (advice for the tenant's own part, an emergency
  number: there the wizard did its job and nothing was left to submit),

journals one `wizard_step` with step `abandoned`, the last step reached and the tree version of that step.
It is idempotent: a run that has an `abandoned` step already is left alone, so running it again, late or
twice adds nothing. On PostgreSQL a transaction-scoped advisory lock keeps two runs from overlapping.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import structlog
from django.db import connection, transaction
from django.utils import timezone

from roer.core import journal
from roer.core.constants import Channel
from roer.core.models import JournalEvent, JournalRuleVersion, JournalSubject, RuleVersion
from roer.core.subjects import SubjectRef
from roer.repairs.constants import WIZARD_STEP_ORDER, WizardStep

logger = structlog.get_logger(__name__)

ABANDON_AFTER = dt.timedelta(hours=24)
# How far back a run reads: a session last seen before this was handled by an earlier run.
LOOKBACK = dt.timedelta(days=7)
# The steps that count as "in the wizard": a search alone is not yet a run to abandon.
ENGAGED_STEPS = frozenset({WizardStep.QUESTIONS_SHOWN.value, WizardStep.OUTCOME_SHOWN.value})
# Activities that end a run with a request or a refusal (each carries the `wizard_session` fact).
ENDING_ACTIVITIES = ("repair_request_submitted", "repair_request_refused")
_LOCK_KEY = 0x524F4552_57495A  # "ROER" "WIZ"


@dataclass
class AbandonReport:
    sessions: int = 0
    abandoned: int = 0
    already: int = 0
    submitted: int = 0
    ended_with_outcome: int = 0
    only_searched: int = 0
    still_active: int = 0
    last_steps: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "abandoned": self.abandoned,
            "already": self.already,
            "submitted": self.submitted,
            "ended_with_outcome": self.ended_with_outcome,
            "only_searched": self.only_searched,
            "still_active": self.still_active,
            "last_steps": dict(sorted(self.last_steps.items())),
        }


@dataclass(frozen=True)
class _Step:
    event_id: int
    occurred_at: dt.datetime
    facts: dict[str, Any]

    @property
    def step(self) -> str:
        return str(self.facts.get("step", ""))


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _sessions_with(activity_filter: dict[str, Any], sessions: list[str]) -> set[str]:
    found: set[str] = set()
    for first in range(0, len(sessions), 500):
        chunk = sessions[first : first + 500]
        found.update(
            str(s)
            for s in JournalEvent.objects.filter(**activity_filter, facts__wizard_session__in=chunk)
            .values_list("facts__wizard_session", flat=True)
            .distinct()
        )
    return found


def _furthest(steps: list[_Step]) -> str:
    shown = [s.step for s in steps if s.step in WIZARD_STEP_ORDER]
    return max(shown, key=lambda name: WIZARD_STEP_ORDER[name]) if shown else ""


def wizard_abandons_record(
    *, now: dt.datetime | None = None, idle: dt.timedelta = ABANDON_AFTER, lookback: dt.timedelta = LOOKBACK
) -> AbandonReport:
    """Journal `abandoned` for every wizard run that went quiet without a request (see the module)."""
    now = now or timezone.now()
    cutoff = now - idle
    report = AbandonReport()
    with transaction.atomic():
        _lock()
        rows = (
            JournalEvent.objects.filter(
                activity="wizard_step",
                occurred_at__gte=cutoff - lookback,
                occurred_at__lte=now,
                facts__has_key="wizard_session",
            )
            .order_by("occurred_at", "id")
            .values_list("id", "occurred_at", "facts")
        )
        runs: dict[str, list[_Step]] = defaultdict(list)
        for event_id, occurred_at, facts in rows:
            runs[str(facts["wizard_session"])].append(_Step(event_id, occurred_at, facts))
        report.sessions = len(runs)
        candidates: dict[str, list[_Step]] = {}
        for session, steps in runs.items():
            if any(s.step == WizardStep.ABANDONED for s in steps):
                report.already += 1
            elif steps[-1].occurred_at > cutoff:
                report.still_active += 1
            elif not any(s.step in ENGAGED_STEPS for s in steps):
                report.only_searched += 1
            elif steps[-1].step == WizardStep.OUTCOME_SHOWN and steps[-1].facts.get("offered_form") is False:
                report.ended_with_outcome += 1
            else:
                candidates[session] = steps
        names = sorted(candidates)
        # An `abandoned` step older than the window, or a submission, settles a run as well.
        done = _sessions_with({"activity": "wizard_step", "facts__step": WizardStep.ABANDONED.value}, names)
        ended = _sessions_with({"activity__in": ENDING_ACTIVITIES}, names)
        report.already += len(done)
        report.submitted += len(ended - done)
        names = [n for n in names if n not in done and n not in ended]
        last_ids = [candidates[n][-1].event_id for n in names]
        subjects: dict[int, list[SubjectRef]] = defaultdict(list)
        for event_id, kind, subject_id in JournalSubject.objects.filter(event_id__in=last_ids).values_list(
            "event_id", "kind", "subject_id"
        ):
            subjects[event_id].append(SubjectRef(kind=kind, id=subject_id))
        versions: dict[int, list[RuleVersion]] = defaultdict(list)
        for link in JournalRuleVersion.objects.filter(event_id__in=last_ids).select_related("rule_version"):
            versions[link.event_id].append(link.rule_version)
        entries = []
        for name in names:
            steps = candidates[name]
            last = steps[-1]
            problem = next((s.facts.get("problem") for s in reversed(steps) if s.facts.get("problem")), None)
            outcome = next((s for s in reversed(steps) if s.step == WizardStep.OUTCOME_SHOWN), None)
            entries.append(
                journal.Entry(
                    activity="wizard_step",
                    subjects=subjects[last.event_id],
                    channel=Channel.PORTAL,
                    rule_versions=versions[last.event_id],
                    # When the run counts as left: deterministic, whenever this job happens to run.
                    occurred_at=last.occurred_at + idle,
                    facts={
                        "step": WizardStep.ABANDONED.value,
                        "wizard_session": name,
                        "last_step": last.step,
                        "furthest_step": _furthest(steps),
                        "problem": problem,
                        "responsibility": outcome.facts.get("responsibility") if outcome else None,
                        "offered_form": outcome.facts.get("offered_form") if outcome else None,
                        "steps": len(steps),
                        "backs": sum(1 for s in steps if s.step == WizardStep.BACK),
                        "idle_hours": int(idle.total_seconds() // 3600),
                    },
                )
            )
            report.last_steps[last.step] = report.last_steps.get(last.step, 0) + 1
        journal.record_many(entries)
        report.abandoned = len(entries)
    logger.info("wizard_abandons_recorded", **report.as_dict())
    return report
