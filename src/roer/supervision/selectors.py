"""Reads of the process map: the map of an imported log or of the journal, the cases behind a variant,
and conformance to a designed flow. The console calls these; docs/process-map.md says what they mean.

The period filter is PM4Py's `filter_time_range(log, dt1, dt2, mode="traces_starting_in")`: a case
is in the period when its first event falls in it, from `date_from` 00:00 up to and including the
whole of `date_to`, Amsterdam time (dt1 = date_from 00:00, dt2 = the day after date_to 00:00 less one
microsecond). The case is then kept whole, so its variant and all its waits count.

The journal as an event log: a case is one subject of a kind (default the repair request,
`repairs.repairrequest`); every event that names that subject belongs to its case (an event that
names two such subjects belongs to both, as in PM4Py's flattening of an object-centric log on that
object type). The activity is the event's `activity`, with the step for the wizard's steps
(`wizard_step:search`); the moment its `occurred_at`. Within a case events go by moment, then by
the order they were written in (the event id), which is also the order of the XES export.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Min, QuerySet

from roer.core.dates import AMSTERDAM
from roer.core.models import JournalSubject
from roer.supervision.conformance import Conformance, DesignedFlow, check_cases
from roer.supervision.constants import DEFAULT_CASE_KIND, JOURNAL_SOURCE
from roer.supervision.mining import (
    ACTIVITY_CODE,
    MOMENT_CODE,
    ProcessMap,
    Traces,
    assemble,
    map_of,
    median_of_runs,
    microseconds_of,
    pack,
    unpack,
)
from roer.supervision.models import EventLog, LogActivity, LogCase, LogEdge, LogEdgeDay, LogVariant


class UnknownSource(LookupError):
    """No imported log of that name (and it is not the journal)."""


def event_logs() -> QuerySet[EventLog]:
    return EventLog.objects.order_by("name")


def sources() -> list[str]:
    return [JOURNAL_SOURCE, *event_logs().values_list("name", flat=True)]


def _log(source: str) -> EventLog:
    log = EventLog.objects.filter(name=source).first()
    if log is None:
        raise UnknownSource(f"no event log named {source!r} (import one with `roer import_event_log`)")
    return log


def period_bounds(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The period as [start, end): Amsterdam midnight of date_from up to the midnight after date_to."""
    start = dt.datetime.combine(date_from, dt.time(), tzinfo=AMSTERDAM) if date_from else None
    end = (
        dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=AMSTERDAM) if date_to else None
    )
    return start, end


# --- the journal as an event log -----------------------------------------------------------------


def journal_activity(activity: str, step: Any = None) -> str:
    """The activity of a journal event in the process map and the exports."""
    if activity == "wizard_step" and isinstance(step, str) and step:
        return f"{activity}:{step}"
    return activity


def journal_case_rows(
    case_kind: str = DEFAULT_CASE_KIND,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    channel: str | None = None,
    rule_version: int | None = None,
) -> QuerySet[JournalSubject]:
    """The (event, case subject) rows of the journal's cases of a kind, in case order: those that
    started in the period, and if asked, had an event in that channel or under that rule version."""
    rows = JournalSubject.objects.filter(kind=case_kind)
    start, end = period_bounds(date_from, date_to)
    if start or end:
        first = (
            JournalSubject.objects.filter(kind=case_kind)
            .values("subject_id")
            .annotate(first=Min("event__occurred_at"))
        )
        if start:
            first = first.filter(first__gte=start)
        if end:
            first = first.filter(first__lt=end)
        rows = rows.filter(subject_id__in=first.values("subject_id"))
    if channel:
        rows = rows.filter(
            subject_id__in=JournalSubject.objects.filter(kind=case_kind, event__channel=channel).values(
                "subject_id"
            )
        )
    if rule_version is not None:
        rows = rows.filter(
            subject_id__in=JournalSubject.objects.filter(
                kind=case_kind, event__rule_versions__rule_version_id=rule_version
            ).values("subject_id")
        )
    return rows.order_by("subject_id", "event__occurred_at", "event_id")


def journal_traces(
    case_kind: str = DEFAULT_CASE_KIND,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    *,
    channel: str | None = None,
    rule_version: int | None = None,
) -> Traces:
    traces = Traces()
    rows = journal_case_rows(case_kind, date_from, date_to, channel=channel, rule_version=rule_version)
    last: str | None = None
    activities = moments = None
    for subject_id, occurred_at, activity, step in rows.values_list(
        "subject_id", "event__occurred_at", "event__activity", "event__facts__step"
    ).iterator(chunk_size=5000):
        if subject_id != last:
            activities, moments = traces.case(subject_id)
            last = subject_id
        assert activities is not None and moments is not None
        activities.append(traces.activity(journal_activity(activity, step)))
        moments.append(microseconds_of(occurred_at))
    return traces


# --- the map -------------------------------------------------------------------------------------


def process_map(
    source: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    case_kind: str | None = None,
    *,
    channel: str | None = None,
    rule_version: int | None = None,
) -> ProcessMap:
    """The process map of an imported log or of the journal (`source="journal"`), of the cases that
    started in the period (both ends included, either may be left open). `case_kind`, `channel` and
    `rule_version` apply to the journal only. Raises UnknownSource."""
    started = time.perf_counter()
    if source == JOURNAL_SOURCE:
        kind = case_kind or DEFAULT_CASE_KIND
        traces = journal_traces(kind, date_from, date_to, channel=channel, rule_version=rule_version)
        found = map_of(traces, source=source, case_kind=kind)
        found.date_from, found.date_to = date_from, date_to
    else:
        found = _imported_map(_log(source), date_from, date_to)
    found.elapsed_ms = round((time.perf_counter() - started) * 1000, 3)
    return found


def _sql_names(*models_and_fields: tuple[type[Any], str]) -> list[str]:
    return [
        connection.ops.quote_name(model._meta.get_field(name).column) for model, name in models_and_fields
    ]


def _period_parts(
    log: EventLog, date_from: dt.date | None, date_to: dt.date | None
) -> tuple[list[tuple[Any, int]], list[tuple[int, int, int, float]]]:
    """The variants (with the period's case counts) and the edges of the cases that started in the
    period: two plain queries, one grouped count joined to the variants it names and one read of the
    period's edge-days, whose sorted runs of waits are merged per edge for the median."""
    quote = connection.ops.quote_name
    day = connection.ops.adapt_datefield_value
    case_table, variant_table, edge_table = (
        quote(m._meta.db_table) for m in (LogCase, LogVariant, LogEdgeDay)
    )
    c_log, c_day, c_variant = _sql_names((LogCase, "log"), (LogCase, "start_day"), (LogCase, "variant"))
    v_log, v_index, v_activities = _sql_names(
        (LogVariant, "log"), (LogVariant, "index"), (LogVariant, "activities")
    )
    e_log, e_source, e_target, e_day, e_count, e_waits = _sql_names(
        (LogEdgeDay, "log"),
        (LogEdgeDay, "source"),
        (LogEdgeDay, "target"),
        (LogEdgeDay, "day"),
        (LogEdgeDay, "count"),
        (LogEdgeDay, "durations"),
    )
    case_where, edge_where = [f"{c_log} = %s"], [f"{e_log} = %s"]
    params: list[Any] = [log.pk]
    if date_from is not None:
        case_where.append(f"{c_day} >= %s")
        edge_where.append(f"{e_day} >= %s")
        params.append(day(date_from))
    if date_to is not None:
        case_where.append(f"{c_day} <= %s")
        edge_where.append(f"{e_day} <= %s")
        params.append(day(date_to))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.{v_activities}, c.n FROM (SELECT {c_variant} AS variant, COUNT(*) AS n FROM {case_table} "
            f"WHERE {' AND '.join(case_where)} GROUP BY {c_variant}) c "
            f"JOIN {variant_table} v ON v.{v_log} = %s AND v.{v_index} = c.variant",
            [*params, log.pk],
        )
        variants = [(unpack(blob, ACTIVITY_CODE), count) for blob, count in cursor.fetchall()]
        cursor.execute(
            f"SELECT {e_source}, {e_target}, {e_count}, {e_waits} FROM {edge_table} WHERE {' AND '.join(edge_where)}",
            params,
        )
        totals: dict[tuple[int, int], int] = defaultdict(int)
        runs: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for source, target, count, blob in cursor.fetchall():
            totals[source, target] += count
            runs[source, target].append(unpack(blob, MOMENT_CODE))
    shift, count = log.wait_shift, log.activity_count
    edges = [
        (s, t, totals[s, t], median_of_runs(runs[s, t], (s * count + t) << shift if shift else 0))
        for s, t in totals
    ]
    return variants, edges


def _imported_map(log: EventLog, date_from: dt.date | None, date_to: dt.date | None) -> ProcessMap:
    names = list(LogActivity.objects.filter(log=log).order_by("index").values_list("name", flat=True))
    if date_from is None and date_to is None:
        variant_rows = LogVariant.objects.filter(log=log).values_list("activities", "case_count")
        variants = [(unpack(blob, ACTIVITY_CODE), count) for blob, count in variant_rows]
        edges: list[tuple[int, int, int, float]] = list(
            LogEdge.objects.filter(log=log).values_list("source", "target", "count", "median_seconds")
        )
    else:
        variants, edges = _period_parts(log, date_from, date_to)
    return assemble(
        source=log.name, names=names, variants=variants, edges=edges, date_from=date_from, date_to=date_to
    )


# --- the cases behind the map --------------------------------------------------------------------


def variant_cases(
    source: str,
    activities: Sequence[str],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    case_kind: str | None = None,
    *,
    limit: int = 50,
) -> list[str]:
    """The ids of the cases (in the period) that follow exactly this activity sequence, the earliest
    first: for the click-through from a variant to its cases."""
    wanted = tuple(activities)
    if source == JOURNAL_SOURCE:
        traces = journal_traces(case_kind or DEFAULT_CASE_KIND, date_from, date_to)
        found = []
        for case_id, sequence, moments in zip(
            traces.case_ids, traces.case_activities, traces.case_moments, strict=True
        ):
            if tuple(traces.activities[a] for a in sequence) == wanted:
                found.append((moments[0], case_id))
        return [case_id for _start, case_id in sorted(found)[:limit]]
    log = _log(source)
    index = dict(LogActivity.objects.filter(log=log).values_list("name", "index"))
    if any(name not in index for name in wanted):
        return []
    blob = pack([index[name] for name in wanted], ACTIVITY_CODE)
    variant = LogVariant.objects.filter(log=log, activities=blob).values_list("index", flat=True).first()
    if variant is None:
        return []
    cases = LogCase.objects.filter(log=log, variant=variant)
    if date_from is not None:
        cases = cases.filter(start_day__gte=date_from)
    if date_to is not None:
        cases = cases.filter(start_day__lte=date_to)
    return list(cases.order_by("start_us", "index").values_list("case_id", flat=True)[:limit])


def _imported_traces(
    log: EventLog, date_from: dt.date | None, date_to: dt.date | None
) -> Iterator[tuple[str, tuple[str, ...]]]:
    names = list(LogActivity.objects.filter(log=log).order_by("index").values_list("name", flat=True))
    sequences = {
        index: tuple(names[a] for a in unpack(blob, ACTIVITY_CODE))
        for index, blob in LogVariant.objects.filter(log=log).values_list("index", "activities")
    }
    cases = LogCase.objects.filter(log=log)
    if date_from is not None:
        cases = cases.filter(start_day__gte=date_from)
    if date_to is not None:
        cases = cases.filter(start_day__lte=date_to)
    for case_id, variant in (
        cases.order_by("index").values_list("case_id", "variant").iterator(chunk_size=5000)
    ):
        yield case_id, sequences[variant]


def conformance(
    source: str,
    flow: DesignedFlow,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Conformance:
    """Which cases (that started in the period) deviate from the designed flow, and how. For the
    journal a case is a subject of the flow's case kind."""
    if source == JOURNAL_SOURCE:
        traces = journal_traces(flow.case_kind, date_from, date_to)
        cases: Iterator[tuple[str, tuple[str, ...]]] = (
            (case_id, tuple(traces.activities[a] for a in sequence))
            for case_id, sequence in zip(traces.case_ids, traces.case_activities, strict=True)
        )
    else:
        cases = _imported_traces(_log(source), date_from, date_to)
    return check_cases(flow, cases)


__all__ = [
    "UnknownSource",
    "conformance",
    "event_logs",
    "journal_activity",
    "journal_case_rows",
    "journal_traces",
    "period_bounds",
    "process_map",
    "sources",
    "variant_cases",
]
