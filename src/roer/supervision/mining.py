"""The process map's arithmetic in plain Python, with no database: the same numbers PM4Py gives.

A log here is a set of cases, each a list of (activity, moment) already in PM4Py's order: by
timestamp, and on equal timestamps in the order the events were read. From it come

- the directly-follows graph: for every two consecutive events a, b of a case, the edge a → b,
  counted (`pm4py.discover_dfg`), with the median of the waits t(b) − t(a) in seconds
  (`pm4py.discover_performance_dfg(...)[0][edge]["median"]`: the middle wait, or the mean of the
  two middle ones);
- the start and end activities: the first and last activity of each case, counted;
- the variants: each distinct activity sequence with the number of cases that follow it
  (`pm4py.get_variants`);
- the nodes: each activity with the number of its events.

Moments are integers: microseconds since 1970-01-01 UTC, as PM4Py's pandas columns hold them
(datetime64[us, UTC]); waits are integers too until the median is turned into seconds.
"""

from __future__ import annotations

import datetime as dt
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice, repeat
from operator import add, le, sub
from typing import Any

from roer.core.dates import AMSTERDAM

ACTIVITY_CODE = "I"  # unsigned 32-bit activity indexes
MOMENT_CODE = "q"  # signed 64-bit microseconds
_BIG_ENDIAN = sys.byteorder == "big"
_HOUR_US = 3_600_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def pack(values: Iterable[int], code: str) -> bytes:
    """Integers as one little-endian blob."""
    packed = values if isinstance(values, array) and values.typecode == code else array(code, values)
    if _BIG_ENDIAN:
        packed = array(code, packed)
        packed.byteswap()
    return packed.tobytes()


def unpack(blob: bytes | memoryview, code: str) -> array:
    values = array(code)
    values.frombytes(blob)
    if _BIG_ENDIAN:
        values.byteswap()
    return values


def moment_of(microseconds: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=microseconds)


def microseconds_of(moment: dt.datetime) -> int:
    """An aware moment as microseconds since the epoch (a naive one is taken as UTC, as PM4Py does)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)


class DayOf:
    """The Amsterdam day of a moment. Amsterdam's offsets are whole hours, so the day is the same
    throughout a UTC hour: each hour is worked out once."""

    def __init__(self) -> None:
        self._hours: dict[int, dt.date] = {}

    def __call__(self, microseconds: int) -> dt.date:
        hour = microseconds // _HOUR_US
        day = self._hours.get(hour)
        if day is None:
            day = self._hours[hour] = moment_of(hour * _HOUR_US).astimezone(AMSTERDAM).date()
        return day


def median_seconds(waits: Sequence[int], base: int = 0) -> float:
    """The median of sorted waits in microseconds (each plus `base`), in seconds (pandas' median: the
    middle value, or the mean of the two middle values)."""
    n = len(waits)
    if n == 0:
        raise ValueError("the median of no waits")
    middle = n // 2
    if n % 2:
        return (waits[middle] - base) / 1_000_000
    return (waits[middle - 1] + waits[middle] - 2 * base) / 2_000_000


def kth_of_runs(runs: Sequence[Sequence[int]], k: int) -> int:
    """The k-th smallest value (from 0) of several sorted runs, without merging them: a binary search
    on the value, counting with bisect (in C) how many values of each run lie at or below it. About
    forty rounds of one bisect per run, where a merge would touch every value."""
    low = min(run[0] for run in runs)
    high = max(run[-1] for run in runs)
    while low < high:
        middle = (low + high) // 2
        if sum(map(bisect_right, runs, repeat(middle))) > k:
            high = middle
        else:
            low = middle + 1
    return low


def median_of_runs(runs: Sequence[Sequence[int]], base: int = 0) -> float:
    """The median in seconds of the waits in several sorted runs, each value `base` plus a wait in
    microseconds (pandas' median: the middle wait, or the mean of the two middle waits)."""
    runs = [run for run in runs if len(run)]
    if not runs:
        raise ValueError("the median of no waits")
    if len(runs) == 1:
        return median_seconds(runs[0], base)
    total = sum(map(len, runs))
    middle = total // 2
    if total % 2:
        return (kth_of_runs(runs, middle) - base) / 1_000_000
    return (kth_of_runs(runs, middle - 1) + kth_of_runs(runs, middle) - 2 * base) / 2_000_000


def is_sorted(values: Sequence[int]) -> bool:
    return all(map(le, values, islice(values, 1, None)))


# --- the cases as read ---------------------------------------------------------------------------


@dataclass
class Traces:
    """Cases as read: activity names interned to indexes, and per case its activities and moments as
    compact arrays (a few bytes an event, never a Python object per event)."""

    activities: list[str] = field(default_factory=list)
    case_ids: list[str] = field(default_factory=list)
    case_activities: list[array] = field(default_factory=list)
    case_moments: list[array] = field(default_factory=list)
    _activity_index: dict[str, int] = field(default_factory=dict)
    _case_index: dict[str, int] = field(default_factory=dict)

    @property
    def event_count(self) -> int:
        return sum(len(moments) for moments in self.case_moments)

    def activity(self, name: str) -> int:
        index = self._activity_index.get(name)
        if index is None:
            index = self._activity_index[name] = len(self.activities)
            self.activities.append(name)
        return index

    def case(self, case_id: str) -> tuple[array, array]:
        """The arrays of a case, new if it was not seen before (later events of a case id that was
        seen before join that case, as they do in PM4Py's table)."""
        index = self._case_index.get(case_id)
        if index is None:
            index = self._case_index[case_id] = len(self.case_ids)
            self.case_ids.append(case_id)
            self.case_activities.append(array(ACTIVITY_CODE))
            self.case_moments.append(array(MOMENT_CODE))
        return self.case_activities[index], self.case_moments[index]

    def add(self, case_id: str, activity: str, moment: int) -> None:
        activities, moments = self.case(case_id)
        activities.append(self.activity(activity))
        moments.append(moment)

    def put_in_order(self) -> None:
        """Each case by timestamp, stable: events with the same timestamp keep the order they were read
        in (PM4Py sorts its table by case, timestamp and row number)."""
        for index, moments in enumerate(self.case_moments):
            if is_sorted(moments):
                continue
            order = sorted(range(len(moments)), key=moments.__getitem__)
            activities = self.case_activities[index]
            self.case_activities[index] = array(ACTIVITY_CODE, [activities[i] for i in order])
            self.case_moments[index] = array(MOMENT_CODE, [moments[i] for i in order])


# --- what is kept of a log -----------------------------------------------------------------------


@dataclass
class Digest:
    """A log reduced to what its maps need: the variants, each case's variant and start day, and per
    start day (or one bucket for all the cases, with `by_day=False`) the waits of every edge.

    A bucket's waits are kept as one sorted array of integers that hold the edge's key
    (source * activity_count + target) above `shift` bits and the wait below: one sort in C groups
    them by edge and orders them by wait, and an edge's run within a day is a slice of that array,
    its values the edge's base (key << shift) plus each wait. Where a case lasts too long for its
    waits to fit (2**shift microseconds: centuries with 24 activities, a hundred days with a
    thousand) the pairs are (key, wait) tuples, sorted the same way, and the runs hold bare waits
    (`shift` is then 0)."""

    activity_count: int
    variants: list[array]
    variant_cases: list[int]
    case_variant: array
    case_day: list[dt.date]
    shift: int
    buckets: dict[dt.date | None, Any]

    @property
    def packed(self) -> bool:
        return self.shift > 0

    def edge(self, key: int) -> tuple[int, int]:
        return divmod(key, self.activity_count)

    def base(self, key: int) -> int:
        """What each stored wait of the edge has on top of the wait itself."""
        return key << self.shift if self.shift else 0

    def day_waits(self) -> Iterator[tuple[dt.date | None, int, array]]:
        """(day, edge key, that day's waits of the edge, sorted, each plus the edge's base)."""
        shift = self.shift
        for day, values in self.buckets.items():
            low, total = 0, len(values)
            while low < total:
                if shift:
                    key = values[low] >> shift
                    high = bisect_left(values, (key + 1) << shift, low)
                    yield day, key, values[low:high]
                else:
                    key = values[low][0]
                    high = bisect_left(values, (key + 1,), low)
                    yield day, key, array(MOMENT_CODE, (wait for _key, wait in values[low:high]))
                low = high

    def edges(self) -> list[tuple[int, int, int, float]]:
        """(source, target, count, median seconds) of every edge over all the buckets."""
        runs: dict[int, list[array]] = defaultdict(list)
        for _day, key, waits in self.day_waits():
            runs[key].append(waits)
        return [
            (*self.edge(key), sum(map(len, found)), median_of_runs(found, self.base(key)))
            for key, found in runs.items()
        ]


def digest(traces: Traces, *, by_day: bool = True) -> Digest:
    count = len(traces.activities) or 1
    shift = 63 - (count * count).bit_length()
    if not all(moments[-1] - moments[0] < (1 << shift) for moments in traces.case_moments):
        shift = 0
    variant_of: dict[bytes, int] = {}
    variants: list[array] = []
    variant_cases: list[int] = []
    variant_edges: list[Any] = []
    case_variant = array(ACTIVITY_CODE)
    case_day: list[dt.date] = []
    buckets: dict[dt.date | None, Any] = {}
    day_of = DayOf()
    for activities, moments in zip(traces.case_activities, traces.case_moments, strict=True):
        key = activities.tobytes()
        variant = variant_of.get(key)
        if variant is None:
            variant = variant_of[key] = len(variants)
            variants.append(activities)
            variant_cases.append(0)
            keys = [a * count + b for a, b in zip(activities, islice(activities, 1, None), strict=False)]
            variant_edges.append(array(MOMENT_CODE, [k << shift for k in keys]) if shift else keys)
        variant_cases[variant] += 1
        case_variant.append(variant)
        day = day_of(moments[0])
        case_day.append(day)
        bucket_day = day if by_day else None
        bucket = buckets.get(bucket_day)
        if bucket is None:
            bucket = buckets[bucket_day] = array(MOMENT_CODE) if shift else []
        waits = map(sub, islice(moments, 1, None), moments)
        if shift:
            bucket.extend(map(add, variant_edges[variant], waits))
        else:
            bucket.extend(zip(variant_edges[variant], waits, strict=False))
    return Digest(
        activity_count=count,
        variants=variants,
        variant_cases=variant_cases,
        case_variant=case_variant,
        case_day=case_day,
        shift=shift,
        buckets={
            day: array(MOMENT_CODE, sorted(values)) if shift else sorted(values)
            for day, values in buckets.items()
        },
    )


# --- the map -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    activity: str
    count: int


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    count: int
    median_seconds: float


@dataclass(frozen=True)
class Variant:
    activities: tuple[str, ...]
    count: int


@dataclass
class ProcessMap:
    """The process map of a source (an imported log's name, or `journal`), optionally of the cases
    that started in a period. Orders are fixed: nodes, edges, start and end activities by count,
    highest first, then by name; variants by count, then by their activity names, element by element."""

    source: str
    date_from: dt.date | None
    date_to: dt.date | None
    cases: int
    events: int
    nodes: list[Node]
    edges: list[Edge]
    start: dict[str, int]
    end: dict[str, int]
    variants: list[Variant]
    elapsed_ms: float = 0.0
    case_kind: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "cases": self.cases,
            "events": self.events,
            "nodes": [{"activity": n.activity, "count": n.count} for n in self.nodes],
            "edges": [
                {"source": e.source, "target": e.target, "count": e.count, "median_seconds": e.median_seconds}
                for e in self.edges
            ],
            "start": dict(self.start),
            "end": dict(self.end),
            "variants": [{"activities": list(v.activities), "count": v.count} for v in self.variants],
            "elapsed_ms": self.elapsed_ms,
        }


def _by_count(counts: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def assemble(
    *,
    source: str,
    names: Sequence[str],
    variants: Iterable[tuple[Sequence[int], int]],
    edges: Iterable[tuple[int, int, int, float]],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    case_kind: str | None = None,
) -> ProcessMap:
    """The map from its variants (activity indexes, case count) and its edges (source and target
    index, count, median seconds): nodes, start and end activities are counted from the variants."""
    node_counts = [0] * len(names)
    start_counts: dict[int, int] = defaultdict(int)
    end_counts: dict[int, int] = defaultdict(int)
    listed: list[Variant] = []
    cases = 0
    for activities, count in variants:
        if not count or not activities:
            continue
        cases += count
        for activity in activities:
            node_counts[activity] += count
        start_counts[activities[0]] += count
        end_counts[activities[-1]] += count
        listed.append(Variant(tuple(names[a] for a in activities), count))
    listed.sort(key=lambda v: (-v.count, v.activities))
    nodes = [Node(names[a], c) for a, c in enumerate(node_counts) if c]
    nodes.sort(key=lambda n: (-n.count, n.activity))
    edge_list = [Edge(names[s], names[t], c, m) for s, t, c, m in edges if c]
    edge_list.sort(key=lambda e: (-e.count, e.source, e.target))
    return ProcessMap(
        source=source,
        date_from=date_from,
        date_to=date_to,
        cases=cases,
        events=sum(node_counts),
        nodes=nodes,
        edges=edge_list,
        start=_by_count({names[a]: c for a, c in start_counts.items()}),
        end=_by_count({names[a]: c for a, c in end_counts.items()}),
        variants=listed,
        case_kind=case_kind,
    )


def map_of(
    traces: Traces,
    *,
    source: str,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    case_kind: str | None = None,
) -> ProcessMap:
    """The map of cases held in memory (the journal's), of those that started in the period."""
    if date_from is not None or date_to is not None:
        day_of = DayOf()
        kept = Traces(activities=traces.activities)
        for case_id, activities, moments in zip(
            traces.case_ids, traces.case_activities, traces.case_moments, strict=True
        ):
            day = day_of(moments[0])
            if (date_from is None or day >= date_from) and (date_to is None or day <= date_to):
                kept.case_ids.append(case_id)
                kept.case_activities.append(activities)
                kept.case_moments.append(moments)
        traces = kept
    summary = digest(traces, by_day=False)
    return assemble(
        source=source,
        names=traces.activities,
        variants=zip(summary.variants, summary.variant_cases, strict=True),
        edges=summary.edges(),
        date_from=date_from,
        date_to=date_to,
        case_kind=case_kind,
    )
