"""One arm of the evaluation, inside its scratch database: publish the arm's policy, replay day by day.

Runs only in a worker process that `scratch.evaluate` started with `ROER_VAR_DIR` set to a temporary
folder; `ensure_scratch` refuses any other database, so the live data cannot be touched by mistake.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from roer.arrears import policy as policy_rules
from roer.arrears.constants import RunStatus
from roer.arrears.evaluation.baseline import baseline_document
from roer.arrears.evaluation.metrics import Window, arm_metrics
from roer.arrears.evaluation.people import People, Staffing
from roer.arrears.policy import Policy
from roer.arrears.services.run import collections_run, policy_label
from roer.core.rules import live_version, rule_version_draft, rule_version_publish
from roer.demo.logins import demo_logins_ensure
from roer.demo.services import demo_build
from roer.demo.simulation.households import life_event_boost

BASELINE = "baseline"
ROER = "roer"
ARMS = (BASELINE, ROER)
SCRATCH_ENV = "ROER_EVALUATION_SCRATCH"
# What a letter's PDF is replaced by when PDFs are not rendered: the replay counts letters, it does not
# read them, and WeasyPrint takes about half a second a letter.
STUB_PDF = b"%PDF-1.4\n% roer evaluation: not rendered\n%%EOF\n"


class NotScratch(RuntimeError):
    """The worker was started against a database that is not the evaluation's scratch copy."""


def ensure_scratch() -> Path:
    """The scratch folder, after checking that the default database is the SQLite file inside it."""
    folder = os.environ.get(SCRATCH_ENV)
    database = settings.DATABASES["default"]
    if not folder or os.environ.get("DATABASE_URL"):
        raise NotScratch(
            f"the evaluation worker runs only in a scratch copy ({SCRATCH_ENV}, no DATABASE_URL)"
        )
    scratch = Path(folder).resolve()
    name = Path(str(database["NAME"])).resolve()
    if (
        not str(database["ENGINE"]).endswith("sqlite3")
        or name.parent != scratch
        or Path(settings.VAR_DIR).resolve() != scratch
        or connection.settings_dict["NAME"] != database["NAME"]
    ):
        raise NotScratch(f"refusing to replay in {name}: not the scratch copy in {scratch}")
    return scratch


def build_corporation(
    *,
    dwellings: int,
    years: int,
    seed: int,
    until: dt.date,
    life_event_rate: float | None,
    since: dt.date | None,
) -> dict[str, int]:
    """Build the simulated corporation in this (scratch) database, as `roer demo --no-serve` does; with a
    life-event rate, households meet life events at that yearly chance from `since` on."""
    ensure_scratch()
    call_command("migrate", interactive=False, verbosity=0)
    boost = (
        life_event_boost(life_event_rate, since=since or until)
        if life_event_rate is not None
        else nullcontext()
    )
    with boost:
        run = demo_build(dwellings=dwellings, years=years, seed=seed, until=until)
    demo_logins_ensure()
    return dict(run.counts)


def arm_policy(arm: str) -> Policy:
    """Publish the arm's collections policy in the scratch database; Roer's is the live default."""
    if arm == BASELINE:
        draft = rule_version_draft(
            key=policy_rules.KEY,
            document=baseline_document(live_version(policy_rules.KEY).document),
            note="Evaluation: the blind baseline schedule of DOMAIN.md",
        )
        rule_version_publish(version=draft)
    elif arm != ROER:
        raise ValueError(f"unknown arm {arm!r}; one of {ARMS}")
    return Policy.from_document(live_version(policy_rules.KEY).document)


@contextmanager
def _stub_pdfs() -> Iterator[None]:
    letters = "roer.arrears.services.letters"
    with (
        mock.patch(f"{letters}.pdf_from_html", return_value=STUB_PDF),
        mock.patch(f"{letters}.pdfs_from_html", side_effect=lambda documents: [STUB_PDF] * len(documents)),
        mock.patch(f"{letters}.pdf_merge", return_value=STUB_PDF),
    ):
        yield


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def replay(
    *,
    arm: str,
    window: Window,
    staffing: Staffing,
    warm_up_days: int = 0,
    render_pdfs: bool = False,
    progress: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Replay `window` day by day in this (scratch) database and measure the arm. The first
    `warm_up_days` before the window are replayed too but not measured: by the window's first night the
    episodes, letters and cases of arrears that began before it are there, as in a corporation that has
    run Roer for a while."""
    ensure_scratch()
    started = time.monotonic()
    policy = arm_policy(arm)
    people = People(
        staffing=staffing,
        final_notice_days=policy.schedule.final_notice_days,
        second_contact_days=policy.schedule.second_contact_days,
        until=window.end,
    )
    first = window.start - dt.timedelta(days=warm_up_days)
    total = (window.end - first).days + 1
    every = max(1, total // 20)
    failed = 0
    letters = 0
    with nullcontext() if render_pdfs else _stub_pdfs():
        for number, day in enumerate(_days(first, window.end), start=1):
            people.work(day)
            run = collections_run(run_date=day)
            failed += run.status != RunStatus.FINISHED
            letters += int(run.summary.get("letters", 0)) if day >= window.start else 0
            if number == 1 or number == total or number % every == 0:
                progress(
                    f"[{arm}] day {number} of {total} ({day}): {letters} letters so far, "
                    f"{time.monotonic() - started:.0f} s"
                )
    figures = arm_metrics(
        window,
        second_contact_days=policy.schedule.second_contact_days,
        grace_days=policy.grace_days,
        negligible=policy.negligible_amount,
        reminder_days=policy.schedule.reminder_days,
    )
    return {
        "arm": arm,
        "policy_version": policy_label(live_version(policy_rules.KEY)),
        "policy": live_version(policy_rules.KEY).document,
        "runs": total,
        "warm_up_days": warm_up_days,
        "failed_runs": failed,
        "people": dict(people.counts),
        **figures,
        "seconds": round(time.monotonic() - started, 1),
    }
