"""Every step of the repair wizard is in the journal: steps back, the submission tied to its run, and runs
left without a request (`abandoned`, recorded afterwards, once)."""

import datetime as dt
import json
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.core import rules
from roer.core.dates import AMSTERDAM
from roer.core.models import JournalEvent
from roer.repairs.constants import WizardStep
from roer.repairs.default_tree import default_tree
from roer.repairs.selectors import live_wizard
from roer.repairs.services import wizard_step_record
from roer.repairs.tasks import record_wizard_abandons
from roer.repairs.wizard_rules import KEY as WIZARD_KEY
from roer.repairs.wizard_sessions import wizard_abandons_record
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 14, 10, 0, tzinfo=AMSTERDAM)  # a Wednesday in winter
LATER = NOW + dt.timedelta(hours=25)
START = reverse("portal:repairs-start")


@pytest.fixture(autouse=True)
def winter_wednesday():
    with time_machine.travel(NOW, tick=False):
        yield


def make_tenant(email="huurder@example.nl"):
    user = UserFactory(email=email, roles=[Role.TENANT])
    TenancyFactory(tenant__person=PersonFactory(user=user))
    return user


@pytest.fixture
def tenant(client):
    user = make_tenant()
    client.force_login(user)
    return user


def problem_url(problem_id, **params):
    url = reverse("portal:repairs-problem", args=[problem_id])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def steps():
    return list(JournalEvent.objects.filter(activity="wizard_step").order_by("id"))


def trail():
    return [(e.facts["step"], e.facts.get("to"), e.facts["problem"]) for e in steps()]


def abandoned():
    return [e for e in steps() if e.facts["step"] == "abandoned"]


# --- steps back ---------------------------------------------------------------------------------------


def test_changing_an_answer_is_a_step_back_to_the_questions(client, tenant):
    version, _tree = live_wizard()
    client.get(START, {"q": "cv doet het niet"})
    client.get(problem_url("boiler-broken"))
    outcome = client.get(problem_url("boiler-broken", **{"whole-home": "nee", "klaar": 1})).content.decode()
    change = re.search(r'href="(/portal/reparatie/probleem/boiler-broken/\?[^"]*terug=1)"', outcome).group(1)
    assert "whole-home=nee" in change  # the answers given, to start from
    client.get(change.replace("&amp;", "&"))
    assert trail() == [
        ("searched", None, "boiler-broken"),
        ("questions_shown", None, "boiler-broken"),
        ("outcome_shown", None, "boiler-broken"),
        ("back", "questions", "boiler-broken"),
        ("questions_shown", None, "boiler-broken"),
    ]
    back = steps()[3]
    assert back.facts["from_step"] == "outcome_shown"
    assert list(back.rule_versions.values_list("rule_version", flat=True)) == [version.pk]
    assert (back.channel, back.actor_kind) == ("INT", "tenant")
    assert len({e.facts["wizard_session"] for e in steps()}) == 1


def test_the_answers_given_are_selected_when_going_back(client, tenant):
    page = client.get(problem_url("boiler-broken", **{"whole-home": "nee", "terug": 1})).content.decode()
    checked = [line for line in page.splitlines() if "checked" in line and 'name="whole-home"' in line]
    assert checked and all('value="nee"' in line for line in checked)


def test_questions_shown_again_for_the_same_problem_are_a_step_back_even_without_the_link(client, tenant):
    client.get(problem_url("boiler-broken"))
    client.get(problem_url("boiler-broken"))  # a reload: not a step back
    client.get(problem_url("boiler-broken", **{"whole-home": "ja", "klaar": 1}))
    client.get(problem_url("boiler-broken"))  # the browser's back button, then the page again
    assert [s for s, _to, _p in trail()] == [
        "questions_shown",
        "questions_shown",
        "outcome_shown",
        "back",
        "questions_shown",
    ]


def test_searching_again_after_an_outcome_is_a_step_back_to_search(client, tenant):
    client.get(problem_url("tap-dripping", klaar=1))
    client.get(START, {"q": "lekkage"})
    client.get(START, {"q": "lekkage dak"})  # searching on is not another step back
    client.get(problem_url("boiler-broken"))
    client.get(START, {"terug": 1})  # the back link on the questions page
    client.get(START, {"terug": 1})  # once
    assert [(step, to) for step, to, _problem in trail()] == [
        ("outcome_shown", None),
        ("back", "search"),
        ("searched", None),
        ("searched", None),
        ("questions_shown", None),
        ("back", "search"),
    ]
    assert (trail()[1][2], trail()[5][2]) == (
        "tap-dripping",
        "boiler-broken",
    )  # where the tenant went back from


# --- the submission ends the run -------------------------------------------------------------------------


def test_the_submission_carries_the_runs_id_and_a_new_run_begins_after_it(client, tenant):
    client.get(START, {"q": "cv doet het niet"})
    client.get(problem_url("boiler-broken", **{"whole-home": "ja", "klaar": 1}))
    client.post(
        problem_url("boiler-broken", **{"whole-home": "ja", "klaar": 1}),
        {"idempotency_key": "form-1", "part": ""},
    )
    run = {e.facts["wizard_session"] for e in steps()}
    submitted = JournalEvent.objects.get(activity="repair_request_submitted")
    assert {submitted.facts["wizard_session"]} == run
    assert "submitted" not in {e.facts["step"] for e in steps()}  # not journaled twice
    client.get(START, {"q": "kraan druppelt"})
    assert steps()[-1].facts["wizard_session"] not in run
    assert steps()[-1].facts["step"] == "searched"  # a new run: not a step back


def test_a_run_quiet_for_a_day_is_over(client, tenant):
    client.get(problem_url("boiler-broken"))
    with time_machine.travel(LATER, tick=False):
        client.get(problem_url("boiler-broken"))
    first, second = steps()
    assert first.facts["wizard_session"] != second.facts["wizard_session"]
    assert second.facts["step"] == "questions_shown"


def test_wizard_step_record_takes_only_the_portals_steps_and_random_ids(tenant):
    for step in (WizardStep.SUBMITTED, WizardStep.ABANDONED):
        with pytest.raises(ValueError):
            wizard_step_record(by=tenant, tenancy=None, step=step)
    with pytest.raises(ValueError):
        wizard_step_record(by=tenant, tenancy=None, step=WizardStep.BACK)
    with pytest.raises(ValueError):
        wizard_step_record(
            by=tenant, tenancy=None, step=WizardStep.SEARCHED, wizard_session="huurder@example.nl"
        )
    assert not steps()


# --- abandoned runs --------------------------------------------------------------------------------------


def test_a_run_left_after_the_questions_or_an_outcome_with_a_form_is_abandoned_once(client, tenant):
    old_version, _tree = live_wizard()
    client.get(START, {"q": "cv doet het niet"})
    client.get(problem_url("boiler-broken"))
    client.get(problem_url("boiler-broken", **{"whole-home": "ja", "klaar": 1}))
    session = steps()[-1].facts["wizard_session"]
    # A new tree is published before the job runs: the abandon keeps the version the tenant saw.
    document = default_tree()
    document["normal_working_days"] = 4
    rules.rule_version_publish(version=rules.rule_version_draft(key=WIZARD_KEY, document=document, note="t"))

    assert wizard_abandons_record(now=NOW + dt.timedelta(hours=23)).abandoned == 0  # not quiet long enough
    report = wizard_abandons_record(now=LATER)
    assert (report.abandoned, report.last_steps) == (1, {"outcome_shown": 1})
    (event,) = abandoned()
    assert event.facts == {
        "step": "abandoned",
        "wizard_session": session,
        "last_step": "outcome_shown",
        "furthest_step": "outcome_shown",
        "problem": "boiler-broken",
        "responsibility": "corporation",
        "offered_form": True,
        "steps": 3,
        "backs": 0,
        "idle_hours": 24,
    }
    assert event.occurred_at == NOW + dt.timedelta(hours=24)
    assert (event.actor_kind, event.channel) == ("system", "INT")
    assert list(event.rule_versions.values_list("rule_version", flat=True)) == [old_version.pk]
    assert {s.kind for s in event.subjects.all()} == {"tenancies.tenancy", "accounts.user"}

    # Idempotent: again, later, a week later.
    assert wizard_abandons_record(now=LATER).abandoned == 0
    assert wizard_abandons_record(now=LATER + dt.timedelta(days=3)).already == 1
    assert len(abandoned()) == 1


def test_a_run_left_on_the_questions_is_abandoned_with_that_last_step(client, tenant):
    client.get(problem_url("boiler-broken"))
    wizard_abandons_record(now=LATER)
    (event,) = abandoned()
    assert (event.facts["last_step"], event.facts["problem"], event.facts["offered_form"]) == (
        "questions_shown",
        "boiler-broken",
        None,
    )


def test_runs_that_did_not_drop_off_are_not_abandoned(client, tenant):
    # 1. Submitted.
    client.get(problem_url("boiler-broken", **{"whole-home": "ja", "klaar": 1}))
    client.post(
        problem_url("boiler-broken", **{"whole-home": "ja", "klaar": 1}),
        {"idempotency_key": "f-1", "part": ""},
    )
    # 2. Ended on the tenant's own part: advice, no form to send.
    client.get(problem_url("tap-dripping", klaar=1))
    # 3. Another tenant only searched.
    other = make_tenant("ander@example.nl")
    client.force_login(other)
    client.get(START, {"q": "lekkage"})
    report = wizard_abandons_record(now=LATER)
    assert report.abandoned == 0 and not abandoned()
    assert (report.sessions, report.submitted, report.ended_with_outcome, report.only_searched) == (
        3,
        1,
        1,
        1,
    )


def test_a_run_still_going_is_not_abandoned(client, tenant):
    client.get(problem_url("boiler-broken"))
    with time_machine.travel(NOW + dt.timedelta(hours=20), tick=False):
        client.get(problem_url("boiler-broken", **{"whole-home": "ja", "klaar": 1}))
    report = wizard_abandons_record(now=LATER)
    assert (report.abandoned, report.still_active) == (0, 1)
    wizard_abandons_record(now=NOW + dt.timedelta(hours=45))
    assert [e.facts["steps"] for e in abandoned()] == [2]


def test_the_task_and_the_command_record_the_same_way(client, tenant, in_english):
    client.get(problem_url("boiler-broken"))
    result = record_wizard_abandons.delay(LATER.isoformat()).get()
    assert result["abandoned"] == 1
    out = StringIO()
    call_command("record_wizard_abandons", "--now", LATER.isoformat(), "--json", stdout=out)
    assert json.loads(out.getvalue())["abandoned"] == 0  # idempotent
    out = StringIO()
    call_command("record_wizard_abandons", "--now", LATER.isoformat(), stdout=out)
    assert "abandoned before" in out.getvalue()
    with pytest.raises(CommandError, match="offset"):
        call_command("record_wizard_abandons", "--now", "2026-01-15T10:00", stdout=StringIO())
    with pytest.raises(CommandError, match="ISO"):
        call_command("record_wizard_abandons", "--now", "morgen", stdout=StringIO())
    assert len(abandoned()) == 1
