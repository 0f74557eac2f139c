"""Each meter on a small hand-built journal gives exactly the expected numbers; rollups are idempotent and
cost a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roer.answers.models import UnansweredSearch
from roer.core import journal
from roer.core.constants import Channel
from roer.core.dates import AMSTERDAM
from roer.core.models import RuleVersion
from roer.core.rules import live_version
from roer.core.subjects import SubjectRef
from roer.supervision import meter_selectors, rollups
from roer.supervision.meters import BY_KEY, METERS, Row, example_requests
from roer.supervision.models import MeterDay
from roer.supervision.tasks import rollup_meters

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


def event(
    activity: str,
    subjects: Iterable[SubjectRef],
    *,
    when: dt.datetime | None = None,
    actor: Actor | None = None,
    channel: str = "",
    facts: dict[str, Any] | None = None,
    versions: Iterable[RuleVersion] = (),
) -> None:
    journal.record(
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


def rows_of(key: str) -> dict[tuple[str, str], Row]:
    rows = BY_KEY[key].compute(START, END)
    by_place = {(r.dimension, r.value): r for r in rows}
    assert len(by_place) == len(rows), "one row per dimension value (one rule version in these tests)"
    return by_place


def figures(row: Row) -> tuple[int, int, int]:
    return row.numerator, row.denominator, row.extra


def submit(
    n: int, tenancy_n: int, *, channel: str, actor: Actor, problem: str = "tap-dripping", **kw: Any
) -> None:
    versions = kw.pop("versions")
    event(
        "repair_request_submitted",
        [request_(n), tenancy(tenancy_n)],
        actor=actor,
        channel=channel,
        facts={"problem_id": problem, **kw.pop("facts", {})},
        versions=versions,
        **kw,
    )


def test_digital_share(wizard):
    submit(1, 1, channel=Channel.PORTAL, actor=TENANT, versions=[wizard])
    submit(2, 2, channel=Channel.PHONE, actor=STAFF, versions=[wizard])
    submit(3, 3, channel=Channel.DESK, actor=STAFF, problem="mould", versions=[wizard])
    submit(4, 4, channel=Channel.PORTAL, actor=TENANT, versions=[wizard], when=at(days=1))  # next day
    rows = rows_of("digital_share")
    assert figures(rows[("", "")]) == (1, 3, 0)
    assert rows[("", "")].rule_version_id == wizard.pk
    assert figures(rows[("problem", "tap-dripping")]) == (1, 2, 0)
    assert figures(rows[("problem", "mould")]) == (0, 1, 0)
    assert figures(rows[("channel", "TEL")]) == (1, 1, 0)
    assert BY_KEY["digital_share"].value(1, 3) == Decimal("33.3")


def test_straight_through_counts_requests_no_employee_touched(wizard):
    submit(1, 1, channel=Channel.PORTAL, actor=TENANT, versions=[wizard], when=at(days=-5))
    submit(2, 2, channel=Channel.PORTAL, actor=TENANT, versions=[wizard], when=at(days=-5))
    event("appointment_booked", [request_(2)], actor=STAFF, when=at(days=-3))
    submit(3, 3, channel=Channel.PHONE, actor=STAFF, versions=[wizard], when=at(days=-5))
    for n in (1, 2, 3):
        event(
            "work_order_reported",
            [ref("repairs.workorder", n), request_(n)],
            actor=CONTRACTOR,
            facts={"result": "done", "late": False},
            versions=[wizard],
        )
    event(
        "work_order_reported",
        [ref("repairs.workorder", 4), request_(4)],
        actor=CONTRACTOR,
        facts={"result": "not_done", "late": False},
        versions=[wizard],
    )
    rows = rows_of("straight_through")
    assert figures(rows[("", "")]) == (1, 3, 0)
    assert set(example_requests("straight_through", START, END)) == {"1", "2", "3"}


def step(
    session: str, name: str, *, problem: str | None = "tap-dripping", version: RuleVersion, **facts: Any
) -> None:
    event(
        "wizard_step",
        [tenancy(1)],
        actor=TENANT,
        channel=Channel.PORTAL,
        facts={"step": name, "problem": problem, "wizard_session": session, **facts},
        versions=[version],
    )


def test_wizard_funnel(wizard):
    a, b, c = "a" * 32, "b" * 32, "c" * 32
    step(a, "searched", problem=None, matched=True, version=wizard)
    step(a, "questions_shown", version=wizard)
    step(a, "outcome_shown", version=wizard)
    submit(1, 1, channel=Channel.PORTAL, actor=TENANT, versions=[wizard], facts={"wizard_session": a})
    step(b, "searched", problem=None, matched=True, version=wizard)
    step(b, "questions_shown", version=wizard)
    step(b, "back", version=wizard, to="questions")
    step(b, "questions_shown", version=wizard)
    step(c, "questions_shown", problem="mould", version=wizard)
    step(c, "abandoned", problem="mould", version=wizard)
    rows = rows_of("wizard_funnel")
    assert figures(rows[("", "")]) == (1, 3, 0)
    assert figures(rows[("step", "searched")]) == (2, 3, 2)
    assert figures(rows[("step", "questions_shown")]) == (3, 3, 4)
    assert figures(rows[("step", "outcome_shown")]) == (1, 3, 1)
    assert figures(rows[("step", "submitted")]) == (1, 3, 1)
    assert figures(rows[("step", "back")]) == (1, 3, 1)
    assert figures(rows[("step", "abandoned")]) == (1, 3, 1)
    assert figures(rows[("step:questions_shown", "tap-dripping")]) == (2, 0, 0)
    assert figures(rows[("step:questions_shown", "mould")]) == (1, 0, 0)
    assert figures(rows[("step:submitted", "tap-dripping")]) == (1, 0, 0)
    assert figures(rows[("step:back", "tap-dripping")]) == (1, 0, 0)
    assert figures(rows[("problem", "tap-dripping")]) == (1, 2, 0)  # half the runs that reached it
    assert figures(rows[("problem", "mould")]) == (0, 1, 0)


def test_channel_switch_same_topic_within_seven_days():
    # Tenancy 1: the wizard three days ago, then a phone call about a repair: a switch.
    event(
        "wizard_step",
        [tenancy(1)],
        actor=TENANT,
        channel=Channel.PORTAL,
        when=at(days=-3),
        facts={"step": "searched"},
    )
    event("contact_logged", [tenancy(1)], actor=STAFF, channel=Channel.PHONE, facts={"topic": "repair"})
    # Tenancy 2: an answer on the rent account ten days ago (too long), then a callback request: no switch.
    event(
        "answer_viewed",
        [tenancy(2)],
        actor=TENANT,
        channel=Channel.PORTAL,
        when=at(days=-10),
        facts={"contact_topic": "rent_account"},
    )
    event(
        "callback_requested",
        [tenancy(2)],
        actor=TENANT,
        channel=Channel.PORTAL,
        facts={"topic": "rent_account"},
    )
    # Tenancy 3: an answer on arrangements yesterday, then at the desk about it: a switch.
    event(
        "answer_viewed",
        [tenancy(3)],
        actor=TENANT,
        channel=Channel.PORTAL,
        when=at(days=-1),
        facts={"contact_topic": "arrangement"},
    )
    event("contact_logged", [tenancy(3)], actor=STAFF, channel=Channel.DESK, facts={"topic": "arrangement"})
    # Tenancy 4: an answer on the rent account, then a phone call about a repair: another topic.
    event(
        "answer_viewed",
        [tenancy(4)],
        actor=TENANT,
        channel=Channel.PORTAL,
        when=at(days=-1),
        facts={"contact_topic": "rent_account"},
    )
    event("contact_logged", [tenancy(4)], actor=STAFF, channel=Channel.PHONE, facts={"topic": "repair"})
    # An e-mail is no phone or desk contact.
    event("contact_logged", [tenancy(1)], actor=STAFF, channel=Channel.EMAIL, facts={"topic": "repair"})
    rows = rows_of("channel_switch")
    assert figures(rows[("", "")]) == (2, 4, 0)
    assert figures(rows[("topic", "repair")]) == (1, 2, 0)
    assert figures(rows[("topic", "arrangement")]) == (1, 1, 0)
    assert figures(rows[("topic", "rent_account")]) == (0, 1, 0)
    assert figures(rows[("via", "callback")]) == (0, 1, 0)
    assert figures(rows[("via", "BAL")]) == (1, 1, 0)


def test_wrong_answers(answers):
    for answer_id, helped in (("rent-due", False), ("rent-due", True), ("moving", False)):
        event(
            "answer_feedback",
            [ref("answers.answer", answer_id)],
            actor=TENANT,
            channel=Channel.PORTAL,
            facts={"answer_id": answer_id, "helped": helped},
            versions=[answers],
        )
    event(
        "callback_requested", [tenancy(1)], actor=TENANT, facts={"topic": "answer", "answer_id": "rent-due"}
    )
    rows = rows_of("wrong_answers")
    assert figures(rows[("", "")]) == (2, 3, 0)
    assert rows[("", "")].rule_version_id == answers.pk
    assert figures(rows[("answer", "rent-due")]) == (1, 2, 0)
    assert figures(rows[("answer", "moving")]) == (1, 1, 0)
    assert figures(rows[("callback_after", "rent-due")]) == (1, 0, 0)


def test_wrong_actions(wizard):
    submit(1, 1, channel=Channel.PORTAL, actor=TENANT, versions=[wizard], when=at(days=-10))
    submit(2, 1, channel=Channel.PORTAL, actor=TENANT, versions=[wizard])  # repeat of 1
    submit(3, 2, channel=Channel.PORTAL, actor=TENANT, versions=[wizard])  # another tenancy
    submit(4, 1, channel=Channel.PORTAL, actor=TENANT, versions=[wizard], problem="mould")  # another problem
    submit(5, 3, channel=Channel.PORTAL, actor=TENANT, versions=[wizard], when=at(days=-40))
    submit(6, 3, channel=Channel.PORTAL, actor=TENANT, versions=[wizard])  # 40 days later: no repeat
    for flag in ("wrong_trade", "no_access"):
        event("work_order_flagged", [request_(3)], actor=CONTRACTOR, facts={"flag": flag}, versions=[wizard])
    event("repair_request_cancelled", [request_(4)], actor=TENANT, versions=[wizard])
    event(
        "decision_overridden", [request_(3)], actor=STAFF, facts={"flow": "repair_intake"}, versions=[wizard]
    )
    event("decision_overridden", [tenancy(9)], actor=STAFF, facts={"flow": "dunning"})
    rows = rows_of("wrong_actions")
    assert figures(rows[("", "")]) == (4, 4, 0)
    assert figures(rows[("kind", "overridden")]) == (1, 0, 0)
    assert figures(rows[("kind", "repeat")]) == (1, 0, 0)
    assert figures(rows[("kind", "wrong_trade")]) == (1, 0, 0)
    assert figures(rows[("kind", "no_access")]) == (1, 0, 0)
    assert figures(rows[("kind", "cancelled")]) == (1, 0, 0)
    assert figures(rows[("repeat_problem", "tap-dripping")]) == (1, 0, 0)


def test_satisfaction(wizard):
    for n, (grade, intake, trade, contractor) in enumerate(
        ((8, "INT", "plumbing", 1), (5, "TEL", "plumbing", 2), (9, "INT", "electrical", 1)), start=1
    ):
        event(
            "satisfaction_recorded",
            [request_(n)],
            actor=TENANT,
            channel=Channel.EMAIL,
            versions=[wizard],
            facts={
                "grade": grade,
                "intake_channel": intake,
                "trade": trade,
                "contractor_id": contractor,
                "problem_id": "tap-dripping",
            },
        )
    rows = rows_of("satisfaction")
    assert figures(rows[("", "")]) == (22, 3, 1)
    assert BY_KEY["satisfaction"].value(22, 3) == Decimal("7.3")
    assert figures(rows[("channel", "INT")]) == (17, 2, 0)
    assert figures(rows[("channel", "TEL")]) == (5, 1, 1)
    assert figures(rows[("trade", "plumbing")]) == (13, 2, 1)
    assert figures(rows[("contractor", "1")]) == (17, 2, 0)
    assert example_requests("satisfaction", START, END) == ["2"]


def test_timeliness(routing):
    for n, (result, late) in enumerate(
        (("done", False), ("done", False), ("done", True), ("not_done", False))
    ):
        event(
            "work_order_reported",
            [ref("repairs.workorder", n), request_(n)],
            actor=CONTRACTOR,
            facts={"result": result, "late": late},
            versions=[routing],
        )
    rows = rows_of("timeliness")
    assert figures(rows[("", "")]) == (2, 3, 0)
    assert rows[("", "")].rule_version_id == routing.pk


def test_unmet_demand(answers, wizard):
    for matched in (True, False):
        event(
            "answers_searched",
            [answers],
            actor=TENANT,
            channel=Channel.PORTAL,
            facts={"matched": matched},
            versions=[answers],
        )
    for matched in (False, True, True):
        step("d" * 32, "searched", problem=None, matched=matched, version=wizard)
    for text in ("lekkage dak", "lekkage dak", "parkeren"):
        UnansweredSearch.objects.create(text=text, normalised=text, created_at=at())
    UnansweredSearch.objects.create(text="gisteren", normalised="gisteren", created_at=at(days=-1))
    rows = BY_KEY["unmet_demand"].compute(START, END)
    whole = [r for r in rows if r.dimension == ""]
    assert (sum(r.numerator for r in whole), sum(r.denominator for r in whole)) == (2, 5)
    by_place = {(r.dimension, r.value): figures(r) for r in rows if r.dimension}
    assert by_place == {
        ("source", "answers"): (1, 2, 0),
        ("source", "wizard"): (1, 3, 0),
        ("wording", "lekkage dak"): (2, 0, 0),
        ("wording", "parkeren"): (1, 0, 0),
    }


def test_collections_stock_and_activities():
    for n, days in ((1, -100), (2, -5), (3, 0)):
        event("arrears_episode_opened", [tenancy(n)], when=at(days=days))
    event("arrears_episode_closed", [tenancy(1)], when=at(days=-1))
    event("arrears_episode_closed", [tenancy(2)], when=at(days=2))  # after the day
    event("letter_sent", [tenancy(3)], channel=Channel.LETTER)
    rows = rows_of("collections")
    assert figures(rows[("", "")]) == (2, 1, 0)
    assert figures(rows[("activity", "letter_sent")]) == (1, 0, 0)
    assert figures(rows[("activity", "arrears_episode_opened")]) == (1, 0, 0)


def _some_journal(wizard: RuleVersion, scale: int) -> None:
    for n in range(scale):
        submit(
            100 + n, n, channel=Channel.PORTAL if n % 2 else Channel.PHONE, actor=TENANT, versions=[wizard]
        )
        event(
            "satisfaction_recorded",
            [request_(100 + n)],
            actor=TENANT,
            versions=[wizard],
            facts={"grade": 7, "intake_channel": "INT", "trade": "plumbing", "contractor_id": 1},
        )
        step(f"{n:032x}", "searched", problem=None, matched=bool(n % 3), version=wizard)


def test_rollup_is_idempotent(wizard):
    _some_journal(wizard, 4)
    first = rollups.day_rollup(day=DAY)
    snapshot = sorted(
        MeterDay.objects.values_list("meter", "dimension", "value", "numerator", "denominator", "extra")
    )
    again = rollups.day_rollup(day=DAY)
    assert first.rows == again.rows == MeterDay.objects.count()
    assert (
        sorted(
            MeterDay.objects.values_list("meter", "dimension", "value", "numerator", "denominator", "extra")
        )
        == snapshot
    )
    digital = MeterDay.objects.get(meter="digital_share", dimension="", day=DAY)
    assert (digital.numerator, digital.denominator) == (2, 4)


def test_rollup_costs_a_fixed_number_of_queries(wizard):
    _some_journal(wizard, 2)
    with CaptureQueriesContext(connection) as few:
        rollups.day_rollup(day=DAY)
    _some_journal(wizard, 40)
    with CaptureQueriesContext(connection) as many:
        rollups.day_rollup(day=DAY)
    assert len(few) == len(many)
    assert len(many) <= 6 * len(METERS)  # a handful per meter, whatever the number of events


def test_command_backfills_with_progress_and_json(wizard):
    _some_journal(wizard, 2)
    out = StringIO()
    call_command("rollup_meters", "--from", "2026-03-09", "--to", "2026-03-11", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("2026-03-09: ")
    assert lines[1].startswith("2026-03-10: ")
    assert lines[-1].startswith("Rolled up 3 day(s) from 2026-03-09 to 2026-03-11")
    out = StringIO()
    call_command("rollup_meters", "--date", "2026-03-10", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["days"] == 1 and summary["rows"] == MeterDay.objects.filter(day=DAY).count()


@pytest.mark.parametrize(
    "args",
    [
        ["--date", "2026-03-10", "--from", "2026-03-01"],
        ["--to", "2026-03-01"],
        ["--from", "2026-03-05", "--to", "2026-03-01"],
        ["--date", "10-03-2026"],
    ],
)
def test_command_refuses_bad_arguments(args):
    with pytest.raises(CommandError):
        call_command("rollup_meters", *args, stdout=StringIO())
    assert not MeterDay.objects.exists()


def test_task_rolls_up_one_day(wizard):
    _some_journal(wizard, 1)
    result = rollup_meters("2026-03-10")
    assert result == {"date": "2026-03-10", "rows": MeterDay.objects.filter(day=DAY).count()}


def test_dashboard_reads_the_rollups(wizard):
    _some_journal(wizard, 4)
    rollups.period_rollup(first=DAY - dt.timedelta(days=1), last=DAY)
    period = meter_selectors.Period(first=DAY - dt.timedelta(days=1), last=DAY)
    cards = {c.meter.key: c for c in meter_selectors.dashboard(period)}
    assert set(cards) == set(BY_KEY)
    digital = cards["digital_share"]
    assert digital.figure.value == Decimal("50.0") and digital.met is True
    assert digital.series == [None, Decimal("50.0")]
    assert cards["satisfaction"].figure.value == Decimal("7.0") and cards["satisfaction"].met is False
    assert cards["timeliness"].figure.value is None and cards["timeliness"].met is None
    other = live_version("answers")
    only_other = {c.meter.key: c for c in meter_selectors.dashboard(period, other.pk)}
    assert only_other["digital_share"].figure.denominator == 0
    breakdowns = {b.dimension: b for b in meter_selectors.breakdowns(BY_KEY["wizard_funnel"], period)}
    assert [value for value, _f in breakdowns["step"].rows][:4] == [
        "searched",
        "questions_shown",
        "outcome_shown",
        "submitted",
    ]
    assert wizard in meter_selectors.rule_versions()
    assert {v.rule_set.key for v in meter_selectors.rule_versions()} == {
        "answers",
        "contractor-routing",
        "repair-wizard",
    }


def case(n: int) -> SubjectRef:
    return ref("casework.case", n)


def test_first_contact_days_from_opening_to_the_first_successful_contact():
    event("case_opened", [tenancy(1), case(1)], when=at(days=-4))
    event(
        "contact_logged",
        [tenancy(1), case(1)],
        actor=STAFF,
        channel=Channel.PHONE,
        when=at(days=-2),
        facts={"succeeded": False},
    )
    event(
        "contact_logged", [tenancy(1), case(1)], actor=STAFF, channel=Channel.PHONE, facts={"succeeded": True}
    )
    event(
        "contact_logged",
        [tenancy(1), case(1)],
        actor=STAFF,
        channel=Channel.VISIT,
        when=at(hour=15),
        facts={"succeeded": True},
    )  # the second contact that day does not count again
    event("case_opened", [tenancy(2), case(2)], when=at(days=-1))
    event(
        "contact_logged",
        [tenancy(2), case(2)],
        actor=STAFF,
        channel=Channel.DESK,
        when=at(days=-1, hour=14),
        facts={"succeeded": True},
    )
    event(
        "contact_logged", [tenancy(2), case(2)], actor=STAFF, channel=Channel.PHONE, facts={"succeeded": True}
    )
    event("case_opened", [tenancy(3), case(3)], when=at(days=-40))
    event(
        "contact_logged", [tenancy(3), case(3)], actor=STAFF, channel=Channel.PHONE, facts={"succeeded": True}
    )
    rows = rows_of("first_contact")
    assert figures(rows[("", "")]) == (44, 2, 0)  # case 1 after 4 days, case 3 after 40; case 2 was earlier
    assert figures(rows[("days", "4")]) == (1, 0, 0)
    assert figures(rows[("days", "30")]) == (1, 0, 0)
    assert BY_KEY["first_contact"].value(44, 2) == Decimal("22.0")
    assert BY_KEY["first_contact"].compute(START + dt.timedelta(days=10), END + dt.timedelta(days=10)) == []
