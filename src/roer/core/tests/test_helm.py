import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roer.accounts.tests.factories import UserFactory
from roer.core import helm, rules
from roer.core.constants import Flow, Mode
from roer.core.models import Decision, JournalEvent
from roer.core.subjects import SubjectRef

from .test_rules import KEY

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
TENANCY = SubjectRef("tenancies.tenancy", "42")


def period(since_h: int, until_h: int | None = None, released_h: int | None = None) -> helm.HoldPeriod:
    return helm.HoldPeriod(
        since=NOW + dt.timedelta(hours=since_h),
        until=None if until_h is None else NOW + dt.timedelta(hours=until_h),
        released_at=None if released_h is None else NOW + dt.timedelta(hours=released_h),
        reason="in gesprek",
    )


def test_autopilot_acts_when_nothing_holds():
    verdict = helm.automation_verdict(mode=Mode.AUTO, holds=[], now=NOW)
    assert verdict.act and verdict.propose


def test_assist_only_proposes_and_manual_does_nothing():
    assert helm.automation_verdict(mode=Mode.ASSIST, holds=[], now=NOW) == helm.Verdict(
        act=False, propose=True, reason=helm.automation_verdict(mode=Mode.ASSIST, holds=[], now=NOW).reason
    )
    manual = helm.automation_verdict(mode=Mode.MANUAL, holds=[], now=NOW)
    assert not manual.act and not manual.propose


@pytest.mark.parametrize(
    ("hold", "holds_now"),
    [
        (period(-1), True),
        (period(-2, until_h=1), True),
        (period(-2, until_h=0), False),  # ended exactly now
        (period(-2, released_h=-1), False),
        (period(1), False),  # starts later
    ],
)
def test_a_hold_stops_automation_only_while_it_lasts(hold, holds_now):
    verdict = helm.automation_verdict(mode=Mode.AUTO, holds=[hold], now=NOW)
    assert verdict.act is not holds_now
    if holds_now:
        assert "in gesprek" in verdict.reason


@given(mode=st.sampled_from(list(Mode)), since=st.integers(-100, 0), until=st.integers(1, 100))
def test_an_active_hold_beats_every_mode(mode, since, until):
    verdict = helm.automation_verdict(mode=mode, holds=[period(since, until_h=until)], now=NOW)
    assert not verdict.act and not verdict.propose


@pytest.mark.django_db
def test_mode_changes_are_journaled_and_read_back():
    supervisor = UserFactory(roles=["process_supervisor"])
    assert helm.flow_mode(Flow.DUNNING) == Mode.AUTO
    helm.flow_mode_set(flow=Flow.DUNNING, mode=Mode.MANUAL, by=supervisor, reason="nieuwe beleidsregels")
    assert helm.flow_mode(Flow.DUNNING) == Mode.MANUAL
    assert helm.flow_modes()[Flow.REPAIR_INTAKE] == Mode.AUTO
    event = JournalEvent.objects.get(activity="flow_mode_changed")
    assert event.facts == {"flow": "dunning", "from": "auto", "to": "manual"}


@pytest.mark.django_db
def test_hold_and_release_through_the_services():
    manager = UserFactory(roles=["social_manager"])
    hold = helm.hold_place(subject=TENANCY, by=manager, reason="huisbezoek gepland", now=NOW)
    assert not helm.verdict_for(flow=Flow.DUNNING, subject=TENANCY, now=NOW + dt.timedelta(minutes=1)).act
    assert helm.holds_by_subject("tenancies.tenancy")["42"][0].reason == "huisbezoek gepland"
    helm.hold_release(hold=hold, by=manager, now=NOW + dt.timedelta(hours=1))
    assert helm.verdict_for(flow=Flow.DUNNING, subject=TENANCY, now=NOW + dt.timedelta(hours=2)).act
    activities = list(
        JournalEvent.objects.filter(activity__startswith="hold_").values_list("activity", flat=True)
    )
    assert activities == ["hold_placed", "hold_released"]


@pytest.mark.django_db
def test_a_hold_needs_a_reason_and_a_future_end():
    manager = UserFactory(roles=["social_manager"])
    with pytest.raises(ValueError):
        helm.hold_place(subject=TENANCY, by=manager, reason="  ")
    with pytest.raises(ValueError):
        helm.hold_place(subject=TENANCY, by=manager, reason="x", until=NOW - dt.timedelta(days=1), now=NOW)


@pytest.mark.django_db
def test_a_decision_records_its_rule_version_and_can_be_overridden():
    rules.install_defaults()
    version = rules.live_version(KEY)
    decision = helm.decision_record(
        flow=Flow.DUNNING,
        subject=TENANCY,
        outcome="reminder",
        reasons=["Twee maanden achterstand"],
        inputs={"months": 2},
        rule_version=version,
    )
    officer = UserFactory(roles=["collections_officer"])
    with pytest.raises(ValueError):
        helm.decision_override(decision=decision, by=officer, outcome="none", reason="")
    helm.decision_override(decision=decision, by=officer, outcome="none", reason="Regeling afgesproken")
    decision = Decision.objects.get(pk=decision.pk)
    assert decision.effective_outcome == "none"
    assert decision.overridden_by == officer
    override = JournalEvent.objects.get(activity="decision_overridden")
    assert override.facts == {"flow": "dunning", "from": "reminder", "to": "none"}
    assert override.rule_versions.get().rule_version == version


def _items(count: int, version) -> list[helm.DecisionItem]:
    return [
        helm.DecisionItem(
            flow=Flow.DUNNING,
            subject=SubjectRef("tenancies.tenancy", str(100 + n)),
            outcome="automated",
            reasons=[f"reden {n}"],
            inputs={"arrears": Decimal("750.00"), "days": n},
            rule_version=version,
            decided_at=NOW,
        )
        for n in range(count)
    ]


@pytest.mark.django_db
def test_many_decisions_are_recorded_with_their_events_in_a_fixed_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rules.install_defaults()
    version = rules.live_version(KEY)
    with CaptureQueriesContext(connection) as two:
        helm.decision_record_many(_items(2, version))
    with CaptureQueriesContext(connection) as twenty:
        decisions = helm.decision_record_many(_items(20, version))

    assert len(two) == len(twenty)
    assert helm.decision_record_many([]) == []
    assert [d.subject_id for d in decisions] == [str(100 + n) for n in range(20)]
    stored = Decision.objects.get(pk=decisions[3].pk)
    assert stored.inputs == {"arrears": "750.00", "days": 3} and stored.reasons == ["reden 3"]
    assert stored.rule_version == version and stored.decided_at == NOW
    event = JournalEvent.objects.get(activity="decision_taken", subjects__subject_id=str(decisions[3].pk))
    assert {(s.kind, s.subject_id) for s in event.subjects.all()} == {
        ("tenancies.tenancy", "103"),
        ("core.decision", str(decisions[3].pk)),
    }
    assert event.facts == {"flow": "dunning", "outcome": "automated"}
    assert event.rule_versions.get().rule_version == version
    assert JournalEvent.objects.filter(activity="decision_taken").count() == 22
