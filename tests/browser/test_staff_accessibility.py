"""No page has a serious accessibility violation: the staff console and the contractors' area too."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from roer.accounts.constants import Role
from roer.accounts.services import staff_second_factor_add
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.helpers import sign_in_verified
from roer.casework.tests.factories import CaseFactory
from roer.repairs.contractor_tokens import contractor_account_link
from roer.repairs.tests.factories import WorkOrderFactory
from tests.browser.conftest import screenshot, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def hand_over_session(context, live_server, client: Client) -> None:
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def visit_all(page, paths: list[str]) -> list[str]:
    problems: list[str] = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        problems += serious_violations(page)
    return problems


def test_the_staff_console_has_no_serious_violation(page, browser_context, live_server):
    staff = UserFactory(
        username="team",
        roles=[Role.SOCIAL_MANAGER, Role.COLLECTIONS_OFFICER, Role.FINANCE_OFFICER, Role.CUSTOMER_SERVICE],
    )
    staff_second_factor_add(user=staff)
    client = Client()
    sign_in_verified(client, staff, StaticDevice.objects.get(user=staff))
    hand_over_session(browser_context, live_server, client)
    case = CaseFactory()

    problems = visit_all(
        page,
        [
            reverse("console:home"),
            reverse("console:case_queue"),
            reverse("console:case_detail", args=[case.pk]),
            reverse("console:collections"),
            reverse("console:arrangements"),
            reverse("console:unmatched"),
            reverse("console:service_queue"),
            reverse("console:contact_search"),
            reverse("console:contact_new", args=[case.tenancy_id]),
        ],
    )
    screenshot(page, "30-console-contact")
    assert problems == [], "\n".join(problems)


def test_the_contractors_area_has_no_serious_violation(page, browser_context, live_server):
    order = WorkOrderFactory()
    user = UserFactory(username="loodgieter", roles=[Role.CONTRACTOR])
    contractor_account_link(contractor=order.contractor, user=user)
    client = Client()
    client.force_login(user)
    hand_over_session(browser_context, live_server, client)

    problems = visit_all(
        page, [reverse("contractors:orders"), reverse("contractors:order", args=[order.code])]
    )
    screenshot(page, "31-contractor-order")
    assert problems == [], "\n".join(problems)
