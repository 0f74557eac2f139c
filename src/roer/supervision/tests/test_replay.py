"""Replaying a draft over hand-built past cases gives exactly the changes the draft makes."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.answers.constants import KEY as ANSWERS_KEY
from roer.answers.models import UnansweredSearch
from roer.core import rules
from roer.core.constants import RuleVersionStatus
from roer.core.dates import start_of_day
from roer.core.models import JournalEvent, RuleSet, RuleVersion
from roer.repairs.routing import KEY as ROUTING_KEY
from roer.repairs.tests.factories import RepairRequestFactory, WorkOrderFactory
from roer.repairs.wizard_rules import KEY as WIZARD_KEY
from roer.supervision import replay
from roer.supervision.replay import Period

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

PERIOD = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
INSIDE = start_of_day(dt.date(2026, 10, 15)) + dt.timedelta(hours=10)
BEFORE = start_of_day(dt.date(2026, 9, 30)) + dt.timedelta(hours=23)
AFTER = start_of_day(dt.date(2026, 11, 1))


def _problem(document: dict[str, Any], problem_id: str) -> dict[str, Any]:
    for area in document["areas"]:
        for location in area["locations"]:
            for element in location["elements"]:
                for problem in element["problems"]:
                    if problem["id"] == problem_id:
                        return problem
    raise AssertionError(problem_id)


def _draft(key: str, change) -> Any:
    document = copy.deepcopy(rules.live_version(key).document)
    change(document)
    return rules.rule_version_draft(key=key, document=document, note="test")


def _dripping_tap_is_ours(document: dict[str, Any]) -> None:
    _problem(document, "tap-dripping")["outcome"].update(
        responsibility="corporation",
        urgency="normal",
        clause=None,
        covered_by_service_subscription=False,
    )


def test_a_draft_that_makes_the_dripping_tap_ours_turns_past_tenant_part_requests_into_ours():
    inside = [RepairRequestFactory(tenant_part=True, submitted_at=INSIDE) for _ in range(3)]
    # Outside the period, or another problem, or an answer whose own outcome wins: not changed.
    RepairRequestFactory(tenant_part=True, submitted_at=BEFORE)
    RepairRequestFactory(tenant_part=True, submitted_at=AFTER)
    RepairRequestFactory(submitted_at=INSIDE)  # boiler-broken
    RepairRequestFactory(tenant_part=True, answers={"tap-itself": "broken"}, submitted_at=INSIDE)

    draft = _draft(WIZARD_KEY, _dripping_tap_is_ours)
    result = replay.replay(draft, PERIOD)

    assert result.cases == 5
    assert result.changed == 3
    assert result.not_replayable == 0
    by_kind = {(c.what, c.before, c.after): c for c in result.changes}
    assert set(by_kind) == {
        ("responsibility", "tenant", "corporation"),
        ("urgency", replay.NOTHING, "normal"),
        ("clause", "d", replay.NOTHING),
    }
    responsibility = by_kind[("responsibility", "tenant", "corporation")]
    assert responsibility.count == 3
    assert responsibility.examples == [r.code for r in inside]
    assert dict(result.totals()) == {"Responsibility": 3, "Urgency": 3, "Clause": 3}


def test_the_live_version_itself_changes_nothing():
    RepairRequestFactory(tenant_part=True, submitted_at=INSIDE)
    RepairRequestFactory(submitted_at=INSIDE)
    result = replay.replay(rules.live_version(WIZARD_KEY), PERIOD)
    assert (result.cases, result.changed, result.changes) == (2, 0, [])


def test_a_problem_the_draft_no_longer_has_is_counted_as_not_replayable():
    request = RepairRequestFactory(tenant_part=True, submitted_at=INSIDE)

    def rename(document: dict[str, Any]) -> None:
        _problem(document, "tap-dripping")["id"] = "tap-drips"
        document["emergency_shortcuts"] = [i for i in document["emergency_shortcuts"] if i != "tap-dripping"]

    result = replay.replay(_draft(WIZARD_KEY, rename), PERIOD)
    assert result.not_replayable == 1
    assert result.changes[0].what == "problem"
    assert result.changes[0].examples == [request.code]


def test_routing_replay_counts_the_orders_that_move_per_contractor_pair():
    moved = [WorkOrderFactory(request__trade="CVI", created_at=INSIDE) for _ in range(2)]
    WorkOrderFactory(request__trade="CVI", created_at=BEFORE)
    WorkOrderFactory(request__trade="LOO", request__problem_id="tap-dripping", created_at=INSIDE)

    def heating_to_the_east(document: dict[str, Any]) -> None:
        document["defaults"]["CVI"] = "klimaat-oost"

    result = replay.replay(_draft(ROUTING_KEY, heating_to_the_east), PERIOD)
    assert result.cases == 3
    assert result.changed == 2
    [change] = result.changes
    assert (change.before, change.after, change.count) == ("warmte-totaal", "klimaat-oost", 2)
    assert change.examples == [order.code for order in moved]


def test_answers_replay_finds_the_searches_a_new_keyword_would_answer():
    for when in (INSIDE, INSIDE, BEFORE):
        UnansweredSearch.objects.create(text="xylofoonles", normalised="xylofoonles", created_at=when)
    UnansweredSearch.objects.create(text="qwzrtp", normalised="qwzrtp", created_at=INSIDE)
    live = replay.replay(rules.live_version(ANSWERS_KEY), PERIOD)
    assert (live.cases, live.changed) == (3, 0)

    def teach(document: dict[str, Any]) -> None:
        document["answers"][0]["keywords"].append("xylofoonles")

    result = replay.replay(_draft(ANSWERS_KEY, teach), PERIOD)
    assert (result.cases, result.changed) == (3, 2)
    [change] = result.changes
    assert (change.before, change.after, change.count) == (replay.NOTHING, "rent-increase", 2)


def test_every_rule_set_is_replayable_and_an_unknown_one_is_refused():
    # Every product rule set; core's own tests register a "test-…" one of their own.
    product = [key for key in rules.REGISTRY if not key.startswith("test-")]
    assert len(product) >= 5 and all(replay.replayable(key) for key in product)
    unknown = RuleVersion(rule_set=RuleSet(key="no-such-rules"), number=1, document={})
    assert not replay.replayable("no-such-rules")
    with pytest.raises(replay.NotReplayable):
        replay.replay(unknown, PERIOD)


def test_replay_is_journaled_with_counts_only():
    RepairRequestFactory(tenant_part=True, submitted_at=INSIDE)
    draft = _draft(WIZARD_KEY, _dripping_tap_is_ours)
    supervisor = UserFactory(roles=[Role.PROCESS_SUPERVISOR])
    result = replay.replay(draft, PERIOD)
    replay.replay_record(version=draft, result=result, by=supervisor)
    event = JournalEvent.objects.get(activity="rule_version_replayed")
    assert event.facts == {
        "rule_set": WIZARD_KEY,
        "number": draft.number,
        "live_number": rules.live_version(WIZARD_KEY).number,
        "first_day": "2026-10-01",
        "last_day": "2026-10-31",
        "cases": 1,
        "changed": 1,
        "not_replayable": 0,
    }
    assert event.actor_id == supervisor.pk


def test_publishing_needs_a_reason_and_keeps_it_on_the_note():
    draft = _draft(WIZARD_KEY, _dripping_tap_is_ours)
    supervisor = UserFactory(roles=[Role.PROCESS_SUPERVISOR])
    with pytest.raises(ValueError):
        replay.draft_publish(version=draft, by=supervisor, reason="  ")
    draft.refresh_from_db()
    assert draft.status == RuleVersionStatus.DRAFT
    published = replay.draft_publish(version=draft, by=supervisor, reason="Leertjes doen wij voortaan")
    assert published.status == RuleVersionStatus.PUBLISHED
    assert "Leertjes doen wij voortaan" in published.note
    published_event = JournalEvent.objects.filter(activity="rule_version_published").last()
    assert "Leertjes" not in str(published_event.facts)


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        Period(dt.date(2026, 10, 2), dt.date(2026, 10, 1))
