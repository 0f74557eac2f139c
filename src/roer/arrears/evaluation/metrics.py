"""The figures of one arm, read from its scratch database after the replay, against the ground truth.

Definitions (docs/evaluation.md):
- the replay window is `start`..`end`; letters, costs, proposals, cases and contacts count when dated in it;
- a *life event* is a `demo.LifeEvent` (the simulation's ground truth; the product never reads it); it is
  *judged* when its date lies in `start`..`end - match_days`, so its whole match window is replayed;
- its *first missed payment* is the first rent due date on or after the event after whose grace days the
  balance is above the negligible amount on some day before the next due date; collection costs are left out, so both arms
  see the same date. A judged event *with arrears* has one within `match_days` after the event;
- a *signal* is a social manager's case opened by the run (not by a person); several cases in one arrears
  episode are one signal, dated by the first. It is *early* when the run opened it before the schedule's
  contact attempt (`second_contact_days`): the atypical, bereavement and data-error routes;
- recall = judged events with arrears followed by a signal within `match_days` after the event's date,
  divided by judged events with arrears; *missed* = the rest;
- precision = signals opened within `match_days` after a life event of that tenancy, divided by all signals;
- *days to human contact* = from the first missed payment to the first answered talk about money (`talks`:
  phone, home visit or desk — TEL/BEZ/BAL — about the arrears, an arrangement or the rent account, started
  by the arm's people or by the tenant; an unanswered call is an attempt, not a contact) on or after it,
  for judged events with arrears; an event without such a contact before the end of the replay is counted as
  *not reached* and left out of the median and mean;
- per group (`by_group`): the households living in the window by their ground-truth group (a life event
  from a year before the window, else their payment behaviour), and each arm's figures for them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from roer.arrears.constants import Route
from roer.arrears.models import (
    Arrangement,
    BailiffProposal,
    EarlyWarningSignal,
    Episode,
    Letter,
    RunDecision,
)
from roer.arrears.selectors import PERSONAL_CHANNELS, PERSONAL_TOPICS
from roer.casework.models import Case, ContactMoment
from roer.core.constants import Channel
from roer.core.dates import local_date, start_of_day
from roer.core.money import ZERO, euros
from roer.demo.models import LifeEvent, PaymentProfile
from roer.ledger.constants import EntryKind
from roer.ledger.models import LedgerEntry
from roer.tenancies.models import Tenancy

HUMAN_CHANNELS = frozenset({Channel.PHONE.value, Channel.VISIT.value, Channel.DESK.value})


def talks() -> QuerySet[ContactMoment]:
    """Answered talks about money (arrears, an arrangement, the rent account) by phone, visit or desk,
    whoever started them: the arm's people, or the simulated world (a tenant who calls in). The same
    channels and topics the early-warning precondition a reads (`arrears.selectors`)."""
    return ContactMoment.objects.filter(
        channel__in=PERSONAL_CHANNELS, topic__in=PERSONAL_TOPICS, succeeded=True
    )


def arm_contacts(*, succeeded: bool = True) -> QuerySet[ContactMoment]:
    """The human contacts the arm brought about: calls, visits and desk talks in a case the run opened,
    answered (or, with `succeeded=False`, not). The simulated world has its own contacts too (a tenant
    calling about a repair or an arrangement, written with the corporation): the same in both arms, and
    not counted here."""
    return ContactMoment.objects.filter(
        channel__in=HUMAN_CHANNELS, succeeded=succeeded, case__isnull=False, case__opened_by__isnull=True
    )


def _in(queryset: QuerySet[ContactMoment], window: Window) -> int:
    return queryset.filter(
        happened_at__gte=start_of_day(window.start),
        happened_at__lt=start_of_day(window.end + dt.timedelta(days=1)),
    ).count()


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    match_days: int = 90

    @property
    def judged_until(self) -> dt.date:
        return self.end - dt.timedelta(days=self.match_days)


@dataclass(frozen=True)
class Signal:
    tenancy_id: int
    on: dt.date
    early: bool


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _money(value: Decimal | None) -> str:
    return str(euros(value or ZERO))


def letters(window: Window) -> dict[str, Any]:
    rows = (
        Letter.objects.filter(letter_date__range=(window.start, window.end))
        .values("kind")
        .annotate(n=Count("id"))
    )
    by_kind = {row["kind"]: row["n"] for row in rows}
    with_costs = Letter.objects.filter(letter_date__range=(window.start, window.end), costs__gt=0).count()
    return {
        "total": sum(by_kind.values()),
        "by_kind": dict(sorted(by_kind.items())),
        "with_costs": with_costs,
    }


def costs(window: Window) -> dict[str, Any]:
    found = LedgerEntry.objects.filter(kind=EntryKind.COST, date__range=(window.start, window.end)).aggregate(
        n=Count("id"), total=Sum("amount")
    )
    return {"count": found["n"], "total": _money(found["total"])}


def signals(window: Window, *, second_contact_days: int) -> list[Signal]:
    """The run's cases in the window, one per arrears episode, with whether they came early."""
    cases = sorted(
        (
            (tenancy_id, local_date(opened_at))
            for tenancy_id, opened_at in Case.objects.filter(opened_by__isnull=True).values_list(
                "tenancy_id", "opened_at"
            )
        ),
        key=lambda row: (row[0], row[1]),
    )
    cases = [(t, d) for t, d in cases if window.start <= d <= window.end]
    episodes: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for tenancy_id, opened_on, closed_on in Episode.objects.filter(
        tenancy_id__in={t for t, _ in cases}
    ).values_list("tenancy_id", "opened_on", "closed_on"):
        episodes[tenancy_id].append((opened_on, closed_on))
    overdue = {
        (tenancy_id, day): days
        for tenancy_id, day, days in RunDecision.objects.filter(
            route=Route.HUMAN_CONTACT, run__run_date__range=(window.start, window.end)
        ).values_list("tenancy_id", "run__run_date", "days_overdue")
    }
    seen: set[tuple[int, object]] = set()
    found = []
    for tenancy_id, day in cases:
        episode = next(
            (
                (opened, closed)
                for opened, closed in episodes[tenancy_id]
                if opened <= day and (closed is None or day <= closed)
            ),
            None,
        )
        key = (tenancy_id, episode or day)
        if key in seen:
            continue
        seen.add(key)
        days = overdue.get((tenancy_id, day))
        found.append(
            Signal(tenancy_id=tenancy_id, on=day, early=days is not None and days < second_contact_days)
        )
    return found


def _balances(tenancy_ids: Iterable[int], end: dt.date) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """Per tenancy, its ledger movements up to `end` without collection costs, in date order."""
    rows: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for tenancy_id, day, amount in (
        LedgerEntry.objects.filter(tenancy_id__in=list(tenancy_ids), date__lte=end)
        .exclude(kind=EntryKind.COST)
        .order_by("tenancy_id", "date", "pk")
        .values_list("tenancy_id", "date", "amount")
    ):
        rows[tenancy_id].append((day, amount))
    return rows


def first_missed_payment(
    movements: list[tuple[dt.date, Decimal]],
    charges: list[dt.date],
    *,
    since: dt.date,
    until: dt.date,
    grace_days: int,
    negligible: Decimal,
) -> dt.date | None:
    """The first due date in `since`..`until` after whose grace days the balance is above `negligible`
    on some day before the next due date (a direct debit can come back a week after it was collected)."""
    for number, due in enumerate(charges):
        if due < since or due > until:
            continue
        checked = due + dt.timedelta(days=grace_days)
        following = charges[number + 1] if number + 1 < len(charges) else due + dt.timedelta(days=31)
        balance = sum((amount for day, amount in movements if day <= checked), ZERO)
        if balance > negligible:
            return due
        for day, amount in movements:
            if checked < day < following:
                balance += amount
                if balance > negligible:
                    return due
    return None


def life_events(
    window: Window,
    found: list[Signal],
    *,
    grace_days: int,
    negligible: Decimal,
) -> dict[str, Any]:
    events = list(
        LifeEvent.objects.filter(date__range=(window.start, window.judged_until))
        .select_related("tenancy")
        .order_by("date", "pk")
    )
    ids = {event.tenancy_id for event in events}
    movements = _balances(ids, window.end)
    charges: dict[int, list[dt.date]] = defaultdict(list)
    for tenancy_id, day in (
        LedgerEntry.objects.filter(tenancy_id__in=ids, kind=EntryKind.CHARGE, date__lte=window.end)
        .order_by("date")
        .values_list("tenancy_id", "date")
    ):
        charges[tenancy_id].append(day)
    contacts: dict[int, list[dt.date]] = defaultdict(list)
    for tenancy_id, happened_at in (
        talks().filter(tenancy_id__in=ids).order_by("happened_at").values_list("tenancy_id", "happened_at")
    ):
        day = local_date(happened_at)
        if day <= window.end:
            contacts[tenancy_id].append(day)
    by_tenancy: dict[int, list[Signal]] = defaultdict(list)
    for signal in found:
        by_tenancy[signal.tenancy_id].append(signal)

    details = []
    waits: list[int] = []
    for event in events:
        missed_on = first_missed_payment(
            movements[event.tenancy_id],
            charges[event.tenancy_id],
            since=event.date,
            until=min(event.date + dt.timedelta(days=window.match_days), window.end),
            grace_days=grace_days,
            negligible=negligible,
        )
        row: dict[str, Any] = {
            "reference": event.tenancy.reference,
            "kind": event.kind,
            "date": event.date.isoformat(),
            "first_missed_payment": missed_on.isoformat() if missed_on else None,
            "signal_on": None,
            "human_contact_on": None,
            "days_to_human_contact": None,
        }
        if missed_on is not None:
            last = event.date + dt.timedelta(days=window.match_days)
            matched = next((s for s in by_tenancy[event.tenancy_id] if event.date <= s.on <= last), None)
            if matched is not None:
                row["signal_on"] = matched.on.isoformat()
                row["signal_early"] = matched.early
            contact = next((day for day in contacts[event.tenancy_id] if day >= missed_on), None)
            if contact is not None:
                row["human_contact_on"] = contact.isoformat()
                row["days_to_human_contact"] = (contact - missed_on).days
                waits.append((contact - missed_on).days)
        details.append(row)
    with_arrears = [row for row in details if row["first_missed_payment"]]
    signalled = [row for row in with_arrears if row["signal_on"]]
    return {
        "judged": len(details),
        "with_arrears": len(with_arrears),
        "signalled": len(signalled),
        "signalled_early": sum(1 for row in signalled if row.get("signal_early")),
        "recall": _ratio(len(signalled), len(with_arrears)),
        "missed": len(with_arrears) - len(signalled),
        "missed_kinds": sorted(row["kind"] for row in with_arrears if not row["signal_on"]),
        # Missed by the run, but a person talked with them about money all the same (mostly: they called in).
        "missed_but_talked": sum(
            1 for row in with_arrears if not row["signal_on"] and row["human_contact_on"]
        ),
        "reached": len(waits),
        "not_reached": len(with_arrears) - len(waits),
        "days_to_human_contact": {
            "median": statistics.median(waits) if waits else None,
            "mean": round(statistics.fmean(waits), 1) if waits else None,
        },
        "details": details,
    }


def precision(found: list[Signal], *, match_days: int) -> dict[str, Any]:
    events: dict[int, list[dt.date]] = defaultdict(list)
    for tenancy_id, day in LifeEvent.objects.filter(tenancy_id__in={s.tenancy_id for s in found}).values_list(
        "tenancy_id", "date"
    ):
        events[tenancy_id].append(day)

    def follows(signal: Signal) -> bool:
        return any(
            day <= signal.on <= day + dt.timedelta(days=match_days) for day in events[signal.tenancy_id]
        )

    true = [s for s in found if follows(s)]
    early = [s for s in found if s.early]
    return {
        "total": len(found),
        "after_life_event": len(true),
        "precision": _ratio(len(true), len(found)),
        "early": len(early),
        "early_after_life_event": sum(1 for s in early if follows(s)),
        "early_precision": _ratio(sum(1 for s in early if follows(s)), len(early)),
    }


def arrears_at(end: dt.date) -> dict[str, Any]:
    """What tenants owe at the end of the replay, costs included: the positive balances added up."""
    balances = LedgerEntry.objects.filter(date__lte=end).values("tenancy_id").annotate(balance=Sum("amount"))
    owing = [row["balance"] for row in balances if row["balance"] > 0]
    return {"total": _money(sum(owing, ZERO)), "tenancies": len(owing)}


LIFE_EVENT_GROUP = "life_event"
GROUP_ORDER = (LIFE_EVENT_GROUP, "on_time", "pay_day", "late", "chaotic")
LIFE_EVENT_LOOKBACK_DAYS = 365


def tenancy_groups(window: Window) -> dict[int, str]:
    """Each tenancy's group in the simulation's ground truth: `life_event` when the household had a life
    event from a year before the window to its end (its payments may be disturbed in the window),
    otherwise its payment behaviour (`demo.PaymentProfile`: on_time, pay_day, late, chaotic)."""
    found = dict(PaymentProfile.objects.values_list("tenancy_id", "behaviour"))
    since = window.start - dt.timedelta(days=LIFE_EVENT_LOOKBACK_DAYS)
    for tenancy_id in LifeEvent.objects.filter(date__range=(since, window.end)).values_list(
        "tenancy_id", flat=True
    ):
        found[tenancy_id] = LIFE_EVENT_GROUP
    return found


def by_group(window: Window, *, reminder_days: int = 8) -> dict[str, dict[str, Any]]:
    """The arm's figures per ground-truth group (see `tenancy_groups`), over the households living in
    the window; a household belongs to one group. *In arrears*: on some night of the window the run
    found it `reminder_days` or more overdue (a direct debit that lands a day late is not arrears)."""
    group_of = tenancy_groups(window)
    living = set(
        Tenancy.objects.filter(start_date__lte=window.end)
        .exclude(end_date__lt=window.start)
        .values_list("pk", flat=True)
    )
    names = [g for g in GROUP_ORDER if g in set(group_of.values())] + sorted(
        set(group_of.values()) - set(GROUP_ORDER)
    )
    figures: dict[str, dict[str, Any]] = {
        name: {
            "households": 0,
            "in_arrears": 0,
            "letters": 0,
            "letters_by_kind": defaultdict(int),
            "with_costs": 0,
            "costs_count": 0,
            "costs_total": ZERO,
            "bailiff_proposals": 0,
            "early_warning_signals": 0,
            "reached_by_a_person": 0,
            "calls": 0,
            "arrangements": 0,
            "arrears_at_end": ZERO,
            "owing_at_end": 0,
        }
        for name in names
    }

    def row(tenancy_id: int) -> dict[str, Any] | None:
        name = group_of.get(tenancy_id)
        return figures[name] if name is not None and tenancy_id in living else None

    for tenancy_id in living:
        if (found := row(tenancy_id)) is not None:
            found["households"] += 1
    for tenancy_id in set(
        RunDecision.objects.filter(
            run__run_date__range=(window.start, window.end), days_overdue__gte=reminder_days
        ).values_list("tenancy_id", flat=True)
    ):
        if (found := row(tenancy_id)) is not None:
            found["in_arrears"] += 1
    for tenancy_id, kind, letter_costs in Letter.objects.filter(
        letter_date__range=(window.start, window.end)
    ).values_list("tenancy_id", "kind", "costs"):
        if (found := row(tenancy_id)) is not None:
            found["letters"] += 1
            found["letters_by_kind"][kind] += 1
            found["with_costs"] += bool(letter_costs and letter_costs > 0)
    for tenancy_id, amount in LedgerEntry.objects.filter(
        kind=EntryKind.COST, date__range=(window.start, window.end)
    ).values_list("tenancy_id", "amount"):
        if (found := row(tenancy_id)) is not None:
            found["costs_count"] += 1
            found["costs_total"] += amount
    for tenancy_id in BailiffProposal.objects.filter(
        proposed_on__range=(window.start, window.end)
    ).values_list("tenancy_id", flat=True):
        if (found := row(tenancy_id)) is not None:
            found["bailiff_proposals"] += 1
    for tenancy_id in EarlyWarningSignal.objects.filter(
        reported_on__range=(window.start, window.end)
    ).values_list("tenancy_id", flat=True):
        if (found := row(tenancy_id)) is not None:
            found["early_warning_signals"] += 1
    reached = {
        tenancy_id
        for tenancy_id, happened_at in talks().values_list("tenancy_id", "happened_at")
        if window.start <= local_date(happened_at) <= window.end
    }
    for tenancy_id in reached:
        if (found := row(tenancy_id)) is not None:
            found["reached_by_a_person"] += 1
    for tenancy_id, happened_at in ContactMoment.objects.filter(
        channel=Channel.PHONE, case__isnull=False, case__opened_by__isnull=True
    ).values_list("tenancy_id", "happened_at"):
        if window.start <= local_date(happened_at) <= window.end and (found := row(tenancy_id)) is not None:
            found["calls"] += 1
    for tenancy_id in Arrangement.objects.filter(start_date__range=(window.start, window.end)).values_list(
        "tenancy_id", flat=True
    ):
        if (found := row(tenancy_id)) is not None:
            found["arrangements"] += 1
    for balance in (
        LedgerEntry.objects.filter(date__lte=window.end)
        .values("tenancy_id")
        .annotate(balance=Sum("amount"))
        .filter(balance__gt=0)
    ):
        if (found := row(balance["tenancy_id"])) is not None:
            found["arrears_at_end"] += balance["balance"]
            found["owing_at_end"] += 1
    for found in figures.values():
        found["letters_by_kind"] = dict(sorted(found["letters_by_kind"].items()))
        found["costs_total"] = _money(found["costs_total"])
        found["arrears_at_end"] = _money(found["arrears_at_end"])
    return figures


def arm_metrics(
    window: Window,
    *,
    second_contact_days: int,
    grace_days: int,
    negligible: Decimal,
    reminder_days: int = 8,
) -> dict[str, Any]:
    found = signals(window, second_contact_days=second_contact_days)
    return {
        "letters": letters(window),
        "costs_charged": costs(window),
        "bailiff_proposals": BailiffProposal.objects.filter(
            proposed_on__range=(window.start, window.end)
        ).count(),
        "early_warning_signals": EarlyWarningSignal.objects.filter(
            reported_on__range=(window.start, window.end)
        ).count(),
        "cases_opened": Case.objects.filter(opened_by__isnull=True).count(),
        "human_contacts": _in(arm_contacts(), window),
        "calls_unanswered": _in(arm_contacts(succeeded=False), window),
        "signals": precision(found, match_days=window.match_days),
        "life_events": life_events(window, found, grace_days=grace_days, negligible=negligible),
        "arrears_at_end": arrears_at(window.end),
        "arrangements": Arrangement.objects.filter(start_date__range=(window.start, window.end)).count(),
        "tenancies": Tenancy.objects.count(),
        "groups": by_group(window, reminder_days=reminder_days),
    }
