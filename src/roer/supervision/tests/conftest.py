"""PM4Py as the oracle of the process-map tests. It is AGPL: a test-only dependency (the dev extra),
never imported by src/roer outside tests."""

from __future__ import annotations

import datetime as dt
import os
import warnings
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "False")
os.environ.setdefault("PM4PY_SHOW_INTERNAL_WARNINGS", "False")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pandas as pd
    import pm4py

from roer.core.dates import AMSTERDAM
from roer.supervision.mining import ProcessMap


def pm4py_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Roer's period (Amsterdam days, both included) as PM4Py's closed interval."""
    start = dt.datetime.combine(date_from, dt.time(), tzinfo=AMSTERDAM)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=AMSTERDAM)
    return start, end - dt.timedelta(microseconds=1)


def pm4py_map(frame: Any, period: tuple[dt.date, dt.date] | None = None) -> dict[str, Any]:
    """What PM4Py says about a log (a pandas frame): the same keys as `as_map` below."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if period is not None:
            frame = pm4py.filter_time_range(frame, *pm4py_period(*period), mode="traces_starting_in")
        dfg, start, end = pm4py.discover_dfg(frame)
        variants = pm4py.get_variants(frame)
        performance, _start, _end = pm4py.discover_performance_dfg(frame)
        nodes = pm4py.get_event_attribute_values(frame, "concept:name")
    return {
        "cases": int(frame["case:concept:name"].nunique()),
        "events": len(frame),
        "nodes": {str(k): int(v) for k, v in nodes.items()},
        "edges": {(str(a), str(b)): int(c) for (a, b), c in dfg.items()},
        "medians": {(str(a), str(b)): float(p["median"]) for (a, b), p in performance.items()},
        "start": {str(k): int(v) for k, v in start.items()},
        "end": {str(k): int(v) for k, v in end.items()},
        "variants": {tuple(str(a) for a in k): int(v) for k, v in variants.items()},
    }


def as_map(found: ProcessMap) -> dict[str, Any]:
    return {
        "cases": found.cases,
        "events": found.events,
        "nodes": {n.activity: n.count for n in found.nodes},
        "edges": {(e.source, e.target): e.count for e in found.edges},
        "medians": {(e.source, e.target): e.median_seconds for e in found.edges},
        "start": found.start,
        "end": found.end,
        "variants": {v.activities: v.count for v in found.variants},
    }


def assert_same_map(ours: ProcessMap, theirs: dict[str, Any]) -> None:
    mine = as_map(ours)
    for key in ("cases", "events", "nodes", "edges", "start", "end", "variants"):
        assert mine[key] == theirs[key], key
    assert mine["medians"].keys() == theirs["medians"].keys()
    for edge, median in theirs["medians"].items():
        assert mine["medians"][edge] == pytest.approx(median, abs=1e-6), edge
    assert ours.cases > 0


def read_csv_as_pm4py(path: Path, **columns: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pm4py.format_dataframe(pd.read_csv(path), **columns)


def read_xes_as_pm4py(path: Path, *, formatted: bool = False) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pm4py.read_xes(str(path))
        return pm4py.format_dataframe(frame) if formatted else frame


@pytest.fixture
def process_data(shared_data: Path) -> Path:
    return shared_data / "process"
