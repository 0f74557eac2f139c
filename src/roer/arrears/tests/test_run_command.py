"""`roer run_collections [--date] [--json]`."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from roer.arrears.tests.factories import media, tenancy_with_ledger
from roer.arrears.tests.test_run import late_payer

__all__ = ["media"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

OCTOBER = dt.date(2026, 10, 1)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("run_collections", *args, stdout=out)
    return out.getvalue()


def test_json_shape():
    tenancy = tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    tenancy_with_ledger(start=dt.date(2020, 1, 1), until=OCTOBER)  # paid: no decision

    report = json.loads(_run("--date", "2026-10-09", "--json"))

    assert report["date"] == "2026-10-09"
    assert report["policy_version"] == "collections-policy v1"
    (decision,) = report["decisions"]
    assert decision == {
        "reference": tenancy.reference,
        "route": "automated",
        "action": "reminder",
        "reasons": decision["reasons"],
        "arrears": "750.00",
        "months": "1.00",
        "days_overdue": 8,
        "priority": decision["priority"],
        "costs": "0.00",
    }
    assert decision["reasons"] and all(isinstance(line, str) for line in decision["reasons"])
    summary = report["summary"]
    assert summary["routes"] == {"automated": 1}
    assert summary["actions"] == {"reminder": 1}
    assert summary["arrears_total"] == "750.00" and summary["costs_total"] == "0.00"


def test_a_repeated_run_prints_the_same_decisions():
    tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    first = json.loads(_run("--date", "2026-10-09", "--json"))
    second = json.loads(_run("--date", "2026-10-09", "--json"))
    assert first["decisions"] == second["decisions"]


def test_human_summary():
    tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    text = _run("--date", "2026-10-09")
    assert "Collections run 2026-10-09" in text and "action reminder" in text


def test_a_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="not a date"):
        _run("--date", "31-31-2026")


def test_the_celery_task_calls_the_same_service():
    from roer.arrears.tasks import run_collections

    tenancy_with_ledger(start=dt.date(2022, 1, 1), until=OCTOBER, pays=late_payer, unpaid=[OCTOBER])
    result = run_collections.apply(kwargs={"run_date": "2026-10-09"}).get()
    assert result["status"] == "finished" and result["summary"]["actions"] == {"reminder": 1}
