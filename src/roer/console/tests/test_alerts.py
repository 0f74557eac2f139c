"""The supervisor's alerts in the console: the list, the evidence in words, assign / acknowledge / resolve,
and who may see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from roer.accounts.constants import Role
from roer.core.models import JournalEvent
from roer.supervision import alerts
from roer.supervision.models import Alert, AlertState, MeterDay

from .conftest import make_user

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 3)
LIST = reverse("console:alerts")


@pytest.fixture
def supervisor(as_role):
    return as_role(Role.PROCESS_SUPERVISOR)


@pytest.fixture
def alert() -> Alert:
    for back in range(1, 29):
        MeterDay.objects.create(
            meter="digital_share", day=DAY - dt.timedelta(days=back), numerator=40, denominator=100
        )
    MeterDay.objects.create(meter="digital_share", day=DAY, numerator=20, denominator=100)
    alerts.check(DAY)
    return Alert.objects.get()


def test_list_shows_open_alerts_first_and_filters_by_state(client, supervisor, alert, in_english):
    resolved = Alert.objects.create(
        key="old",
        meter="timeliness",
        kind="threshold",
        state=AlertState.RESOLVED,
        first_day=DAY,
        last_day=DAY,
    )
    page = client.get(LIST).content.decode()
    assert reverse("console:alert_detail", args=[alert.pk]) in page
    assert reverse("console:alert_detail", args=[resolved.pk]) not in page  # default: not resolved
    page = client.get(LIST, {"state": "all"}).content.decode()
    assert page.index(f"/alerts/{alert.pk}/") < page.index(f"/alerts/{resolved.pk}/")
    page = client.get(LIST, {"state": "resolved"}).content.decode()
    assert reverse("console:alert_detail", args=[alert.pk]) not in page


def test_detail_gives_the_evidence_in_words(client, supervisor, alert, in_english):
    page = client.get(reverse("console:alert_detail", args=[alert.pk])).content.decode()
    assert "was 20.0% on 3 March 2026 (20 of 100) against 40.0% over the 28 days before" in page
    assert "binomial test, p &lt; 0.001" in page


def test_assign_acknowledge_resolve(client, supervisor, alert, in_english):
    colleague = make_user(Role.PROCESS_SUPERVISOR)
    detail = reverse("console:alert_detail", args=[alert.pk])
    response = client.post(reverse("console:alert_assign", args=[alert.pk]), {"assignee": colleague.pk})
    assert response.status_code == 302 and response["Location"] == detail
    response = client.post(reverse("console:alert_acknowledge", args=[alert.pk]))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.state, alert.assigned_to) == (AlertState.ACKNOWLEDGED, colleague)
    # a resolution needs a note: the page comes back with the error, nothing changed
    response = client.post(reverse("console:alert_resolve", args=[alert.pk]), {"note": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED
    response = client.post(reverse("console:alert_resolve", args=[alert.pk]), {"note": "Outage; fixed."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED and alert.resolution_note == "Outage; fixed."
    events = JournalEvent.objects.filter(
        activity__in=["alert_assigned", "alert_acknowledged", "alert_resolved"]
    )
    assert {e.actor_id for e in events} == {supervisor.pk}
    assert events.count() == 3
    # a resolved alert takes no more changes
    response = client.post(reverse("console:alert_acknowledge", args=[alert.pk]), follow=True)
    assert "already resolved" in response.content.decode()


def test_assign_only_to_a_supervisor(client, supervisor, alert):
    outsider = make_user(Role.SOCIAL_MANAGER)
    response = client.post(reverse("console:alert_assign", args=[alert.pk]), {"assignee": outsider.pk})
    assert response.status_code == 400
    alert.refresh_from_db()
    assert alert.assigned_to is None


@pytest.mark.parametrize("role", [Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER, Role.CUSTOMER_SERVICE])
def test_only_the_supervisor(client, as_role, alert, role):
    as_role(role)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("console:alert_detail", args=[alert.pk])).status_code == 403
    response = client.post(reverse("console:alert_resolve", args=[alert.pk]), {"note": "no"})
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN


def test_unknown_alert_is_404(client, supervisor):
    assert client.get(reverse("console:alert_detail", args=[999999])).status_code == 404
