"""Reading event logs: XES (plain or gzip) and CSV (plain or gzip), streamed, into `mining.Traces`.

What is read, as PM4Py reads it:

- XES (`pm4py.read_xes`): a case is a `<trace>`, its id the trace's own `concept:name` attribute
  (traces with the same id form one case, as they do in PM4Py's table); an event's activity is its
  own `concept:name` attribute and its moment its `<date key="time:timestamp">`, both direct
  children of the `<event>` (nested attributes and `<global>` defaults do not count; PM4Py does not
  apply them either). Events outside a trace are left out, as PM4Py leaves them out.
- CSV (`pandas.read_csv` + `pm4py.format_dataframe`): the columns `case:concept:name`,
  `concept:name` and `time:timestamp` unless others are named; a row with one of the three cells
  empty is left out and counted (PM4Py drops such rows).
- Timestamps are ISO 8601 (`2011-10-11 13:45:40.276+02:00`, `2010-12-30T14:32:00.000+01:00`,
  `...Z`); one without an offset is taken as UTC, as pandas does with `utc=True`. Any other text is
  an error here, where pandas would guess at it.

The files are streamed: lxml's iterparse with each trace cleared once read; CSV a block of lines at
a time, split in C while there is no quote character and through the csv module from the first one
on, a big plain file in two halves at once (the second in a forked process). What stays in memory
is the log itself, packed: per event an activity index and a moment, a dozen bytes, never a Python
object per event.

Anything wrong gives an `EventLogError` naming the file and the line: a DOCTYPE (no entities, no
DTDs, no network: event logs need none, and that shuts out entity bombs and external entities), a
file cut short, XML that is not well formed, a missing column, an event without an activity or a
timestamp, a timestamp that is not ISO 8601.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import gzip
import io
import multiprocessing
import os
import pickle
import re
import zlib
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, compress, islice, repeat
from operator import floordiv, itemgetter, ne, sub
from pathlib import Path
from typing import IO, Any

from lxml import etree

from roer.supervision.constants import LogFormat
from roer.supervision.mining import ACTIVITY_CODE, Traces

CASE_COLUMN = "case:concept:name"
ACTIVITY_COLUMN = "concept:name"
TIMESTAMP_COLUMN = "time:timestamp"
PROGRESS_EVERY = 100_000
_PROLOG_LIMIT = 1 << 20  # the XML declaration and comments before the root element, at most
_DOCTYPES = tuple("<!DOCTYPE".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))

Progress = Callable[[int], None]


class EventLogError(ValueError):
    """A file that is no readable event log; the message is one line naming the file and the place."""


@dataclass
class ReadLog:
    traces: Traces
    format: LogFormat
    events: int
    rows_skipped: int = 0


# --- moments -------------------------------------------------------------------------------------

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_NAIVE = dt.datetime(1970, 1, 1)
_MICROSECOND = dt.timedelta(microseconds=1)
_parse = dt.datetime.fromisoformat


def microseconds(text: str) -> int:
    """An ISO 8601 timestamp as microseconds since 1970-01-01 UTC; without an offset it is UTC."""
    moment = _parse(text)
    if moment.tzinfo is None:
        return (moment - _EPOCH_NAIVE) // _MICROSECOND
    return (moment - _EPOCH) // _MICROSECOND


# --- opening -------------------------------------------------------------------------------------


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as raw:
        return raw.read(2) == b"\x1f\x8b"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while millions of short-lived lists are made: it would
    walk all of them again and again (a fifth of the import's time) and there are no cycles to find."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _binary(path: Path, compressed: bool) -> Iterator[IO[bytes]]:
    if compressed:
        with gzip.open(path, "rb") as stream:
            yield stream  # type: ignore[misc]
    else:
        with path.open("rb") as stream:
            yield stream


def detect_format(path: Path) -> LogFormat:
    """XES or CSV, plain or gzip, from the content: XML starts with `<` (after a byte-order mark and
    white space), anything else is read as CSV."""
    compressed = _is_gzip(path)
    try:
        with _binary(path, compressed) as stream:
            head = stream.read(512)
    except (OSError, EOFError, zlib.error) as exc:
        raise EventLogError(f"{path.name}: the compressed file is damaged or cut short ({exc})") from exc
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    is_xml = text.startswith(b"<") or path.name.lower().endswith((".xes", ".xes.gz", ".xml"))
    if is_xml:
        return LogFormat.XES_GZ if compressed else LogFormat.XES
    return LogFormat.CSV_GZ if compressed else LogFormat.CSV


def read_event_log(
    path: Path,
    *,
    case_column: str = CASE_COLUMN,
    activity_column: str = ACTIVITY_COLUMN,
    timestamp_column: str = TIMESTAMP_COLUMN,
    progress: Progress | None = None,
) -> ReadLog:
    found = detect_format(path)
    compressed = found in (LogFormat.XES_GZ, LogFormat.CSV_GZ)
    with collector_paused():
        try:
            if found in (LogFormat.XES, LogFormat.XES_GZ):
                _refuse_doctype(path, compressed)
                with _binary(path, compressed) as stream:
                    read = _read_xes(stream, path.name, found, progress)
            else:
                read = _read_csv_file(
                    path, found, (case_column, activity_column, timestamp_column), progress, compressed
                )
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise EventLogError(f"{path.name}: the compressed file is damaged or cut short ({exc})") from exc
        if read.events == 0:
            raise EventLogError(f"{path.name}: no events found")
        read.traces.put_in_order()
    return read


# --- XES -----------------------------------------------------------------------------------------


def _refuse_doctype(path: Path, compressed: bool) -> None:
    """Reject any DTD before the parser sees it: lxml expands internal entities in attribute values
    even with resolve_entities=False, so a DOCTYPE is refused outright."""
    seen = b""
    with _binary(path, compressed) as stream:
        while len(seen) < _PROLOG_LIMIT:
            chunk = stream.read(65536)
            if not chunk:
                break
            seen += chunk
            if any(doctype in seen for doctype in _DOCTYPES):
                raise EventLogError(f"{path.name}: a DOCTYPE is not allowed in an event log")
            if _root_started(seen):
                return


def _root_started(head: bytes) -> bool:
    """Whether the root element's start tag is in `head`: a `<` followed by a name character."""
    text = head.replace(b"\x00", b"")
    position = text.find(b"<")
    while position != -1 and position + 1 < len(text):
        following = text[position + 1 : position + 2]
        if following.isalpha() or following in (b"_", b":"):
            return True
        position = text.find(b"<", position + 1)
    return False


def _read_xes(stream: IO[bytes], name: str, found: LogFormat, progress: Progress | None) -> ReadLog:
    traces = Traces()
    activity_of = traces.activity
    events = 0
    skipped = 0
    next_report = PROGRESS_EVERY
    trace_activities: list[int] = []
    trace_moments: list[int] = []
    context = etree.iterparse(
        stream,
        events=("end",),
        tag=("{*}event", "{*}trace"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    checked = False
    try:
        for _event, element in context:
            if not checked:
                if element.getroottree().docinfo.internalDTD is not None:
                    raise EventLogError(f"{name}: a DOCTYPE is not allowed in an event log")
                checked = True
            parent = element.getparent()
            if element.tag[-5:] == "event":
                parent_tag = parent.tag if parent is not None else ""
                if parent_tag[-5:] != "trace":
                    if parent_tag[-5:] == "event":
                        raise EventLogError(
                            f"{name}, line {element.sourceline}: an <event> inside an <event>"
                        )
                    skipped += 1  # outside a trace: PM4Py leaves it out too
                    element.clear()
                    continue
                activity = stamp = None
                for child in element:
                    key = child.get("key")
                    if key == "concept:name":
                        activity = child.get("value")
                    elif key == "time:timestamp" and child.tag[-4:] == "date":
                        stamp = child.get("value")
                if activity is None:
                    raise EventLogError(f"{name}, line {element.sourceline}: an event without concept:name")
                if stamp is None:
                    raise EventLogError(f"{name}, line {element.sourceline}: an event without time:timestamp")
                try:
                    trace_moments.append(microseconds(stamp))
                except ValueError:
                    raise EventLogError(
                        f"{name}, line {element.sourceline}: bad timestamp {stamp!r} (ISO 8601 expected)"
                    ) from None
                trace_activities.append(activity_of(activity))
                element.clear()
                events += 1
                if progress is not None and events >= next_report:
                    progress(events)
                    next_report += PROGRESS_EVERY
                continue
            # the end of a trace: its own concept:name, then its buffered events join that case
            if parent is not None and parent.tag[-5:] == "trace":
                raise EventLogError(f"{name}, line {element.sourceline}: a <trace> inside a <trace>")
            case_id = None
            for child in element:
                if child.get("key") == "concept:name" and child.tag[-5:] != "event":
                    case_id = child.get("value")
            if trace_activities:
                if case_id is None:
                    raise EventLogError(f"{name}, line {element.sourceline}: a trace without concept:name")
                activities, moments = traces.case(case_id)
                activities.extend(trace_activities)
                moments.extend(trace_moments)
                trace_activities.clear()
                trace_moments.clear()
            element.clear()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        raise EventLogError(f"{name}, line {line}, column {column}: {exc.msg}") from exc
    root = getattr(context, "root", None)
    if root is not None and not str(root.tag).endswith("log"):
        raise EventLogError(f"{name}: not an XES file (the root element is <{etree.QName(root).localname}>)")
    if trace_activities:  # events after the last trace end cannot happen in well-formed XML
        raise EventLogError(f"{name}: events outside a closed trace")
    return ReadLog(traces=traces, format=found, events=events, rows_skipped=skipped)


# --- CSV -----------------------------------------------------------------------------------------


_BLOCK = 1 << 20  # characters of CSV read at a time


class _Quoted(Exception):
    """A quote character in one half of a file read in two: the file is read again in one piece."""


def _csv_chunks(
    raw: IO[bytes],
    name: str,
    *,
    end: int | None = None,
    quotes: bool = True,
    lines_read: list[int] | None = None,
) -> Iterator[tuple[list[int] | int, list[str] | list[list[str]]]]:
    """The CSV's records in chunks, from the stream's position up to byte `end` (which must be the
    start of a line) or its end: (the line number of the chunk's first record, or each record's line
    number, records). While the file has no quote character the records are plain lines, to be split
    at their commas in C, several times faster than the csv module; from the first block with a quote
    (or a lone carriage return) the rest goes through the csv module, which also reads on when a
    quoted field holds a line break, and the records are lists of fields (with `quotes=False`,
    _Quoted is raised instead). `lines_read` gets the number of lines read."""
    number = 1
    block = ""
    position = raw.tell()
    try:
        while True:
            size = _BLOCK if end is None else min(_BLOCK, end - position)
            data = raw.read(size) if size > 0 else b""
            if not data:
                return
            if not data.endswith(b"\n"):
                data += raw.readline()
            if position == 0 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            position += len(data)
            if lines_read is not None:
                lines_read[0] += data.count(b"\n")
            try:
                block = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = number + data[: exc.start].count(b"\n")
                raise EventLogError(f"{name}, line {line}: not UTF-8 text ({exc.reason})") from None
            if "\r\n" in block:
                block = block.replace("\r\n", "\n")
            if '"' in block or "\r" in block:
                if not quotes:
                    raise _Quoted
                break
            lines = block.split("\n")
            if lines[-1] == "":
                lines.pop()
            yield number, lines
            number += len(lines)
            block = ""
        rest = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        reader = csv.reader(chain(io.StringIO(block, newline=""), rest))
        first = number
        while True:
            rows: list[list[str]] = []
            numbers: list[int] = []
            for row in islice(reader, 20_000):
                rows.append(row)
                numbers.append(first + reader.line_num - 1)
            if not rows:
                return
            yield numbers, rows
    except csv.Error as exc:
        raise EventLogError(f"{name}, line {number}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise EventLogError(f"{name}, near line {number}: not UTF-8 text ({exc.reason})") from exc


# A plain CSV this big is read in two halves at once, the second in a forked process.
PARALLEL_FROM_BYTES = 32 << 20


def _read_csv_file(
    path: Path, found: LogFormat, columns: tuple[str, str, str], progress: Progress | None, compressed: bool
) -> ReadLog:
    if (
        not compressed
        and path.stat().st_size >= PARALLEL_FROM_BYTES
        and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon  # a Celery prefork worker may not fork
    ):
        read = _read_csv_in_two(path, found, columns, progress)
        if read is not None:
            return read
    with _binary(path, compressed) as raw:
        return _read_csv(_csv_chunks(raw, path.name), path.name, found, columns, progress)


def _second_half(
    path: Path, split: int, found: LogFormat, columns: tuple[str, str, str], header: list[str], sender: Any
) -> None:
    """In the forked process: read from byte `split` on, and send the cases back packed."""
    payload: tuple[Any, ...]
    try:
        with path.open("rb") as raw:
            raw.seek(split)
            read = _read_csv(
                _csv_chunks(raw, path.name, quotes=False), path.name, found, columns, None, header
            )
        traces = read.traces
        payload = (
            "read",
            traces.activities,
            traces.case_ids,
            [activities.tobytes() for activities in traces.case_activities],
            [moments.tobytes() for moments in traces.case_moments],
            read.events,
            read.rows_skipped,
        )
    except _Quoted:
        payload = ("quoted",)
    except EventLogError as exc:
        payload = ("error", str(exc))
    except Exception as exc:
        payload = ("error", f"{path.name}: {exc}")
    sender.send_bytes(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    sender.close()


def _read_csv_in_two(
    path: Path, found: LogFormat, columns: tuple[str, str, str], progress: Progress | None
) -> ReadLog | None:
    """Both halves of a plain CSV at once: this process reads the first, a forked one the second
    (from the first line start after the middle), and the second half's cases are added after the
    first's, so the order within each case is the file's. None if the file has a quote character
    (a quoted line break could straddle the middle): it is then read in one piece."""
    size = path.stat().st_size
    with path.open("rb") as raw:
        head = raw.readline()
        raw.seek(size // 2)
        raw.readline()
        split = raw.tell()
    if split >= size or split <= len(head) or b'"' in head:
        return None
    try:
        header = head.decode("utf-8-sig").rstrip("\r\n").split(",")
    except UnicodeDecodeError:
        return None
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_second_half, args=(path, split, found, columns, header, sender), daemon=True
    )
    try:
        worker.start()
    except (OSError, AssertionError):  # no process to spare: read in one piece
        sender.close()
        receiver.close()
        return None
    sender.close()
    lines_read = [0]
    try:
        with path.open("rb") as raw:
            first = _read_csv(
                _csv_chunks(raw, path.name, end=split, quotes=False, lines_read=lines_read),
                path.name,
                found,
                columns,
                progress,
            )
        outcome = pickle.loads(receiver.recv_bytes())
    except _Quoted:
        return None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiver.close()
    if outcome[0] == "quoted":
        return None
    if outcome[0] == "error":
        # the second half counts its lines from its own start
        raise EventLogError(
            _LINE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + lines_read[0]}", outcome[1], count=1)
        )
    _kind, activities, case_ids, activity_blobs, moment_blobs, events, skipped = outcome
    traces = first.traces
    mapping = [traces.activity(activity) for activity in activities]
    for case_id, activity_blob, moment_blob in zip(case_ids, activity_blobs, moment_blobs, strict=True):
        theirs = array(ACTIVITY_CODE)
        theirs.frombytes(activity_blob)
        case_activities, case_moments = traces.case(case_id)
        case_activities.extend(map(mapping.__getitem__, theirs))
        case_moments.frombytes(moment_blob)
    first.events += events
    first.rows_skipped += skipped
    if progress is not None and first.events >= PROGRESS_EVERY:
        progress(first.events)
    return first


_LINE = re.compile(r"(, (?:near )?line )(\d+)")


_OFFSET = re.compile(r"[+-]\d\d:\d\d\Z")
_offsets: dict[str, int] = {}


def _offset(tail: str) -> int:
    """An offset such as `+02:00` in microseconds."""
    found = _offsets.get(tail)
    if found is None:
        sign = -1 if tail[0] == "-" else 1
        found = _offsets[tail] = sign * (int(tail[1:3]) * 3600 + int(tail[4:6]) * 60) * 1_000_000
    return found


def _moments(stamps: list[str]) -> list[int] | None:
    """The timestamps as microseconds, all in C; None if they are not all alike (each with an offset
    such as +02:00, or none without) or one does not parse: then they are done one by one."""
    try:
        tails = set(map(itemgetter(slice(-6, None)), stamps))
        if all(_OFFSET.match(tail) for tail in tails):
            # datetime.fromisoformat makes a timezone object per string; the offset is cheaper apart
            local = map(_parse, map(itemgetter(slice(None, -6)), stamps))
            since = map(floordiv, map(sub, local, repeat(_EPOCH_NAIVE)), repeat(_MICROSECOND))
            for tail in tails:
                _offset(tail)
            return list(map(sub, since, map(_offsets.__getitem__, map(itemgetter(slice(-6, None)), stamps))))
        return list(map(floordiv, map(sub, map(_parse, stamps), repeat(_EPOCH)), repeat(_MICROSECOND)))
    except (TypeError, ValueError):
        return None


def _read_csv(
    chunks: Iterator[tuple[list[int] | int, list[str] | list[list[str]]]],
    name: str,
    found: LogFormat,
    columns: tuple[str, str, str],
    progress: Progress | None,
    header: list[str] | None = None,
) -> ReadLog:
    """The records of `chunks` as cases; the first record is the header unless one is given."""
    if header is None:
        first = next(chunks, None)
        if first is None or not first[1]:
            raise EventLogError(f"{name}: the file is empty")
        found_header = first[1][0]
        header = found_header.split(",") if isinstance(found_header, str) else found_header
        start = first[0]
        body = first[1][1:]
        chunks = chain([(start + 1 if isinstance(start, int) else start[1:], body)], chunks)
    missing = [column for column in columns if column not in header]
    if missing:
        raise EventLogError(
            f"{name}, line 1: no column {', '.join(repr(m) for m in missing)} "
            f"(the columns are {', '.join(repr(h) for h in header)})"
        )
    places = tuple(header.index(column) for column in columns)
    width = len(header)
    last_needed = max(places) + 1
    traces = Traces()
    activity_index: dict[str, int] = {}
    events = skipped = 0
    next_report = PROGRESS_EVERY

    def line_of(numbers: list[int] | int, at: int) -> int:
        return numbers + at if isinstance(numbers, int) else numbers[at]

    for numbers, records in chunks:
        if not records:
            continue
        if isinstance(records[0], str):
            # plain lines: split only as far as the last column needed, if every line has its commas
            lines: list[str] = records
            if set(map(str.count, lines, repeat(","))) == {width - 1}:
                rows = list(map(str.split, lines, repeat(","), repeat(last_needed)))
                rows_complete = True
            else:
                rows = list(map(str.split, lines, repeat(",")))
                rows_complete = False
        else:
            rows = records
            rows_complete = set(map(len, rows)) == {width}
        if rows_complete:
            case_ids, activities, stamps = (list(map(itemgetter(p), rows)) for p in places)
            clean = "" not in case_ids and "" not in activities and "" not in stamps
        else:
            clean = False
        if not clean:
            kept_rows: list[list[str]] = []
            kept_numbers: list[int] = []
            for at, row in enumerate(rows):
                if not rows_complete:
                    if not row or row == [""]:
                        continue  # a blank line, as pandas skips it
                    if len(row) > width:
                        raise EventLogError(
                            f"{name}, line {line_of(numbers, at)}: {len(row)} fields where the header has {width}"
                        )
                    if len(row) < width:
                        row = row + [""] * (width - len(row))
                if any(row[p] == "" for p in places):
                    skipped += 1  # an empty case, activity or timestamp: PM4Py drops the row
                    continue
                kept_rows.append(row)
                kept_numbers.append(line_of(numbers, at))
            rows, numbers = kept_rows, kept_numbers
            if not rows:
                continue
            case_ids, activities, stamps = (list(map(itemgetter(p), rows)) for p in places)
        moments = _moments(stamps)
        if moments is None:
            moments = []
            for at, stamp in enumerate(stamps):
                try:
                    moments.append(microseconds(stamp))
                except ValueError:
                    raise EventLogError(
                        f"{name}, line {line_of(numbers, at)}: bad timestamp {stamp!r} in column "
                        f"{columns[2]!r} (ISO 8601 expected)"
                    ) from None
        for activity in set(activities).difference(activity_index):
            activity_index[activity] = traces.activity(activity)
        indexes = list(map(activity_index.__getitem__, activities))
        # runs of rows of one case: one look-up and two slices per run, not per row
        count = len(rows)
        bounds = [
            0,
            *(at + 1 for at in compress(range(count - 1), map(ne, case_ids, islice(case_ids, 1, None)))),
            count,
        ]
        for low, high in zip(bounds, islice(bounds, 1, None), strict=False):
            case_activities, case_moments = traces.case(case_ids[low])
            case_activities.extend(indexes[low:high])
            case_moments.extend(moments[low:high])
        events += count
        if progress is not None and events >= next_report:
            progress(events)
            next_report = (events // PROGRESS_EVERY + 1) * PROGRESS_EVERY
    return ReadLog(traces=traces, format=found, events=events, rows_skipped=skipped)
