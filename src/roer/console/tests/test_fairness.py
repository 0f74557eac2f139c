"""The fairness page of the meters (and the money meters on the dashboard): what it shows, who may see it,
and that it reads only the rollups."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roer.accounts.constants import Role
from roer.core import journal
from roer.core.dates import AMSTERDAM
from roer.core.subjects import SubjectRef
from roer.ledger.constants import EntryKind, EntrySource
from roer.ledger.models import LedgerEntry
from roer.supervision import rollups
from roer.supervision.meters import BY_KEY
from roer.supervision.models import MeterDay
from roer.tenancies.tests.factories import TenancyFactory

from .conftest import make_user, sign_in

pytestmark = pytest.mark.django_db

PAGE = reverse("console:meters_fairness")
DAY = dt.date(2026, 3, 10)
PERIOD = {"date_from": "2026-03-01", "date_to": DAY.isoformat()}


@pytest.fixture
def supervisor(as_role):
    return as_role(Role.PROCESS_SUPERVISOR)


def fairness_day(day: dt.date, dimension: str, group: str, events: int, episodes: int) -> None:
    MeterDay.objects.create(
        meter="fairness", day=day, dimension=dimension, value=group, numerator=events, denominator=episodes
    )


def some_groups(days: int = 2) -> None:
    """Noord escalates 3 in 4 episodes, the rest 1 in 10; the age bands do not differ."""
    for i in range(days):
        day = DAY - dt.timedelta(days=i)
        fairness_day(day, "neighbourhood:escalation", "Noord", 30, 40)
        fairness_day(day, "neighbourhood:escalation", "Zuid", 10, 100)
        fairness_day(day, "neighbourhood:escalation", "", 12, 100)
        fairness_day(day, "age_band:signal", "under_30", 10, 50)
        fairness_day(day, "age_band:signal", "45_64", 20, 100)
        fairness_day(day, "age_band:signal", "unknown", 1, 5)


def test_the_page_shows_rates_against_the_rest_and_flags_the_disparity(client, supervisor, in_english):
    some_groups()
    page = client.get(PAGE, PERIOD).content.decode()

    assert "Which statistic decides" in page and "Bonferroni" in page
    # Noord against the rest is higher; then the rest's groups, each against Noord and the others, lower
    assert "3 disparities flagged" in page
    escalations = page.split('data-rate="escalation"')[1].split("</section>")[0]
    noord = re.search(
        r"<tr class=\"meters-flagged\">\s*<th scope=\"row\">Noord</th>(.*?)</tr>", escalations, re.S
    )
    assert noord is not None
    cells = re.findall(r"<td>(.*?)</td>", noord.group(1), re.S)
    assert cells[0] == "80" and cells[1] == "60"  # n: episodes over the two days; events
    assert cells[2] == "75.0"  # per 100 episodes
    assert cells[3].startswith("11.0")  # the rest: 44 of 400
    assert "higher" in cells[6]
    zuid = re.search(r"<th scope=\"row\">Zuid</th>(.*?)</tr>", escalations, re.S)
    assert zuid is not None and "lower" in zuid.group(1)
    assert "unknown" in escalations  # the blank neighbourhood
    assert "<svg" in escalations and 'class="meters-bar meters-bar-flagged"' in escalations
    ages = page.split('data-dimension="age_band"')[1].split("</section>")[0]
    assert "under 30" in ages and "not tested" in ages  # unknown: 10 episodes only
    assert "meters-flagged" not in ages


def test_the_page_without_data_says_so(client, supervisor, in_english):
    page = client.get(PAGE).content.decode()
    assert page.count("No data in this period.") == 6
    assert "No disparities flagged" in page


def test_the_page_has_no_rule_version_filter_and_rejects_a_reversed_period(client, supervisor, in_english):
    page = client.get(PAGE, {"date_from": "2026-03-10", "date_to": "2026-03-01"}).content.decode()
    assert 'name="version"' not in page
    assert "The end comes before the start." in page


def test_the_page_costs_a_fixed_number_of_queries_and_never_reads_the_journal(client, supervisor):
    some_groups(days=1)
    with CaptureQueriesContext(connection) as few:
        client.get(PAGE, PERIOD)
    some_groups(days=8)
    with CaptureQueriesContext(connection) as many:
        assert client.get(PAGE, PERIOD).status_code == 200
    assert len(few) == len(many)
    assert not any(re.search(r"journal", q["sql"], re.I) for q in many.captured_queries)


def test_the_dashboard_and_the_fairness_meter_link_to_the_page(client, supervisor):
    assert f'href="{PAGE}"' in client.get(reverse("console:meters")).content.decode()
    detail = client.get(reverse("console:meter_detail", args=["fairness"])).content.decode()
    assert f'href="{PAGE}"' in detail


@pytest.mark.parametrize(
    "role",
    [Role.SOCIAL_MANAGER, Role.TENANT, Role.CONTRACTOR, Role.CUSTOMER_SERVICE, Role.COLLECTIONS_OFFICER],
)
def test_only_the_process_supervisor_may_see_it(client, role):
    sign_in(client, make_user(role))
    assert client.get(PAGE).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_money_meters_show_euros_on_the_dashboard_and_their_pages(client, supervisor, in_english):
    owing = TenancyFactory()  # rent 700 a month
    LedgerEntry.objects.create(
        tenancy=owing, date=DAY, kind=EntryKind.CHARGE, amount=Decimal("210.00"), source=EntrySource.ERP
    )
    journal.record(
        activity="collection_costs_charged",
        subjects=[SubjectRef(kind="tenancies.tenancy", id=str(owing.pk))],
        facts={"amount": Decimal("1234.50")},
        occurred_at=dt.datetime.combine(DAY, dt.time(12), tzinfo=AMSTERDAM),
    )
    for key in ("arrears_share", "collection_costs"):
        rollups.meter_day_rollup(meter=BY_KEY[key], day=DAY)
    query = {"date_from": DAY.isoformat(), "date_to": DAY.isoformat()}

    dashboard = client.get(reverse("console:meters"), query).content.decode()
    costs = client.get(reverse("console:meter_detail", args=["collection_costs"]), query).content.decode()
    share = client.get(reverse("console:meter_detail", args=["arrears_share"]), query).content.decode()

    assert "€ 1.234,50" in dashboard  # money is written the Dutch way in either language
    assert "2.50%" in dashboard  # 210 of 8,400 annual rent
    assert "€ 210,00" in dashboard and "€ 8.400,00" in dashboard
    assert "€ 1.234,50" in costs
    assert "2.50%" in share
