"""Issue 6, target 5 (and issue 7's soak): the tenant portal under load, on gunicorn and PostgreSQL.

The simulated corporation (`roer demo`, 2,000 dwellings over 12 years) is built once into the PostgreSQL
database `roer_bench_portal` and kept; 200 of its current tenants' portal accounts are signed in beforehand (their
session cookies go to bench/data/portal-sessions.json). Then, each time:

1. gunicorn serves Roer on 127.0.0.1 (two workers per core, the settings of `bench/portal_settings.py`:
   Roer's own plus one bare view, the floor);
2. locust (headless, loopback only, bounded in time) runs 50 simulated tenants, each with its own session,
   browsing the rent account, letters, repair requests, the wizard and the answers with 1 to 5 s of
   thinking between pages (`bench/portal_locustfile.py`);
3. throughput beside the floor: the same 50 tenants without thinking, for 20 s on the portal pages and for
   20 s on the bare view.

Targets: p95 at most 150 ms on every page tenants browse, and zero errors. `--minutes 10 --soak` is issue 7's soak test:
the same load for ten minutes, zero errors, and flat memory (the gunicorn workers' resident memory at the end
at most 1.25 times that after the first minute).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.readme import write_block

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATA = ROOT / "bench" / "data"
SESSIONS_FILE = DATA / "portal-sessions.json"
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "roer_bench_portal"  # only this database is ever created or dropped
PORT = 8765
USERS = 50
ACCOUNTS = 200
TARGET_P95_MS = 150.0
FLAT_MEMORY_GROWTH = 1.25
DEMO = ["--dwellings", "2000", "--years", "12", "--seed", "2026"]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}",
        SECRET_KEY="bench",
        ROER_VAR_DIR=str(DATA / "portal-var"),
        ROER_SSL_REDIRECT="off",
        ROER_SECURE_COOKIES="off",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
    )
    return env


def _psql(statement: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{POSTGRES_SERVER}/{database}", "-qtA", "-v", "ON_ERROR_STOP=1", "-c", statement],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _roer(*arguments: str, env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "roer"), *arguments], env=env, cwd=ROOT, check=True)


SESSIONS_SCRIPT = """
import json
from django.test import Client
from roer.accounts.models import User
from django.db.models import Q
from django.utils import timezone
from roer.tenancies.models import Tenancy
current = Tenancy.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
users = User.objects.filter(
    is_active=True, person__tenancy_parties__tenancy__in=current
).distinct().order_by("pk")[:{count}]
sessions = []
for user in users:
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies["sessionid"].value)
with open({path!r}, "w", encoding="utf-8") as handle:
    json.dump(sessions, handle)
"""


def prepare() -> None:
    """Build the corporation once; a database that holds it already is kept."""
    env = _environment()
    DATA.mkdir(parents=True, exist_ok=True)
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{POSTGRES_DATABASE}'") == "1"
    if exists:
        print(f"reusing the database {POSTGRES_DATABASE}", flush=True)
        sign_in(env)  # sessions expire; new ones each run
        return
    print(f"building the simulated corporation into {POSTGRES_DATABASE} (once; a few minutes)", flush=True)
    _psql(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
    _psql(f"CREATE DATABASE {POSTGRES_DATABASE}")
    _roer("migrate", "--no-input", "-v", "0", env=env)
    _roer("demo", "--no-serve", *DEMO, env=env)
    sign_in(env)


def sign_in(env: dict[str, str]) -> None:
    """A signed-in session for each simulated tenant, made before the load: 50 password hashes at once
    (deliberately slow, about a second of CPU each) would otherwise be what the first minute measures."""
    script = SESSIONS_SCRIPT.format(count=ACCOUNTS, path=str(SESSIONS_FILE))
    _roer("shell", "-v", "0", "-c", script, env=env)
    sessions = json.loads(SESSIONS_FILE.read_text(encoding="utf-8"))
    if len(sessions) < USERS:
        raise SystemExit(
            f"the demo has {len(sessions)} portal accounts, fewer than {USERS} simulated tenants"
        )


class Server:
    """gunicorn on the loopback, started and stopped around a measurement."""

    def __init__(self) -> None:
        workers = 2 * (os.cpu_count() or 1)
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "roer.conf.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{PORT}",
                "--log-level",
                "warning",
            ],
            env={**_environment(), "DJANGO_SETTINGS_MODULE": "bench.portal_settings"},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        import urllib.request

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def resident_mb(self) -> float:
        """The workers' resident memory together (from /proc), in MB."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        total = 0
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            found = re.search(r"VmRSS:\s+(\d+) kB", status)
            total += int(found.group(1)) if found else 0
        return total / 1024

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def locust(*, seconds: int, think: bool, floor: bool, prefix: str) -> dict[str, dict[str, float]]:
    """Run locust headless; the per-request-name figures from its CSV (and 'Aggregated')."""
    stats = DATA / prefix
    env = {
        **os.environ,
        "ROER_BENCH_THINK": "1" if think else "0",
        "ROER_BENCH_FLOOR": "1" if floor else "0",
    }
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "portal_locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            "10",
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(stats),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--exit-code-on-error",
            "0",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    figures: dict[str, dict[str, float]] = {}
    with open(f"{stats}_stats.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            figures[row["Name"]] = {
                "requests": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "p50": _milliseconds(row["50%"]),
                "p95": _milliseconds(row["95%"]),
                "rps": float(row["Requests/s"]),
            }
    return figures


def _milliseconds(cell: str) -> float:
    """locust writes N/A for a percentile of no requests."""
    try:
        return float(cell)
    except ValueError:
        return 0.0


def _browsing(figures: dict[str, dict[str, float]]) -> dict[str, float]:
    """The pages tenants browse: requests, failures, and the worst page's p95 (the bound the target is on)."""
    pages = {name: f for name, f in figures.items() if name != "Aggregated"}
    return {
        "requests": sum(f["requests"] for f in pages.values()),
        "failures": sum(f["failures"] for f in pages.values()),
        "p95_worst": max((f["p95"] for f in pages.values()), default=0.0),
    }


def _load() -> float:
    return os.getloadavg()[0]


def run_load(seconds: int) -> tuple[list[str], bool]:
    load_before = _load()
    server = Server()
    try:
        load = locust(seconds=seconds, think=True, floor=False, prefix="portal-load")
        portal = locust(seconds=20, think=False, floor=False, prefix="portal-throughput")
        floor = locust(seconds=20, think=False, floor=True, prefix="portal-floor")
    finally:
        server.stop()
    browsing = _browsing(load)
    all_requests = load["Aggregated"]
    lines = [
        f"Load average (1 minute) on the {os.cpu_count()} cores: {load_before:.1f} at the start, {_load():.1f} at the end. "
        f"{USERS} simulated tenants, {seconds} s, 1–5 s thinking; gunicorn with {2 * (os.cpu_count() or 1)} workers.",
        "",
        "| page | requests | failures | p50 | p95 |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, f in sorted(load.items(), key=lambda item: (item[0] == "Aggregated", item[0])):
        lines.append(
            f"| {name} | {f['requests']:,.0f} | {f['failures']:,.0f} | {f['p50']:.0f} ms | {f['p95']:.0f} ms |"
        )
    lines += [
        "",
        f"Throughput without thinking: the portal pages {portal['Aggregated']['rps']:.0f} requests/s "
        f"(p95 {portal['Aggregated']['p95']:.0f} ms), the bare Django view on the same stack (the floor) "
        f"{floor['Aggregated']['rps']:.0f} requests/s (p95 {floor['Aggregated']['p95']:.0f} ms).",
    ]
    checks = [
        (
            f"p95 of every browsed page ≤ {TARGET_P95_MS:.0f} ms",
            browsing["p95_worst"] <= TARGET_P95_MS,
            f"worst page {browsing['p95_worst']:.0f} ms",
        ),
        (
            "zero errors",
            all_requests["failures"] == 0,
            f"{all_requests['failures']:.0f} of {all_requests['requests']:,.0f}",
        ),
    ]
    lines.append("")
    lines.extend(f"- {'met' if ok else 'MISSED'}: {label} — {value}" for label, ok, value in checks)
    return lines, all(ok for _label, ok, _value in checks)


def run_soak(minutes: int) -> tuple[list[str], bool]:
    load_before = _load()
    server = Server()
    memory: list[tuple[int, float]] = []
    try:
        figures: dict[str, dict[str, float]] = {}
        for minute in range(minutes):
            figures = _merge(figures, locust(seconds=60, think=True, floor=False, prefix="portal-soak"))
            memory.append((minute + 1, server.resident_mb()))
    finally:
        server.stop()
    total = figures["Aggregated"]
    growth = memory[-1][1] / memory[0][1]
    lines = [
        f"Load average (1 minute): {load_before:.1f} at the start, {_load():.1f} at the end. {USERS} simulated "
        f"tenants for {minutes} minutes (one locust run per minute, the server kept running).",
        "",
        f"Requests: {total['requests']:,.0f}, failures: {total['failures']:,.0f}, worst minute's p95: "
        f"{total['p95']:.0f} ms.",
        "",
        "Workers' resident memory per minute: " + ", ".join(f"{mb:.0f} MB" for _m, mb in memory) + ".",
    ]
    checks = [
        ("zero errors", total["failures"] == 0, f"{total['failures']:.0f}"),
        (
            f"flat memory: at the end ≤ {FLAT_MEMORY_GROWTH}× after the first minute",
            growth <= FLAT_MEMORY_GROWTH,
            f"{growth:.2f}×",
        ),
    ]
    lines.append("")
    lines.extend(f"- {'met' if ok else 'MISSED'}: {label} — {value}" for label, ok, value in checks)
    return lines, all(ok for _label, ok, _value in checks)


def _merge(
    total: dict[str, dict[str, float]], minute: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    merged = dict(total)
    for name, f in minute.items():
        before = merged.get(name)
        if before is None:
            merged[name] = dict(f)
            continue
        merged[name] = {
            "requests": before["requests"] + f["requests"],
            "failures": before["failures"] + f["failures"],
            "p50": max(before["p50"], f["p50"]),
            "p95": max(before["p95"], f["p95"]),
            "rps": f["rps"],
        }
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench portal_load")
    parser.add_argument("--seconds", type=int, default=60, help="length of the load run with thinking")
    parser.add_argument("--soak", type=int, metavar="MINUTES", help="issue 7's soak test instead")
    args = parser.parse_args(argv or [])
    prepare()
    if args.soak:
        lines, met = run_soak(args.soak)
        print("\n".join(lines))
        write_block("soak", f"make soak (python -m bench portal_load --soak {args.soak})", lines)
    else:
        lines, met = run_load(args.seconds)
        print("\n".join(lines))
        write_block("portal_load", "make bench TARGET=portal_load", lines)
    return 0 if met else 1
