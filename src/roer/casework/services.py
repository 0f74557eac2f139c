"""Writes of casework: open, assign, close, refer, hold; log contacts; add notes.

Every write journals non-personal facts with the tenancy and the case as subjects. Reasons, summaries and
note texts stay on the casework rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import structlog
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roer.casework import access
from roer.casework.constants import (
    CONTACT_CHANNELS,
    HOLD_MAX_WEEKS,
    HOLD_MIN_WEEKS,
    MAX_PRIORITY,
    MIN_PRIORITY,
    PROTECTED_NOTE_CATEGORIES,
    CaseOutcome,
    CaseStatus,
    ContactTopic,
    Direction,
    NoteCategory,
)
from roer.casework.models import Case, CaseNote, ContactMoment
from roer.core import helm, journal
from roer.core.constants import Channel
from roer.core.models import Hold, RuleVersion

if TYPE_CHECKING:
    from roer.accounts.models import User
    from roer.tenancies.models import Tenancy

logger = structlog.get_logger(__name__)

# A repair problem's or an answer's id: a slug of at most 60 characters, as in their rule documents.
REFERENCE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
REFERENCE_MAX = 60


class CaseClosedError(ValueError):
    """The case is closed: open a new one instead of changing it."""


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _locked_open(case: Case) -> Case:
    locked = _locked(case)
    if locked.status != CaseStatus.OPEN:
        raise CaseClosedError(_("This case is closed."))
    return locked


def _check_priority(priority: int) -> int:
    if not MIN_PRIORITY <= priority <= MAX_PRIORITY:
        raise ValueError(
            _("A priority lies between %(low)d and %(high)d.") % {"low": MIN_PRIORITY, "high": MAX_PRIORITY}
        )
    return priority


def merge_reasons(existing: Iterable[str], new: Iterable[str]) -> list[str]:
    """Existing lines first, then new lines not yet there; blank lines and repeats dropped."""
    merged: list[str] = []
    for line in (*existing, *new):
        clean = " ".join(str(line).split())
        if clean and clean not in merged:
            merged.append(clean)
    return merged


# --- cases -----------------------------------------------------------------------------------


def case_open(
    *,
    tenancy: Tenancy,
    priority: int,
    reasons: Sequence[str],
    by: User | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Open the social manager's case for a tenancy, or strengthen the open one.

    Idempotent: a repeated signal raises the priority to the higher of the two and adds new reasons
    (journaled as `case_signal_repeated`); the very same signal again changes and journals nothing, so the
    nightly run can call this every night.
    `by=None` means the system's signal opened it (the arrears assessment).
    """
    _check_priority(priority)
    lines = merge_reasons([], reasons)
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(tenancy=tenancy, status=CaseStatus.OPEN).first()
        if case is None:
            try:
                with transaction.atomic():
                    case = Case.objects.create(
                        tenancy=tenancy, priority=priority, reasons=lines, opened_at=now, opened_by=by
                    )
            except IntegrityError:
                # Another signal opened it at the same moment: treat ours as a repeat.
                case = Case.objects.select_for_update().get(tenancy=tenancy, status=CaseStatus.OPEN)
            else:
                journal.record(
                    activity="case_opened",
                    subjects=[tenancy, case],
                    actor=by,
                    occurred_at=now,
                    facts={"priority": priority, "reason_count": len(lines), "by_signal": by is None},
                )
                logger.info("case_opened", case_id=case.pk, tenancy_id=tenancy.pk, priority=priority)
                return case

        before = case.priority
        known = merge_reasons(case.reasons, [])
        merged = merge_reasons(known, lines)
        added = len(merged) - len(known)
        if priority <= before and not added:
            return case  # the same signal again: nothing new to say, nothing to journal
        case.priority = max(case.priority, priority)
        case.reasons = merged
        case.save(update_fields=["priority", "reasons"])
        journal.record(
            activity="case_signal_repeated",
            subjects=[tenancy, case],
            actor=by,
            occurred_at=now,
            facts={"priority_from": before, "priority_to": case.priority, "reasons_added": added},
        )
    return case


def case_assign(*, case: Case, to: User | None, by: User, now: dt.datetime | None = None) -> Case:
    """Give the case to a social manager (`to=None` puts it back in the shared queue)."""
    if to is not None and not access.may_work_cases(to):
        raise ValueError(_("Only a social manager can work a case."))
    with transaction.atomic():
        case = _locked_open(case)
        before = case.assigned_to_id
        to_id = to.pk if to is not None else None
        if before == to_id:
            return case
        case.assigned_to = to
        case.save(update_fields=["assigned_to"])
        journal.record(
            activity="case_assigned",
            subjects=[case.tenancy_subject, case],
            actor=by,
            occurred_at=now,
            facts={"from_user_id": before, "to_user_id": to_id},
        )
    return case


def case_close(
    *, case: Case, by: User, outcome: CaseOutcome | str, note: str = "", now: dt.datetime | None = None
) -> Case:
    """Close the case with an outcome; the optional note stays on the case."""
    outcome = CaseOutcome(outcome)
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked_open(case)
        case.status = CaseStatus.CLOSED
        case.closed_at = now
        case.closed_by = by
        case.outcome = outcome
        case.outcome_note = note.strip()
        case.save(update_fields=["status", "closed_at", "closed_by", "outcome", "outcome_note"])
        journal.record(
            activity="case_closed",
            subjects=[case.tenancy_subject, case],
            actor=by,
            occurred_at=now,
            facts={
                "outcome": outcome,
                "days_open": (timezone.localdate(now) - timezone.localdate(case.opened_at)).days,
                "referred_to_debt_help": case.referred_to_debt_help_at is not None,
                "with_note": bool(case.outcome_note),
            },
        )
    return case


def case_refer_to_debt_help(*, case: Case, by: User, now: dt.datetime | None = None) -> Case:
    """Record that the household was referred to debt help (schuldhulpverlening). Once is enough."""
    now = now or timezone.now()
    with transaction.atomic():
        case = _locked_open(case)
        if case.referred_to_debt_help_at is not None:
            return case
        case.referred_to_debt_help_at = now
        case.save(update_fields=["referred_to_debt_help_at"])
        journal.record(
            activity="case_referred_to_debt_help",
            subjects=[case.tenancy_subject, case],
            actor=by,
            occurred_at=now,
        )
    return case


def case_hold_automation(
    *, case: Case, by: User, weeks: int, reason: str, now: dt.datetime | None = None
) -> Hold:
    """Take the helm of the tenancy for N weeks: no automated step (letters, costs) touches it meanwhile.

    The reason is kept on the hold, not in the journal.
    """
    if not HOLD_MIN_WEEKS <= weeks <= HOLD_MAX_WEEKS:
        raise ValueError(
            _("A hold lasts %(low)d to %(high)d weeks.") % {"low": HOLD_MIN_WEEKS, "high": HOLD_MAX_WEEKS}
        )
    now = now or timezone.now()
    until = now + dt.timedelta(weeks=weeks)
    with transaction.atomic():
        case = _locked_open(case)
        tenancy = case.tenancy_subject
        hold = helm.hold_place(subject=tenancy, by=by, reason=reason, until=until, now=now)
        journal.record(
            activity="case_automation_held",
            subjects=[tenancy, case, hold],
            actor=by,
            occurred_at=now,
            facts={"weeks": weeks, "until": until.isoformat()},
        )
    return hold


# --- contact moments -------------------------------------------------------------------------


def contact_log(
    *,
    tenancy: Tenancy,
    by: User,
    channel: Channel | str,
    direction: Direction | str,
    succeeded: bool,
    topic: ContactTopic | str,
    summary: str,
    happened_at: dt.datetime | None = None,
    case: Case | None = None,
    problem_id: str = "",
    answer_id: str = "",
    rule_versions: Sequence[RuleVersion] = (),
) -> ContactMoment:
    """Log a call, visit, desk talk or message, successful or only attempted.

    Without a case, the contact goes to the tenancy's open case if there is one. A repair contact may name
    the repair wizard's problem (`problem_id`), a question the answer it was about (`answer_id`): the
    journal keeps those ids, and `rule_versions` (the wizard or answers version they come from), so the
    meters can tell a tenant who phones about what they just saw in the portal.
    """
    channel = Channel(channel)
    if channel not in CONTACT_CHANNELS:
        raise ValueError(_("A contact does not happen through this channel."))
    direction = Direction(direction)
    topic = ContactTopic(topic)
    problem_id, answer_id = _reference(problem_id), _reference(answer_id)
    if problem_id and topic != ContactTopic.REPAIR:
        raise ValueError(_("Only a contact about a repair names a repair problem."))
    if answer_id and topic != ContactTopic.ANSWER:
        raise ValueError(_("Only a contact about a question names an answer."))
    now = timezone.now()
    happened_at = happened_at or now
    if timezone.is_naive(happened_at):
        raise ValueError("happened_at must be an aware datetime")
    if happened_at > now:
        raise ValueError(_("A contact cannot happen in the future."))
    with transaction.atomic():
        if case is None:
            case = Case.objects.filter(tenancy=tenancy, status=CaseStatus.OPEN).first()
        elif case.tenancy_id != tenancy.pk:
            raise ValueError(_("This case is about another tenancy."))
        contact = ContactMoment.objects.create(
            tenancy=tenancy,
            case=case,
            channel=channel,
            direction=direction,
            happened_at=happened_at,
            by=by,
            succeeded=succeeded,
            topic=topic,
            problem_id=problem_id,
            answer_id=answer_id,
            summary=summary.strip(),
            recorded_at=now,
        )
        facts: dict[str, object] = {
            "direction": direction,
            "succeeded": succeeded,
            "topic": topic,
            "case_id": case.pk if case is not None else None,
        }
        if problem_id:
            facts["problem_id"] = problem_id
        if answer_id:
            facts["answer_id"] = answer_id
        journal.record(
            activity="contact_logged",
            subjects=[tenancy, contact, *([case] if case is not None else [])],
            actor=by,
            channel=channel,
            rule_versions=rule_versions,
            occurred_at=happened_at,
            facts=facts,
        )
    return contact


def _reference(value: str) -> str:
    """A problem or answer id as the rule documents write them (a slug); blank stays blank."""
    value = (value or "").strip()
    if value and (len(value) > REFERENCE_MAX or not REFERENCE.fullmatch(value)):
        raise ValueError(_("This is not a known problem or answer."))
    return value


# --- notes -----------------------------------------------------------------------------------


def note_add(*, case: Case, by: User, category: NoteCategory | str, text: str) -> CaseNote:
    """Add a note. Health and family notes are written (and read) by social managers only."""
    category = NoteCategory(category)
    text = text.strip()
    if not text:
        raise ValueError(_("A note needs text."))
    if category in PROTECTED_NOTE_CATEGORIES and not access.may_work_cases(by):
        raise PermissionDenied(_("Only a social manager keeps notes about health or family."))
    with transaction.atomic():
        # Notes may follow a closed case (a last word after the outcome); the lock orders them with closing.
        case = _locked(case)
        note = CaseNote.objects.create(case=case, author=by, category=category, text=text)
        journal.record(
            activity="case_note_added",
            subjects=[case.tenancy_subject, case],
            actor=by,
            occurred_at=note.created_at,
            facts={"category": category},
        )
    return note
