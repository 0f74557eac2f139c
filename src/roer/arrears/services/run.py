"""The nightly collections run: for every tenancy in arrears on a date, assess, route, act, and record.

In order (docs/collections-run.md):
1. claim the date: one `CollectionRun` row per date, created first in its own transaction (a second run
   for the same date returns the finished run, or refuses while one is running);
2. bring the state the run reads up to the date: instalments of running arrangements are reconciled
   (`instalments_reconcile`) and early-warning preconditions a and b are taken from casework
   (`early_warning_preconditions_sync_all`);
3. one aggregate over the ledger finds the tenancies owing money on the date, plus those with an open
   episode; only those are read further, in batches, with a fixed number of queries per batch;
4. per tenancy: charge the costs of a final notice whose term ran out unpaid; close a paid-up episode or
   open a new one; assess the payment history as of the date; route it (holds, the helm's mode, debt
   measures, open social cases and a standing objection are inputs); act (letters, a case, an
   early-warning signal, a bailiff proposal) unless the flow is in assist mode. The signal and the
   proposal are made by their own services, which check the legal preconditions again: a refusal is kept
   as a reason of the decision, not a crash. The decisions are recorded per batch (`decision_record_many`);
5. the day's posted letters become one print batch; the run's summary is kept.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from roer.arrears import letters as letter_rules
from roer.arrears import policy as policy_rules
from roer.arrears.assessment import Assessment, PaymentHistory, assess
from roer.arrears.constants import Action, Route, RunStatus
from roer.arrears.history import LedgerMovement
from roer.arrears.models import CollectionRun, Episode, RunDecision
from roer.arrears.policy import Policy
from roer.arrears.routing import RouteDecision, route
from roer.arrears.selectors import (
    TenancyFile,
    batches,
    candidate_tenancy_ids,
    ledger_movements,
    tenancy_files,
)
from roer.arrears.services.arrangements import instalments_reconcile
from roer.arrears.services.bailiff import BailiffProposalRefused, bailiff_proposal_create
from roer.arrears.services.costs_charge import costs_charge, costs_due
from roer.arrears.services.early_warning import (
    EarlyWarningError,
    early_warning_debt_help_pointed,
    early_warning_offer_recorded,
    early_warning_preconditions_sync_all,
    early_warning_signal_create,
)
from roer.arrears.services.episodes import episode_close, episode_open, episode_state
from roer.arrears.services.letters import (
    LetterFacts,
    LettersToRender,
    carries_early_warning_offer,
    letters_render,
    letters_send,
    print_batch_build,
    recipients_for,
)
from roer.arrears.terms import final_notice_deadline
from roer.casework import selectors as casework_selectors
from roer.casework import services as casework_services
from roer.core import helm, journal
from roer.core.constants import Flow, Mode
from roer.core.dates import AMSTERDAM
from roer.core.models import RuleVersion
from roer.core.money import ZERO, euros
from roer.core.rules import live_version
from roer.tenancies.models import Tenancy

logger = structlog.get_logger(__name__)

STALE_AFTER = dt.timedelta(hours=6)  # a run still "running" after this long died; the next one takes over
TENANCY_KIND = Tenancy._meta.label_lower


class CollectionRunBusy(RuntimeError):
    """Another run for the same date is running now."""


@dataclass
class _Context:
    run: CollectionRun
    day: dt.date
    policy: Policy
    policy_version: RuleVersion
    letters_version: RuleVersion
    mode: Mode
    holds: Any
    open_cases: set[int]
    moment: dt.datetime  # the moment holds are judged at: the end of the run date
    decided_at: dt.datetime
    done: set[int]
    counts: Counter[str] = field(default_factory=Counter)
    # The batch's decisions, kept once each tenancy's savepoint committed; recorded at the batch's end.
    pending: list[tuple[helm.DecisionItem, RunDecision]] = field(default_factory=list)
    # The batch's letters, their PDFs rendered together at the batch's end on every core.
    to_render: LettersToRender = field(default_factory=LettersToRender)
    errors: int = 0


def policy_label(version: RuleVersion) -> str:
    return f"{version.rule_set.key} v{version.number}"


def collections_run(*, run_date: dt.date, by: Any = None) -> CollectionRun:
    """Run collections for one date. A second call for the same date sends nothing again: it returns
    the finished run as it is. `by` is the person who started it by hand (None: the schedule)."""
    run, fresh = _run_claim(run_date=run_date, by=by)
    if run.status == RunStatus.FINISHED and not fresh:
        logger.info("collections_run_repeated", run_date=str(run_date), run_id=run.pk)
        return run
    started = time.monotonic()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            summary = _run_body(run)
    except Exception:
        CollectionRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now())
        logger.exception("collections_run_failed", run_date=str(run_date), run_id=run.pk)
        raise
    summary["seconds"] = round(time.monotonic() - started, 2)
    status = RunStatus.FINISHED if not summary["errors"] else RunStatus.FAILED
    with transaction.atomic():
        run = CollectionRun.objects.select_for_update().get(pk=run.pk)
        run.status = status
        run.finished_at = timezone.now()
        run.summary = summary
        run.save(update_fields=["status", "finished_at", "summary"])
        journal.record(
            activity="collections_run_finished",
            subjects=[run],
            actor=by,
            rule_versions=[run.policy_version, run.letters_version],
            facts={
                "run_date": run_date,
                "status": status,
                "decisions": summary["decisions"],
                "letters": summary["letters"],
                "costs_total": summary["costs_total"],
            },
        )
    logger.info(
        "collections_run_finished",
        run_date=str(run_date),
        **{k: summary[k] for k in ("decisions", "letters", "seconds")},
    )
    return run


def _run_claim(*, run_date: dt.date, by: Any) -> tuple[CollectionRun, bool]:
    """The run row for the date, committed before any work: (run, created now or taken over)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            run = CollectionRun.objects.create(
                run_date=run_date,
                policy_version=live_version(policy_rules.KEY),
                letters_version=live_version(letter_rules.KEY),
                status=RunStatus.RUNNING,
                started_at=now,
            )
            journal.record(
                activity="collections_run_started",
                subjects=[run],
                actor=by,
                rule_versions=[run.policy_version, run.letters_version],
                facts={"run_date": run_date},
            )
        return run, True
    except IntegrityError:
        pass
    with transaction.atomic():
        run = CollectionRun.objects.select_for_update().get(run_date=run_date)
        if run.status == RunStatus.FINISHED:
            return run, False
        if run.status == RunStatus.RUNNING and now - run.started_at < STALE_AFTER:
            raise CollectionRunBusy(
                f"a collections run for {run_date} is running since {run.started_at:%H:%M}"
            )
        # A failed (or dead) run is taken over: what it did is kept and not done again.
        run.status = RunStatus.RUNNING
        run.started_at = now
        run.finished_at = None
        run.save(update_fields=["status", "started_at", "finished_at"])
    return run, True


def _run_body(run: CollectionRun) -> dict[str, Any]:
    day = run.run_date
    versions = RuleVersion.objects.select_related("rule_set").in_bulk(
        [run.policy_version_id, run.letters_version_id]
    )
    policy_version = versions[run.policy_version_id]
    end_of_day = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=AMSTERDAM)
    now = timezone.now()
    ctx = _Context(
        run=run,
        day=day,
        policy=Policy.from_document(policy_version.document),
        policy_version=policy_version,
        letters_version=versions[run.letters_version_id],
        mode=helm.flow_mode(Flow.DUNNING),
        holds=helm.holds_by_subject(TENANCY_KIND),
        open_cases=casework_selectors.tenancies_with_open_cases(),
        moment=end_of_day,
        decided_at=now if timezone.localdate(now) == day else end_of_day,
        done=set(RunDecision.objects.filter(run=run).values_list("tenancy_id", flat=True)),
    )
    # Fresh arrangement and precondition state for the date: a missed instalment breaks the arrangement
    # (and opens a case) before the tenancy is assessed; a call logged yesterday counts as a contact attempt.
    reconciled = instalments_reconcile(as_of=day, policy=ctx.policy)
    synced = early_warning_preconditions_sync_all(as_of=day)
    ctx.counts["instalments_missed"] += reconciled.missed_signalled
    ctx.counts["preconditions_synced"] += synced
    owing, with_episode = candidate_tenancy_ids(day=day)
    candidates = set(owing) | with_episode
    for batch in batches(list(candidates)):
        # One transaction per batch: each tenancy is a savepoint inside it, so one tenancy's failure
        # undoes only its own steps, and the database commits once per batch instead of per tenancy.
        with transaction.atomic():
            files = tenancy_files(ids=batch, day=day, grace_days=ctx.policy.grace_days)
            seen: set[int] = set()
            for tenancy_id, movements in ledger_movements(ids=list(files), day=day):
                seen.add(tenancy_id)
                _one(ctx, files[tenancy_id], movements)
            for tenancy_id in set(files) - seen:
                _one(ctx, files[tenancy_id], [])
            letters_render(ctx.to_render)
            _record_batch(ctx)
    batch_made = print_batch_build(day=day) if ctx.counts["letters_posted"] else None
    return _summary(ctx, candidates=len(candidates), print_batch=batch_made is not None)


def _record_batch(ctx: _Context) -> None:
    """The batch's decisions with their journal events in one go, then the run's rows that point to them."""
    if not ctx.pending:
        return
    decisions = helm.decision_record_many([item for item, _row in ctx.pending])
    rows = []
    for decision, (_item, row) in zip(decisions, ctx.pending, strict=True):
        row.decision = decision
        rows.append(row)
    RunDecision.objects.bulk_create(rows, batch_size=500)
    ctx.pending = []


def _one(ctx: _Context, file: TenancyFile, movements: list[LedgerMovement]) -> None:
    tenancy = file.tenancy
    if tenancy.pk in ctx.done:
        return
    try:
        _decide(ctx, file, movements)
    except Exception:
        # One tenancy's trouble must not stop the night's run; the run is marked failed and a rerun for
        # the date picks up what is left (decided tenancies are skipped, letters have keys).
        ctx.errors += 1
        logger.exception("collections_tenancy_failed", tenancy_id=tenancy.pk, run_id=ctx.run.pk)


def _decide(ctx: _Context, file: TenancyFile, movements: list[LedgerMovement]) -> None:
    tenancy = file.tenancy
    day = ctx.day
    if file.monthly_rent is None or file.monthly_rent <= 0:
        logger.warning("collections_no_rent", tenancy_id=tenancy.pk)
        return
    verdict = helm.automation_verdict(mode=ctx.mode, holds=ctx.holds.get(str(tenancy.pk), []), now=ctx.moment)
    held = not verdict.act and not verdict.propose  # a person's hold, or the flow in manual mode
    assist = not verdict.act and verdict.propose
    episode = file.episode

    with transaction.atomic():
        charged = ZERO
        due = costs_due(
            episode=episode, movements=movements, today=day, negligible=ctx.policy.negligible_amount
        )
        if due and verdict.act and not file.debt_measure:
            entry = costs_charge(episode=episode, today=day) if episode is not None else None
            if entry is not None:
                charged = entry.amount
                movements = [*movements, LedgerMovement(date=day, amount=charged, kind=entry.kind)]
                ctx.counts["costs_charged"] += 1
                ctx.counts["costs_total_cents"] += int(charged * 100)

        history = PaymentHistory(
            as_of=day,
            tenancy_start=tenancy.start_date,
            ledger_start=movements[0].date if movements else tenancy.start_date,
            monthly_rent=file.monthly_rent,
            movements=tuple(movements),
            household_changes=tuple(file.household_changes),
            arrangements=tuple(file.arrangements),
        )
        assessment = assess(history, ctx.policy)
        if not assessment.in_arrears:
            # The rent is paid up: the episode ends, even while charged collection costs stay unpaid on the
            # ledger. A later arrears is a new default and gets a new cycle from its reminder; an old
            # notice never carries a bailiff proposal over to rent that is a week late.
            if episode is not None:
                episode_close(episode=episode, closed_on=day)
                ctx.counts["episodes_closed"] += 1
            return
        if episode is None:
            episode = episode_open(tenancy=tenancy, opened_on=assessment.oldest_unpaid or day)
            ctx.counts["episodes_opened"] += 1

        state = episode_state(
            episode,
            bailiff_proposed_on=file.bailiff_proposed_on,
            early_warning_reported_on=file.early_warning_reported_on,
            objected_on=file.objected_on,
            as_of=day,
        )
        open_case = tenancy.pk in ctx.open_cases
        decision = route(
            assessment,
            ctx.policy,
            held=held,
            debt_measure=file.debt_measure,
            open_case=open_case,
            state=state,
        )
        reasons = list(decision.reasons)
        acted = decision.action if decision.action and not assist else None
        proposed = decision.action if decision.action and assist else None
        refused = None
        if acted:
            refusal = _act(ctx, file, episode, assessment, decision, acted)
            if refusal:
                # The service that guards the legal preconditions said no: the step is not taken, and why
                # is part of the decision.
                reasons.extend(refusal)
                refused, acted = acted, None
                ctx.counts[f"refused:{refused}"] += 1
            else:
                ctx.counts[f"action:{acted}"] += 1
        elif proposed:
            ctx.counts[f"proposed:{proposed}"] += 1
        if decision.route == Route.HUMAN_CONTACT and not open_case:
            casework_services.case_open(
                tenancy=tenancy, priority=assessment.priority, reasons=reasons, now=ctx.decided_at
            )
            ctx.open_cases.add(tenancy.pk)
            ctx.counts["cases_opened"] += 1
        item = helm.DecisionItem(
            flow=Flow.DUNNING,
            subject=tenancy,
            outcome=decision.route,
            reasons=reasons,
            inputs={
                **assessment.facts,
                "action": decision.action,
                "proposed_only": proposed is not None,
                "refused": refused,
                "mode": ctx.mode,
                "held_by_person": held and ctx.mode != Mode.MANUAL,
                "debt_measure": file.debt_measure,
                "open_case": open_case,
                "early_warning_objection": file.objected_on is not None,
                "costs_stated": decision.costs,
                "costs_waived": decision.costs_waived,
                "costs_charged": charged,
                "run_date": day,
            },
            rule_version=ctx.policy_version,
            decided_at=ctx.decided_at,
        )
        row = RunDecision(
            run=ctx.run,
            tenancy=tenancy,
            episode=episode,
            route=decision.route,
            action=acted or "",
            proposed_action=proposed or "",
            reasons=reasons,
            arrears=assessment.arrears,
            months=assessment.months_of_rent,
            days_overdue=assessment.days_overdue,
            priority=assessment.priority,
            costs=charged,
        )
    # Kept only once the tenancy's savepoint committed; recorded in bulk at the end of the batch.
    ctx.pending.append((item, row))
    ctx.counts[f"route:{decision.route}"] += 1
    ctx.counts["decisions"] += 1
    ctx.counts["arrears_total_cents"] += int(assessment.arrears * 100)


def _act(
    ctx: _Context,
    file: TenancyFile,
    episode: Episode,
    assessment: Assessment,
    decision: RouteDecision,
    action: str,
) -> list[str]:
    """Take the step; the reasons it was refused (the legal preconditions, checked by the step's own
    service), or an empty list when it was taken."""
    day = ctx.day
    if action == Action.EARLY_WARNING:
        try:
            early_warning_signal_create(
                episode=episode, on=day, arrears_amount=assessment.arrears, arrears_since=episode.opened_on
            )
        except EarlyWarningError as refusal:
            return [_("No early-warning signal: %(why)s") % {"why": str(refusal)}]
        return []
    if action == Action.BAILIFF_PROPOSAL:
        try:
            bailiff_proposal_create(episode=episode, on=day, arrears=assessment.arrears)
        except BailiffProposalRefused as refusal:
            return [_("No bailiff proposal: %(why)s") % {"why": "; ".join(refusal.reasons)}]
        return []
    _send(ctx, file, episode, assessment, decision, action)
    return []


def _send(
    ctx: _Context,
    file: TenancyFile,
    episode: Episode,
    assessment: Assessment,
    decision: RouteDecision,
    action: str,
) -> None:
    """A letter: the personal message, the reminder or the final notice, to every recipient."""
    day = ctx.day
    tenancy = file.tenancy
    if assessment.bereavement:  # MD07 or a death in the household: never a letter (route agrees)
        return
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    deadline = (
        final_notice_deadline(
            day, delivery_margin_working_days=ctx.policy.schedule.delivery_margin_working_days
        )
        if action == Action.FINAL_NOTICE
        else None
    )
    letter_route = Route.HUMAN_CONTACT if action == Action.PERSONAL_MESSAGE else decision.route
    facts = LetterFacts(
        arrears=assessment.arrears,
        costs=decision.costs if action == Action.FINAL_NOTICE else ZERO,
        costs_waived=decision.costs_waived,
        deadline=deadline,
        vat_on_costs=ctx.policy.vat_on_costs,
        with_early_warning_offer=action == Action.REMINDER,
    )
    made = letters_send(
        tenancy=tenancy,
        episode=episode,
        kind=action,
        route=letter_route,
        letter_date=day,
        recipients=recipients_for(tenancy=tenancy, parties=file.parties, day=day),
        facts=facts,
        version=ctx.letters_version,
        to_render=ctx.to_render,
    )
    ctx.counts["letters"] += len(made)
    ctx.counts["letters_posted"] += sum(1 for letter in made if letter.channel == "BRI")
    ctx.counts["letters_emailed"] += sum(1 for letter in made if letter.channel == "EMA")
    if not made:
        logger.warning("collections_no_recipient", tenancy_id=tenancy.pk, action=action)
        return
    updates: list[str] = []
    if action == Action.PERSONAL_MESSAGE:
        episode.personal_message_sent_on = day
        updates.append("personal_message_sent_on")
    elif action == Action.REMINDER:
        episode.reminder_sent_on = day
        updates.append("reminder_sent_on")
    else:
        episode.final_notice_sent_on = day
        episode.final_notice_deadline = deadline
        episode.final_notice_principal = assessment.arrears
        episode.final_notice_costs = decision.costs
        updates += [
            "final_notice_sent_on",
            "final_notice_deadline",
            "final_notice_principal",
            "final_notice_costs",
        ]
    episode.save(update_fields=updates)
    offered = facts.with_early_warning_offer or carries_early_warning_offer(
        version=ctx.letters_version, route=letter_route, kind=action
    )
    if offered:
        # The letter offered to pass the data to the municipality unless the tenant objects, and pointed to
        # its free debt help: early-warning preconditions b, c and d (BGS art. 2), journaled as such.
        early_warning_offer_recorded(episode=episode, on=day)
        early_warning_debt_help_pointed(episode=episode, on=day, by=None)


def _summary(ctx: _Context, *, candidates: int, print_batch: bool) -> dict[str, Any]:
    counts = ctx.counts
    return {
        "date": ctx.day.isoformat(),
        "policy_version": policy_label(ctx.policy_version),
        "letters_version": policy_label(ctx.letters_version),
        "mode": str(ctx.mode),
        "tenancies_read": candidates,
        "decisions": counts["decisions"],
        "routes": {r.value: counts[f"route:{r.value}"] for r in Route if counts[f"route:{r.value}"]},
        "actions": {a.value: counts[f"action:{a.value}"] for a in Action if counts[f"action:{a.value}"]},
        "proposed": {a.value: counts[f"proposed:{a.value}"] for a in Action if counts[f"proposed:{a.value}"]},
        "refused": {a.value: counts[f"refused:{a.value}"] for a in Action if counts[f"refused:{a.value}"]},
        "letters": counts["letters"],
        "letters_emailed": counts["letters_emailed"],
        "letters_posted": counts["letters_posted"],
        "print_batch": print_batch,
        "cases_opened": counts["cases_opened"],
        "episodes_opened": counts["episodes_opened"],
        "episodes_closed": counts["episodes_closed"],
        "costs_charged": counts["costs_charged"],
        "instalments_missed": counts["instalments_missed"],
        "preconditions_synced": counts["preconditions_synced"],
        "arrears_total": str(euros(Decimal(counts["arrears_total_cents"]) / 100)),
        "costs_total": str(euros(Decimal(counts["costs_total_cents"]) / 100)),
        "errors": ctx.errors,
    }


def run_report(run: CollectionRun) -> dict[str, Any]:
    """The run as `roer run_collections --json` prints it: the same for a repeated run of the date."""
    rows = (
        RunDecision.objects.filter(run=run)
        .select_related("tenancy")
        .order_by("-priority", "tenancy__reference")
    )
    decisions = [_report_row(row) for row in rows]
    summary = dict(run.summary)
    policy_version = RuleVersion.objects.select_related("rule_set").get(pk=run.policy_version_id)
    return {
        "date": run.run_date.isoformat(),
        "policy_version": policy_label(policy_version),
        "status": run.status,
        "decisions": decisions,
        "summary": _counts_from(decisions, summary),
    }


def _report_row(row: RunDecision) -> dict[str, Any]:
    """One decision as `--json` prints it. In assist mode nothing was done (`action` null) and the step a
    person may approve is in `proposed_action`; the field is there only for such decisions."""
    decision: dict[str, Any] = {
        "reference": row.tenancy.reference,
        "route": row.route,
        "action": row.action or None,
        "reasons": row.reasons,
        "arrears": str(row.arrears),
        "months": str(row.months),
        "days_overdue": row.days_overdue,
        "priority": row.priority,
        "costs": str(euros(row.costs)),
    }
    if row.proposed_action:
        decision["proposed_action"] = row.proposed_action
    return decision


def _counts_from(decisions: Sequence[dict[str, Any]], summary: dict[str, Any]) -> dict[str, Any]:
    routes = Counter(d["route"] for d in decisions)
    actions = Counter(d["action"] for d in decisions if d["action"])
    return {
        "decisions": len(decisions),
        "routes": dict(sorted(routes.items())),
        "actions": dict(sorted(actions.items())),
        "arrears_total": str(sum((Decimal(d["arrears"]) for d in decisions), ZERO)),
        # Costs may be charged to a tenancy that has since paid its arrears: the run's own total counts them.
        "costs_total": summary.get("costs_total", str(sum((Decimal(d["costs"]) for d in decisions), ZERO))),
        **{
            key: summary[key]
            for key in (
                "letters",
                "letters_emailed",
                "letters_posted",
                "cases_opened",
                "episodes_opened",
                "episodes_closed",
                "proposed",
                "refused",
                "tenancies_read",
                "seconds",
                "errors",
            )
            if key in summary
        },
    }
