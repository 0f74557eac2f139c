"""The helm: may automation act on a subject now? Modes per flow, holds, decisions and overrides.

`automation_verdict` is pure; the selectors gather what it needs, the services change it and journal it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.core import journal
from roer.core.constants import Flow, Mode
from roer.core.models import Decision, FlowMode, Hold, RuleVersion
from roer.core.subjects import Subject, SubjectRef, subject_ref


@dataclass(frozen=True)
class HoldPeriod:
    since: dt.datetime
    until: dt.datetime | None
    released_at: dt.datetime | None
    reason: str = ""

    def active_at(self, now: dt.datetime) -> bool:
        if now < self.since:
            return False
        if self.released_at is not None and self.released_at <= now:
            return False
        return self.until is None or now < self.until


@dataclass(frozen=True)
class Verdict:
    """`act`: automation may act alone; `propose`: it may only propose for a person to approve."""

    act: bool
    propose: bool
    reason: str


def automation_verdict(*, mode: Mode | str, holds: Iterable[HoldPeriod], now: dt.datetime) -> Verdict:
    active = [hold for hold in holds if hold.active_at(now)]
    if active:
        return Verdict(act=False, propose=False, reason=_("A person holds this: %s") % active[0].reason)
    if mode == Mode.MANUAL:
        return Verdict(act=False, propose=False, reason=_("The flow is switched to manual."))
    if mode == Mode.ASSIST:
        return Verdict(act=False, propose=True, reason=_("The flow is in assist mode: a person approves."))
    return Verdict(act=True, propose=True, reason=_("Autopilot."))


# --- selectors -------------------------------------------------------------------------------


def flow_mode(flow: Flow | str) -> Mode:
    row = FlowMode.objects.filter(flow=flow).only("mode").first()
    return Mode(row.mode) if row else Mode.AUTO


def flow_modes() -> dict[str, Mode]:
    modes = {flow.value: Mode.AUTO for flow in Flow}
    modes.update({row.flow: Mode(row.mode) for row in FlowMode.objects.all()})
    return modes


def holds_on(subject: Subject) -> list[HoldPeriod]:
    ref = subject_ref(subject)
    return [
        HoldPeriod(since=h.since, until=h.until, released_at=h.released_at, reason=h.reason)
        for h in Hold.objects.filter(subject_kind=ref.kind, subject_id=ref.id)
    ]


def holds_by_subject(kind: str, ids: Sequence[str] | None = None) -> Mapping[str, list[HoldPeriod]]:
    """All holds on subjects of one kind, for batch runs that ask per subject without a query each."""
    rows = Hold.objects.filter(subject_kind=kind)
    if ids is not None:
        rows = rows.filter(subject_id__in=list(ids))
    found: dict[str, list[HoldPeriod]] = {}
    for h in rows:
        found.setdefault(h.subject_id, []).append(
            HoldPeriod(since=h.since, until=h.until, released_at=h.released_at, reason=h.reason)
        )
    return found


def verdict_for(*, flow: Flow | str, subject: Subject, now: dt.datetime | None = None) -> Verdict:
    return automation_verdict(mode=flow_mode(flow), holds=holds_on(subject), now=now or timezone.now())


def active_holds(now: dt.datetime | None = None) -> list[Hold]:
    now = now or timezone.now()
    return list(
        Hold.objects.filter(since__lte=now)
        .filter(Q(released_at__isnull=True) | Q(released_at__gt=now))
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .select_related("held_by")
        .order_by("since")
    )


# --- services --------------------------------------------------------------------------------


def flow_mode_set(*, flow: Flow | str, mode: Mode | str, by: Any, reason: str) -> FlowMode:
    with transaction.atomic():
        row, _created = FlowMode.objects.select_for_update().get_or_create(flow=flow)
        before = row.mode if not _created else Mode.AUTO
        row.mode = mode
        row.reason = reason
        row.changed_by = by
        row.changed_at = timezone.now()
        row.save(update_fields=["mode", "reason", "changed_by", "changed_at"])
        journal.record(
            activity="flow_mode_changed",
            subjects=[row],
            actor=by,
            facts={"flow": flow, "from": before, "to": mode},
        )
    return row


def hold_place(
    *,
    subject: Subject,
    by: Any,
    reason: str,
    until: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Hold:
    if not reason.strip():
        raise ValueError(_("Say why you take the helm."))
    ref = subject_ref(subject)
    now = now or timezone.now()
    if until is not None and until <= now:
        raise ValueError(_("A hold must end in the future."))
    with transaction.atomic():
        hold = Hold.objects.create(
            subject_kind=ref.kind, subject_id=ref.id, reason=reason, held_by=by, since=now, until=until
        )
        journal.record(
            activity="hold_placed",
            subjects=[ref, hold],
            actor=by,
            occurred_at=now,
            facts={"until": until.isoformat() if until else None},
        )
    return hold


def hold_release(*, hold: Hold, by: Any, now: dt.datetime | None = None) -> Hold:
    now = now or timezone.now()
    with transaction.atomic():
        hold = Hold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            return hold
        hold.released_at = now
        hold.released_by = by
        hold.save(update_fields=["released_at", "released_by"])
        journal.record(
            activity="hold_released",
            subjects=[SubjectRef(kind=hold.subject_kind, id=hold.subject_id), hold],
            actor=by,
            occurred_at=now,
        )
    return hold


@dataclass(frozen=True)
class DecisionItem:
    """One automated decision to record (see `decision_record_many`)."""

    flow: Flow | str
    subject: Subject
    outcome: str
    reasons: Sequence[str]
    inputs: Mapping[str, Any]
    rule_version: RuleVersion | None
    decided_at: dt.datetime | None = None


def decision_record(
    *,
    flow: Flow | str,
    subject: Subject,
    outcome: str,
    reasons: Sequence[str],
    inputs: Mapping[str, Any],
    rule_version: RuleVersion | None,
    decided_at: dt.datetime | None = None,
) -> Decision:
    item = DecisionItem(
        flow=flow,
        subject=subject,
        outcome=outcome,
        reasons=reasons,
        inputs=inputs,
        rule_version=rule_version,
        decided_at=decided_at,
    )
    return decision_record_many([item])[0]


def decision_record_many(items: Sequence[DecisionItem]) -> list[Decision]:
    """Record many decisions, each with its `decision_taken` journal event, in a fixed number of queries
    (one bulk insert of the decisions, then `journal.record_many`): batch runs decide thousands."""
    if not items:
        return []
    now = timezone.now()
    refs = [subject_ref(item.subject) for item in items]
    decisions = [
        Decision(
            flow=item.flow,
            subject_kind=ref.kind,
            subject_id=ref.id,
            rule_version=item.rule_version,
            inputs=journal.plain_facts(item.inputs, check_personal=False),
            outcome=item.outcome,
            reasons=list(item.reasons),
            decided_at=item.decided_at or now,
        )
        for item, ref in zip(items, refs, strict=True)
    ]
    with transaction.atomic():
        decisions = Decision.objects.bulk_create(decisions)
        journal.record_many(
            [
                journal.Entry(
                    activity="decision_taken",
                    subjects=[ref, decision],
                    rule_versions=[item.rule_version] if item.rule_version else [],
                    occurred_at=decision.decided_at,
                    facts={"flow": item.flow, "outcome": item.outcome},
                )
                for item, ref, decision in zip(items, refs, decisions, strict=True)
            ]
        )
    return decisions


def decision_override(*, decision: Decision, by: Any, outcome: str, reason: str) -> Decision:
    if not reason.strip():
        raise ValueError(_("An override needs a reason."))
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        before = decision.effective_outcome
        decision.overridden_by = by
        decision.overridden_at = timezone.now()
        decision.override_outcome = outcome
        decision.override_reason = reason
        decision.save(update_fields=["overridden_by", "overridden_at", "override_outcome", "override_reason"])
        journal.record(
            activity="decision_overridden",
            subjects=[SubjectRef(kind=decision.subject_kind, id=decision.subject_id), decision],
            actor=by,
            rule_versions=[decision.rule_version] if decision.rule_version else [],
            facts={"flow": decision.flow, "from": before, "to": outcome},
        )
    return decision
