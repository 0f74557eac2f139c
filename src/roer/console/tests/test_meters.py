"""The supervisor's meters in the console: the dashboard, a meter's page, who may see them, and their cost."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roer.accounts.constants import Role
from roer.core import journal
from roer.core.constants import Channel
from roer.core.rules import live_version
from roer.core.subjects import SubjectRef
from roer.repairs.constants import IntakeChannel, WizardStep
from roer.repairs.services import repair_request_submit, wizard_step_record
from roer.supervision import rollups
from roer.supervision.meters import METERS
from roer.tenancies.tests.factories import TenancyFactory

from .conftest import make_user, sign_in

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("console:meters")


@pytest.fixture
def supervisor(as_role):
    return as_role(Role.PROCESS_SUPERVISOR)


def _journal(by, count: int = 3) -> dt.date:
    """Yesterday's repair requests through the real service (portal and phone), with grades; rolled up."""
    now = timezone.now() - dt.timedelta(days=1)
    day = timezone.localdate(now)
    wizard = live_version("repair-wizard")
    for n in range(count):
        tenancy = TenancyFactory()
        request = repair_request_submit(
            tenancy=tenancy,
            by=by,
            problem_id="tap-dripping",
            answers={},
            channel=IntakeChannel.PORTAL if n % 2 == 0 else IntakeChannel.PHONE,
            idempotency_key=f"meters-{n}-{count}",
            now=now,
        )
        journal.record(
            activity="satisfaction_recorded",
            subjects=[request, SubjectRef("tenancies.tenancy", str(tenancy.pk))],
            channel=Channel.EMAIL,
            rule_versions=[wizard],
            occurred_at=now,
            facts={
                "grade": 4 + n,
                "intake_channel": request.channel,
                "trade": "plumbing",
                "contractor_id": 1,
            },
        )
    rollups.day_rollup(day=day)
    return day


def test_the_dashboard_shows_every_meter_with_target_owner_definition_and_trend(
    client, supervisor, in_english
):
    _journal(supervisor)
    page = client.get(DASHBOARD).content.decode()
    for meter in METERS:
        assert f'data-meter="{meter.key}"' in page
        assert str(meter.name) in page
    assert "Digital share of repair requests" in page
    assert "66.7%" in page  # two of the three requests came in through the portal
    assert "target at least 33%" in page and ">met<" in page
    assert "Process supervisor" in page
    assert "How this is computed" in page
    assert page.count('<svg class="meters-spark"') == len(METERS)
    assert "style=" not in page and "<script" not in page


def test_a_meter_page_shows_its_breakdowns_and_example_requests(client, supervisor, in_english):
    _journal(supervisor)
    page = client.get(reverse("console:meter_detail", args=["satisfaction"])).content.decode()
    assert "Per intake channel" in page and "Per trade" in page and "Per contractor" in page
    assert "<code>plumbing</code>" in page
    assert '<svg class="meters-bars"' in page
    assert "Example repair requests" in page  # the grade below 6
    assert "3 grades" in page and "66.7% below 6" in page
    assert "Phone <code>TEL</code>" in page
    tenancy = TenancyFactory()
    for step in (WizardStep.SEARCHED, WizardStep.QUESTIONS_SHOWN, WizardStep.OUTCOME_SHOWN):
        wizard_step_record(
            by=supervisor, tenancy=tenancy, step=step, problem_id="tap-dripping", wizard_session="e" * 32
        )
    today = timezone.localdate()
    rollups.day_rollup(day=today)
    funnel = reverse("console:meter_detail", args=["wizard_funnel"])
    page = client.get(funnel, {"date_from": today.isoformat(), "date_to": today.isoformat()}).content.decode()
    assert "Funnel per step" in page and "Outcome shown <code>outcome_shown</code>" in page
    assert "100.0%" in page  # the one run of the day reached the outcome
    page = client.get(reverse("console:meter_detail", args=["wrong_actions"])).content.decode()
    assert "Per kind" in page


@pytest.mark.parametrize("key", [meter.key for meter in METERS])
def test_every_meter_page_renders_empty_and_with_data(client, supervisor, key):
    assert client.get(reverse("console:meter_detail", args=[key])).status_code == 200
    _journal(supervisor, count=2)
    assert client.get(reverse("console:meter_detail", args=[key])).status_code == 200


def test_an_unknown_meter_is_not_found(client, supervisor):
    assert client.get(reverse("console:meter_detail", args=["no-such-meter"])).status_code == 404


def test_the_period_and_rule_version_filters(client, supervisor, in_english):
    day = _journal(supervisor)
    wizard = live_version("repair-wizard")
    answers = live_version("answers")
    page = client.get(DASHBOARD, {"date_from": day.isoformat(), "date_to": day.isoformat()}).content.decode()
    assert "66.7%" in page
    assert f'<option value="{wizard.pk}">repair-wizard v{wizard.number}</option>' in page
    before = (day - dt.timedelta(days=40)).isoformat()
    page = client.get(DASHBOARD, {"date_from": before, "date_to": before}).content.decode()
    assert "66.7%" not in page
    page = client.get(DASHBOARD, {"version": answers.pk}).content.decode()
    assert "66.7%" not in page
    page = client.get(DASHBOARD, {"date_from": day.isoformat(), "date_to": before}).content.decode()
    assert "The end comes before the start." in page
    assert f'value="{day.isoformat()}"' in page  # what was typed stays


def test_the_dashboard_costs_a_fixed_number_of_queries(client, supervisor):
    _journal(supervisor, count=1)
    with CaptureQueriesContext(connection) as few:
        client.get(DASHBOARD)
    _journal(supervisor, count=6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(DASHBOARD).status_code == 200
    assert len(few) == len(many)
    assert not any(re.search(r"journalevent", q["sql"], re.I) for q in many.captured_queries)


@pytest.mark.parametrize(
    "role",
    [Role.SOCIAL_MANAGER, Role.TENANT, Role.CONTRACTOR, Role.CUSTOMER_SERVICE, Role.COLLECTIONS_OFFICER],
)
def test_only_the_process_supervisor_may_see_the_meters(client, role):
    sign_in(client, make_user(role))
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(reverse("console:meter_detail", args=["satisfaction"])).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, db):
    for url in (DASHBOARD, reverse("console:meter_detail", args=["satisfaction"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_supervisor_nav_links_to_the_meters(client, supervisor, in_english):
    page = client.get(reverse("console:home")).content.decode()
    assert f'href="{DASHBOARD}"' in page
