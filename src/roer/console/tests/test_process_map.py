"""The process map in the console: the map page, its filters, the variant click-through, who may see
them, and what they cost."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roer.accounts.constants import Role
from roer.console.process_svg import draw, duration_words, layers
from roer.core import journal
from roer.core.constants import Channel
from roer.core.rules import live_version
from roer.repairs.tests.factories import RepairRequestFactory
from roer.supervision import selectors
from roer.supervision.conformance import DESIGNED_FLOWS
from roer.supervision.constants import JOURNAL_SOURCE
from roer.supervision.services import event_log_import

from .conftest import make_user, sign_in

pytestmark = pytest.mark.django_db

MAP = reverse("console:process_map")
GOOD = ("repair_request_submitted", "work_order_created", "appointment_booked")
ASTRAY = ("repair_request_submitted", "appointment_booked")


@pytest.fixture
def supervisor(as_role):
    return as_role(Role.PROCESS_SUPERVISOR)


def _case(activities, start, *, channel=Channel.PORTAL, versions=()):
    request = RepairRequestFactory()
    for n, activity in enumerate(activities):
        journal.record(
            activity=activity,
            subjects=[request],
            channel=channel if n == 0 else Channel.EMAIL,
            rule_versions=versions if n == 0 else (),
            occurred_at=start + dt.timedelta(hours=5 * n + n * n),
        )
    return request


@pytest.fixture
def world():
    """Three repair requests started ten days ago (two as designed, one astray by phone) and one
    from two hundred days ago, outside the default period."""
    start = timezone.now() - dt.timedelta(days=10)
    version = live_version("repair-wizard")
    good_a = _case(GOOD, start, versions=[version])
    good_b = _case(GOOD, start + dt.timedelta(hours=1))
    astray = _case(ASTRAY, start + dt.timedelta(hours=2), channel=Channel.PHONE)
    old = _case(GOOD[:2], start - dt.timedelta(days=190))
    return {"good_a": good_a, "good_b": good_b, "astray": astray, "old": old, "version": version}


def _figure(page: str, name: str) -> int:
    match = re.search(rf'data-figure="{name}">(\d+)<', page)
    assert match, name
    return int(match.group(1))


def _default_map():
    today = timezone.localdate()
    return selectors.process_map(JOURNAL_SOURCE, today - dt.timedelta(days=89), today)


def test_the_page_shows_the_selectors_numbers(client, supervisor, world):
    page = client.get(MAP).content.decode()
    found = _default_map()
    assert (found.cases, found.events) == (3, 8)
    assert _figure(page, "cases") == found.cases
    assert _figure(page, "events") == found.events
    assert _figure(page, "variants") == len(found.variants) == 2
    for edge in found.edges:
        row = re.search(
            rf'data-edge="{edge.source}\|{edge.target}"><td>[^<]*</td><td>[^<]*</td><td>(\d+)</td><td>([^<]*)<',
            page,
        )
        assert row, edge
        assert int(row.group(1)) == edge.count
        assert row.group(2) == duration_words(edge.median_seconds)
    assert "repair_request_submitted → work_order_created → appointment_booked" in page
    assert "66.7%" in page and "33.3%" in page
    assert "<svg" in page and "process-arrow" in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_conformance_names_the_deviating_case(client, supervisor, world):
    page = client.get(MAP).content.decode()
    assert "1 of 3 cases deviate" in page
    assert 'data-deviation="repair_request_submitted → appointment_booked"' in page
    assert f'data-case="{world["astray"].pk}"' in page
    assert f'data-case="{world["good_a"].pk}"' not in page
    flow = DESIGNED_FLOWS["repair_intake"]
    today = timezone.localdate()
    checked = selectors.conformance(JOURNAL_SOURCE, flow, today - dt.timedelta(days=89), today)
    assert (checked.cases, len(checked.deviating)) == (3, 1)
    page = client.get(MAP, {"channel": Channel.PORTAL}).content.decode()
    assert "0 of 2 cases deviate" in page


@pytest.mark.parametrize(
    ("query", "cases"),
    [
        ({"channel": Channel.PHONE}, 1),
        ({"channel": Channel.PORTAL}, 2),
        ({"channel": Channel.SMS}, 0),
        ({"date_from": "2000-01-01"}, 4),
    ],
)
def test_filters(client, supervisor, world, query, cases):
    page = client.get(MAP, query).content.decode()
    assert _figure(page, "cases") == cases


def test_the_rule_version_filter(client, supervisor, world):
    page = client.get(MAP, {"version": world["version"].pk}).content.decode()
    assert _figure(page, "cases") == 1
    assert _figure(page, "events") == 3


def test_a_bad_period_keeps_what_was_typed_and_says_why(client, supervisor, world):
    response = client.get(MAP, {"date_from": "2026-13-45", "channel": Channel.PHONE})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="2026-13-45"' in page
    assert 'class="error" id="id_date_from-error"' in page
    assert _figure(page, "cases") == 3  # the default map meanwhile

    page = client.get(MAP, {"date_from": "2026-03-02", "date_to": "2026-03-01"}).content.decode()
    assert "The end comes before the start." in page
    assert 'value="2026-03-02"' in page


def test_the_variant_page_lists_its_cases(client, supervisor, world):
    found = _default_map()
    index = next(i for i, v in enumerate(found.variants) if v.activities == ASTRAY)
    page = client.get(reverse("console:process_variant", args=[index])).content.decode()
    assert world["astray"].code in page
    assert f'data-case="{world["astray"].pk}"' in page
    assert world["good_a"].code not in page

    good = next(i for i, v in enumerate(found.variants) if v.activities == GOOD)
    page = client.get(reverse("console:process_variant", args=[good])).content.decode()
    assert world["good_a"].code in page and world["good_b"].code in page
    assert world["old"].code not in page and world["astray"].code not in page


def test_the_variant_page_keeps_the_filters(client, supervisor, world):
    page = client.get(
        reverse("console:process_variant", args=[0]), {"channel": Channel.PHONE}
    ).content.decode()
    assert world["astray"].code in page and world["good_a"].code not in page
    assert client.get(reverse("console:process_variant", args=[5])).status_code == 404


def test_the_variant_links_carry_the_query(client, supervisor, world):
    page = client.get(MAP, {"channel": Channel.PHONE}).content.decode()
    assert f"{reverse('console:process_variant', args=[0])}?channel=TEL" in page


def test_an_unknown_log_is_refused_as_a_form_error(client, supervisor, world):
    page = client.get(MAP, {"source": "nope.csv"}).content.decode()
    assert 'id="id_source-error"' in page


def test_only_the_process_supervisor_may_look(client, world):
    for url in (MAP, reverse("console:process_variant", args=[0])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    sign_in(client, make_user(Role.FINANCE_OFFICER))
    assert client.get(MAP).status_code == 403
    assert client.get(reverse("console:process_variant", args=[0])).status_code == 403


def test_the_query_count_does_not_grow_with_the_cases(client, supervisor, world):
    with CaptureQueriesContext(connection) as few:
        assert client.get(MAP).status_code == 200
    start = timezone.now() - dt.timedelta(days=5)
    for n in range(6):
        _case(GOOD if n % 2 else ASTRAY, start + dt.timedelta(minutes=n))
    with CaptureQueriesContext(connection) as many:
        assert client.get(MAP).status_code == 200
    assert len(many) == len(few) <= 15
    with CaptureQueriesContext(connection) as variant:
        assert client.get(reverse("console:process_variant", args=[0])).status_code == 200
    assert len(variant) <= 15


def test_durations_in_words():
    assert duration_words(0) == "0 s"
    assert duration_words(45) == "45 s"
    assert duration_words(2 * 86400 + 3 * 3600 + 59) == "2 d 3 h"
    assert duration_words(4 * 3600 + 10 * 60 + 5) == "4 h 10 min"
    assert duration_words(86400 + 30) == "1 d"


def test_the_layout_puts_activities_in_layers_from_the_start(world):
    found = _default_map()
    names = [n.activity for n in found.nodes]
    rank = layers(found, names)
    assert rank == {"repair_request_submitted": 0, "work_order_created": 1, "appointment_booked": 1}
    graph = draw(found)
    assert len(graph.boxes) == 3 and len(graph.arrows) == len(found.edges) == 3
    assert {a.weight for a in graph.arrows} <= {1, 2, 3, 4}


def test_an_imported_log_as_source(client, supervisor, tmp_path):
    path = tmp_path / "small.csv"
    path.write_text(
        "case:concept:name,concept:name,time:timestamp\n"
        "c1,register,2026-03-02T08:00:00Z\nc1,check,2026-03-03T10:00:00Z\n"
        "c2,register,2026-03-04T08:00:00Z\nc2,check,2026-03-04T09:30:00Z\n"
        "c3,register,2026-03-05T08:00:00Z\nc3,reject,2026-03-05T08:00:45Z\n"
        "c4,register,2025-01-05T08:00:00Z\n"
    )
    event_log_import(path=path, name="small")
    query = {"source": "small", "date_from": "2026-03-01", "date_to": "2026-03-31"}
    page = client.get(MAP, query).content.decode()
    found = selectors.process_map("small", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert _figure(page, "cases") == found.cases == 3
    assert _figure(page, "events") == found.events == 6
    assert '<option value="small" selected>small</option>' in page
    assert "Conformance to the designed flow" not in page
    assert "13 h 45 min" in page  # the median of 26 h and 1.5 h
    page = client.get(reverse("console:process_variant", args=[0]), query).content.decode()
    assert 'data-case="c1"' in page and 'data-case="c2"' in page and 'data-case="c3"' not in page
