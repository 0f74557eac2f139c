"""The arithmetic on its own, and the number of queries a map takes."""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path

import pytest

from roer.supervision.mining import (
    MOMENT_CODE,
    DayOf,
    Traces,
    digest,
    kth_of_runs,
    map_of,
    median_of_runs,
    median_seconds,
    pack,
    unpack,
)
from roer.supervision.selectors import process_map
from roer.supervision.services import event_log_import

DAY_US = 86_400_000_000


def test_median_as_pandas_takes_it():
    assert median_seconds([1_000_000, 2_000_000, 4_000_000]) == 2.0
    assert median_seconds([1_000_000, 2_000_000, 4_000_000, 9_000_001]) == 3.0
    assert median_seconds([5]) == 0.000005


def test_pack_round_trip():
    values = [0, 1, -5, 2**62, -(2**62)]
    assert list(unpack(pack(values, MOMENT_CODE), MOMENT_CODE)) == values


def test_the_amsterdam_day_of_a_moment():
    day_of = DayOf()
    winter_evening = int(dt.datetime(2024, 1, 31, 23, 30, tzinfo=dt.UTC).timestamp()) * 1_000_000
    summer_evening = int(dt.datetime(2024, 7, 31, 21, 59, tzinfo=dt.UTC).timestamp()) * 1_000_000
    assert day_of(winter_evening) == dt.date(2024, 2, 1)
    assert day_of(summer_evening) == dt.date(2024, 7, 31)
    assert day_of(summer_evening + 60_000_000) == dt.date(2024, 8, 1)


def _naive_edges(traces: Traces) -> dict[tuple[str, str], tuple[int, float]]:
    waits: dict[tuple[str, str], list[int]] = {}
    for activities, moments in zip(traces.case_activities, traces.case_moments, strict=True):
        for i in range(1, len(activities)):
            edge = (traces.activities[activities[i - 1]], traces.activities[activities[i]])
            waits.setdefault(edge, []).append(moments[i] - moments[i - 1])
    return {edge: (len(w), statistics.median(w) / 1_000_000) for edge, w in waits.items()}


@pytest.mark.parametrize("activities", [3, 1500])
def test_packed_and_plain_grouping_agree(activities):
    """With 1,500 activities a wait of 200 days no longer fits beside the edge key: the plain path."""
    traces = Traces()
    for n in range(activities):
        traces.activity(f"a{n}")
    for case in range(40):
        activities_of, moments = traces.case(f"c{case}")
        moment = 1_700_000_000_000_000 + case * DAY_US
        for step in range(5):
            activities_of.append(
                (case // 2 + step * (case % 3 + 1)) % min(activities, 5) + max(0, activities - 5)
            )
            moments.append(moment)
            moment += 200 * DAY_US if case == 3 and step == 2 else (step + 1) * 1_000_003 * (case + 1)
    summary = digest(traces)
    assert summary.packed is (activities == 3)
    found = map_of(traces, source="t")
    expected = _naive_edges(traces)
    assert {(e.source, e.target): e.count for e in found.edges} == {k: c for k, (c, _m) in expected.items()}
    assert {(e.source, e.target): e.median_seconds for e in found.edges} == pytest.approx(
        {k: m for k, (_c, m) in expected.items()}, abs=1e-6
    )
    assert len(expected) > 3
    by_day = {(summary.edge(key), day): list(waits) for day, key, waits in summary.day_waits()}
    assert all(waits == sorted(waits) for waits in by_day.values())
    assert sum(len(w) for w in by_day.values()) == 40 * 4


@pytest.mark.django_db
def test_a_map_takes_a_fixed_number_of_queries(shared_data: Path, django_assert_num_queries):
    event_log_import(path=shared_data / "process" / "receipt.csv", name="receipt")
    with django_assert_num_queries(4):  # the log, its activities, variants and edges
        whole = process_map("receipt")
    with django_assert_num_queries(4):  # the log, its activities, the period's variants and edge days
        spring = process_map("receipt", dt.date(2011, 3, 1), dt.date(2011, 5, 31))
    assert whole.cases == 1434 > spring.cases > 0


def test_the_median_of_sorted_runs_without_merging_them():
    import random

    rng = random.Random(5)
    for _ in range(50):
        runs = [
            sorted(rng.randrange(0, 10**9) for _ in range(rng.randrange(1, 30)))
            for _ in range(rng.randrange(1, 9))
        ]
        base = rng.choice([0, 7 << 50])
        shifted = [[v + base for v in run] for run in runs]
        merged = sorted(v for run in runs for v in run)
        assert median_of_runs(shifted, base) == pytest.approx(statistics.median(merged) / 1_000_000, abs=1e-9)
        k = rng.randrange(len(merged))
        assert kth_of_runs(runs, k) == merged[k]


def test_the_product_never_imports_pm4py():
    """PM4Py is AGPL: the tests' and the benchmark's oracle only, never a runtime dependency."""
    from pathlib import Path

    source = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if "/tests/" not in path.as_posix()
        and any(
            line.lstrip().startswith(("import pm4py", "from pm4py"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []
