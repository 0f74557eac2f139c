"""WCAG 2.1 AA: axe-core, run in Chromium, finds no serious or critical violation on the portal's pages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory
from tests.browser.conftest import screenshot, sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING = {"serious", "critical"}

PUBLIC_PAGES = [
    "/",
    reverse("accounts:login"),
    reverse("accounts:activate"),
    reverse("accounts:password-reset"),
    reverse("portal:repairs-start"),
    reverse("portal:repairs-start") + "?q=verstopte+gootsteen",
    reverse("portal:repairs-start") + "?plek=inside/kitchen",
    reverse("portal:repairs-problem", args=["gas-smell"]),
    reverse("portal:repairs-problem", args=["tap-dripping"]),
    reverse("portal:repairs-problem", args=["tap-dripping"]) + "?tap-itself=drips&klaar=1",
]

TENANT_PAGES = [
    reverse("portal:repairs-problem", args=["boiler-broken"]) + "?whole-home=ja&klaar=1",
    reverse("portal:repairs-requests"),
    reverse("portal:account"),
    reverse("portal:account-letters"),
    reverse("portal:account-arrangement"),
]


def serious_violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


def check(page, path: str) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    return [f"{path}: {line}" for line in serious_violations(page)]


def test_the_public_pages_have_no_serious_violation(page):
    problems = [line for path in PUBLIC_PAGES for line in check(page, path)]
    assert problems == []


def test_the_signed_in_tenants_pages_have_no_serious_violation(page, browser_context, live_server):
    user = UserFactory(email="huurder@example.nl", roles=[Role.TENANT])
    TenancyFactory(tenant__person=PersonFactory(user=user))
    sign_in_as(browser_context, live_server, user)
    problems = [line for path in TENANT_PAGES for line in check(page, path)]
    screenshot(page, "accessibility-last-tenant-page")
    assert problems == []
