"""The nightly collections run: for every tenancy in arrears on a date, assess, route, act, and record.

In order (docs/collections-run.md):
1. claim the date: one `CollectionRun` row per date, created first in its own transaction (a second run
   for the same date returns the finished run, or refuses while one is running);
2. one aggregate over the ledger finds the tenancies owing money on the date, plus those with an open
   episode; only those are read further, in batches, with a fixed number of queries per batch;
3. per tenancy: charge the costs of a final notice whose term ran out unpaid; close a paid-up episode or
   open a new one; assess the payment history as of the date; route it (holds, the helm's mode, debt
   measures and open social cases are inputs); record the decision; act (letters, a case, an
   early-warning signal, a bailiff proposal) unless the flow is in assist mode;
4. the day's posted letters become one print batch; the run's summary is kept.
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

from roer.arrears import letters as letter_rules
from roer.arrears import policy as policy_rules
from roer.arrears.assessment import Assessment, PaymentHistory, assess
from roer.arrears.constants import Action, Route, RunStatus
from roer.arrears.history import LedgerMovement
from roer.arrears.models import BailiffProposal, CollectionRun, EarlyWarningSignal, Episode, RunDecision
from roer.arrears.policy import Policy
from roer.arrears.routing import RouteDecision, route
from roer.arrears.selectors import (
    TenancyFile,
    batches,
    candidate_tenancy_ids,
    ledger_movements,
    tenancy_files,
)
from roer.arrears.services.costs_charge import costs_charge, costs_due
from roer.arrears.services.episodes import (
    episode_close,
    episode_contact_attempted,
    episode_open,
    episode_state,
)
from roer.arrears.services.letters import LetterFacts, letters_send, print_batch_build, recipients_for
from roer.arrears.terms import final_notice_deadline
from roer.casework import selectors as casework_selectors
from roer.casework import services as casework_services
from roer.core import helm, journal
from roer.core.constants import Flow, Mode
from roer.core.dates import AMSTERDAM
from roer.core.models import RuleVersion
from roer.core.money import ZERO, euros
from roer.core.rules import live_version
from roer.core.subjects import SubjectRef
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
    rows: list[RunDecision] = field(default_factory=list)
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
    owing, with_episode = candidate_tenancy_ids(day=day)
    candidates = set(owing) | with_episode
    for batch in batches(list(candidates)):
        # One transaction per batch: each tenancy is a savepoint inside it, so one tenancy's failure
        # undoes only its own steps, and the database commits once per batch instead of per tenancy.
        with transaction.atomic():
            files = tenancy_files(ids=batch, day=day)
            seen: set[int] = set()
            for tenancy_id, movements in ledger_movements(ids=list(files), day=day):
                seen.add(tenancy_id)
                _one(ctx, files[tenancy_id], movements)
            for tenancy_id in set(files) - seen:
                _one(ctx, files[tenancy_id], [])
            RunDecision.objects.bulk_create(ctx.rows, batch_size=500)
            ctx.rows = []
    batch_made = print_batch_build(day=day) if ctx.counts["letters_posted"] else None
    return _summary(ctx, candidates=len(candidates), print_batch=batch_made is not None)


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
    balance = sum((m.amount for m in movements), ZERO)

    with transaction.atomic():
        charged = ZERO
        due = costs_due(
            episode=episode, movements=movements, today=day, negligible=ctx.policy.negligible_amount
        )
        if due and verdict.act and not file.debt_measure:
            entry = costs_charge(episode=episode, today=day) if episode is not None else None
            if entry is not None:
                charged = entry.amount
                balance += charged
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
            if episode is not None and balance <= ctx.policy.negligible_amount:
                episode_close(episode=episode, closed_on=day)
                ctx.counts["episodes_closed"] += 1
            return
        if episode is None:
            episode = episode_open(tenancy=tenancy, opened_on=assessment.oldest_unpaid or day)
            ctx.counts["episodes_opened"] += 1

        if episode.contact_attempted_on is None:
            tried = [d for d in file.contact_days if episode.opened_on <= d <= day]
            if tried:
                episode = episode_contact_attempted(episode=episode, on=min(tried))
        state = episode_state(
            episode,
            bailiff_proposed_on=file.bailiff_proposed_on,
            early_warning_reported_on=file.early_warning_reported_on,
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
        acted = decision.action if decision.action and not assist else None
        record = helm.decision_record(
            flow=Flow.DUNNING,
            subject=tenancy,
            outcome=decision.route,
            reasons=decision.reasons,
            inputs={
                **assessment.facts,
                "action": decision.action,
                "proposed_only": bool(decision.action and assist),
                "mode": ctx.mode,
                "held_by_person": held and ctx.mode != Mode.MANUAL,
                "debt_measure": file.debt_measure,
                "open_case": open_case,
                "costs_stated": decision.costs,
                "costs_waived": decision.costs_waived,
                "costs_charged": charged,
                "run_date": day,
            },
            rule_version=ctx.policy_version,
            decided_at=ctx.decided_at,
        )
        if acted:
            _act(ctx, file, episode, assessment, decision, acted)
            ctx.counts[f"action:{acted}"] += 1
        elif decision.action:
            ctx.counts[f"proposed:{decision.action}"] += 1
        if decision.route == Route.HUMAN_CONTACT and not open_case:
            casework_services.case_open(
                tenancy=tenancy, priority=assessment.priority, reasons=decision.reasons, now=ctx.decided_at
            )
            ctx.open_cases.add(tenancy.pk)
            ctx.counts["cases_opened"] += 1
        row = RunDecision(
            run=ctx.run,
            tenancy=tenancy,
            episode=episode,
            decision=record,
            route=decision.route,
            action=acted or "",
            reasons=decision.reasons,
            arrears=assessment.arrears,
            months=assessment.months_of_rent,
            days_overdue=assessment.days_overdue,
            priority=assessment.priority,
            costs=charged,
        )
    # Kept only once the tenancy's savepoint committed; written in bulk at the end of the batch.
    ctx.rows.append(row)
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
) -> None:
    day = ctx.day
    tenancy = file.tenancy
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    updates: list[str] = []
    if action in (Action.PERSONAL_MESSAGE, Action.REMINDER, Action.FINAL_NOTICE):
        if assessment.bereavement:  # MD07 or a death in the household: never a letter (route agrees)
            return
        deadline = (
            final_notice_deadline(
                day, delivery_margin_working_days=ctx.policy.schedule.delivery_margin_working_days
            )
            if action == Action.FINAL_NOTICE
            else None
        )
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
            route=Route.HUMAN_CONTACT if action == Action.PERSONAL_MESSAGE else decision.route,
            letter_date=day,
            recipients=recipients_for(tenancy=tenancy, parties=file.parties, day=day),
            facts=facts,
            version=ctx.letters_version,
        )
        ctx.counts["letters"] += len(made)
        ctx.counts["letters_posted"] += sum(1 for letter in made if letter.channel == "BRI")
        ctx.counts["letters_emailed"] += sum(1 for letter in made if letter.channel == "EMA")
        if not made:
            logger.warning("collections_no_recipient", tenancy_id=tenancy.pk, action=action)
            return
        if action == Action.PERSONAL_MESSAGE:
            episode.personal_message_sent_on = day
            updates.append("personal_message_sent_on")
        elif action == Action.REMINDER:
            # The reminder carries the offer to pass data to the municipality and points to the
            # municipality's free debt help: early-warning preconditions b, c and d (BGS art. 2).
            episode.reminder_sent_on = day
            episode.early_warning_offered_on = episode.early_warning_offered_on or day
            episode.debt_help_pointed_on = episode.debt_help_pointed_on or day
            updates += ["reminder_sent_on", "early_warning_offered_on", "debt_help_pointed_on"]
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
    elif action == Action.EARLY_WARNING:
        early_warning_signal_create(episode=episode, day=day, arrears=assessment.arrears)
    elif action == Action.BAILIFF_PROPOSAL:
        bailiff_proposal_create(episode=episode, day=day, arrears=assessment.arrears)
    if updates:
        episode.save(update_fields=updates)


def early_warning_signal_create(*, episode: Episode, day: dt.date, arrears: Decimal) -> EarlyWarningSignal:
    """The signal for the municipality; the early-warning export passes it on."""
    with transaction.atomic():
        signal, created = EarlyWarningSignal.objects.get_or_create(
            episode=episode,
            defaults={
                "tenancy_id": episode.tenancy_id,
                "reported_on": day,
                "arrears_amount": arrears,
                "arrears_since": episode.opened_on,
            },
        )
        if created:
            journal.record(
                activity="early_warning_signalled",
                subjects=[_tenancy(episode), episode, signal],
                facts={"arrears": arrears, "arrears_since": episode.opened_on},
            )
    return signal


def bailiff_proposal_create(*, episode: Episode, day: dt.date, arrears: Decimal) -> BailiffProposal:
    """Roer only proposes; a collections officer approves or rejects."""
    with transaction.atomic():
        proposal, created = BailiffProposal.objects.get_or_create(
            episode=episode,
            defaults={"tenancy_id": episode.tenancy_id, "proposed_on": day, "arrears": arrears},
        )
        if created:
            journal.record(
                activity="bailiff_proposed",
                subjects=[_tenancy(episode), episode, proposal],
                facts={"arrears": arrears},
            )
    return proposal


def _tenancy(episode: Episode) -> SubjectRef:
    return SubjectRef(kind=TENANCY_KIND, id=str(episode.tenancy_id))


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
        "letters": counts["letters"],
        "letters_emailed": counts["letters_emailed"],
        "letters_posted": counts["letters_posted"],
        "print_batch": print_batch,
        "cases_opened": counts["cases_opened"],
        "episodes_opened": counts["episodes_opened"],
        "episodes_closed": counts["episodes_closed"],
        "costs_charged": counts["costs_charged"],
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
    decisions = [
        {
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
        for row in rows
    ]
    summary = dict(run.summary)
    policy_version = RuleVersion.objects.select_related("rule_set").get(pk=run.policy_version_id)
    return {
        "date": run.run_date.isoformat(),
        "policy_version": policy_label(policy_version),
        "status": run.status,
        "decisions": decisions,
        "summary": _counts_from(decisions, summary),
    }


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
                "tenancies_read",
                "seconds",
                "errors",
            )
            if key in summary
        },
    }
