"""Replay a draft collections policy over the collections runs of a period.

For each run day in the period, the tenancies that run decided (`RunDecision`, with the helm's `Decision`
and its recorded inputs) are assessed again as of that day, under the live policy and under the draft,
with arrears' own `assess` and `route`. The ledger keeps each tenancy's full payment history, and
`PaymentHistory` ignores anything dated after the day, so the assessment is the one the run could have
made that day; entries booked after the run started (a payment of the day, imported in the morning) are
left out, as the run did not see them. The history is read in batches the way the run reads it: per batch
of tenancies one read of their ledgers over the whole period and of their episodes' proposals and signals,
and per run day `tenancy_files`: a fixed number of queries per batch, never one per tenancy.

What the run knew that is not payment history is taken from the decision as it was recorded: a person's
hold or the flow in manual mode, a statutory debt measure, an open social case. What had already happened
in the arrears episode (letters, the final notice and its term, the early-warning steps, a bailiff
proposal) is the episode as it stood that morning: the run starts at 03:00, so it saw the steps taken on
earlier days.

Each day is replayed on its own against the real history, so the result shows what the draft would have
decided on each of those days, not where a whole month under the draft would have led. A tenancy that
the live policy did not decide on (because it was not in arrears by that policy) is not replayed.
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from roer.arrears import policy as policy_rules
from roer.arrears.assessment import Assessment, PaymentHistory, assess
from roer.arrears.constants import Action, Route
from roer.arrears.history import LedgerMovement
from roer.arrears.models import BailiffProposal, CollectionRun, EarlyWarningSignal, Episode, RunDecision
from roer.arrears.policy import Policy
from roer.arrears.routing import CollectionState, RouteDecision, route
from roer.arrears.selectors import LEDGER_CHUNK, TenancyFile, tenancy_files
from roer.arrears.services.episodes import episode_state
from roer.core.constants import Mode
from roer.core.csvfiles import chunked
from roer.core.models import RuleVersion
from roer.core.money import ZERO
from roer.ledger.models import LedgerEntry
from roer.supervision.replay_result import MoneyTotals, Period, ReplayResult, live_or_none

KEY = policy_rules.KEY
# Tenancies read together: their whole ledgers stay in memory for the period, so fewer than a run's batch.
REPLAY_BATCH = 500
LETTER_ACTIONS = frozenset({Action.PERSONAL_MESSAGE, Action.REMINDER, Action.FINAL_NOTICE})
# The episode's steps, by the day they were taken. The run starts at 03:00 (Celery beat), before anyone's
# working day: it saw a step only when it was taken on an earlier day.
EPISODE_STEPS = (
    "personal_message_sent_on",
    "reminder_sent_on",
    "contact_attempted_on",
    "debt_help_pointed_on",
    "early_warning_offered_on",
    "early_warning_sent_on",
    "final_notice_approved_on",
    "final_notice_sent_on",
)

LABELS = {
    "route": gettext_lazy("Route"),
    "letter": gettext_lazy("Letter"),
    "costs": gettext_lazy("Collection costs"),
    "early_warning": gettext_lazy("Early-warning signal"),
    "bailiff_proposal": gettext_lazy("Bailiff proposal"),
}


@dataclass(frozen=True)
class Outcome:
    """What a decision comes to, in the terms a replay compares."""

    route: str
    letter: str | None  # the letter the step sends: a personal message, a reminder or the final notice
    costs: Decimal  # the collection costs a final notice states (the WIK calculation); zero otherwise
    early_warning: bool
    bailiff_proposal: bool

    @classmethod
    def of(cls, decision: RouteDecision) -> Outcome:
        action = decision.action
        return cls(
            route=decision.route,
            letter=action if action in LETTER_ACTIONS else None,
            costs=decision.costs if action == Action.FINAL_NOTICE else ZERO,
            early_warning=action == Action.EARLY_WARNING,
            bailiff_proposal=action == Action.BAILIFF_PROPOSAL,
        )


@dataclass(frozen=True)
class _Entry:
    movement: LedgerMovement
    created_at: dt.datetime


@dataclass
class _Batch:
    """A batch of tenancies over the whole period, read in bulk: their ledgers up to the period's last day
    and the bailiff proposals and early-warning signals of the episodes their decisions belong to."""

    entries: dict[int, list[_Entry]]
    entry_dates: dict[int, list[dt.date]]
    bailiff_proposed_on: dict[int, dt.date]  # by episode
    early_warning_reported_on: dict[int, dt.date]  # by episode

    def movements_seen(self, tenancy_id: int, run: CollectionRun) -> list[LedgerMovement]:
        """The tenancy's ledger as the run read it: dated up to its day, and booked before it started (a
        payment of the run's day is usually booked after the 03:00 run)."""
        found = self.entries.get(tenancy_id, [])
        until = bisect.bisect_right(self.entry_dates.get(tenancy_id, []), run.run_date)
        return [entry.movement for entry in found[:until] if entry.created_at <= run.started_at]


def _ledgers(ids: list[int], last_day: dt.date) -> dict[int, list[_Entry]]:
    """As `roer.arrears.selectors.ledger_movements` reads them, with the moment each entry was booked: one
    streamed query for the batch."""
    rows = (
        LedgerEntry.objects.filter(tenancy_id__in=ids, date__lte=last_day)
        .order_by("tenancy_id", "date", "id")
        .values_list("tenancy_id", "date", "amount", "kind", "method", "return_reason", "created_at")
        .iterator(chunk_size=LEDGER_CHUNK)
    )
    found: dict[int, list[_Entry]] = defaultdict(list)
    for tenancy_id, date, amount, kind, method, return_reason, created_at in rows:
        movement = LedgerMovement(
            date=date, amount=Decimal(amount), kind=kind, method=method, return_reason=return_reason
        )
        found[tenancy_id].append(_Entry(movement, created_at))
    return found


def _read_batch(ids: list[int], rows: Sequence[RunDecision], last_day: dt.date) -> _Batch:
    entries = _ledgers(ids, last_day)
    episode_ids = sorted({row.episode_id for row in rows if row.episode_id is not None})
    return _Batch(
        entries=entries,
        entry_dates={pk: [e.movement.date for e in found] for pk, found in entries.items()},
        bailiff_proposed_on=dict(
            BailiffProposal.objects.filter(episode_id__in=episode_ids).values_list(
                "episode_id", "proposed_on"
            )
        ),
        early_warning_reported_on=dict(
            EarlyWarningSignal.objects.filter(episode_id__in=episode_ids).values_list(
                "episode_id", "reported_on"
            )
        ),
    )


def episode_that_morning(episode: Episode, day: dt.date) -> Episode:
    """A copy of the episode without the steps taken on or after `day` (never saved)."""
    seen = copy.copy(episode)
    for name in EPISODE_STEPS:
        when = getattr(seen, name)
        if when is not None and when >= day:
            setattr(seen, name, None)
    if seen.final_notice_sent_on is None:
        seen.final_notice_deadline = None
    return seen


def _history(file: TenancyFile, movements: list[LedgerMovement], day: dt.date) -> PaymentHistory:
    """The payment history as the run of `day` built it."""
    return PaymentHistory(
        as_of=day,
        tenancy_start=file.tenancy.start_date,
        ledger_start=movements[0].date if movements else file.tenancy.start_date,
        monthly_rent=file.monthly_rent or ZERO,
        movements=tuple(movements),
        household_changes=tuple(file.household_changes),
        arrangements=tuple(file.arrangements),
    )


def _state(row: RunDecision, file: TenancyFile, batch: _Batch, day: dt.date) -> CollectionState:
    """What had already happened in the episode when the run of `day` read it."""
    episode_id = row.episode_id or 0
    return episode_state(
        episode_that_morning(row.episode, day) if row.episode is not None else None,
        bailiff_proposed_on=_before(batch.bailiff_proposed_on.get(episode_id), day),
        early_warning_reported_on=_before(batch.early_warning_reported_on.get(episode_id), day),
        objected_on=file.objected_on,
        as_of=day,
    )


def _route(row: RunDecision, assessment: Assessment, policy: Policy, state: CollectionState) -> Outcome:
    """The route under `policy`, with the hold, the debt measure and the open case the run recorded."""
    inputs = row.decision.inputs or {}
    return Outcome.of(
        route(
            assessment,
            policy,
            held=bool(inputs.get("held_by_person")) or inputs.get("mode") == Mode.MANUAL,
            debt_measure=bool(inputs.get("debt_measure")),
            open_case=bool(inputs.get("open_case")),
            state=state,
        )
    )


def assessment_rules(policy: Policy) -> tuple[object, ...]:
    """The parts of a policy that `assess` reads (the rest only `route` reads): when a draft leaves them as
    they are, each tenancy is assessed once for both versions. Keep in step with `roer.arrears.assessment`."""
    return (
        policy.grace_days,
        policy.negligible_amount,
        policy.atypical,
        policy.habitual_late,
        policy.growing,
    )


def _before(when: dt.date | None, day: dt.date) -> dt.date | None:
    return when if when is not None and when < day else None


def _label(choices: type[Route] | type[Action], value: str | None) -> str | None:
    return str(choices(value).label) if value else None


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _costs_change(before: Decimal, after: Decimal) -> tuple[str, str]:
    """Costs changes grouped by what happens to them; the amounts are added up on the change."""
    if not before:
        return _("no costs"), _("costs stated")
    if not after:
        return _("costs stated"), _("no costs")
    return _("costs stated"), _("higher costs") if after > before else _("lower costs")


def _compare(result: ReplayResult, reference: str, before: Outcome, after: Outcome) -> bool:
    changed = False
    if before.route != after.route:
        result.change("route", LABELS["route"], _label(Route, before.route), _label(Route, after.route)).add(
            reference
        )
        changed = True
    if before.letter != after.letter:
        result.change(
            "letter", LABELS["letter"], _label(Action, before.letter), _label(Action, after.letter)
        ).add(reference)
        changed = True
    if before.costs != after.costs:
        was, becomes = _costs_change(before.costs, after.costs)
        result.change("costs", LABELS["costs"], was, becomes).add(reference, money=after.costs - before.costs)
        changed = True
    for name in ("early_warning", "bailiff_proposal"):
        was, becomes = getattr(before, name), getattr(after, name)
        if was != becomes:
            result.change(name, LABELS[name], _yes_no(was), _yes_no(becomes)).add(reference)
            changed = True
    return changed


@dataclass
class _Versions:
    live: Policy
    draft: Policy

    @property
    def same_assessment(self) -> bool:
        return assessment_rules(self.live) == assessment_rules(self.draft)

    @property
    def same_files(self) -> bool:
        # The grace days decide when an arrangement counts as broken (`tenancy_files`).
        return self.live.grace_days == self.draft.grace_days


@dataclass(frozen=True)
class Replayed:
    """One recorded decision, decided again under the live policy (`before`) and the draft (`after`);
    without them when the tenancy could not be read as of the day (no rent on the day)."""

    decision: RunDecision
    reference: str
    before: Outcome | None
    after: Outcome | None


def _replay_day(
    versions: _Versions, batch: _Batch, rows: list[RunDecision], day: dt.date
) -> Iterator[Replayed]:
    ids = [row.tenancy_id for row in rows]
    live_files = tenancy_files(ids=ids, day=day, grace_days=versions.live.grace_days)
    draft_files = (
        live_files
        if versions.same_files
        else tenancy_files(ids=ids, day=day, grace_days=versions.draft.grace_days)
    )
    for row in rows:
        live_file, draft_file = live_files.get(row.tenancy_id), draft_files.get(row.tenancy_id)
        if live_file is None or draft_file is None or not live_file.monthly_rent:
            yield Replayed(row, live_file.tenancy.reference if live_file else "", None, None)
            continue
        movements = batch.movements_seen(row.tenancy_id, row.run)
        state = _state(row, live_file, batch, day)
        live_assessment = assess(_history(live_file, movements, day), versions.live)
        draft_assessment = (
            live_assessment
            if versions.same_assessment and versions.same_files
            else assess(_history(draft_file, movements, day), versions.draft)
        )
        yield Replayed(
            decision=row,
            reference=live_file.tenancy.reference,
            before=_route(row, live_assessment, versions.live, state),
            after=_route(row, draft_assessment, versions.draft, state),
        )


def replayed_decisions(*, live: Policy, draft: Policy, period: Period) -> Iterator[Replayed]:
    """Every decision of the period's collections runs, decided again under both policies: per batch of
    tenancies one read of their ledgers, and per run day one `tenancy_files` read."""
    versions = _Versions(live=live, draft=draft)
    runs = list(CollectionRun.objects.filter(run_date__gte=period.first, run_date__lte=period.last))
    decided = RunDecision.objects.filter(run__in=runs)
    for ids in chunked(sorted(set(decided.values_list("tenancy_id", flat=True))), REPLAY_BATCH):
        rows = list(decided.filter(tenancy_id__in=ids).select_related("run", "episode", "decision"))
        batch = _read_batch(ids, rows, period.last)
        by_day: dict[dt.date, list[RunDecision]] = defaultdict(list)
        for row in rows:
            by_day[row.run.run_date].append(row)
        for day in sorted(by_day):
            yield from _replay_day(versions, batch, by_day[day], day)


def replay_collections_policy(draft: RuleVersion, period: Period) -> ReplayResult:
    live = live_or_none(KEY)
    result = ReplayResult(
        KEY,
        draft.number,
        live.number if live else None,
        period,
        cases_label=_("Decisions replayed"),
        note=_(
            "Each decision of the period's collections runs is made again as of its day, from the ledger "
            "and the arrears episode as the run saw them. Each day is replayed on its own: the draft's "
            "letters of one day do not change what the next day sees."
        ),
    )
    draft_policy = Policy.from_document(draft.document)
    live_policy = Policy.from_document(live.document) if live else draft_policy
    costs_before = costs_after = ZERO
    for replayed in replayed_decisions(live=live_policy, draft=draft_policy, period=period):
        result.cases += 1
        before, after = replayed.before, replayed.after
        if live is None or before is None or after is None:
            result.not_replayable += 1
            continue
        costs_before += before.costs
        costs_after += after.costs
        result.changed += _compare(result, replayed.reference, before, after)
    result.money = MoneyTotals(label=_("Collection costs stated"), before=costs_before, after=costs_after)
    result.sort()
    return result
