"""process_map: the process map of a 1,000,000-event log, Roer against PM4Py (issue 6, target 3).

Roer imports once and answers many questions, so it is measured in two parts, each beside PM4Py in
the same run, every side in a child process of its own (peak memory is each child's ru_maxrss):

- import: `event_log_import` (what `roer import_event_log` runs, without Django's start-up) of the
  XES file against `pm4py.read_xes`, and of the CSV file against pandas `read_csv` +
  `pm4py.format_dataframe`; Roer's import includes its digest and the database writes;
- a map: `roer.supervision.selectors.process_map` (what `roer process_map` prints) of the whole log
  and of March 2025 (the cases that started in it) against `pm4py.discover_dfg` +
  `pm4py.get_variants` + `pm4py.discover_performance_dfg` on the same (filtered) frame. PM4Py's
  `filter_time_range(mode="traces_starting_in")` is timed apart and left out of its map time, so
  the ratio is the stricter one. Each map is the median of three runs.

The results must be identical: counts, start and end activities, variants, and median waits within
a microsecond. The log (bench/process_data.py) is built once under bench/data/.

`python -m bench process_map --database postgres` runs Roer's side on a fresh PostgreSQL database
(`roer_bench_process_map`, created and dropped around the run with psql).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.process_data import EVENTS, csv_file, xes_file
from bench.readme import write_block

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MAP_RATIO = 5.0
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "roer_bench_process_map"  # only this database is ever created or dropped
TOLERANCE = 1e-6  # seconds, for median waits


@dataclass(frozen=True)
class Child:
    seconds: float
    peak_mb: float
    result: dict[str, Any]


def _child(command: list[str], env: dict[str, str], out: Path | None) -> Child:
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    stderr = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr.decode(errors='replace')[-2000:]}")
    result = json.loads(out.read_text()) if out is not None else {}
    return Child(seconds=seconds, peak_mb=usage.ru_maxrss / 1024, result=result)


def _psql(statement: str) -> None:
    subprocess.run(
        ["psql", f"{POSTGRES_SERVER}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", statement],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    found = [key for key in ("cases", "events", "start", "end", "variants") if ours[key] != theirs[key]]
    our_edges = {(s, t): (c, m) for s, t, c, m in ours["edges"]}
    their_edges = {(s, t): (c, m) for s, t, c, m in theirs["edges"]}
    if our_edges.keys() != their_edges.keys():
        found.append("edges")
    else:
        if any(our_edges[e][0] != their_edges[e][0] for e in our_edges):
            found.append("edge counts")
        if any(abs(our_edges[e][1] - their_edges[e][1]) > TOLERANCE for e in our_edges):
            found.append("median waits")
    return found


def measure(database: str) -> dict[str, Any]:
    xes, csv = xes_file(), csv_file()
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="roer-bench-map-") as folder:
        work = Path(folder)
        base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        base.update(PYTHONPATH=str(ROOT), PM4PY_SHOW_PROGRESS_BAR="False", LOG_LEVEL="WARNING")
        for kind, path in (("xes", xes), ("csv", csv)):
            out = work / f"pm4py-{kind}.json"
            print(f"PM4Py: {path.name} ...", flush=True)
            figures[f"pm4py_{kind}"] = _child(
                [sys.executable, "-m", "bench.process_map_child", f"pm4py-{kind}", str(path), str(out)],
                base,
                out,
            )
        env = dict(base, ROER_VAR_DIR=str(work / "var"))
        if database == "postgres":
            env.update(DATABASE_URL=f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}", SECRET_KEY="bench")
            _psql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
            _psql(f"CREATE DATABASE {POSTGRES_DATABASE}")
        try:
            _child([str(BIN / "roer"), "migrate", "--no-input", "-v", "0"], env, None)
            for kind, path in (("xes", xes), ("csv", csv)):
                out = work / f"roer-import-{kind}.json"
                print(f"Roer: import {path.name} ...", flush=True)
                figures[f"roer_import_{kind}"] = _child(
                    [
                        sys.executable,
                        "-m",
                        "bench.process_map_child",
                        "roer-import",
                        str(path),
                        f"bench-{kind}",
                        str(out),
                    ],
                    env,
                    out,
                )
                out = work / f"roer-map-{kind}.json"
                print(f"Roer: maps of {path.name} ...", flush=True)
                figures[f"roer_map_{kind}"] = _child(
                    [sys.executable, "-m", "bench.process_map_child", "roer-map", f"bench-{kind}", str(out)],
                    env,
                    out,
                )
        finally:
            if database == "postgres":
                _psql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
    return figures


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def report(figures: dict[str, Any]) -> tuple[list[str], bool]:
    lines = [
        f"| {EVENTS:,} events | PM4Py | PM4Py CPU | Roer | Roer CPU | PM4Py ÷ Roer | target |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    checks: list[tuple[str, bool, str]] = []
    for kind, label in (("xes", "XES: `read_xes`"), ("csv", "CSV: `read_csv` + `format_dataframe`")):
        theirs = figures[f"pm4py_{kind}"].result
        imported = figures[f"roer_import_{kind}"].result
        mapped = figures[f"roer_map_{kind}"].result
        ratio = theirs["read"][0] / imported["import"][0]
        lines.append(
            f"| import, {label} | {_s(theirs['read'][0])} | {_s(theirs['read'][1])} | {_s(imported['import'][0])} | "
            f"{_s(imported['import'][1])} | {ratio:.1f}× | > 1× |"
        )
        checks.append((f"import of the {kind.upper()} file faster than PM4Py", ratio > 1, f"{ratio:.2f}×"))
        for part, what in (("whole", "whole log"), ("filtered", "March 2025")):
            ratio = theirs[part][0] / mapped[part][0]
            lines.append(
                f"| map of the {kind.upper()} log, {what} | {_s(theirs[part][0])} | {_s(theirs[part][1])} | "
                f"{_s(mapped[part][0])} | {_s(mapped[part][1])} | {ratio:.1f}× | ≥ {MAP_RATIO:.0f}× |"
            )
            checks.append(
                (
                    f"map of the {kind.upper()} log, {what}, ≥ {MAP_RATIO:.0f}× faster",
                    ratio >= MAP_RATIO,
                    f"{ratio:.1f}×",
                )
            )
            differences = _differences(mapped[f"{part}_map"], theirs[f"{part}_map"])
            checks.append(
                (
                    f"the {kind.upper()} log's map, {what}, identical to PM4Py's "
                    f"({mapped[f'{part}_map']['cases']:,} cases, {len(mapped[f'{part}_map']['variants']):,} variants)",
                    not differences,
                    "identical" if not differences else "differs: " + ", ".join(differences),
                )
            )
        lines.append(
            f"| (PM4Py's `filter_time_range`, not counted above) | {_s(theirs['filter'][0])} | | | | | |"
        )
    lines.append("")
    peaks = ", ".join(
        f"{name.replace('_', ' ')} {child.peak_mb:.0f} MB"
        for name, child in figures.items()
        if name.startswith(("pm4py", "roer_import"))
    )
    lines.append(f"Peak memory (each child process): {peaks}.")
    lines.append("CPU is user + system time, Roer's import with its forked half included.")
    lines.append("")
    lines.extend(f"- {'met' if ok else 'MISSED'}: {label} — {value}" for label, ok, value in checks)
    return lines, all(ok for _label, ok, _value in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench process_map")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args(argv or [])
    lines, met = report(measure(args.database))
    print("\n".join(lines))
    name, command = "process_map", "make bench TARGET=process_map"
    if args.database != "sqlite":
        name, command = (
            f"process_map_{args.database}",
            f".venv/bin/python -m bench process_map --database {args.database}",
        )
    write_block(name, command, lines)
    return 0 if met else 1
