"""`roer evaluate_collections --years Y [--dwellings N] [--seed S] [--until DATE] [--life-event-rate R] [--json]`.

Measures the collections run on a simulated corporation (docs/evaluation.md): builds one into a scratch
database, replays its last Y years day by day with the blind baseline schedule and with Roer's policy, and
prints the two side by side. The live database is never written: the work happens in subprocesses whose
`ROER_VAR_DIR` is a temporary folder. `--build` and `--worker ARM` are those subprocesses (not for people).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from roer.arrears.evaluation.metrics import Window
from roer.arrears.evaluation.people import Staffing
from roer.arrears.evaluation.replay import ARMS, NotScratch, build_corporation, replay
from roer.arrears.evaluation.scratch import EvaluationFailed, Plan, evaluate
from roer.arrears.evaluation.table import group_markdown, group_rows, markdown, rows
from roer.core.dates import parse_date
from roer.demo.simulation.calendar import last_full_month_end


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as problem:
        raise CommandError(str(problem)) from None


class Command(BaseCommand):
    help = (
        "Replay a simulated corporation day by day with the blind baseline schedule and with Roer's "
        "policy, in a scratch copy, and print both side by side."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years",
            type=float,
            default=1.0,
            help="years to replay, up to --until (default 1; 0.25 = 3 months)",
        )
        parser.add_argument("--dwellings", type=int, default=300, help="dwellings to simulate (default 300)")
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed of the simulation (default 2026)"
        )
        parser.add_argument("--until", help="last replayed day, YYYY-MM-DD (default: the end of last month)")
        parser.add_argument(
            "--history-years",
            type=int,
            default=5,
            help="years of ledger before the replay, for the tenants' own history (default 5)",
        )
        parser.add_argument(
            "--match-days",
            type=int,
            default=90,
            help="a signal within this many days after a life event counts as finding it (default 90)",
        )
        parser.add_argument(
            "--life-event-rate",
            type=float,
            default=None,
            help=(
                "yearly chance of a life event per household during the replayed years, e.g. 0.1 (default: "
                "the simulation's own, about 0.0135); the years before keep the usual chance"
            ),
        )
        parser.add_argument(
            "--warm-up-days",
            type=int,
            default=0,
            help=(
                "days replayed before the measured years and not counted, so that the replay does not "
                "start cold (default 0)"
            ),
        )
        parser.add_argument(
            "--reach",
            type=float,
            default=Staffing.reach,
            help="the chance that a phone call reaches the household, in both arms (default 1: always)",
        )
        parser.add_argument("--call-after", type=int, default=Staffing.call_after, help=argparse.SUPPRESS)
        parser.add_argument("--retry-after", type=int, default=Staffing.retry_after, help=argparse.SUPPRESS)
        parser.add_argument("--close-after", type=int, default=Staffing.close_after, help=argparse.SUPPRESS)
        parser.add_argument(
            "--approve-after", type=int, default=Staffing.approve_after, help=argparse.SUPPRESS
        )
        parser.add_argument(
            "--render-pdfs",
            action="store_true",
            help="render every letter as a PDF (slow; default: counted only)",
        )
        parser.add_argument(
            "--sequential", action="store_true", help="replay the arms one after the other, not side by side"
        )
        parser.add_argument("--keep-scratch", help="build in this (new) folder and keep it, for inspection")
        parser.add_argument("--json", action="store_true", help="print the whole table as one JSON object")
        parser.add_argument("--worker", choices=ARMS, help=argparse.SUPPRESS)
        parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--build-years", type=int, help=argparse.SUPPRESS)
        parser.add_argument("--start", help=argparse.SUPPRESS)
        parser.add_argument("--end", help=argparse.SUPPRESS)
        parser.add_argument("--output", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        staffing = Staffing(
            call_after=options["call_after"],
            close_after=options["close_after"],
            approve_after=options["approve_after"],
            retry_after=options["retry_after"],
            reach=options["reach"],
        )
        if options["worker"]:
            self._worker(options, staffing)
            return
        if options["build"]:
            self._build(options)
            return
        if options["years"] <= 0 or options["dwellings"] < 1 or options["history_years"] < 1:
            raise CommandError("--years must be above 0, --dwellings and --history-years at least 1")
        if not 0 <= options["warm_up_days"] <= 366:
            raise CommandError("--warm-up-days lies between 0 and 366")
        if not 0 <= options["reach"] <= 1:
            raise CommandError("--reach is a chance between 0 and 1")
        rate = options["life_event_rate"]
        if rate is not None and not 0 <= rate <= 1:
            raise CommandError("--life-event-rate is a yearly chance between 0 and 1")
        until = _date(options["until"]) if options["until"] else last_full_month_end(dt.date.today())
        keep = Path(options["keep_scratch"]).resolve() if options["keep_scratch"] else None
        if keep is not None and keep.exists():
            raise CommandError(f"{keep} exists; --keep-scratch takes a new folder")
        plan = Plan(
            years=options["years"],
            dwellings=options["dwellings"],
            seed=options["seed"],
            until=until,
            history_years=options["history_years"],
            match_days=options["match_days"],
            staffing=staffing,
            render_pdfs=options["render_pdfs"],
            parallel=not options["sequential"],
            life_event_rate=rate,
            warm_up_days=options["warm_up_days"],
        )
        started = time.monotonic()
        try:
            result = evaluate(plan, progress=lambda line: self.stderr.write(line), keep=keep)
        except EvaluationFailed as problem:
            raise CommandError(str(problem)) from None
        result["command"] = self._command(options, until)
        result["wall_seconds"] = round(time.monotonic() - started, 1)
        result["table"] = rows(result)
        result["groups_table"] = group_rows(result)
        self.stderr.write(f"Done in {result['wall_seconds']} s")
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
            return
        window = result["parameters"]["window"]
        self.stdout.write(
            f"Evaluation of the collections run: {plan.dwellings} dwellings, seed {plan.seed}, "
            f"replayed {window['start']} to {window['end']} ({window['days']} days), "
            f"wall time {result['wall_seconds']} s\n"
        )
        self.stdout.write(markdown(result))
        self.stdout.write("\nPer group (ground truth of the simulation), each cell baseline / Roer:\n")
        self.stdout.write(group_markdown(result))
        self.stdout.write(f"\n`{result['command']}`")

    def _command(self, options: dict[str, Any], until: dt.date) -> str:
        parts = [
            "roer evaluate_collections",
            f"--years {options['years']:g}",
            f"--dwellings {options['dwellings']}",
            f"--seed {options['seed']}",
            f"--until {until.isoformat()}",
        ]
        if options["history_years"] != 5:
            parts.append(f"--history-years {options['history_years']}")
        if options["match_days"] != 90:
            parts.append(f"--match-days {options['match_days']}")
        if options["life_event_rate"] is not None:
            parts.append(f"--life-event-rate {options['life_event_rate']:g}")
        if options["warm_up_days"]:
            parts.append(f"--warm-up-days {options['warm_up_days']}")
        if options["reach"] != Staffing.reach:
            parts.append(f"--reach {options['reach']:g}")
        if options["json"]:
            parts.append("--json")
        return " ".join(parts)

    def _build(self, options: dict[str, Any]) -> None:
        if not (options["until"] and options["build_years"]):
            raise CommandError("--build needs --until and --build-years")
        try:
            counts = build_corporation(
                dwellings=options["dwellings"],
                years=options["build_years"],
                seed=options["seed"],
                until=_date(options["until"]),
                life_event_rate=options["life_event_rate"],
                since=_date(options["start"]) if options["start"] else None,
            )
        except NotScratch as problem:
            raise CommandError(str(problem)) from None
        self.stderr.write("Built: " + ", ".join(f"{count:,} {name}" for name, count in counts.items()))

    def _worker(self, options: dict[str, Any], staffing: Staffing) -> None:
        if not (options["start"] and options["end"] and options["output"]):
            raise CommandError("--worker needs --start, --end and --output")
        window = Window(
            start=_date(options["start"]), end=_date(options["end"]), match_days=options["match_days"]
        )
        try:
            # Anything the run prints (an e-mail backend) must not mix with the progress lines.
            with contextlib.redirect_stdout(sys.stderr):
                result = replay(
                    arm=options["worker"],
                    window=window,
                    staffing=staffing,
                    warm_up_days=options["warm_up_days"],
                    render_pdfs=options["render_pdfs"],
                    progress=lambda line: self.stderr.write(line),
                )
        except NotScratch as problem:
            raise CommandError(str(problem)) from None
        Path(options["output"]).write_text(json.dumps(result, ensure_ascii=False, default=str))
