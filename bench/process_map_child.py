"""One side of the process-map benchmark, run as a child process; writes its figures as JSON.

    python -m bench.process_map_child pm4py-xes FILE OUT     PM4Py's read_xes, then the maps
    python -m bench.process_map_child pm4py-csv FILE OUT     pandas read_csv + format_dataframe, then the maps
    python -m bench.process_map_child roer-import FILE NAME OUT
    python -m bench.process_map_child roer-map NAME OUT      (ROER_VAR_DIR / DATABASE_URL set by the parent)

A map is what `roer process_map` computes: the directly-follows graph with counts, the variants, and
the median waits; for PM4Py `discover_dfg` + `get_variants` + `discover_performance_dfg`. Each map is
timed three times and the median kept; the period filter of PM4Py is timed on its own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PERIOD = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
REPEATS = 3
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _cpu() -> float:
    """This process's CPU time and that of its finished children (Roer reads a big CSV in two halves,
    the second in a forked process)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    result = work()
    return result, time.perf_counter() - wall, _cpu() - cpu


def _repeated(work: Callable[[], Any]) -> tuple[Any, float, float]:
    runs = [_timed(work) for _ in range(REPEATS)]
    return runs[0][0], statistics.median(r[1] for r in runs), statistics.median(r[2] for r in runs)


def _pm4py_period() -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(PERIOD[0], dt.time(), tzinfo=AMSTERDAM)
    end = dt.datetime.combine(PERIOD[1] + dt.timedelta(days=1), dt.time(), tzinfo=AMSTERDAM)
    return start, end - dt.timedelta(microseconds=1)


def _pm4py_map(frame: Any) -> dict[str, Any]:
    import pm4py

    dfg, start, end = pm4py.discover_dfg(frame)
    variants = pm4py.get_variants(frame)
    performance, _s, _e = pm4py.discover_performance_dfg(frame)
    return {
        "cases": int(frame["case:concept:name"].nunique()),
        "events": len(frame),
        "edges": sorted(
            [str(a), str(b), int(c), float(performance[a, b]["median"])] for (a, b), c in dfg.items()
        ),
        "start": {str(k): int(v) for k, v in start.items()},
        "end": {str(k): int(v) for k, v in end.items()},
        "variants": sorted([list(map(str, k)), int(v)] for k, v in variants.items()),
    }


def pm4py_side(kind: str, path: str, out: str) -> None:
    os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "False")
    warnings.simplefilter("ignore")
    import pandas as pd
    import pm4py

    if kind == "xes":
        frame, wall, cpu = _timed(lambda: pm4py.read_xes(path))
    else:
        frame, wall, cpu = _timed(lambda: pm4py.format_dataframe(pd.read_csv(path)))
    whole, whole_wall, whole_cpu = _repeated(lambda: _pm4py_map(frame))
    filtered_frame, filter_wall, filter_cpu = _timed(
        lambda: pm4py.filter_time_range(frame, *_pm4py_period(), mode="traces_starting_in")
    )
    filtered, filtered_wall, filtered_cpu = _repeated(lambda: _pm4py_map(filtered_frame))
    Path(out).write_text(
        json.dumps(
            {
                "read": [wall, cpu],
                "whole": [whole_wall, whole_cpu],
                "filter": [filter_wall, filter_cpu],
                "filtered": [filtered_wall, filtered_cpu],
                "whole_map": whole,
                "filtered_map": filtered,
            }
        )
    )


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roer.conf.settings")
    import django

    django.setup()


def roer_import(path: str, name: str, out: str) -> None:
    _setup()
    from roer.supervision.services import event_log_import

    log, wall, cpu = _timed(lambda: event_log_import(path=Path(path), name=name))
    Path(out).write_text(
        json.dumps({"import": [wall, cpu], "events": log.event_count, "cases": log.case_count})
    )


def _roer_map(found: Any) -> dict[str, Any]:
    return {
        "cases": found.cases,
        "events": found.events,
        "edges": sorted([e.source, e.target, e.count, e.median_seconds] for e in found.edges),
        "start": found.start,
        "end": found.end,
        "variants": sorted([list(v.activities), v.count] for v in found.variants),
    }


def roer_map(name: str, out: str) -> None:
    _setup()
    from roer.supervision.selectors import process_map

    whole, whole_wall, whole_cpu = _repeated(lambda: process_map(name))
    filtered, filtered_wall, filtered_cpu = _repeated(lambda: process_map(name, *PERIOD))
    Path(out).write_text(
        json.dumps(
            {
                "whole": [whole_wall, whole_cpu],
                "filtered": [filtered_wall, filtered_cpu],
                "whole_elapsed_ms": whole.elapsed_ms,
                "filtered_elapsed_ms": filtered.elapsed_ms,
                "whole_map": _roer_map(whole),
                "filtered_map": _roer_map(filtered),
            }
        )
    )


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "pm4py-xes":
        pm4py_side("xes", *arguments)
    elif command == "pm4py-csv":
        pm4py_side("csv", *arguments)
    elif command == "roer-import":
        roer_import(*arguments)
    elif command == "roer-map":
        roer_map(*arguments)
    else:
        raise SystemExit(f"unknown command {command!r}")
