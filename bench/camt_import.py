"""camt_import: `roer import_statement` of a 100,000-entry camt.053 against its floor.

The floor is a bare lxml iterparse of the same file that only counts entries: no Python objects per
entry, no database. Both run as child processes so that each one's peak memory (ru_maxrss from
wait4) is its own. The import runs into a fresh SQLite database in a temporary ROER_VAR_DIR,
migrated and seeded with the tenancies the statement pays to (neither step is timed).

`python -m bench camt_import --database postgres` runs the same import into a fresh PostgreSQL
database instead (`roer_bench_camt` on the local server, created and dropped around each run with
psql); its figures go to their own block of the README.
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

from bench.camt_data import TENANCIES, statement_file
from bench.readme import write_block

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SIZES = (10_000, 100_000)
TARGET_SECONDS = 15.0
TARGET_RATIO = 5.0
FLAT_MEMORY_GROWTH = 1.25  # peak memory at 100k entries at most 25% above that at 10k
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "roer_bench_camt"  # only this database is ever created or dropped


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system: what the process itself spent, whatever else the machine ran
    peak_mb: float
    stdout: str


def _child(command: list[str], env: dict[str, str]) -> Run:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    stdout = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit status {process.returncode}")
    return Run(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        stdout=stdout,
    )


def _environment(var_dir: Path, database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ROER_VAR_DIR=str(var_dir), LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    if database == "postgres":
        env.update(DATABASE_URL=f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}", SECRET_KEY="bench")
    return env


def _psql(statement: str) -> None:
    subprocess.run(
        ["psql", f"{POSTGRES_SERVER}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", statement],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def measure(entries: int, database: str = "sqlite") -> tuple[Run, Run, dict[str, object]]:
    path = statement_file(entries)
    floor = _child([sys.executable, "-m", "bench.floor", str(path)], dict(os.environ))
    if int(floor.stdout) != entries:
        raise SystemExit(f"the floor counted {floor.stdout.strip()} entries in {path.name}, not {entries}")
    with tempfile.TemporaryDirectory(prefix="roer-bench-") as folder:
        env = _environment(Path(folder), database)
        if database == "postgres":
            _psql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
            _psql(f"CREATE DATABASE {POSTGRES_DATABASE}")
        try:
            _child([str(BIN / "roer"), "migrate", "--no-input", "-v", "0"], env)
            _child([sys.executable, "-m", "bench.seed", str(TENANCIES)], env)
            imported = _child([str(BIN / "roer"), "import_statement", str(path), "--json"], env)
        finally:
            if database == "postgres":
                _psql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
    summary = json.loads(imported.stdout)
    if summary["entries_read"] != entries:
        raise SystemExit(f"the import read {summary['entries_read']} entries, not {entries}")
    return floor, imported, summary


def _load() -> float:
    """The machine's 1-minute load average: on a shared machine wall times mean little without it."""
    return os.getloadavg()[0]


def _report(
    results: dict[int, tuple[Run, Run, dict[str, object]]], loads: tuple[float, float]
) -> tuple[list[str], bool]:
    lines = [
        f"Load average (1 minute) on the {os.cpu_count()} cores: {loads[0]:.1f} at the start of the run, "
        f"{loads[1]:.1f} at its end.",
        "",
        "| entries | floor time | import time | time ratio | import CPU | floor peak | import peak | matched | returns | unmatched |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for entries, (floor, imported, summary) in results.items():
        lines.append(
            f"| {entries:,} | {floor.seconds:.2f} s | {imported.seconds:.2f} s | "
            f"{imported.seconds / floor.seconds:.1f}× | {imported.cpu_seconds:.2f} s | "
            f"{floor.peak_mb:.0f} MB | {imported.peak_mb:.0f} MB | "
            f"{summary['matched']:,} | {summary['returns']:,} | {summary['unmatched']:,} |"
        )
    small, large = results[SIZES[0]][1], results[SIZES[-1]][1]
    floor_large = results[SIZES[-1]][0]
    ratio = large.seconds / floor_large.seconds
    growth = large.peak_mb / small.peak_mb
    checks = [
        (
            f"import of {SIZES[-1]:,} entries ≤ {TARGET_SECONDS:.0f} s",
            large.seconds <= TARGET_SECONDS,
            f"{large.seconds:.2f} s",
        ),
        (f"time ratio to the floor ≤ {TARGET_RATIO:.0f}", ratio <= TARGET_RATIO, f"{ratio:.1f}×"),
        (
            f"flat memory: peak at {SIZES[-1]:,} ≤ {FLAT_MEMORY_GROWTH:.2f}× peak at {SIZES[0]:,}",
            growth <= FLAT_MEMORY_GROWTH,
            f"{growth:.2f}×",
        ),
    ]
    lines.append("")
    lines.extend(f"- {'met' if ok else 'MISSED'}: {label} — {value}" for label, ok, value in checks)
    return lines, all(ok for _label, ok, _value in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench camt_import")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args(argv or [])
    load_before = _load()
    results = {entries: measure(entries, args.database) for entries in SIZES}
    lines, met = _report(results, (load_before, _load()))
    print("\n".join(lines))
    name, command = "camt_import", "make bench TARGET=camt_import"
    if args.database != "sqlite":
        name, command = (
            f"camt_import_{args.database}",
            f".venv/bin/python -m bench camt_import --database {args.database}",
        )
    write_block(name, command, lines)
    return 0 if met else 1
