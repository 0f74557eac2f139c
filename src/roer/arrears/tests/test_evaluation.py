"""`roer evaluate_collections`: a tiny evaluation end to end, in a scratch copy, and its parts."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from roer.arrears import policy as policy_rules
from roer.arrears.evaluation.baseline import baseline_document
from roer.arrears.evaluation.metrics import first_missed_payment
from roer.arrears.models import CollectionRun, Letter
from roer.arrears.policy import Policy
from roer.casework.models import Case, ContactMoment
from roer.core.models import RuleVersion
from roer.core.rules import validate
from roer.demo.models import LifeEvent
from roer.ledger.models import LedgerEntry
from roer.tenancies.models import Tenancy

LIVE_MODELS = (Tenancy, LedgerEntry, Letter, CollectionRun, Case, ContactMoment, RuleVersion, LifeEvent)


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in LIVE_MODELS}


def test_baseline_is_a_valid_policy_without_the_humane_parts():
    document = baseline_document()
    validate(policy_rules.KEY, document)
    policy = Policy.from_document(document)
    roer = Policy.default()
    assert policy.first_arrears_no_costs_years == 0
    assert policy.schedule == roer.schedule  # the same calendar: only who gets what differs
    # No tenant can reach the atypical score: the only weight left needs a 50-year on-time streak.
    weights = document["atypical"]["weights"]
    if "enabled" in document["atypical"]:
        assert document["atypical"]["enabled"] is False
    else:
        assert policy.atypical.min_on_time_months == 600
        assert sum(weights.values()) == policy.atypical.score_threshold == weights["long_on_time_streak"]
    assert policy.growing.rising_months == 12 and policy.growing.min_months_of_rent == 12


def test_first_missed_payment_after_the_grace_days():
    charges = [dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2025, 5, 1)]
    movements = [
        (dt.date(2025, 3, 1), Decimal("700")),
        (dt.date(2025, 3, 3), Decimal("-700")),
        (dt.date(2025, 4, 1), Decimal("700")),
        (dt.date(2025, 4, 20), Decimal("-700")),  # after the 5 grace days: missed
        (dt.date(2025, 5, 1), Decimal("700")),
    ]
    found = first_missed_payment(
        movements,
        charges,
        since=dt.date(2025, 2, 15),
        until=dt.date(2025, 6, 1),
        grace_days=5,
        negligible=Decimal("5"),
    )
    assert found == dt.date(2025, 4, 1)


@pytest.mark.django_db
def test_the_worker_refuses_the_live_database(tmp_path):
    with pytest.raises(CommandError, match="scratch"):
        call_command(
            "evaluate_collections",
            "--worker=roer",
            "--start=2025-01-01",
            "--end=2025-01-02",
            f"--output={tmp_path / 'out.json'}",
        )
    assert CollectionRun.objects.count() == 0


@pytest.mark.django_db
def test_a_tiny_evaluation_replays_both_arms_in_a_scratch_copy(tmp_path):
    before = _counts()
    out, err = StringIO(), StringIO()
    call_command(
        "evaluate_collections",
        "--years=0.15",
        "--dwellings=30",
        "--seed=11",
        "--until=2025-10-31",
        "--history-years=2",
        "--json",
        stdout=out,
        stderr=err,
    )
    result = json.loads(out.getvalue())

    assert _counts() == before  # the live database was not written
    progress = err.getvalue()
    assert "[baseline] day 1 of 55" in progress and "[roer] day 55 of 55" in progress
    assert "Done in" in progress
    baseline, roer = result["arms"]["baseline"], result["arms"]["roer"]
    assert baseline["policy_version"] == "collections-policy v2"  # the baseline published over the default
    assert roer["policy_version"] == "collections-policy v1"
    assert baseline["failed_runs"] == roer["failed_runs"] == 0
    assert baseline["runs"] == roer["runs"] == 55
    assert result["command"].startswith("roer evaluate_collections --years 0.15 --dwellings 30 --seed 11")
    keys = {row["key"] for row in result["table"]}
    assert {"letters", "costs_charged", "bailiff_proposals", "recall", "precision", "arrears_at_end"} <= keys
    assert {"days_to_human_contact.median", "life_events.missed"} <= keys

    # The design: the baseline never waives costs and never sends a personal message instead of a letter.
    assert "personal_message" not in baseline["letters"]["by_kind"]
    assert Decimal(baseline["costs_charged"]["total"]) >= Decimal(roer["costs_charged"]["total"])
    assert baseline["letters"]["with_costs"] >= roer["letters"]["with_costs"]
    assert baseline["letters"]["total"] >= roer["letters"]["total"]


def test_the_markdown_table_has_both_arms():
    from roer.arrears.evaluation.table import markdown

    arm = {
        "letters": {"total": 3, "by_kind": {"reminder": 3}, "with_costs": 1},
        "costs_charged": {"count": 1, "total": "1234.50"},
        "bailiff_proposals": 0,
        "early_warning_signals": 0,
        "human_contacts": 1,
        "signals": {"total": 1, "precision": 0.5, "early": 0, "early_precision": None},
        "life_events": {
            "with_arrears": 2,
            "days_to_human_contact": {"median": 12, "mean": 12.5},
            "not_reached": 0,
            "recall": 1.0,
            "missed": 0,
            "signalled_early": 1,
        },
        "arrears_at_end": {"total": "99.00", "tenancies": 1},
    }
    table = markdown({"arms": {"baseline": arm, "roer": arm}})
    assert table.splitlines()[0] == "|  | Baseline (blind schedule) | Roer |"
    assert "€ 1.234,50" in table and "50%" in table
