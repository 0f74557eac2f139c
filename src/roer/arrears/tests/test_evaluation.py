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
from roer.arrears.constants import ArrangementStatus
from roer.arrears.evaluation.baseline import baseline_document
from roer.arrears.evaluation.metrics import first_missed_payment
from roer.arrears.evaluation.people import People, Staffing
from roer.arrears.models import Arrangement, CollectionRun, Letter
from roer.arrears.policy import Policy
from roer.arrears.services.run import collections_run
from roer.arrears.tests.factories import RENT, days, media
from roer.casework.models import Case, ContactMoment
from roer.core.dates import AMSTERDAM, local_date
from roer.core.models import RuleVersion
from roer.core.rules import validate
from roer.demo.models import LifeEvent, PaymentProfile
from roer.ledger.models import LedgerEntry
from roer.tenancies.models import Tenancy

__all__ = ["media"]

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
def test_the_build_worker_refuses_the_live_database():
    with pytest.raises(CommandError, match="scratch"):
        call_command("evaluate_collections", "--build", "--until=2025-10-31", "--build-years=2")
    assert Tenancy.objects.count() == 0


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

    # The design: the baseline never sends a personal message instead of a letter. (Which arm sends more
    # letters or charges more costs is what the evaluation measures, not something a test may assume.)
    assert "personal_message" not in baseline["letters"]["by_kind"]
    assert result["parameters"]["life_event_rate"] is None
    # Every household living in the window is in exactly one ground-truth group, the same in both arms.
    for arm in (baseline, roer):
        assert sum(group["households"] for group in arm["groups"].values()) > 0
        assert sum(group["letters"] for group in arm["groups"].values()) <= arm["letters"]["total"]
    assert {g: v["households"] for g, v in baseline["groups"].items()} == {
        g: v["households"] for g, v in roer["groups"].items()
    }
    assert [row["group"] for row in result["groups_table"]] == list(roer["groups"])


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


def test_the_group_table_shows_baseline_and_roer_per_group():
    from roer.arrears.evaluation.table import group_markdown

    def group(reminders: int, messages: int, costs: str) -> dict:
        return {
            "households": 12,
            "in_arrears": 5,
            "letters": reminders + messages,
            "letters_by_kind": {"reminder": reminders, "personal_message": messages},
            "with_costs": 0,
            "costs_total": costs,
            "bailiff_proposals": 0,
            "reached_by_a_person": 4,
            "calls": 6,
            "arrangements": 3,
            "arrears_at_end": "10.00",
        }

    result = {
        "arms": {
            "baseline": {"groups": {"life_event": group(5, 0, "80.00")}},
            "roer": {"groups": {"life_event": group(1, 4, "0.00")}},
        }
    }
    lines = group_markdown(result).splitlines()
    assert lines[0].startswith("| Group (ground truth) | Households |")
    assert lines[2].startswith(
        "| Life event (from a year before the window) | 12 | 5 / 5 | 5 / 5 | 5 / 1 | 0 / 4 |"
    )
    assert "€ 80,00 / € 0,00" in lines[2]


# --- the people and the households of the replay ---------------------------------------------------

OCTOBER = dt.date(2026, 10, 1)


def _loyal_with_a_life_event(*, event: bool):
    from roer.arrears.tests.builders import charge
    from roer.arrears.tests.factories import book, tenancy_with_ledger

    tenancy = tenancy_with_ledger(start=dt.date(1996, 1, 1), until=OCTOBER, unpaid=[OCTOBER])
    book(tenancy, [charge(dt.date(2026, 11, 1)), charge(dt.date(2026, 12, 1))])
    PaymentProfile.objects.create(tenancy=tenancy, behaviour="on_time")
    if event:
        LifeEvent.objects.create(tenancy=tenancy, kind="job_loss", date=dt.date(2026, 9, 20))
    return tenancy


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_a_household_with_a_life_event_agrees_an_arrangement_on_the_call_and_keeps_it():
    tenancy = _loyal_with_a_life_event(event=True)
    people = People(until=dt.date(2026, 12, 31))
    collections_run(run_date=dt.date(2026, 10, 9))  # unusual: a personal message and a social case
    assert Case.objects.filter(tenancy=tenancy, status="open").exists()

    for day in days(dt.date(2026, 10, 10), dt.date(2026, 11, 30)):
        people.work(day)
        collections_run(run_date=day)

    call = ContactMoment.objects.get(tenancy=tenancy)
    assert call.succeeded and local_date(call.happened_at) == dt.date(2026, 10, 13)  # 2 working days
    arrangement = Arrangement.objects.get(tenancy=tenancy)
    assert arrangement.start_date == dt.date(2026, 10, 13) and arrangement.amount == RENT
    assert list(arrangement.instalments.values_list("due_date", flat=True))[:2] == [
        dt.date(2026, 11, 15),
        dt.date(2026, 12, 15),
    ]
    # From the next day it pays the rent on the 1st and the instalments on the 15th; nothing is missed.
    future = LedgerEntry.objects.filter(tenancy=tenancy, date__gt=dt.date(2026, 10, 13), kind="payment")
    assert sorted(future.values_list("date", "amount")) == [
        (dt.date(2026, 11, 1), -RENT),
        (dt.date(2026, 11, 15), -RENT / 6),
        (dt.date(2026, 12, 1), -RENT),
        (dt.date(2026, 12, 15), -RENT / 6),
    ]
    assert Arrangement.objects.get(pk=arrangement.pk).status == ArrangementStatus.ACTIVE
    first = arrangement.instalments.get(number=1)
    assert first.paid_on == dt.date(2026, 11, 15) and first.missed_signalled_on is None
    assert set(Letter.objects.filter(tenancy=tenancy).values_list("kind", flat=True)) == {"personal_message"}
    assert people.counts["arrangements"] == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_without_a_life_event_the_call_makes_no_arrangement_and_the_ledger_stays():
    tenancy = _loyal_with_a_life_event(event=False)
    before = list(LedgerEntry.objects.filter(tenancy=tenancy).values_list("date", "kind", "amount"))
    people = People(until=dt.date(2026, 12, 31))
    collections_run(run_date=dt.date(2026, 10, 9))
    for day in days(dt.date(2026, 10, 10), dt.date(2026, 10, 14)):
        people.work(day)
        collections_run(run_date=day)

    assert ContactMoment.objects.filter(tenancy=tenancy, succeeded=True).exists()
    assert not Arrangement.objects.filter(tenancy=tenancy).exists()
    assert list(LedgerEntry.objects.filter(tenancy=tenancy).values_list("date", "kind", "amount")) == before


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_an_unanswered_social_case_is_called_again_a_contact_attempt_only_once():
    social = _loyal_with_a_life_event(event=True)
    people = People(staffing=Staffing(reach=0.0), until=dt.date(2026, 12, 31))
    collections_run(run_date=dt.date(2026, 10, 9))
    for day in days(dt.date(2026, 10, 10), dt.date(2026, 10, 31)):
        people.work(day)
        collections_run(run_date=day)

    calls = list(ContactMoment.objects.filter(tenancy=social).order_by("happened_at"))
    assert [local_date(c.happened_at) for c in calls] == [
        dt.date(2026, 10, 13),
        dt.date(2026, 10, 20),
        dt.date(2026, 10, 27),
    ]
    assert not any(c.succeeded for c in calls)
    assert not Arrangement.objects.exists()
    assert Case.objects.get(tenancy=social).status == "open"  # the social manager keeps trying


def test_answers_is_a_draw_per_household_and_day():
    from roer.arrears.evaluation.tenants import answers

    assert answers(1, dt.date(2026, 1, 5), reach=1.0)
    assert not answers(1, dt.date(2026, 1, 5), reach=0.0)
    draws = [answers(n, dt.date(2026, 1, 5), reach=0.5) for n in range(400)]
    assert draws == [answers(n, dt.date(2026, 1, 5), reach=0.5) for n in range(400)]
    assert 150 < sum(draws) < 250


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_when_the_tenant_calls_in_about_money_the_person_offers_the_same_arrangement():
    from roer.accounts.tests.factories import UserFactory

    tenancy = _loyal_with_a_life_event(event=True)
    collections_run(run_date=dt.date(2026, 10, 7))  # in arrears, nothing due yet: no case
    ContactMoment.objects.create(
        tenancy=tenancy,
        channel="TEL",
        direction="INK",
        happened_at=dt.datetime(2026, 10, 8, 9, tzinfo=AMSTERDAM),
        by=UserFactory(),
        succeeded=True,
        topic="arrangement",
        summary="Vraagt om een regeling.",
    )
    people = People(until=dt.date(2026, 12, 31))

    people.work(dt.date(2026, 10, 8))

    arrangement = Arrangement.objects.get(tenancy=tenancy)
    assert arrangement.start_date == dt.date(2026, 10, 8) and arrangement.status == ArrangementStatus.ACTIVE
    assert people.counts["arrangements_on_their_call"] == 1
    people.work(dt.date(2026, 10, 9))  # the same talk is not read twice
    assert people.counts["arrangements"] == 1


def _publish_threshold(threshold: int) -> None:
    from roer.core import rules

    document = rules.live_version(policy_rules.KEY).document
    document["atypical"]["score_threshold"] = threshold
    rules.rule_version_publish(
        version=rules.rule_version_draft(key=policy_rules.KEY, document=document, note="test")
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_a_case_for_arrears_that_became_unusual_after_the_contact_attempt_is_social_and_called_once():
    """Not the schedule's contact attempt: closing it after the call would make the run open a new case
    the next night, and the social manager would call every two days."""
    tenancy = _loyal_with_a_life_event(event=False)
    people = People(until=dt.date(2026, 12, 31))
    _publish_threshold(100)  # nothing is unusual: the reminder, then the day-21 contact attempt
    for day in days(dt.date(2026, 10, 9), dt.date(2026, 10, 27)):
        people.work(day)
        collections_run(run_date=day)
    assert Letter.objects.get(tenancy=tenancy).kind == "reminder"
    assert Case.objects.get(tenancy=tenancy).status == "closed"  # the attempt: one call, then closed
    _publish_threshold(50)  # now it is unusual (27 days overdue): a person, and no other letter

    for day in days(dt.date(2026, 10, 28), dt.date(2026, 11, 20)):
        people.work(day)
        collections_run(run_date=day)

    assert Case.objects.filter(tenancy=tenancy).count() == 2
    assert Case.objects.filter(tenancy=tenancy, status="open").count() == 1
    assert ContactMoment.objects.filter(tenancy=tenancy).count() == 2  # the attempt, and one social call
    assert not Letter.objects.filter(tenancy=tenancy, kind="final_notice").exists()
