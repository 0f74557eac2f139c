"""Replaying a draft collections policy or draft letter texts over real collections runs."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.arrears import letters as letter_rules
from roer.arrears import policy as policy_rules
from roer.arrears.constants import Action, LetterKind, Route
from roer.arrears.models import Letter, RunDecision
from roer.arrears.policy import Policy
from roer.arrears.routing import RouteDecision
from roer.arrears.services.run import collections_run
from roer.arrears.tests.builders import payment
from roer.arrears.tests.factories import RENT, media, pay, tenancy_with_ledger
from roer.casework.services import contact_log
from roer.core import helm, rules
from roer.core.constants import Flow, Mode
from roer.core.dates import AMSTERDAM
from roer.supervision import replay
from roer.supervision.replay import Period
from roer.supervision.replay_collections import Outcome, replayed_decisions
from roer.supervision.replay_letters import draft_warnings

__all__ = ["media"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "media")]

OCTOBER = dt.date(2026, 10, 1)
PERIOD = Period(OCTOBER, dt.date(2026, 10, 31))


def _draft(key: str, change) -> Any:
    document = copy.deepcopy(rules.live_version(key).document)
    change(document)
    return rules.rule_version_draft(key=key, document=document, note="test")


def _young_tenancy(**fields):
    """Twenty months of rent paid early, October unpaid: not unusual enough for a person (score 10)."""
    return tenancy_with_ledger(start=dt.date(2025, 3, 1), until=OCTOBER, unpaid=[OCTOBER], **fields)


def _late_payer(due: dt.date) -> list:
    return [payment(due + dt.timedelta(days=13))]


def _assist() -> None:
    """The autopilot only proposes: the runs decide, but send nothing (no letters to render)."""
    helm.flow_mode_set(flow=Flow.DUNNING, mode=Mode.ASSIST, by=UserFactory(), reason="test")


def _lower_threshold(document: dict[str, Any]) -> None:
    document["atypical"]["score_threshold"] = 10


def _growing_to_a_final_notice():
    """Two months unpaid: a reminder, a call, an officer's approval, then the final notice on 12 October
    with € 225 costs (15% of € 1,500)."""
    tenancy = tenancy_with_ledger(
        start=dt.date(2025, 1, 1), until=OCTOBER, unpaid=[dt.date(2026, 9, 1), OCTOBER], email=""
    )
    collections_run(run_date=dt.date(2026, 10, 8))
    contact_log(
        tenancy=tenancy,
        by=UserFactory(roles=[Role.SOCIAL_MANAGER]),
        channel="TEL",
        direction="UIT",
        succeeded=False,
        topic="arrears",
        summary="Geen gehoor",
        happened_at=dt.datetime.combine(dt.date(2026, 10, 8), dt.time(10), tzinfo=AMSTERDAM),
    )
    collections_run(run_date=dt.date(2026, 10, 9))
    tenancy.arrears_episodes.update(
        final_notice_approved_on=dt.date(2026, 10, 9), final_notice_approved_by=UserFactory()
    )
    collections_run(run_date=dt.date(2026, 10, 12))
    return tenancy


# --- the collections policy ----------------------------------------------------------------------


def test_a_lower_threshold_turns_a_reminder_into_a_persons_contact():
    _assist()
    young = _young_tenancy()
    habitual = tenancy_with_ledger(
        start=dt.date(2022, 1, 1), until=OCTOBER, pays=_late_payer, unpaid=[OCTOBER]
    )
    collections_run(run_date=dt.date(2026, 10, 9))
    decided = {d.tenancy_id: d for d in RunDecision.objects.all()}
    assert decided[young.pk].proposed_action == Action.REMINDER
    assert decided[habitual.pk].proposed_action == Action.REMINDER

    result = replay.replay(_draft(policy_rules.KEY, _lower_threshold), PERIOD)

    assert (result.cases, result.changed, result.not_replayable) == (2, 1, 0)
    changes = {(c.what, c.before, c.after): c for c in result.changes}
    assert set(changes) == {
        ("route", "Automated letters", "A person makes contact"),
        ("letter", "Reminder", "Personal message"),
    }
    assert changes[("route", "Automated letters", "A person makes contact")].examples == [young.reference]
    # The late payer's habit is not unusual for them: still the reminder.
    assert result.money is not None and result.money.difference == 0


def _recorded(decision: RunDecision) -> Outcome:
    """What the run decided, before assist mode or a refusal held the step back."""
    inputs = decision.decision.inputs
    made = RouteDecision(
        route=decision.route, action=inputs["action"], reasons=[], costs=Decimal(inputs["costs_stated"])
    )
    return Outcome.of(made)


def test_the_live_policy_replayed_reproduces_every_decision_the_runs_made():
    young = _young_tenancy(email="")
    _growing_to_a_final_notice()  # runs on 8, 9 and 12 October
    for day in (dt.date(2026, 10, 20), dt.date(2026, 10, 30)):
        collections_run(run_date=day)
    live = Policy.from_document(rules.live_version(policy_rules.KEY).document)

    replayed = list(replayed_decisions(live=live, draft=live, period=PERIOD))

    assert len(replayed) == RunDecision.objects.count() == 10
    for one in replayed:
        assert one.before == one.after == _recorded(one.decision), (one.reference, one.decision.run.run_date)
    steps = {(one.decision.tenancy_id, one.decision.run.run_date): one.before for one in replayed}
    assert steps[(young.pk, dt.date(2026, 10, 9))].letter == Action.REMINDER
    assert {one.before.letter for one in replayed if one.before} >= {Action.REMINDER, Action.FINAL_NOTICE}

    unchanged = replay.replay(_draft(policy_rules.KEY, lambda document: None), PERIOD)
    assert (unchanged.cases, unchanged.changed, unchanged.changes) == (10, 0, [])


def test_a_payment_booked_after_the_run_is_not_seen_by_the_replay_of_that_day():
    _assist()
    young = _young_tenancy()
    collections_run(run_date=dt.date(2026, 10, 9))
    pay(young, dt.date(2026, 10, 9), RENT)  # the morning's bank statement, after the 03:00 run

    result = replay.replay(_draft(policy_rules.KEY, _lower_threshold), PERIOD)

    assert (result.cases, result.changed) == (1, 1)
    assert {(c.before, c.after) for c in result.changes if c.what == "letter"} == {
        ("Reminder", "Personal message")
    }


def test_a_different_cost_rule_changes_the_costs_of_the_final_notice():
    tenancy = _growing_to_a_final_notice()
    notice = RunDecision.objects.get(tenancy=tenancy, run__run_date=dt.date(2026, 10, 12))
    assert (notice.action, notice.decision.inputs["costs_stated"]) == (Action.FINAL_NOTICE, "225.00")

    def with_vat(document: dict[str, Any]) -> None:
        document["vat_on_costs"] = True

    result = replay.replay(_draft(policy_rules.KEY, with_vat), Period(OCTOBER, dt.date(2026, 10, 12)))

    assert (result.cases, result.changed) == (3, 1)
    [change] = result.changes
    assert (change.what, change.before, change.after) == ("costs", "costs stated", "higher costs")
    assert change.money == Decimal("47.25")  # 21% VAT on € 225
    assert result.money is not None
    assert (result.money.before, result.money.after) == (Decimal("225.00"), Decimal("272.25"))
    assert result.facts()["money_difference"] == "47.25"


def test_waiving_costs_for_a_first_arrears_in_a_year_takes_them_off():
    tenancy = _growing_to_a_final_notice()

    def generous(document: dict[str, Any]) -> None:
        document["first_arrears_no_costs_years"] = 1  # the tenancy had no arrears in its first year

    result = replay.replay(_draft(policy_rules.KEY, generous), Period(OCTOBER, dt.date(2026, 10, 12)))
    changes = {c.what: c for c in result.changes}
    assert (changes["costs"].before, changes["costs"].after) == ("costs stated", "no costs")
    assert changes["costs"].money == Decimal("-225.00")
    assert changes["costs"].examples == [tenancy.reference]


def test_a_hold_recorded_on_the_decision_is_kept_in_the_replay():
    young = _young_tenancy()
    helm.hold_place(
        subject=young,
        by=UserFactory(),
        reason="Ik bel zelf",
        now=dt.datetime(2026, 10, 1, 9, tzinfo=AMSTERDAM),
    )
    collections_run(run_date=dt.date(2026, 10, 9))
    assert RunDecision.objects.get(tenancy=young).route == Route.HELD

    result = replay.replay(_draft(policy_rules.KEY, _lower_threshold), PERIOD)

    assert (result.cases, result.changed) == (1, 0)


def _replay_queries(draft, period: Period) -> int:
    with CaptureQueriesContext(connection) as queries:
        replay.replay(draft, period)
    return len(queries)


def test_the_replay_reads_in_batches_not_per_tenancy():
    _assist()
    _young_tenancy()
    for day in (dt.date(2026, 10, 9), dt.date(2026, 10, 10)):
        collections_run(run_date=day)
    for _ in range(4):
        _young_tenancy()
    for day in (dt.date(2026, 10, 11), dt.date(2026, 10, 12)):
        collections_run(run_date=day)
    assert RunDecision.objects.filter(run__run_date__gte=dt.date(2026, 10, 11)).count() == 10
    draft = _draft(policy_rules.KEY, _lower_threshold)

    # Two run days each: one tenancy decided on each day, then five.
    one = _replay_queries(draft, Period(dt.date(2026, 10, 9), dt.date(2026, 10, 10)))
    five = _replay_queries(draft, Period(dt.date(2026, 10, 11), dt.date(2026, 10, 12)))

    assert one == five


# --- the letter texts ----------------------------------------------------------------------------


def test_a_changed_reminder_text_is_found_with_its_diff():
    late = tenancy_with_ledger(
        start=dt.date(2022, 1, 1), until=OCTOBER, pays=_late_payer, unpaid=[OCTOBER], email=""
    )
    collections_run(run_date=dt.date(2026, 10, 9))
    assert Letter.objects.get(tenancy=late).kind == LetterKind.REMINDER

    def friendlier(document: dict[str, Any]) -> None:
        reminder = document["routes"]["automated"]["letters"]["reminder"]
        reminder["body"] = reminder["body"].replace("Misschien bent u het vergeten.", "Dat kan gebeuren.")

    result = replay.replay(_draft(letter_rules.KEY, friendlier), PERIOD)

    assert (result.cases, result.changed, result.warnings) == (1, 1, [])
    [change] = result.changes
    assert change.what == "text:automated:reminder"
    assert change.label == "Reminder — Automated letters"
    assert change.examples == [late.reference]
    assert any(line.startswith("-") and "vergeten" in line for line in change.diff)
    assert any(line.startswith("+") and "Dat kan gebeuren." in line for line in change.diff)

    unchanged = replay.replay(_draft(letter_rules.KEY, lambda document: None), PERIOD)
    assert (unchanged.cases, unchanged.changed, unchanged.changes) == (1, 0, [])


def test_a_personal_message_that_drops_the_objection_day_is_flagged_as_a_legal_gap():
    loyal = tenancy_with_ledger(start=dt.date(1996, 1, 1), until=OCTOBER, unpaid=[OCTOBER])
    collections_run(run_date=dt.date(2026, 10, 9))
    assert Letter.objects.get(tenancy=loyal).kind == LetterKind.PERSONAL_MESSAGE

    def no_offer(document: dict[str, Any]) -> None:
        message = document["routes"]["human_contact"]["letters"]["personal_message"]
        message["body"] = message["body"].split("Liever niet?")[0] + "Met vriendelijke groet,\n{sender}"

    result = replay.replay(_draft(letter_rules.KEY, no_offer), PERIOD)

    assert result.changed == 1
    assert result.warnings == [
        "Personal message — A person makes contact does not state {objection_deadline}"
    ]
    legal = next(c for c in result.changes if c.what == "legal")
    assert (legal.before, legal.after, legal.examples) == (
        "Personal message — A person makes contact: {objection_deadline}",
        "missing",
        [loyal.reference],
    )


def test_a_final_notice_without_the_vat_note_is_flagged_only_when_the_policy_adds_vat():
    document = copy.deepcopy(rules.live_version(letter_rules.KEY).document)
    notice = document["routes"]["automated"]["letters"]["final_notice"]
    notice["body"] = notice["body"].replace("{vat_note}", "")
    assert draft_warnings(document, vat_on_costs=False) == []
    assert draft_warnings(document, vat_on_costs=True) == [
        "Final notice (14 days) — Automated letters does not state {vat_note}"
    ]
