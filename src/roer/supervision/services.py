"""Writes of the process map: importing an event log, and exporting the journal as XES or OCEL 2.0.

An import reads and digests the whole file before it touches the database, then replaces any log
of the same name in one transaction: a bad file leaves the database as it was, and a reader sees
the old log or the new one, never half of either. Every import and every export is journaled
(who, when, how many events), never with the file's content.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import structlog
from django.db import connection, transaction
from django.utils import timezone

from roer.core import journal
from roer.core.bulk import insert_rows
from roer.core.subjects import SubjectRef
from roer.supervision import exports
from roer.supervision.constants import DEFAULT_CASE_KIND, JOURNAL_SOURCE
from roer.supervision.mining import ACTIVITY_CODE, MOMENT_CODE, Digest, digest, moment_of, pack
from roer.supervision.models import EventLog, LogActivity, LogCase, LogEdge, LogEdgeDay, LogVariant
from roer.supervision.readers import (
    ACTIVITY_COLUMN,
    CASE_COLUMN,
    TIMESTAMP_COLUMN,
    EventLogError,
    ReadLog,
    collector_paused,
    read_event_log,
)

logger = structlog.get_logger(__name__)

Stage = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


# --- import --------------------------------------------------------------------------------------


def check_log_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise EventLogError("a log needs a name")
    if len(name) > EventLog._meta.get_field("name").max_length:  # type: ignore[operator]
        raise EventLogError(f"the name {name[:40]!r}... is longer than 200 characters")
    if name == JOURNAL_SOURCE:
        raise EventLogError(f"{JOURNAL_SOURCE!r} is the journal's own name; choose another with --name")
    return name


def event_log_import(
    *,
    path: Path,
    name: str | None = None,
    case_column: str = CASE_COLUMN,
    activity_column: str = ACTIVITY_COLUMN,
    timestamp_column: str = TIMESTAMP_COLUMN,
    by: Any = None,
    progress: Callable[[int], None] | None = None,
    stage: Stage = _quiet,
) -> EventLog:
    """Read an event log (XES, XES.gz, CSV or CSV.gz) and store it under `name` (default: the file's
    name), replacing a log of that name. Raises EventLogError, storing nothing, if the file is bad."""
    name = check_log_name(name if name is not None else path.name)
    with collector_paused():
        read = read_event_log(
            path,
            case_column=case_column,
            activity_column=activity_column,
            timestamp_column=timestamp_column,
            progress=progress,
        )
        stage(f"read {read.events:,} events in {len(read.traces.case_ids):,} cases; digesting")
        summary = digest(read.traces)
        stage(f"{len(summary.variants):,} variants; storing")
        with transaction.atomic():
            replaced = _drop(name)
            log = _store(name=name, path=path, read=read, summary=summary)
            journal.record(
                activity="event_log_imported",
                subjects=[log],
                actor=by,
                facts={
                    "format": log.source_format,
                    "cases": log.case_count,
                    "events": log.event_count,
                    "activities": log.activity_count,
                    "variants": log.variant_count,
                    "rows_skipped": log.rows_skipped,
                    "replaced": replaced,
                },
            )
    logger.info("event_log_imported", log_id=log.pk, events=log.event_count, cases=log.case_count)
    return log


def _drop(name: str) -> bool:
    old = EventLog.objects.select_for_update().filter(name=name).first()
    if old is None:
        return False
    for model in (LogCase, LogEdgeDay, LogEdge, LogVariant, LogActivity):
        model.objects.filter(log=old).delete()
    old.delete()
    return True


def _store(*, name: str, path: Path, read: ReadLog, summary: Digest) -> EventLog:
    traces = read.traces
    activity_events = [0] * len(traces.activities)
    for activities, cases in zip(summary.variants, summary.variant_cases, strict=True):
        for activity in activities:
            activity_events[activity] += cases
    starts = [moments[0] for moments in traces.case_moments]
    ends = [moments[-1] for moments in traces.case_moments]
    log = EventLog.objects.create(
        name=name,
        source_file=path.name[:255],
        source_format=read.format,
        imported_at=timezone.now(),
        case_count=len(traces.case_ids),
        event_count=read.events,
        activity_count=len(traces.activities),
        variant_count=len(summary.variants),
        rows_skipped=read.rows_skipped,
        wait_shift=summary.shift,
        first_event_at=moment_of(min(starts)),
        last_event_at=moment_of(max(ends)),
    )
    day_value = connection.ops.adapt_datefield_value
    days: dict[dt.date | None, Any] = {}

    def adapted(day: dt.date | None) -> Any:
        found = days.get(day)
        if found is None:
            found = days[day] = day_value(day)
        return found

    pk = log.pk
    insert_rows(
        LogActivity,
        ("log", "index", "name", "event_count"),
        [(pk, index, activity, activity_events[index]) for index, activity in enumerate(traces.activities)],
    )
    insert_rows(
        LogVariant,
        ("log", "index", "activities", "length", "case_count"),
        [
            (pk, index, pack(activities, ACTIVITY_CODE), len(activities), cases)
            for index, (activities, cases) in enumerate(
                zip(summary.variants, summary.variant_cases, strict=True)
            )
        ],
    )
    insert_rows(
        LogCase,
        (
            "log",
            "index",
            "case_id",
            "variant",
            "start_day",
            "start_us",
            "end_us",
            "event_count",
            "timestamps",
        ),
        [
            (pk, index, case_id, variant, adapted(day), start, end, len(moments), pack(moments, MOMENT_CODE))
            for index, (case_id, variant, day, start, end, moments) in enumerate(
                zip(
                    traces.case_ids,
                    summary.case_variant,
                    summary.case_day,
                    starts,
                    ends,
                    traces.case_moments,
                    strict=True,
                )
            )
        ],
    )
    insert_rows(
        LogEdgeDay,
        ("log", "source", "target", "day", "count", "durations"),
        [
            (pk, *summary.edge(key), adapted(day), len(waits), pack(waits, MOMENT_CODE))
            for day, key, waits in summary.day_waits()
        ],
    )
    insert_rows(
        LogEdge,
        ("log", "source", "target", "count", "median_seconds"),
        [(pk, source, target, count, median) for source, target, count, median in summary.edges()],
    )
    return log


def event_log_delete(*, log: EventLog, by: Any = None) -> None:
    with transaction.atomic():
        name = log.name
        facts = {"events": log.event_count, "cases": log.case_count}
        journal.record(activity="event_log_deleted", subjects=[log], actor=by, facts=facts)
        _drop(name)


# --- exports -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    format: str
    events: int
    cases: int
    objects: int
    output: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "events": self.events,
            "cases": self.cases,
            "objects": self.objects,
            "output": self.output,
        }


@contextmanager
def _destination(output: Path | IO[bytes]) -> Iterator[IO[bytes]]:
    """A file written beside its target and renamed when complete, or a stream as given."""
    if not isinstance(output, Path):
        yield output
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _journal_export(*, kind: str, result: ExportResult, by: Any, facts: dict[str, Any]) -> None:
    journal.record(
        activity="journal_exported",
        subjects=[SubjectRef(kind="supervision.export", id=uuid.uuid4().hex)],
        actor=by,
        facts={
            "format": kind,
            "events": result.events,
            "cases": result.cases,
            "objects": result.objects,
            **facts,
        },
    )
    logger.info("journal_exported", format=kind, events=result.events)


def journal_export_xes(
    *,
    output: Path | IO[bytes],
    case_kind: str = DEFAULT_CASE_KIND,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    by: Any = None,
) -> ExportResult:
    """The journal as an XES log: one trace per subject of `case_kind` (of those whose first event fell
    in the period), streamed. The export itself is journaled once the file is complete."""
    with _destination(output) as stream:
        events, cases = exports.write_xes(stream, case_kind=case_kind, date_from=date_from, date_to=date_to)
    result = ExportResult(
        format="xes",
        events=events,
        cases=cases,
        objects=0,
        output=str(output) if isinstance(output, Path) else "-",
    )
    _journal_export(
        kind="xes",
        result=result,
        by=by,
        facts={
            "case_kind": case_kind,
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
    )
    return result


def journal_export_ocel(*, output: Path | IO[bytes], by: Any = None) -> ExportResult:
    """The whole journal as OCEL 2.0 JSON, streamed: its subjects are the objects."""
    with _destination(output) as stream:
        events, objects = exports.write_ocel(stream)
    result = ExportResult(
        format="ocel2-json",
        events=events,
        cases=0,
        objects=objects,
        output=str(output) if isinstance(output, Path) else "-",
    )
    _journal_export(kind="ocel2-json", result=result, by=by, facts={})
    return result
