"""The review queue: the nightly filler picks each reason (and a deterministic sample), is idempotent and
costs a fixed number of queries; tagging is validated, final and journaled; the meter counts the tags."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core import journal
from roer.core.constants import Channel
from roer.core.dates import AMSTERDAM
from roer.core.models import JournalEvent, RuleVersion
from roer.core.rules import live_version
from roer.core.subjects import SubjectRef
from roer.supervision import review, review_selectors, rollups
from roer.supervision.meters import BY_KEY
from roer.supervision.models import MeterDay, ReviewItem, ReviewReason, ReviewState
from roer.supervision.tasks import fill_review_queue

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
START = dt.datetime.combine(DAY, dt.time(), tzinfo=AMSTERDAM)
END = START + dt.timedelta(days=1)


@dataclass(frozen=True)
class Actor:
    pk: int
    journal_actor_kind: str


TENANT = Actor(1, "tenant")
STAFF = Actor(2, "staff")
CONTRACTOR = Actor(3, "contractor")


def at(hour: int = 12, days: int = 0) -> dt.datetime:
    return START + dt.timedelta(days=days, hours=hour)


def ref(kind: str, id: Any) -> SubjectRef:
    return SubjectRef(kind=kind, id=str(id))


def request_(n: int) -> SubjectRef:
    return ref("repairs.repairrequest", n)


def tenancy(n: int) -> SubjectRef:
    return ref("tenancies.tenancy", n)


def answer(answer_id: str) -> SubjectRef:
    return ref("answers.answer", answer_id)


def event(
    activity: str,
    subjects: Iterable[SubjectRef],
    *,
    when: dt.datetime | None = None,
    actor: Actor | None = None,
    channel: str = "",
    facts: dict[str, Any] | None = None,
    versions: Iterable[RuleVersion] = (),
) -> JournalEvent:
    return journal.record(
        activity=activity,
        subjects=list(subjects),
        actor=actor,  # type: ignore[arg-type]
        channel=channel,
        facts=facts or {},
        rule_versions=list(versions),
        occurred_at=when or at(),
    )


@pytest.fixture
def wizard() -> RuleVersion:
    return live_version("repair-wizard")


@pytest.fixture
def answers() -> RuleVersion:
    return live_version("answers")


@pytest.fixture
def routing() -> RuleVersion:
    return live_version("contractor-routing")


@pytest.fixture
def reviewer():
    return UserFactory(roles=[Role.PROCESS_SUPERVISOR])


def feedback(tenancy_n: int, helped: bool, answers: RuleVersion, **kw: Any) -> JournalEvent:
    return event(
        "answer_feedback",
        [tenancy(tenancy_n), answer("housing-allowance")],
        actor=TENANT,
        channel=Channel.PORTAL,
        facts={"answer_id": "housing-allowance", "topic": "rent", "helped": helped},
        versions=[answers],
        **kw,
    )


def flagged(n: int, wizard: RuleVersion, routing: RuleVersion, **kw: Any) -> JournalEvent:
    return event(
        "work_order_flagged",
        [ref("repairs.workorder", n), request_(n), tenancy(n)],
        actor=CONTRACTOR,
        facts={"flag": "wrong_trade", "problem_id": "tap-dripping"},
        versions=[wizard, routing],
        **kw,
    )


def graded(n: int, grade: int, wizard: RuleVersion, **kw: Any) -> JournalEvent:
    return event(
        "satisfaction_recorded",
        [ref("repairs.satisfactionresponse", n), request_(n), tenancy(n)],
        actor=TENANT,
        channel=Channel.PORTAL,
        facts={"grade": grade, "problem_id": "tap-dripping"},
        versions=[wizard],
        **kw,
    )


def contact(tenancy_n: int, topic: str, channel: str = Channel.PHONE, **kw: Any) -> JournalEvent:
    return event(
        "contact_logged",
        [tenancy(tenancy_n), ref("casework.contactmoment", tenancy_n)],
        actor=STAFF,
        channel=channel,
        facts={"topic": topic, "direction": "in", "succeeded": True},
        **kw,
    )


def viewed(tenancy_n: int, contact_topic: str, answers: RuleVersion, **kw: Any) -> JournalEvent:
    return event(
        "answer_viewed",
        [tenancy(tenancy_n), answer("housing-allowance")],
        actor=TENANT,
        channel=Channel.PORTAL,
        facts={"answer_id": "housing-allowance", "topic": "rent", "contact_topic": contact_topic},
        versions=[answers],
        **kw,
    )


def queued() -> set[tuple[int, str]]:
    return set(ReviewItem.objects.values_list("event_id", "reason"))


# --- filling -------------------------------------------------------------------------------------------


def test_the_filler_picks_each_reason(wizard, answers, routing):
    unhelpful = feedback(1, False, answers)
    feedback(2, True, answers)  # helped: not queued
    flag = flagged(3, wizard, routing)
    low = graded(4, 5, wizard)
    graded(5, 6, wizard)  # 6 is not below 6
    viewed(6, "rent_account", answers, when=at(days=-2))
    switch = contact(6, "rent_account")
    contact(6, "repair")  # no portal visit on repairs before it
    contact(7, "rent_account")  # no visit at all
    viewed(8, "rent_account", answers, when=at(days=-8))
    contact(8, "rent_account")  # the visit was more than 7 days before
    flagged(9, wizard, routing, when=at(days=1))  # the next day

    result = review.review_queue_fill(day=DAY, sample_percent=Decimal(0))

    assert queued() == {
        (unhelpful.pk, ReviewReason.DID_NOT_HELP),
        (flag.pk, ReviewReason.CONTRACTOR_FLAG),
        (low.pk, ReviewReason.LOW_GRADE),
        (switch.pk, ReviewReason.CHANNEL_SWITCH),
    }
    assert result.added == {"did_not_help": 1, "contractor_flag": 1, "low_grade": 1, "channel_switch": 1}
    assert result.total == 4


def test_an_item_keeps_its_story_subject_moment_and_rule_versions(wizard, answers, routing):
    flag = flagged(3, wizard, routing, when=at(9))
    unhelpful = feedback(1, False, answers)
    review.review_queue_fill(day=DAY, sample_percent=Decimal(0))

    item = ReviewItem.objects.get(event=flag)
    assert (item.subject_kind, item.subject_id) == ("repairs.repairrequest", "3")  # the request's story
    assert item.occurred_at == at(9)
    assert item.state == ReviewState.OPEN
    assert set(item.rule_versions.values_list("pk", flat=True)) == {wizard.pk, routing.pk}
    item = ReviewItem.objects.get(event=unhelpful)
    assert (item.subject_kind, item.subject_id) == ("tenancies.tenancy", "1")
    assert list(item.rule_versions.all()) == [answers]


def test_story_subject_prefers_request_then_tenancy_then_answer():
    assert review.story_subject([("answers.answer", "a"), ("tenancies.tenancy", "1")]) == (
        "tenancies.tenancy",
        "1",
    )
    assert review.story_subject([("answers.answer", "a"), ("answers.answerfeedback", "9")]) == (
        "answers.answer",
        "a",
    )
    assert review.story_subject([("x.y", "2"), ("x.a", "1")]) == ("x.a", "1")


def test_the_sample_takes_portal_interactions_only(wizard, answers):
    portal = [
        event(
            "repair_request_submitted",
            [request_(1), tenancy(1)],
            actor=TENANT,
            channel=Channel.PORTAL,
            versions=[wizard],
        ),
        viewed(2, "rent_account", answers),
        event(
            "callback_requested",
            [tenancy(3)],
            actor=TENANT,
            channel=Channel.PORTAL,
            facts={"topic": "repair"},
        ),
        event("wizard_step", [tenancy(4)], actor=TENANT, channel=Channel.PORTAL, facts={"step": "abandoned"}),
    ]
    event(
        "repair_request_submitted",
        [request_(5), tenancy(5)],
        actor=STAFF,
        channel=Channel.PHONE,
        versions=[wizard],
    )
    event("wizard_step", [tenancy(6)], actor=TENANT, channel=Channel.PORTAL, facts={"step": "searched"})
    event("rent_charged", [tenancy(7)])

    review.review_queue_fill(day=DAY, sample_percent=Decimal(100))

    assert queued() == {(e.pk, ReviewReason.SAMPLE) for e in portal}


def test_the_sample_is_deterministic_and_near_its_rate():
    ids = range(1, 20_001)
    tenth = {pk for pk in ids if review.sampled(pk, Decimal(10))}
    assert tenth == {pk for pk in ids if review.sampled(pk, Decimal(10))}  # the same every time
    assert 1_800 < len(tenth) < 2_200
    fifth = {pk for pk in ids if review.sampled(pk, Decimal(20))}
    assert tenth < fifth  # a higher rate keeps what a lower one took
    assert not any(review.sampled(pk, Decimal(0)) for pk in ids)
    assert all(review.sampled(pk, Decimal(100)) for pk in ids)


def test_the_filler_samples_what_the_hash_says_and_a_rerun_picks_the_same(answers, settings):
    settings.REVIEW_SAMPLE_PERCENT = Decimal(50)
    views = [viewed(n, "rent_account", answers, when=at(8) + dt.timedelta(minutes=n)) for n in range(40)]
    first = review.review_queue_fill(day=DAY)
    expected = {(e.pk, ReviewReason.SAMPLE) for e in views if review.sampled(e.pk, Decimal(50))}
    assert 0 < len(expected) < 40
    assert queued() == expected
    assert first.added == {"sample": len(expected)}

    again = review.review_queue_fill(day=DAY)
    assert again.added == {}
    assert queued() == expected


def test_the_filler_is_idempotent_and_adds_only_what_is_new(wizard, answers, routing):
    feedback(1, False, answers)
    flagged(3, wizard, routing)
    review.review_queue_fill(day=DAY, sample_percent=Decimal(0))
    before = queued()
    assert review.review_queue_fill(day=DAY, sample_percent=Decimal(0)).total == 0
    assert queued() == before

    late = graded(4, 2, wizard, when=at(23))  # journaled after the first run, dated on the day
    result = review.review_queue_fill(day=DAY, sample_percent=Decimal(0))
    assert result.added == {"low_grade": 1}
    assert queued() == before | {(late.pk, ReviewReason.LOW_GRADE)}


def test_one_event_may_be_queued_for_two_reasons(answers):
    viewed(2, "rent_account", answers, when=at(8))
    callback = event(
        "callback_requested",
        [tenancy(2)],
        actor=TENANT,
        channel=Channel.PORTAL,
        facts={"topic": "rent_account"},
    )
    review.review_queue_fill(day=DAY, sample_percent=Decimal(100))
    assert {(callback.pk, ReviewReason.SAMPLE), (callback.pk, ReviewReason.CHANNEL_SWITCH)} <= queued()
    assert ReviewItem.objects.filter(event=callback).count() == 2


def _fill_reads(day: dt.date) -> int:
    """The queries of one day's fill other than its batched INSERTs."""
    with CaptureQueriesContext(connection) as captured:
        review.review_queue_fill(day=day, sample_percent=Decimal(100))
    return sum(1 for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT"))


def test_a_day_costs_the_same_queries_whatever_its_size(wizard, answers, routing):
    """The reads are a fixed handful; the new items go in with batched INSERTs."""
    for n in range(2):
        feedback(n, False, answers)
        flagged(n, wizard, routing)
        graded(n, 3, wizard)
        viewed(n, "rent_account", answers, when=at(1))
        contact(n, "rent_account")
    small = _fill_reads(DAY)
    later = DAY + dt.timedelta(days=1)
    for n in range(40):
        feedback(n, False, answers, when=at(days=1))
        flagged(n, wizard, routing, when=at(days=1))
        graded(n, 3, wizard, when=at(days=1))
        viewed(n, "rent_account", answers, when=at(1, days=1))
        contact(n, "rent_account", when=at(days=1))
    assert _fill_reads(later) == small
    # each of the five reasons 40 times: the viewed answers are the sample
    assert ReviewItem.objects.filter(occurred_at__gte=at(0, days=1)).count() == 40 * 5


# --- tagging -------------------------------------------------------------------------------------------


@pytest.fixture
def item(wizard, routing) -> ReviewItem:
    flagged(3, wizard, routing)
    review.review_queue_fill(day=DAY, sample_percent=Decimal(0))
    return ReviewItem.objects.get()


def test_tagging_is_saved_and_journaled_without_the_note(item, reviewer, wizard, routing):
    review.review_item_tag(
        item=item, by=reviewer, tags=["unclear_text", "wrong_action"], note=" Called the wrong trade. "
    )
    item.refresh_from_db()
    assert item.state == ReviewState.REVIEWED
    assert item.reviewer == reviewer
    assert item.reviewed_at is not None
    assert item.note == "Called the wrong trade."
    assert sorted(item.tags.values_list("tag", flat=True)) == ["unclear_text", "wrong_action"]

    tagged = JournalEvent.objects.get(activity="review_tagged")
    assert tagged.facts == {
        "tags": ["wrong_action", "unclear_text"],
        "reason": "contractor_flag",
        "problem": True,
    }
    assert tagged.actor_kind == "staff" and tagged.actor_id == reviewer.pk
    assert list(tagged.subjects.values_list("kind", "subject_id")) == [
        ("supervision.reviewitem", str(item.pk))
    ]
    assert set(tagged.rule_versions.values_list("rule_version_id", flat=True)) == {wizard.pk, routing.pk}


def test_fine_is_no_problem(item, reviewer):
    review.review_item_tag(item=item, by=reviewer, tags=["fine"])
    assert JournalEvent.objects.get(activity="review_tagged").facts["problem"] is False


@pytest.mark.parametrize("tags", [[], ["fine", "wrong_answer"], ["nonsense"]])
def test_invalid_tags_are_refused_and_change_nothing(item, reviewer, tags):
    with pytest.raises(ValueError):
        review.review_item_tag(item=item, by=reviewer, tags=tags)
    item.refresh_from_db()
    assert item.state == ReviewState.OPEN
    assert not JournalEvent.objects.filter(activity="review_tagged").exists()


def test_a_review_is_final(item, reviewer):
    review.review_item_tag(item=item, by=reviewer, tags=["fine"])
    with pytest.raises(review.ReviewClosed):
        review.review_item_tag(item=item, by=reviewer, tags=["system_error"])
    assert list(item.tags.values_list("tag", flat=True)) == ["fine"]
    assert JournalEvent.objects.filter(activity="review_tagged").count() == 1


# --- the meter -----------------------------------------------------------------------------------------


def test_the_meter_counts_the_tags_of_the_day(wizard, answers, routing, reviewer):
    for n in range(3):
        flagged(n, wizard, routing)
    for n in range(2):
        feedback(n, False, answers)
    review.review_queue_fill(day=DAY, sample_percent=Decimal(0))
    flags = list(ReviewItem.objects.filter(reason=ReviewReason.CONTRACTOR_FLAG).order_by("id"))
    unhelpful = list(ReviewItem.objects.filter(reason=ReviewReason.DID_NOT_HELP).order_by("id"))

    with time_machine.travel(at(14), tick=False):
        review.review_item_tag(item=flags[0], by=reviewer, tags=["wrong_action", "system_error"])
        review.review_item_tag(item=flags[1], by=reviewer, tags=["fine"])
        review.review_item_tag(item=unhelpful[0], by=reviewer, tags=["wrong_answer"])
    with time_machine.travel(at(14, days=1), tick=False):
        review.review_item_tag(item=unhelpful[1], by=reviewer, tags=["wrong_answer"])  # the next day

    rows = {
        (r.dimension, r.value): (r.numerator, r.denominator)
        for r in BY_KEY["review_tags"].compute(START, END)
    }
    assert rows[("", "")] == (2, 3)
    assert rows[("reason", "contractor_flag")] == (1, 2)
    assert rows[("reason", "did_not_help")] == (1, 1)
    assert rows[("tag", "wrong_action")] == (1, 3)
    assert rows[("tag", "system_error")] == (1, 3)
    assert rows[("tag", "wrong_answer")] == (1, 3)
    assert rows[("tag", "fine")] == (1, 3)
    assert rows[("tag", "unclear_text")] == (0, 3)
    assert ("reason", "sample") not in rows
    assert all(r.rule_version_id is None for r in BY_KEY["review_tags"].compute(START, END))

    rollups.meter_day_rollup(meter=BY_KEY["review_tags"], day=DAY)
    whole = MeterDay.objects.get(meter="review_tags", day=DAY, dimension="")
    assert (whole.numerator, whole.denominator) == (2, 3)
    assert BY_KEY["review_tags"].value(2, 3) == Decimal("66.7")


def test_a_day_without_reviews_has_no_rows():
    assert BY_KEY["review_tags"].compute(START, END) == []


# --- reading -------------------------------------------------------------------------------------------


def test_the_queue_is_oldest_first_and_counts_per_reason(wizard, answers, routing, reviewer):
    late = flagged(1, wizard, routing, when=at(20))
    early = feedback(2, False, answers, when=at(8))
    flagged(3, wizard, routing, when=at(days=2))
    review.review_queue_fill(day=DAY, sample_percent=Decimal(0))
    review.review_queue_fill(day=DAY + dt.timedelta(days=2), sample_percent=Decimal(0))

    assert [i.event_id for i in review_selectors.queue(first=DAY, last=DAY)] == [early.pk, late.pk]
    assert [i.event_id for i in review_selectors.queue(reason="contractor_flag", last=DAY)] == [late.pk]
    counts = review_selectors.counts_per_reason(state="open")
    assert counts == {
        "sample": 0,
        "did_not_help": 1,
        "channel_switch": 0,
        "contractor_flag": 2,
        "low_grade": 0,
    }

    review.review_item_tag(item=ReviewItem.objects.get(event=early), by=reviewer, tags=["fine"])
    assert review_selectors.counts_per_reason(state="open")["did_not_help"] == 0
    assert review_selectors.counts_per_reason(state="reviewed")["did_not_help"] == 1


def test_the_story_and_the_answer_concerned(answers):
    viewed(1, "rent_account", answers, when=at(8))
    shown = feedback(1, False, answers, when=at(9))
    event("rent_charged", [tenancy(1)], when=at(days=-20))  # outside the fortnight
    event("callback_requested", [tenancy(2)], actor=TENANT, channel=Channel.PORTAL, facts={"topic": "rent"})
    review.review_queue_fill(day=DAY, sample_percent=Decimal(0))
    item = review_selectors.get_item(ReviewItem.objects.get(event=shown).pk)

    assert [e.activity for e in review_selectors.story(item)] == ["answer_viewed", "answer_feedback"]
    concerned = review_selectors.concerned(item)
    assert concerned is not None
    assert (concerned.kind, concerned.id, concerned.version) == ("answer", "housing-allowance", answers)
    assert concerned.title and concerned.text


def test_the_problem_concerned(wizard, routing):
    flagged(3, wizard, routing)
    review.review_queue_fill(day=DAY, sample_percent=Decimal(0))
    concerned = review_selectors.concerned(review_selectors.get_item(ReviewItem.objects.get().pk))
    assert concerned is not None
    assert (concerned.kind, concerned.id) == ("problem", "tap-dripping")


# --- the command and the task ---------------------------------------------------------------------------


def test_the_command_fills_a_period(wizard, answers, routing):
    feedback(1, False, answers)
    flagged(2, wizard, routing, when=at(days=1))
    out = StringIO()
    call_command("fill_review_queue", "--from", "2026-03-10", "--to", "2026-03-11", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["from"] == "2026-03-10" and summary["to"] == "2026-03-11"
    assert summary["per_reason"]["did_not_help"] == 1
    assert summary["per_reason"]["contractor_flag"] == 1
    out = StringIO()
    call_command("fill_review_queue", "--from", "2026-03-10", "--to", "2026-03-11", stdout=out)
    assert "0 item(s) added." in out.getvalue()


def test_the_command_refuses_a_reversed_period():
    with pytest.raises(CommandError):
        call_command("fill_review_queue", "--from", "2026-03-11", "--to", "2026-03-10")
    with pytest.raises(CommandError):
        call_command("fill_review_queue", "--to", "2026-03-10")


def test_the_task_fills_yesterday_by_default(answers, settings):
    settings.REVIEW_SAMPLE_PERCENT = Decimal(0)
    feedback(1, False, answers)
    with time_machine.travel(at(3, days=1), tick=False):
        assert rollups.yesterday() == DAY
        result = fill_review_queue()
    assert result == {"date": "2026-03-10", "added": 1, "per_reason": {"did_not_help": 1}}
    assert fill_review_queue("2026-03-10")["added"] == 0


def test_the_beat_runs_the_filler_before_the_meter_rollup(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    fill, rollup = schedule["fill-review-queue"], schedule["rollup-meters"]
    assert fill["task"] == "roer.supervision.fill_review_queue"
    assert (fill["schedule"].hour, fill["schedule"].minute) == ({1}, {20})
    assert min(fill["schedule"].hour) <= min(rollup["schedule"].hour)
    assert min(fill["schedule"].minute) < min(rollup["schedule"].minute)


def _settings_load(tmp_path, percent: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(
        ROER_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="roer.conf.settings",
        ROER_REVIEW_SAMPLE_PERCENT=percent,
    )
    code = "import django; django.setup(); from django.conf import settings; print(settings.REVIEW_SAMPLE_PERCENT)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("percent", "ok"),
    [("0.5", True), ("100", True), ("150", False), ("-1", False), ("a", False), ("NaN", False)],
)
def test_the_sample_rate_setting_is_checked(tmp_path, percent, ok):
    loaded = _settings_load(tmp_path, percent)
    assert (loaded.returncode == 0) is ok, loaded.stderr
    if ok:
        assert Decimal(loaded.stdout.strip()) == Decimal(percent)
    else:
        assert "ROER_REVIEW_SAMPLE_PERCENT" in loaded.stderr
