"""The supervisor's repair request pages: no serious accessibility violation, and they look right."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified
from roer.repairs.overrides import repair_request_message, repair_request_reclassify
from roer.repairs.services import repair_request_submit
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory
from tests.browser.conftest import PHONE, screenshot, serious_violations, sign_in_as
from tests.browser.test_staff_accessibility import hand_over_session

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def test_the_repair_pages_have_no_serious_violation(page, browser_context, live_server):
    supervisor = UserFactory(username="opzichter", roles=[Role.PROCESS_SUPERVISOR])
    staff_second_factor_add(user=supervisor)
    client = Client()
    sign_in_verified(client, supervisor, StaticDevice.objects.get(user=supervisor))
    hand_over_session(browser_context, live_server, client)
    tenant = UserFactory(roles=[Role.TENANT])
    tenancy = TenancyFactory(tenant__person=PersonFactory(user=tenant, email="huurder@example.nl"))
    repair = repair_request_submit(
        tenancy=tenancy, by=tenant, problem_id="thermostat", answers={}, channel="INT", idempotency_key="b1"
    )
    repair_request_reclassify(
        request=repair, by=supervisor, field="urgency", value="urgent", reason="De huurder is 90 en ziek."
    )
    repair_request_message(request=repair, by=supervisor, text="De monteur komt morgenochtend.")

    page.set_viewport_size(DESKTOP)
    problems: list[str] = []
    for name, path in (
        ("40-console-repair-list", reverse("console:repair_list")),
        ("41-console-repair-detail", reverse("console:repair_detail", args=[repair.pk])),
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200
        problems += serious_violations(page)
        screenshot(page, name)
    assert problems == [], "\n".join(problems)

    # The tenant reads the message with the request in the portal.
    tenant_context = page.context.browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport=PHONE
    )
    sign_in_as(tenant_context, live_server, tenant)
    portal = tenant_context.new_page()
    response = portal.goto(reverse("portal:repairs-request", args=[repair.pk]))
    assert response is not None and response.status == 200
    assert "De monteur komt morgenochtend." in portal.inner_text(".corporation-messages")
    assert serious_violations(portal) == []
    screenshot(portal, "42-portal-repair-message")
    tenant_context.close()
