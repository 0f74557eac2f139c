"""WCAG 2.1 AA: axe-core, run in Chromium, finds no serious or critical violation on the portal's pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.tenancies.tests.factories import PersonFactory, TenancyFactory
from tests.browser.conftest import screenshot, serious_violations, sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


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
    reverse("portal:answers"),
    reverse("portal:answers") + "?q=huur+te+hoog",
    reverse("portal:answer", args=["rent-increase"]),
    reverse("portal:callback"),
]

TENANT_PAGES = [
    reverse("portal:repairs-problem", args=["boiler-broken"]) + "?whole-home=ja&klaar=1",
    reverse("portal:repairs-requests"),
    reverse("portal:account"),
    reverse("portal:account-letters"),
    reverse("portal:account-arrangement"),
    reverse("portal:account-mandate"),
    reverse("portal:account-mandate-sign-up"),
    reverse("portal:callback"),
    reverse("portal:callback") + "?topic=answer&answer=rent-increase",
]


def check(page, path: str) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    return [f"{path}: {line}" for line in serious_violations(page)]


def test_the_public_pages_have_no_serious_violation(page):
    problems = [line for path in PUBLIC_PAGES for line in check(page, path)]
    assert problems == [], "\n".join(problems)


def test_the_signed_in_tenants_pages_have_no_serious_violation(page, browser_context, live_server):
    user = UserFactory(email="huurder@example.nl", roles=[Role.TENANT])
    TenancyFactory(tenant__person=PersonFactory(user=user))
    sign_in_as(browser_context, live_server, user)
    problems = [line for path in TENANT_PAGES for line in check(page, path)]
    screenshot(page, "accessibility-last-tenant-page")
    assert problems == [], "\n".join(problems)
