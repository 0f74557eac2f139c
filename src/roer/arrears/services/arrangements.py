"""Payment arrangements (VERA betalingsregeling): propose, decide, end, and reconcile instalments.

Inside the self-service policy (DOMAIN.md: Rijnhart Wonen, Wooninvest) the tenant arranges it alone and the
arrangement runs at once; outside it, a social manager or collections officer decides. A missed instalment
is a signal to a person (a social manager's case), never an automatic escalation.

How payments reach the instalments (`instalments_reconcile`): current rent keeps being charged and comes
first. What the tenant pays beyond the rent charged since the start goes to the instalments, oldest first.
In one formula: paid towards the arrangement on a day = the arrangement's amount minus what is owed that
day, between zero and the amount. A returned debit lowers it again, so an instalment counts as paid only
while the money stays paid.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

import structlog
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from roer.accounts.constants import Role
from roer.arrears import selectors_arrangements as queries
from roer.arrears.constants import ArrangementEndReason, ArrangementStatus
from roer.arrears.history import months_before
from roer.arrears.models import Arrangement, Instalment
from roer.arrears.policy import KEY as POLICY_KEY
from roer.arrears.policy import Policy
from roer.casework import services as casework_services
from roer.core import helm, journal, rules
from roer.core.constants import Channel, Flow
from roer.core.models import RuleVersion
from roer.core.money import CENT, ZERO, euros
from roer.ledger import selectors as ledger_selectors
from roer.tenancies.models import Tenancy

if TYPE_CHECKING:
    from roer.accounts.models import User

logger = structlog.get_logger(__name__)

# Who decides a request outside the policy, and who may end a running arrangement.
ARRANGEMENT_DECIDERS: tuple[Role, ...] = (Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER)
# The priority of the social manager's case a missed instalment opens (0-100): above a routine signal,
# below a death in the household.
MISSED_INSTALMENT_PRIORITY = 60
MAX_INSTALMENTS = 36  # the most any arrangement has, self-service or not (the policy's schema limit)


class ArrangementError(ValueError):
    """The arrangement cannot be proposed or changed like this; the message says why, in plain words."""


def live_policy() -> tuple[Policy, RuleVersion]:
    version = rules.live_version(POLICY_KEY)
    return Policy.from_document(version.document), version


def _long_date(day: dt.date) -> str:
    return date_format(day, "j F Y")


# --- the schedule (pure) ---------------------------------------------------------------------------


def add_months_keeping_day(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def equal_instalments(total: Decimal, count: int, start_date: dt.date) -> list[tuple[dt.date, Decimal]]:
    """`count` monthly instalments from `start_date` adding up to exactly `total`; the last one takes the
    cents that do not divide evenly."""
    if not 1 <= count <= MAX_INSTALMENTS:
        raise ArrangementError(_("An arrangement has 1 to %(max)s instalments.") % {"max": MAX_INSTALMENTS})
    total = euros(total)
    if total <= 0:
        raise ArrangementError(_("There are no arrears to arrange."))
    each = (total / count).quantize(CENT, rounding=ROUND_DOWN)
    if each <= 0:
        raise ArrangementError(_("The instalments would be less than a cent."))
    amounts = [each] * (count - 1) + [total - each * (count - 1)]
    return [(add_months_keeping_day(start_date, n), amount) for n, amount in enumerate(amounts)]


def check_instalments(
    instalments: Sequence[tuple[dt.date, Decimal]], *, total: Decimal, start_date: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """Instalments given by a person: in date order from the start date, in cents, adding up to the total."""
    schedule = [(day, Decimal(amount)) for day, amount in instalments]
    if not 1 <= len(schedule) <= MAX_INSTALMENTS:
        raise ArrangementError(_("An arrangement has 1 to %(max)s instalments.") % {"max": MAX_INSTALMENTS})
    previous: dt.date | None = None
    for day, amount in schedule:
        if amount <= 0 or euros(amount) != amount:
            raise ArrangementError(_("Each instalment is a positive amount in euros and cents."))
        if day < start_date:
            raise ArrangementError(_("No instalment falls before the start date."))
        if previous is not None and day <= previous:
            raise ArrangementError(_("The instalments fall on different dates, in order."))
        previous = day
    added = sum((amount for _day, amount in schedule), ZERO)
    if added != total:
        raise ArrangementError(
            _("The instalments add up to %(added)s, but the arrears are %(total)s.")
            % {"added": added, "total": total}
        )
    return [(day, euros(amount)) for day, amount in schedule]


# --- the self-service policy (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class SelfServiceFacts:
    """What the self-service policy looks at; gathered by `selectors_arrangements.self_service_facts`."""

    as_of: dt.date
    arrears: Decimal
    monthly_rent: Decimal
    tenancy_months: int
    on_time_months: int  # months in a row paid on time before the month these arrears began
    last_arrangement_on: dt.date | None  # the last day an earlier arrangement ran
    bailiff: bool  # a bailiff proposal waits or was approved in the open arrears episode
    debt_measure: bool  # WSNP or a court's cooling-off period applies
    instalment_count: int
    automation_may_act: bool = True  # the helm: the arrangements flow is on autopilot and nobody holds it
    automation_reason: str = ""


@dataclass(frozen=True)
class Refusal:
    code: str
    reason: str


def self_service_refusals(facts: SelfServiceFacts, policy: Policy) -> list[Refusal]:
    """Each rule of the policy the facts do not meet, with a code (for the journal) and a plain reason."""
    rules_ = policy.self_service_arrangement
    found: list[Refusal] = []
    if not rules_.enabled:
        found.append(Refusal("disabled", _("Arranging payments online is switched off")))
    if not facts.automation_may_act:
        found.append(Refusal("helm", facts.automation_reason or _("A person handles arrangements now")))
    if facts.arrears <= 0:
        found.append(Refusal("no_arrears", _("There are no arrears to arrange")))
    if facts.instalment_count > rules_.max_instalments:
        found.append(
            Refusal(
                "too_many_instalments",
                _("At most %(count)s instalments can be arranged online") % {"count": rules_.max_instalments},
            )
        )
    if facts.tenancy_months < rules_.min_tenancy_months:
        found.append(
            Refusal(
                "tenancy_too_short",
                _("The tenancy began less than %(months)s months ago")
                % {"months": rules_.min_tenancy_months},
            )
        )
    if facts.on_time_months < rules_.min_on_time_months:
        found.append(
            Refusal(
                "not_on_time",
                _("The rent was not paid on time for the %(months)s months before these arrears")
                % {"months": rules_.min_on_time_months},
            )
        )
    window_start = months_before(facts.as_of, rules_.no_arrangement_months)
    if facts.last_arrangement_on is not None and facts.last_arrangement_on > window_start:
        found.append(
            Refusal(
                "recent_arrangement",
                _("There was a payment arrangement in the last %(months)s months")
                % {"months": rules_.no_arrangement_months},
            )
        )
    limit = (facts.monthly_rent * rules_.max_months_of_rent).quantize(CENT)
    if facts.arrears > 0 and (facts.monthly_rent <= 0 or facts.arrears > limit):
        found.append(
            Refusal(
                "arrears_too_high",
                _("The arrears are more than %(months)s months' rent")
                % {"months": rules_.max_months_of_rent},
            )
        )
    if facts.bailiff and not rules_.allowed_with_bailiff:
        found.append(Refusal("bailiff", _("A bailiff has been proposed or instructed")))
    if facts.debt_measure and not rules_.allowed_with_debt_measure:
        found.append(
            Refusal("debt_measure", _("A statutory debt measure applies (WSNP or cooling-off period)"))
        )
    return found


def self_service_allowed(facts: SelfServiceFacts, policy: Policy) -> tuple[bool, list[str]]:
    """May the tenant arrange this alone? With the reasons in plain words."""
    refusals = self_service_refusals(facts, policy)
    if refusals:
        return False, [r.reason for r in refusals]
    return True, [_("Within the policy for arranging payments online")]


@dataclass(frozen=True)
class ArrangementOptions:
    """What the portal shows before a tenant proposes."""

    as_of: dt.date
    allowed: bool
    reasons: list[str]
    arrears: Decimal
    monthly_rent: Decimal
    max_instalments: int
    example: list[tuple[dt.date, Decimal]] = field(default_factory=list)
    open_arrangement_id: int | None = None


def arrangement_options_for(
    *, tenancy: Tenancy, as_of: dt.date, policy: Policy, now: dt.datetime | None = None
) -> ArrangementOptions:
    max_count = policy.self_service_arrangement.max_instalments
    facts = queries.self_service_facts(
        tenancy=tenancy, as_of=as_of, policy=policy, instalment_count=max_count, now=now
    )
    allowed, reasons = self_service_allowed(facts, policy)
    existing = queries.open_arrangement(tenancy.pk)
    if existing is not None:
        allowed = False
        reasons = [_("A payment arrangement is already requested or running"), *reasons]
    example = equal_instalments(facts.arrears, max_count, as_of) if facts.arrears > 0 else []
    return ArrangementOptions(
        as_of=as_of,
        allowed=allowed,
        reasons=reasons,
        arrears=facts.arrears,
        monthly_rent=facts.monthly_rent,
        max_instalments=max_count,
        example=example,
        open_arrangement_id=existing.pk if existing is not None else None,
    )


# --- services --------------------------------------------------------------------------------------


def _require_decider(by: Any) -> None:
    if by is None or not by.has_role(*ARRANGEMENT_DECIDERS):
        raise PermissionDenied(_("Only a social manager or a collections officer decides on arrangements."))


def arrangement_propose(
    *,
    tenancy: Tenancy,
    instalments: Sequence[tuple[dt.date, Decimal]] | None = None,
    count: int | None = None,
    start_date: dt.date,
    by: User | None,
    now: dt.datetime | None = None,
) -> Arrangement:
    """Propose an arrangement for the arrears owed at the end of `start_date` (its `bedrag`).

    Give either the instalments or a `count` of equal monthly instalments. A tenant of the tenancy within the
    self-service policy gets an active arrangement at once; anyone else's proposal, and a tenant's outside
    the policy, waits for a person (`arrangement_decide`). The policy's verdict is recorded as a decision.
    """
    if (instalments is None) == (count is None):
        raise ArrangementError(_("Give either the instalments or their number."))
    now = now or timezone.now()
    by_tenant = queries.is_party_user(tenancy, by)
    if by is not None and not by_tenant and not by.is_staff_member:
        raise PermissionDenied(_("Only a tenant of this home or staff can propose an arrangement."))
    policy, version = live_policy()
    with transaction.atomic():
        # Lock the tenancy: two proposals at once would both see no open arrangement.
        tenancy = Tenancy.objects.select_for_update().get(pk=tenancy.pk)
        if queries.open_arrangement(tenancy.pk) is not None:
            raise ArrangementError(_("A payment arrangement is already requested or running."))
        total = queries.arrears_on(tenancy.pk, start_date)
        if total <= 0:
            raise ArrangementError(_("There are no arrears to arrange."))
        if instalments is not None:
            schedule = check_instalments(instalments, total=total, start_date=start_date)
        else:
            assert count is not None
            schedule = equal_instalments(total, count, start_date)

        facts = queries.self_service_facts(
            tenancy=tenancy, as_of=start_date, policy=policy, instalment_count=len(schedule), now=now
        )
        refusals = self_service_refusals(facts, policy)
        self_service = by_tenant and not refusals
        if self_service:
            reasons = [_("Within the policy for arranging payments online")]
        else:
            reasons = [r.reason for r in refusals]
            if not by_tenant:
                reasons.append(_("Proposed by staff: a person decides"))
        status = ArrangementStatus.ACTIVE if self_service else ArrangementStatus.REQUESTED
        arrangement = Arrangement.objects.create(
            tenancy=tenancy,
            episode=queries.open_episode(tenancy.pk),
            status=status,
            amount=total,
            start_date=start_date,
            self_service=self_service,
            proposed_by=by,
            proposed_at=now,
            decided_at=now if self_service else None,
        )
        Instalment.objects.bulk_create(
            [
                Instalment(arrangement=arrangement, number=n, due_date=day, amount=amount)
                for n, (day, amount) in enumerate(schedule, start=1)
            ]
        )
        inputs = {
            key: value
            for key, value in asdict(facts).items()
            if key not in ("automation_reason",)  # free text stays out of the decision's inputs
        }
        helm.decision_record(
            flow=Flow.ARRANGEMENTS,
            subject=arrangement,
            outcome="self_service" if self_service else "person_decides",
            reasons=reasons,
            inputs={**inputs, "by_tenant": by_tenant},
            rule_version=version,
            decided_at=now,
        )
        journal.record(
            activity="arrangement_proposed",
            subjects=[tenancy, arrangement],
            actor=by,
            channel=Channel.PORTAL if by_tenant else "",
            rule_versions=[version],
            occurred_at=now,
            facts={
                "amount": total,
                "instalments": len(schedule),
                "start_date": start_date,
                "status": status,
                "self_service": self_service,
                "refusals": [r.code for r in refusals],
            },
        )
    logger.info(
        "arrangement_proposed",
        arrangement_id=arrangement.pk,
        tenancy_id=tenancy.pk,
        status=status,
        self_service=self_service,
    )
    return arrangement


def arrangement_decide(
    *, arrangement: Arrangement, by: User, approve: bool, note: str = "", now: dt.datetime | None = None
) -> Arrangement:
    """A social manager or collections officer approves a request (ACT) or turns it down (VER, with a note).

    The note stays on the arrangement, not in the journal.
    """
    _require_decider(by)
    note = note.strip()
    if not approve and not note:
        raise ArrangementError(_("Say why the arrangement is turned down."))
    now = now or timezone.now()
    with transaction.atomic():
        arrangement = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
        if arrangement.status != ArrangementStatus.REQUESTED:
            raise ArrangementError(_("Only a requested arrangement can be decided."))
        if (
            approve
            and Arrangement.objects.filter(
                tenancy_id=arrangement.tenancy_id,
                status__in=(ArrangementStatus.ACTIVE, ArrangementStatus.FROZEN),
            ).exists()
        ):
            raise ArrangementError(_("Another payment arrangement is already running."))
        arrangement.status = ArrangementStatus.ACTIVE if approve else ArrangementStatus.REMOVED
        arrangement.decided_by = by
        arrangement.decided_at = now
        arrangement.decision_note = note
        fields = ["status", "decided_by", "decided_at", "decision_note"]
        if not approve:
            arrangement.ended_on = timezone.localdate(now)
            fields.append("ended_on")
        arrangement.save(update_fields=fields)
        journal.record(
            activity="arrangement_decided",
            subjects=[arrangement.tenancy, arrangement],
            actor=by,
            occurred_at=now,
            facts={"approved": approve, "status": arrangement.status, "with_note": bool(note)},
        )
    return arrangement


def arrangement_end(
    *,
    arrangement: Arrangement,
    by: User,
    reason: ArrangementEndReason | str,
    note: str = "",
    on: dt.date | None = None,
) -> Arrangement:
    """A person ends a running arrangement with a VERA end reason.

    AFB (paid off another way) completes it (BEE); ONI, SAN and VOL cancel it (ANN).
    """
    _require_decider(by)
    reason = ArrangementEndReason(reason)
    on = on or timezone.localdate()
    with transaction.atomic():
        arrangement = Arrangement.objects.select_for_update().get(pk=arrangement.pk)
        if arrangement.status not in (ArrangementStatus.ACTIVE, ArrangementStatus.FROZEN):
            raise ArrangementError(_("Only a running arrangement can be ended."))
        before = arrangement.status
        arrangement.status = (
            ArrangementStatus.ENDED
            if reason == ArrangementEndReason.PAID_OFF
            else ArrangementStatus.CANCELLED
        )
        arrangement.end_reason = reason
        arrangement.ended_on = on
        fields = ["status", "end_reason", "ended_on"]
        if note.strip():
            arrangement.decision_note = "\n".join(filter(None, [arrangement.decision_note, note.strip()]))
            fields.append("decision_note")
        arrangement.save(update_fields=fields)
        journal.record(
            activity="arrangement_ended",
            subjects=[arrangement.tenancy, arrangement],
            actor=by,
            facts={"from": before, "to": arrangement.status, "end_reason": reason, "ended_on": on},
        )
    return arrangement


# --- reconciling instalments -----------------------------------------------------------------------


@dataclass
class ReconcileSummary:
    as_of: dt.date
    arrangements: int = 0
    instalments_paid: int = 0  # newly paid in this run
    missed_signalled: int = 0
    completed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "as_of": self.as_of.isoformat()}


# Rent is due before the 1st (DOMAIN.md): a payment in the last days before the 1st pays next month's rent
# first, not an instalment, until that rent is charged.
ADVANCE_DAYS = 10


def paid_towards_timeline(
    *,
    amount: Decimal,
    start_date: dt.date,
    entries: Sequence[tuple[dt.date, Decimal, str]],
    as_of: dt.date,
    monthly_rent: Decimal,
) -> list[tuple[dt.date, Decimal]]:
    """(day, paid towards the arrangement at the end of that day) from the start date to `as_of` (pure).

    Paid towards the arrangement = its amount minus what is owed, between zero and the amount; but what was
    paid in the ADVANCE_DAYS before a 1st whose rent is not yet charged goes to that rent first (up to one
    month's rent). `entries` are (date, amount with the ledger's sign, kind)."""
    days = {start_date, as_of}
    days.update(d for d, _a, _k in entries if start_date < d <= as_of)
    first = dt.date(start_date.year, start_date.month, 1)
    while first <= as_of + dt.timedelta(days=ADVANCE_DAYS + 31):
        first = add_months_keeping_day(first, 1)
        window = first - dt.timedelta(days=ADVANCE_DAYS)
        if start_date < window <= as_of:
            days.add(window)
    timeline = []
    for day in sorted(days):
        owed = sum((a for d, a, _k in entries if d <= day), ZERO)
        next_first = add_months_keeping_day(dt.date(day.year, day.month, 1), 1)
        window = max(next_first - dt.timedelta(days=ADVANCE_DAYS), start_date + dt.timedelta(days=1))
        in_window = sum((-a for d, a, k in entries if window <= d <= day and a < 0 and k == "payment"), ZERO)
        advance = min(monthly_rent, in_window)
        timeline.append((day, min(amount, max(ZERO, amount - owed - advance))))
    return timeline


def _first_reached(timeline: Sequence[tuple[dt.date, Decimal]], target: Decimal) -> dt.date | None:
    for day, value in timeline:
        if value >= target:
            return day
    return None


def missed_instalment_reason(due_date: dt.date) -> str:
    return _("Instalment of %(date)s of the payment arrangement not paid") % {"date": _long_date(due_date)}


def _reconcile_one(
    arrangement: Arrangement, *, as_of: dt.date, grace_days: int, summary: ReconcileSummary
) -> None:
    ledger = ledger_selectors.entries_of(tenancy_id=arrangement.tenancy_id, until=as_of)
    entries = [(entry.date, entry.amount, entry.kind) for entry in ledger]
    timeline = paid_towards_timeline(
        amount=arrangement.amount,
        start_date=arrangement.start_date,
        entries=entries,
        as_of=as_of,
        monthly_rent=queries.monthly_rent_on(arrangement.tenancy, as_of),
    )
    paid_now = timeline[-1][1]
    returns = sorted(d for d, a, k in entries if k == "return" and d > arrangement.start_date)
    cumulative = ZERO
    missed: list[Instalment] = []
    all_paid = True
    last_paid_on: dt.date | None = None
    for instalment in arrangement.instalments.select_for_update().order_by("number"):
        before = cumulative
        cumulative += instalment.amount
        paid_on = _first_reached(timeline, cumulative)
        # Once reached, an instalment stays paid, so that rent charged on the 1st and paid within the
        # grace days does not undo it; only a returned debit after it can (the money came back).
        if paid_on is not None and paid_now < cumulative and any(d > paid_on for d in returns):
            paid_on = None
        paid_amount = (
            instalment.amount if paid_on is not None else min(instalment.amount, max(ZERO, paid_now - before))
        )
        fields = []
        if paid_amount != instalment.paid_amount:
            instalment.paid_amount = paid_amount
            fields.append("paid_amount")
        if paid_on != instalment.paid_on:
            if paid_on is not None and instalment.paid_on is None:
                summary.instalments_paid += 1
            instalment.paid_on = paid_on
            fields.append("paid_on")
        if paid_on is None:
            all_paid = False
            overdue = as_of > instalment.due_date + dt.timedelta(days=grace_days)
            if overdue and instalment.missed_signalled_on is None:
                instalment.missed_signalled_on = as_of
                fields.append("missed_signalled_on")
                missed.append(instalment)
        else:
            last_paid_on = paid_on if last_paid_on is None else max(last_paid_on, paid_on)
        if fields:
            instalment.save(update_fields=fields)
    # Completed only when what is owed now shows it paid off, not on a passing state of the account.
    all_paid = all_paid and paid_now >= arrangement.amount

    tenancy = arrangement.tenancy
    for instalment in missed:
        # A signal to a person, not an escalation: the arrangement keeps running until a person decides.
        casework_services.case_open(
            tenancy=tenancy,
            priority=MISSED_INSTALMENT_PRIORITY,
            reasons=[missed_instalment_reason(instalment.due_date)],
        )
        journal.record(
            activity="arrangement_instalment_missed",
            subjects=[tenancy, arrangement],
            facts={
                "instalment": instalment.number,
                "due_date": instalment.due_date,
                "days_late": (as_of - instalment.due_date).days,
                "unpaid": instalment.amount - instalment.paid_amount,
            },
        )
        summary.missed_signalled += 1
        logger.info("arrangement_instalment_missed", arrangement_id=arrangement.pk, number=instalment.number)

    if all_paid:
        arrangement.status = ArrangementStatus.ENDED
        arrangement.end_reason = ArrangementEndReason.PAID_OFF
        arrangement.ended_on = last_paid_on or as_of
        arrangement.save(update_fields=["status", "end_reason", "ended_on"])
        journal.record(
            activity="arrangement_completed",
            subjects=[tenancy, arrangement],
            facts={"end_reason": ArrangementEndReason.PAID_OFF, "ended_on": arrangement.ended_on},
        )
        summary.completed += 1


def instalments_reconcile(*, as_of: dt.date, policy: Policy | None = None) -> ReconcileSummary:
    """Allocate what was paid to the instalments of every running arrangement, as the ledger shows on
    `as_of` (later entries are not seen). Idempotent for a date: a missed instalment is signalled once.
    An instalment is missed after the policy's grace days (`policy`, default the live one; the nightly run
    passes its own)."""
    if policy is None:
        policy, _version = live_policy()
    summary = ReconcileSummary(as_of=as_of)
    for pk in list(queries.arrangements_to_reconcile(as_of).values_list("pk", flat=True)):
        with transaction.atomic():
            arrangement = Arrangement.objects.select_for_update().select_related("tenancy").get(pk=pk)
            if arrangement.status != ArrangementStatus.ACTIVE:
                continue
            summary.arrangements += 1
            _reconcile_one(arrangement, as_of=as_of, grace_days=policy.grace_days, summary=summary)
    logger.info("instalments_reconciled", **summary.as_dict())
    return summary
