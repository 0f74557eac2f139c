"""The process supervisor's pages with data in them: no serious accessibility violation, every chart drawn by
Roer itself (no request leaves the server), and a screenshot of each for a person to look at."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified
from roer.core import rules
from roer.repairs.constants import IntakeChannel
from roer.repairs.services import repair_request_submit
from roer.repairs.wizard_rules import KEY as WIZARD_KEY
from roer.supervision import alerts, rollups
from roer.supervision.fairness import FAIRNESS
from roer.supervision.models import Alert, MeterDay, ReviewItem
from roer.supervision.review import review_queue_fill
from roer.tenancies.tests.factories import TenancyFactory
from tests.browser.conftest import screenshot, serious_violations
from tests.browser.test_staff_accessibility import hand_over_session

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def _yesterday_with_repairs(by) -> dt.date:
    now = timezone.now() - dt.timedelta(days=1)
    for n in range(6):
        repair_request_submit(
            tenancy=TenancyFactory(),
            by=by,
            problem_id="tap-dripping" if n % 3 else "boiler-broken",
            answers={},
            channel=IntakeChannel.PORTAL if n % 2 == 0 else IntakeChannel.PHONE,
            idempotency_key=f"supervisor-{n}",
            now=now,
        )
    return timezone.localdate(now)


def _fairness(day: dt.date) -> None:
    for group, events, episodes in (("Noord", 45, 30), ("Zuid", 10, 40), ("Oost", 12, 40), ("West", 9, 40)):
        MeterDay.objects.create(
            meter=FAIRNESS.key,
            day=day,
            dimension="neighbourhood:escalation",
            value=group,
            numerator=events,
            denominator=episodes,
        )


def test_the_supervisors_pages_with_data_have_no_serious_violation(
    page, browser_context, live_server, settings
):
    settings.REVIEW_SAMPLE_PERCENT = Decimal(100)  # every portal interaction of the day in the review queue
    supervisor = UserFactory(username="opzichter", roles=[Role.PROCESS_SUPERVISOR])
    staff_second_factor_add(user=supervisor)
    client = Client()
    sign_in_verified(client, supervisor, StaticDevice.objects.get(user=supervisor))
    hand_over_session(browser_context, live_server, client)

    day = _yesterday_with_repairs(supervisor)
    review_queue_fill(day=day)
    rollups.day_rollup(day=day)
    _fairness(day)
    alerts.check(day)
    alert = Alert.objects.order_by("pk").first()
    item = ReviewItem.objects.order_by("pk").first()
    live = rules.live_version(WIZARD_KEY)
    draft = rules.rule_version_draft(key=WIZARD_KEY, document=copy.deepcopy(live.document), note="browser")

    outside: list[str] = []
    page.on(
        "request",
        lambda request: outside.append(request.url) if not request.url.startswith(live_server.url) else None,
    )
    page.set_viewport_size(DESKTOP)
    period = f"?date_from={day:%Y-%m-%d}&date_to={day:%Y-%m-%d}"
    pages = [
        ("50-meters-dashboard", reverse("console:meters") + period),
        ("51-meter-digital-share", reverse("console:meter_detail", args=["digital_share"]) + period),
        ("52-meters-fairness", reverse("console:meters_fairness") + period),
        ("53-alerts", reverse("console:alerts")),
        ("55-review-queue", reverse("console:review_queue")),
        ("57-process-map", reverse("console:process_map")),
        ("58-helm-flows", reverse("console:helm_flows")),
        ("59-replay", reverse("console:helm_replay", args=[WIZARD_KEY, draft.number]) + "?days=7"),
    ]
    assert alert is not None and item is not None
    pages += [
        ("54-alert", reverse("console:alert_detail", args=[alert.pk])),
        ("56-review-item", reverse("console:review_item", args=[item.pk])),
    ]
    problems: list[str] = []
    charts: dict[str, int] = {}
    for name, path in pages:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        problems += [f"{path}: {line}" for line in serious_violations(page)]
        charts[name] = page.locator("svg").count()
        screenshot(page, name)
    assert problems == [], "\n".join(problems)
    assert outside == [], "requests left the server: " + ", ".join(outside)
    # The charts are drawn by the server as inline SVG: the trend lines, the fairness bars, the map.
    assert all(
        charts[name] > 0 for name in ("50-meters-dashboard", "52-meters-fairness", "57-process-map")
    ), charts
