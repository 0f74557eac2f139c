"""Build the simulated corporation in a scratch folder and replay both arms there, in subprocesses.

Why subprocesses: the settings choose the database from the environment once, at start-up. A child
process started with `ROER_VAR_DIR=<temporary folder>` and without `DATABASE_URL` gets its own SQLite file
there and cannot reach the live database at all. The steps:

1. `python -m roer evaluate_collections --build ...` builds a fresh corporation into `<tmp>/base` (migrate
   included) with `roer.demo.services.demo_build`, as `roer demo --no-serve` does; with
   `--life-event-rate` the households meet life events at that yearly chance during the replay window;
2. the SQLite file is copied (SQLite's backup API, so the WAL is included) to `<tmp>/baseline` and
   `<tmp>/roer`: both arms start from the same bytes;
3. `python -m roer evaluate_collections --worker ARM ...` replays each arm in its copy, both at once;
   a worker writes its figures as JSON to a file and its progress lines to stderr, relayed here;
4. the temporary folder is removed (unless kept for inspection).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from roer.arrears.evaluation.metrics import Window
from roer.arrears.evaluation.people import Staffing
from roer.arrears.evaluation.replay import ARMS, SCRATCH_ENV

DAYS_PER_YEAR = 365.25


class EvaluationFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Plan:
    years: float  # replayed, up to `until`
    dwellings: int
    seed: int
    until: dt.date
    history_years: int = 5  # of ledger before the replay, so a tenant's own history can be read
    match_days: int = 90
    staffing: Staffing = field(default_factory=Staffing)
    render_pdfs: bool = False
    parallel: bool = True
    life_event_rate: float | None = None  # yearly chance during the window; None: the simulation's own
    warm_up_days: int = 0  # replayed before the window, not measured

    @property
    def window(self) -> Window:
        days = max(1, round(self.years * DAYS_PER_YEAR))
        return Window(
            start=self.until - dt.timedelta(days=days - 1), end=self.until, match_days=self.match_days
        )

    @property
    def build_years(self) -> int:
        return self.history_years + max(1, -(-(self.window_days + self.warm_up_days) // 365))

    @property
    def window_days(self) -> int:
        return (self.window.end - self.window.start).days + 1


def scratch_env(folder: Path) -> dict[str, str]:
    """The environment of a child that works in `folder` and nowhere else."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        {
            "ROER_VAR_DIR": str(folder),
            SCRATCH_ENV: str(folder),
            "DJANGO_SETTINGS_MODULE": "roer.conf.settings",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("CELERY_BROKER_URL", None)  # tasks run in-process in the scratch copy
    return env


def _roer(*args: str) -> list[str]:
    return [sys.executable, "-m", "roer", *args]


def copy_database(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target / "roer.sqlite3") as dst:
        src.backup(dst)
    key = source.parent / "secret_key"
    if key.exists():
        shutil.copy2(key, target / "secret_key")


def _relay(stream: IO[str], progress: Callable[[str], None], lock: threading.Lock) -> None:
    for line in stream:
        with lock:
            progress(line.rstrip("\n"))


def build(plan: Plan, folder: Path, progress: Callable[[str], None]) -> None:
    rate = (
        f", life events at {plan.life_event_rate:.1%} a year from {plan.window.start}"
        if plan.life_event_rate is not None
        else ""
    )
    progress(
        f"Building the simulated corporation in {folder}: {plan.dwellings} dwellings, "
        f"{plan.build_years} years of ledger until {plan.until}, seed {plan.seed}{rate}"
    )
    folder.mkdir(parents=True)
    args = [
        "evaluate_collections",
        "--build",
        f"--dwellings={plan.dwellings}",
        f"--build-years={plan.build_years}",
        f"--seed={plan.seed}",
        f"--until={plan.until.isoformat()}",
    ]
    if plan.life_event_rate is not None:
        args += [f"--life-event-rate={plan.life_event_rate}", f"--start={plan.window.start.isoformat()}"]
    done = subprocess.run(
        _roer(*args),
        env=scratch_env(folder),
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise EvaluationFailed(f"building the simulated corporation failed:\n{done.stderr[-4000:]}")


def _worker_args(plan: Plan, arm: str, output: Path) -> list[str]:
    window = plan.window
    staffing = plan.staffing
    args = [
        "evaluate_collections",
        f"--worker={arm}",
        f"--start={window.start.isoformat()}",
        f"--end={window.end.isoformat()}",
        f"--match-days={plan.match_days}",
        f"--call-after={staffing.call_after}",
        f"--close-after={staffing.close_after}",
        f"--approve-after={staffing.approve_after}",
        f"--retry-after={staffing.retry_after}",
        f"--reach={staffing.reach}",
        f"--warm-up-days={plan.warm_up_days}",
        f"--output={output}",
    ]
    if plan.render_pdfs:
        args.append("--render-pdfs")
    return _roer(*args)


def replay_arms(plan: Plan, root: Path, progress: Callable[[str], None]) -> dict[str, Any]:
    lock = threading.Lock()
    results: dict[str, Any] = {}
    waves = [list(ARMS)] if plan.parallel else [[arm] for arm in ARMS]
    for wave in waves:
        running = []
        for arm in wave:
            folder = root / arm
            output = folder / "result.json"
            child = subprocess.Popen(
                _worker_args(plan, arm, output),
                env=scratch_env(folder),
                cwd=folder,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            assert child.stderr is not None
            relay = threading.Thread(target=_relay, args=(child.stderr, progress, lock), daemon=True)
            relay.start()
            running.append((arm, child, relay, output))
        for arm, child, relay, output in running:
            child.wait()
            relay.join()
            if child.returncode != 0 or not output.exists():
                raise EvaluationFailed(f"the {arm} arm failed (exit {child.returncode}); see the lines above")
            results[arm] = json.loads(output.read_text())
    return results


def evaluate(plan: Plan, *, progress: Callable[[str], None], keep: Path | None = None) -> dict[str, Any]:
    """Build, copy, replay both arms; the figures of both, with the plan that made them."""
    started = time.monotonic()
    root = keep or Path(tempfile.mkdtemp(prefix="roer-evaluation-"))
    try:
        base = root / "base"
        build(plan, base, progress)
        built = time.monotonic() - started
        progress(f"Built in {built:.0f} s; copying it for the two arms")
        for arm in ARMS:
            copy_database(base / "roer.sqlite3", root / arm)
        arms = replay_arms(plan, root, progress)
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
    window = plan.window
    return {
        "parameters": {
            "years": plan.years,
            "dwellings": plan.dwellings,
            "seed": plan.seed,
            "until": plan.until.isoformat(),
            "history_years": plan.history_years,
            "ledger_years_built": plan.build_years,
            "window": {
                "start": window.start.isoformat(),
                "end": window.end.isoformat(),
                "days": plan.window_days,
            },
            "match_days": plan.match_days,
            "warm_up_days": plan.warm_up_days,
            "life_event_rate": plan.life_event_rate,
            "staffing": plan.staffing.as_dict(),
            "render_pdfs": plan.render_pdfs,
        },
        "build_seconds": round(built, 1),
        "arms": arms,
        "seconds": round(time.monotonic() - started, 1),
    }
