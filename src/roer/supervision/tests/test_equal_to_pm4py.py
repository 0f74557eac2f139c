"""The process map of an imported log equals PM4Py's: counts, start and end activities, variants,
and median waits (within a microsecond), for the whole log and for the cases that started in a period."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from roer.supervision.selectors import process_map
from roer.supervision.services import event_log_import
from roer.supervision.tests.conftest import assert_same_map, pm4py_map, read_csv_as_pm4py, read_xes_as_pm4py

pytestmark = pytest.mark.django_db

RECEIPT_PERIOD = (dt.date(2011, 3, 1), dt.date(2011, 5, 31))
RUNNING_PERIOD = (dt.date(2010, 12, 30), dt.date(2011, 1, 5))


@pytest.fixture
def receipt(process_data: Path) -> Path:
    return process_data / "receipt.csv"


@pytest.fixture
def running_example(process_data: Path) -> Path:
    return process_data / "running-example.xes"


def test_receipt_csv_equals_pm4py(receipt):
    event_log_import(path=receipt, name="receipt")
    theirs = read_csv_as_pm4py(receipt)
    assert_same_map(process_map("receipt"), pm4py_map(theirs))


def test_receipt_csv_in_a_period_equals_pm4py(receipt):
    event_log_import(path=receipt, name="receipt")
    theirs = read_csv_as_pm4py(receipt)
    ours = process_map("receipt", *RECEIPT_PERIOD)
    expected = pm4py_map(theirs, RECEIPT_PERIOD)
    assert 0 < ours.cases < 1434
    assert_same_map(ours, expected)


def test_running_example_xes_equals_pm4py(running_example):
    event_log_import(path=running_example)
    assert_same_map(process_map("running-example.xes"), pm4py_map(read_xes_as_pm4py(running_example)))


def test_running_example_in_a_period_equals_pm4py(running_example):
    event_log_import(path=running_example, name="running")
    ours = process_map("running", *RUNNING_PERIOD)
    assert 0 < ours.cases < 6
    assert_same_map(ours, pm4py_map(read_xes_as_pm4py(running_example), RUNNING_PERIOD))


def test_gzipped_xes_reads_the_same(running_example, tmp_path):
    packed = tmp_path / "running.xes.gz"
    packed.write_bytes(gzip.compress(running_example.read_bytes()))
    log = event_log_import(path=packed)
    assert log.name == "running.xes.gz"
    assert log.source_format == "xes.gz"
    assert_same_map(process_map(log.name), pm4py_map(read_xes_as_pm4py(running_example)))


def test_open_ended_periods(receipt):
    event_log_import(path=receipt, name="receipt")
    theirs = read_csv_as_pm4py(receipt)
    whole = process_map("receipt")
    since = process_map("receipt", dt.date(2011, 6, 1), None)
    until = process_map("receipt", None, dt.date(2011, 5, 31))
    assert since.cases + until.cases == whole.cases
    assert_same_map(until, pm4py_map(theirs, (dt.date(2000, 1, 1), dt.date(2011, 5, 31))))


TRICKY_CSV = (
    "case:concept:name,concept:name,time:timestamp,org:resource\n"
    # case b's rows come in before a's and out of order; the ties keep file order
    "b,register,2024-03-01 10:00:00+01:00,x\n"
    "a,check,2024-03-02 09:00:00.250+01:00,y\n"
    "a,register,2024-03-02 08:00:00+01:00,x\n"
    "b,decide,2024-03-01 11:00:00+01:00,z\n"
    "b,check,2024-03-01 11:00:00+01:00,y\n"
    '"a","decide, finally","2024-03-02T09:30:00Z","multi\nline"\n'
    "c,register,2024-03-30 23:30:00+01:00,x\n"  # Amsterdam 30 March, UTC 30 March
    "c,check,2024-04-02 10:00:00,x\n"  # no offset: UTC
    "d,register,2024-03-31 23:30:00+02:00,x\n"  # Amsterdam 31 March, UTC 31 March 21:30
    "d,,2024-04-01 10:00:00+02:00,x\n"  # an empty activity: PM4Py drops the row
    "d,check,2024-04-01 00:30:00+02:00,x\n"
    "\n"
    "e,register,2024-04-01 00:10:00+02:00,x\n"  # Amsterdam 1 April, UTC 31 March 22:10
    "e,register,2024-04-01 00:10:00+02:00,x\n"
)


def test_a_tricky_csv_equals_pm4py(tmp_path):
    path = tmp_path / "tricky.csv"
    path.write_text(TRICKY_CSV, encoding="utf-8")
    log = event_log_import(path=path)
    assert log.rows_skipped == 1
    theirs = read_csv_as_pm4py(path)
    assert_same_map(process_map(log.name), pm4py_map(theirs))
    # the case that started on 31 March in Amsterdam (21:30 UTC) is in March; the one of 00:10 on 1 April is not
    march = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    ours = process_map(log.name, *march)
    assert ours.cases == 4
    assert_same_map(ours, pm4py_map(theirs, march))


def test_other_column_names(tmp_path):
    path = tmp_path / "renamed.csv"
    path.write_text(
        "Case ID,Activity,Complete Timestamp\n1,a,2024-01-01 10:00:00\n1,b,2024-01-01 10:05:00\n"
        "2,a,2024-01-01 11:00:00\n2,c,2024-01-01 11:01:30.5\n",
        encoding="utf-8",
    )
    log = event_log_import(
        path=path, case_column="Case ID", activity_column="Activity", timestamp_column="Complete Timestamp"
    )
    theirs = read_csv_as_pm4py(
        path, case_id="Case ID", activity_key="Activity", timestamp_key="Complete Timestamp"
    )
    assert_same_map(process_map(log.name), pm4py_map(theirs))


TRICKY_XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="concept:name" value="default"/></global>
  <string key="concept:name" value="tricky"/>
  <trace>
    <string key="concept:name" value="t1"/>
    <event><string key="concept:name" value="b"/><date key="time:timestamp" value="2024-05-01T10:00:00+02:00"/></event>
    <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2024-05-01T09:00:00+02:00"/></event>
    <event>
      <string key="concept:name" value="c"/>
      <string key="note"><string key="concept:name" value="nested, not the activity"/></string>
      <date key="time:timestamp" value="2024-05-01T10:00:00+02:00"/>
    </event>
  </trace>
  <!-- a comment between traces -->
  <trace>
    <event><date key="time:timestamp" value="2024-05-02T08:00:00.123456Z"/><string key="concept:name" value="a"/></event>
    <string key="concept:name" value="t2"/>
    <event><string key="concept:name" value="d"/><date key="time:timestamp" value="2024-05-02T09:00:00Z"/></event>
  </trace>
  <trace>
    <string key="concept:name" value="t1"/>
    <event><string key="concept:name" value="d"/><date key="time:timestamp" value="2024-05-01T12:00:00+02:00"/></event>
  </trace>
</log>
"""


def test_a_tricky_xes_equals_pm4py(tmp_path):
    """Unsorted events, equal timestamps, a trace name after its events, a trace id used twice (one
    case, as in PM4Py's table), a nested concept:name that is not the activity, a default namespace."""
    path = tmp_path / "tricky.xes"
    path.write_text(TRICKY_XES, encoding="utf-8")
    log = event_log_import(path=path)
    assert (log.case_count, log.event_count) == (2, 6)
    theirs = read_xes_as_pm4py(path, formatted=True)  # PM4Py's table sorted as PM4Py sorts it
    assert_same_map(process_map(log.name), pm4py_map(theirs))
    assert process_map(log.name).variants[0].activities in {("a", "b", "c", "d"), ("a", "d")}


@pytest.fixture
def in_two_halves(monkeypatch):
    """Big plain CSVs are read in two halves at once; here every CSV is."""
    from roer.supervision import readers

    monkeypatch.setattr(readers, "PARALLEL_FROM_BYTES", 0)


def test_receipt_read_in_two_halves_equals_pm4py(receipt, in_two_halves):
    log = event_log_import(path=receipt, name="receipt")
    assert (log.case_count, log.event_count) == (1434, 8577)
    assert_same_map(process_map("receipt"), pm4py_map(read_csv_as_pm4py(receipt)))


def test_a_case_split_over_the_halves_keeps_its_order(tmp_path, in_two_halves):
    rows = [
        f"c{n % 7},a{(n * 3) % 5},2024-01-{1 + n // 50:02d}T10:00:{n % 60:02d}+01:00\n" for n in range(400)
    ]
    rows[200:200] = ["c3,late,2023-12-31T00:00:00Z\n", "c3,tie,2024-01-05T10:00:10+01:00\n"]
    path = tmp_path / "halves.csv"
    path.write_text("case:concept:name,concept:name,time:timestamp\n" + "".join(rows), encoding="utf-8")
    log = event_log_import(path=path)
    assert log.event_count == 402
    assert_same_map(process_map(log.name), pm4py_map(read_csv_as_pm4py(path)))


def test_an_error_in_the_second_half_names_the_right_line(tmp_path, in_two_halves):
    from roer.supervision.readers import EventLogError

    rows = [f"c{n},a,2024-01-01T10:00:00Z\n" for n in range(300)]
    rows[250] = "c250,a,later\n"
    path = tmp_path / "bad.csv"
    path.write_text("case:concept:name,concept:name,time:timestamp\n" + "".join(rows), encoding="utf-8")
    with pytest.raises(EventLogError, match=r"bad\.csv, line 252: bad timestamp 'later'"):
        event_log_import(path=path)


def test_a_quoted_file_is_read_in_one_piece(tmp_path, in_two_halves):
    path = tmp_path / "tricky.csv"
    path.write_text(TRICKY_CSV, encoding="utf-8")
    log = event_log_import(path=path)
    assert_same_map(process_map(log.name), pm4py_map(read_csv_as_pm4py(path)))


def test_the_cases_behind_a_variant_of_an_imported_log(receipt):
    from roer.supervision.selectors import variant_cases

    event_log_import(path=receipt, name="receipt")
    top = process_map("receipt").variants[0]
    cases = variant_cases("receipt", top.activities, limit=5000)
    assert len(cases) == top.count == 713
    assert len(set(cases)) == 713
    assert variant_cases("receipt", top.activities) == cases[:50]
    assert variant_cases("receipt", ("no such activity",)) == []
    spring = variant_cases("receipt", top.activities, *RECEIPT_PERIOD, limit=5000)
    assert 0 < len(spring) < 713
