"""A realistic 1,000,000-event log for the process-map benchmark, as XES and CSV, written once and
cached under bench/data/ (git-ignored).

Repair requests of a housing corporation over 2025: a Markov chain over 20 activities with rework
loops (photos asked again, an order rejected and rerouted, appointments rescheduled, a failed
quality check), about 50,000 cases of 20 events on average, and so a long tail of variants. Waits
are log-normal per activity, in whole milliseconds; about one event in fifty has the same timestamp
as the one before it (a ties test for the order within a case). Timestamps are written in
Amsterdam time with their UTC offset, as a Dutch system would write them. The same events go to
both files, the CSV in case order like an export from a case system.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

DATA = Path(__file__).parent / "data"
EVENTS = 1_000_000
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
START = "Register request"
END = {"Close request", "Cancel request"}

# activity -> [(next activity, weight)], and the median wait before an activity, in minutes.
FLOW: dict[str, list[tuple[str, int]]] = {
    "Register request": [("Check responsibility", 90), ("Cancel request", 3), ("Callback requested", 7)],
    "Callback requested": [("Call tenant back", 100)],
    "Call tenant back": [("Check responsibility", 85), ("Cancel request", 15)],
    "Check responsibility": [("Classify urgency", 80), ("Ask for photos", 20)],
    "Ask for photos": [("Receive photos", 85), ("Cancel request", 15)],
    "Receive photos": [("Check responsibility", 40), ("Classify urgency", 60)],
    "Classify urgency": [("Route to contractor", 95), ("Cancel request", 5)],
    "Route to contractor": [("Issue work order", 100)],
    "Issue work order": [("Contractor accepts", 85), ("Contractor rejects", 15)],
    "Contractor rejects": [("Route to contractor", 100)],
    "Contractor accepts": [("Propose appointment", 100)],
    "Propose appointment": [("Confirm appointment", 65), ("Reschedule appointment", 35)],
    "Reschedule appointment": [("Propose appointment", 100)],
    "Confirm appointment": [("Start work", 95), ("Cancel request", 5)],
    "Start work": [("Finish work", 60), ("Order material", 40)],
    "Order material": [("Start work", 100)],
    "Finish work": [("Quality check", 100)],
    "Quality check": [("Send invoice", 75), ("Start work", 25)],
    "Send invoice": [("Ask satisfaction", 100)],
    "Ask satisfaction": [("Close request", 60), ("Record satisfaction", 40)],
    "Record satisfaction": [("Close request", 92), ("Reopen request", 8)],
    "Reopen request": [("Route to contractor", 100)],
}
WAIT_MINUTES: dict[str, float] = {
    "Check responsibility": 45,
    "Callback requested": 2,
    "Call tenant back": 240,
    "Ask for photos": 30,
    "Receive photos": 600,
    "Classify urgency": 20,
    "Route to contractor": 5,
    "Issue work order": 1,
    "Contractor accepts": 180,
    "Contractor rejects": 300,
    "Propose appointment": 60,
    "Reschedule appointment": 1440,
    "Confirm appointment": 240,
    "Start work": 2880,
    "Order material": 60,
    "Finish work": 150,
    "Quality check": 1440,
    "Send invoice": 2880,
    "Ask satisfaction": 60,
    "Record satisfaction": 720,
    "Reopen request": 4320,
    "Close request": 30,
    "Cancel request": 600,
}
RESOURCES = [f"Employee {n:02d}" for n in range(1, 31)] + [f"Contractor {n:02d}" for n in range(1, 16)]
ACTIVITIES = sorted({START, *FLOW, *(target for nexts in FLOW.values() for target, _w in nexts)})


def _choose(rng: random.Random, options: list[tuple[str, int]]) -> str:
    roll = rng.randrange(sum(weight for _a, weight in options))
    for activity, weight in options:
        roll -= weight
        if roll < 0:
            return activity
    raise AssertionError("unreachable")


def _case(rng: random.Random, start_ms: int) -> list[tuple[str, int]]:
    events = [(START, start_ms)]
    moment = start_ms
    activity = START
    while activity not in END and len(events) < 200:
        activity = _choose(rng, FLOW[activity])
        if rng.random() >= 0.02:  # one in fifty happens at the very same moment as the one before
            minutes = WAIT_MINUTES[activity] * math.exp(rng.gauss(0.0, 0.8))
            moment += max(1, round(minutes * 60_000))
        events.append((activity, moment))
    return events


def cases() -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """(case id, [(activity, epoch milliseconds)]) until EVENTS events in all, the last case cut short."""
    rng = random.Random(20251)
    first = dt.datetime(2025, 1, 1, tzinfo=AMSTERDAM)
    written = 0
    number = 0
    while written < EVENTS:
        number += 1
        day = first + dt.timedelta(days=rng.randrange(365))
        start = day.replace(hour=rng.randrange(7, 22), minute=rng.randrange(60), second=rng.randrange(60))
        start_ms = int(start.timestamp()) * 1000 + rng.randrange(1000)
        events = _case(rng, start_ms)[: EVENTS - written]
        written += len(events)
        yield f"case-{number:06d}", events


def _iso(milliseconds: int, separator: str) -> str:
    moment = dt.datetime.fromtimestamp(milliseconds / 1000, tz=dt.UTC).astimezone(AMSTERDAM)
    return moment.isoformat(sep=separator, timespec="milliseconds")


def _write(path: Path, header: str, footer: str, render) -> Path:
    DATA.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    rng = random.Random(7)
    with partial.open("w", encoding="utf-8") as out:
        out.write(header)
        for case_id, events in cases():
            out.write(render(case_id, events, rng))
        out.write(footer)
    partial.rename(path)
    return path


def _xes_trace(case_id: str, events: list[tuple[str, int]], rng: random.Random) -> str:
    parts = [f'\t<trace>\n\t\t<string key="concept:name" value="{case_id}"/>\n']
    for activity, moment in events:
        parts.append(
            f'\t\t<event>\n\t\t\t<string key="concept:name" value="{activity}"/>\n'
            f'\t\t\t<string key="org:resource" value="{rng.choice(RESOURCES)}"/>\n'
            f'\t\t\t<date key="time:timestamp" value="{_iso(moment, "T")}"/>\n'
            '\t\t\t<string key="lifecycle:transition" value="complete"/>\n\t\t</event>\n'
        )
    parts.append("\t</trace>\n")
    return "".join(parts)


def _csv_rows(case_id: str, events: list[tuple[str, int]], rng: random.Random) -> str:
    return "".join(
        f"{case_id},{activity},{_iso(moment, ' ')},{rng.choice(RESOURCES)},complete\n"
        for activity, moment in events
    )


def xes_file() -> Path:
    path = DATA / f"repairs-{EVENTS}.xes"
    if path.exists():
        return path
    header = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<log xes.version="1849-2016" xes.features="nested-attributes">\n'
        '\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
        '\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
        '\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>\n'
        '\t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>\n'
    )
    return _write(path, header, "</log>\n", _xes_trace)


def csv_file() -> Path:
    path = DATA / f"repairs-{EVENTS}.csv"
    if path.exists():
        return path
    header = "case:concept:name,concept:name,time:timestamp,org:resource,lifecycle:transition\n"
    return _write(path, header, "", _csv_rows)
