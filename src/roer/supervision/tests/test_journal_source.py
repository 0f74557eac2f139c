"""The journal as a source: its map, its XES export read back by PM4Py, its OCEL 2.0 export, the
conformance check, and every export journaled."""

from __future__ import annotations

import datetime as dt
import io
import json
import warnings
from pathlib import Path

import pytest
from django.core.management import call_command

from roer.accounts.tests.factories import UserFactory
from roer.core import journal
from roer.core.constants import Channel
from roer.core.dates import AMSTERDAM
from roer.core.models import JournalEvent
from roer.core.subjects import SubjectRef
from roer.supervision.conformance import REPAIR_INTAKE, check
from roer.supervision.selectors import conformance, process_map, variant_cases
from roer.supervision.services import journal_export_ocel, journal_export_xes
from roer.supervision.tests.conftest import assert_same_map, pm4py, pm4py_map, read_xes_as_pm4py

pytestmark = pytest.mark.django_db

REQUEST = "repairs.repairrequest"
DESIGNED = [
    "decision_taken",
    "repair_request_submitted",
    "work_order_created",
    "repair_request_confirmation_sent",
    "work_order_accepted",
    "appointment_booked",
    "work_order_reported",
    "satisfaction_asked",
    "satisfaction_recorded",
]


def _at(day: int, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, second, micro, tzinfo=AMSTERDAM)


def _case(request_id: int, activities: list[str], start: dt.datetime, *, channel: str = "") -> None:
    tenancy = SubjectRef("tenancies.tenancy", str(100 + request_id))
    moment = start
    for n, activity in enumerate(activities):
        subjects = [SubjectRef(REQUEST, str(request_id)), tenancy]
        if activity.startswith("work_order"):
            subjects.append(SubjectRef("repairs.workorder", str(request_id * 10)))
        facts = {"step_no": n, "urgent": request_id % 2 == 0, "score": 7.5, "trade": "CVI", "days": [1, 2]}
        journal.record(
            activity=activity,
            subjects=subjects,
            occurred_at=moment,
            channel=channel if n == 0 else "",
            facts=facts,
        )
        moment += dt.timedelta(minutes=17 * (n + 1) + request_id, microseconds=request_id)


@pytest.fixture
def journal_cases() -> None:
    _case(1, DESIGNED, _at(2, 9), channel=Channel.PORTAL)
    _case(2, DESIGNED[:5], _at(3, 10, 5, 1, 250), channel=Channel.PHONE)
    _case(3, [*DESIGNED[:3], "work_order_flagged", "work_order_created", "work_order_accepted"], _at(10, 8))
    _case(4, DESIGNED, _at(31, 23, 30))  # 31 March in Amsterdam, in March
    _case(5, DESIGNED[:2], _at(17, 12))
    # the same moment twice in one case: the order they were written in decides
    same = _at(20, 14)
    journal.record(activity="decision_taken", subjects=[SubjectRef(REQUEST, "6")], occurred_at=same)
    journal.record(activity="repair_request_submitted", subjects=[SubjectRef(REQUEST, "6")], occurred_at=same)
    journal.record(
        activity="wizard_step",
        subjects=[SubjectRef(REQUEST, "6")],
        occurred_at=same,
        facts={"step": "search"},
    )
    # an event about another kind only is not in any repair request's case
    journal.record(
        activity="rent_charged", subjects=[SubjectRef("tenancies.tenancy", "101")], occurred_at=_at(5, 1)
    )


def _export_xes(tmp_path: Path, **options) -> Path:
    path = tmp_path / "journal.xes"
    journal_export_xes(output=path, **options)
    return path


def test_the_journal_map(journal_cases):
    found = process_map("journal")
    assert found.cases == 6
    assert found.case_kind == REQUEST
    assert found.start == {"decision_taken": 6}
    assert "work_order_flagged" in {n.activity for n in found.nodes}
    assert found.variants[0].count == 2  # cases 1 and 4 followed the designed flow
    assert "wizard_step:search" in {n.activity for n in found.nodes}
    assert "rent_charged" not in {n.activity for n in found.nodes}


def test_the_xes_export_read_by_pm4py_gives_the_same_map(journal_cases, tmp_path):
    path = _export_xes(tmp_path)
    assert_same_map(process_map("journal"), pm4py_map(read_xes_as_pm4py(path)))


def test_the_xes_export_of_a_period_gives_the_same_map(journal_cases, tmp_path):
    march = (dt.date(2026, 3, 1), dt.date(2026, 3, 15))
    theirs = pm4py_map(read_xes_as_pm4py(_export_xes(tmp_path, date_from=march[0], date_to=march[1])))
    ours = process_map("journal", *march)
    assert ours.cases == 3
    assert_same_map(ours, theirs)
    # the period on the whole export, filtered by PM4Py, is the same again
    assert_same_map(ours, pm4py_map(read_xes_as_pm4py(_export_xes(tmp_path)), march))


def test_the_map_by_channel(journal_cases):
    assert process_map("journal", channel=Channel.PHONE).cases == 1


def test_another_case_kind(journal_cases):
    orders = process_map("journal", case_kind="repairs.workorder")
    assert orders.cases == 4
    assert {n.activity for n in orders.nodes} <= {
        "work_order_created",
        "work_order_accepted",
        "work_order_reported",
        "work_order_flagged",
    }


def test_the_ocel_export_reads_in_pm4py(journal_cases, tmp_path):
    path = tmp_path / "journal.jsonocel"
    result = journal_export_ocel(output=path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert set(document) == {"objectTypes", "eventTypes", "objects", "events"}
    events = JournalEvent.objects.exclude(activity="journal_exported").count()
    assert result.events == len(document["events"]) == events
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ocel = pm4py.read_ocel2_json(str(path))
    assert len(ocel.events) == events
    assert set(ocel.objects["ocel:type"]) >= {REQUEST, "tenancies.tenancy", "repairs.workorder"}
    first = document["events"][0]
    assert first["relationships"][0] == {"objectId": f"{REQUEST}#1", "qualifier": REQUEST}
    types = {t["name"]: {a["name"]: a["type"] for a in t["attributes"]} for t in document["eventTypes"]}
    assert types["decision_taken"]["urgent"] == "boolean"
    assert types["decision_taken"]["step_no"] == "integer"
    assert types["decision_taken"]["score"] == "float"
    assert types["decision_taken"]["days"] == "string"
    # flattened on the repair request, PM4Py's object-centric log gives the journal's map again
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        flat = pm4py.ocel_flattening(ocel, REQUEST)
    theirs = pm4py_map(pm4py.format_dataframe(flat))
    assert_same_map(process_map("journal"), theirs)


def test_exports_are_journaled(journal_cases, tmp_path):
    user = UserFactory(username="opzichter")
    call_command("export_xes", output=str(tmp_path / "j.xes"), by="opzichter", stdout=io.StringIO())
    call_command("export_ocel", output=str(tmp_path / "j.json"), stdout=io.StringIO())
    exported = list(JournalEvent.objects.filter(activity="journal_exported").order_by("id"))
    assert [e.facts["format"] for e in exported] == ["xes", "ocel2-json"]
    assert exported[0].actor_id == user.pk
    assert exported[0].facts["events"] == 34 and exported[0].facts["cases"] == 6
    assert exported[1].actor_id is None
    assert exported[1].facts["events"] == JournalEvent.objects.count() - 1  # all but its own


def test_the_xes_export_to_standard_output(journal_cases, capsysbinary):
    call_command("export_xes", "--json")
    captured = capsysbinary.readouterr()
    assert captured.out.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert json.loads(captured.err)["events"] == 34


def test_conformance_to_the_designed_flow(journal_cases):
    result = conformance("journal", REPAIR_INTAKE)
    assert result.cases == 6
    deviating = {c.case_id: [str(d) for d in c.deviations] for c in result.deviating}
    assert deviating == {
        "3": ["work_order_created → work_order_flagged", "work_order_flagged → work_order_created"],
        "6": ["repair_request_submitted → wizard_step:search"],
    }
    assert result.counts["work_order_flagged → work_order_created"] == 1
    assert check(REPAIR_INTAKE, ["work_order_created"])[0].kind == "start"


def test_the_cases_behind_a_variant(journal_cases):
    assert variant_cases("journal", DESIGNED) == ["1", "4"]
    assert variant_cases("journal", DESIGNED, dt.date(2026, 3, 31), dt.date(2026, 3, 31)) == ["4"]


def test_the_process_map_command(journal_cases, capsys):
    call_command("process_map", "--source", "journal", "--from", "2026-03-01", "--to", "2026-03-15", "--json")
    document = json.loads(capsys.readouterr().out)
    assert list(document) == [
        "source",
        "cases",
        "events",
        "nodes",
        "edges",
        "start",
        "end",
        "variants",
        "elapsed_ms",
    ]
    assert document["source"] == "journal"
    assert document["cases"] == 3
    assert set(document["edges"][0]) == {"source", "target", "count", "median_seconds"}
    assert set(document["variants"][0]) == {"activities", "count"}
