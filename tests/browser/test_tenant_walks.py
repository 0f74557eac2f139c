"""A tenant's whole walks in a real browser, as the issue's "done when" describes them: activate the account
with the letter's code, report a dripping tap (the tenant's part, clause d, with how-to advice), report a
broken boiler (urgent, the heating trade, a slot), and, for another tenant, arrange a payment plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from roer.accounts.tests.tenants import STRONG_PASSWORD, issue_letters
from roer.arrears.constants import ArrangementStatus
from roer.arrears.models import Arrangement
from roer.core.models import JournalEvent
from roer.ledger.constants import EntryKind, PaymentChannel
from roer.ledger.tests.factories import LedgerEntryFactory
from roer.repairs.constants import Responsibility, Urgency
from roer.repairs.models import RepairRequest, WorkOrder
from roer.repairs.services import contractors_ensure_from_routing
from roer.tenancies.tests.factories import TenancyFactory
from tests.browser.conftest import screenshot, sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

RENT = Decimal("700.00")


def activate(page, tmp_path) -> object:
    tenancy = TenancyFactory()
    [letter] = issue_letters(tmp_path, tenancy.reference)
    dwelling = tenancy.dwelling
    page.goto(reverse("accounts:activate"))
    screenshot(page, "01-activate-code")
    page.fill("input[name=code]", letter["code"])
    page.fill("input[name=postcode]", dwelling.postcode)
    page.fill("input[name=house_number]", str(dwelling.house_number))
    page.click("main button[type=submit]")
    page.wait_for_url("**" + reverse("accounts:activate-account"))
    page.fill("input[name=email]", "j.devries@example.nl")
    page.fill("input[name=password1]", STRONG_PASSWORD)
    page.fill("input[name=password2]", STRONG_PASSWORD)
    screenshot(page, "02-activate-account")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".signed-in-as").count() == 1
    screenshot(page, "03-signed-in")
    return tenancy


def search_and_open(page, words: str, problem_id: str) -> None:
    page.goto(reverse("portal:repairs-start"))
    page.fill("input[name=q]", words)
    page.click("main form[role=search] button[type=submit], main form button[type=submit] >> nth=0")
    page.wait_for_load_state()
    page.click(f"a[href^='{reverse('portal:repairs-problem', args=[problem_id])}']")
    page.wait_for_load_state()


def test_a_tenant_activates_reports_a_dripping_tap_and_then_a_broken_boiler(page, tmp_path):
    tenancy = activate(page, tmp_path)

    # The dripping tap: the tenant's own part, clause d, with advice on the washer. No form.
    search_and_open(page, "kraan druppelt", "tap-dripping")
    page.check("input[name=tap-itself][value=drips]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "04-dripping-tap-outcome")
    assert page.locator("strong.clause").inner_text() == "d"
    assert "leertje" in page.locator(".advice").inner_text().lower()
    assert page.locator("textarea[name=description]").count() == 0

    # The broken boiler: urgent, the heating trade, a request and a slot.
    contractors_ensure_from_routing()
    search_and_open(page, "cv doet het niet", "boiler-broken")
    page.check("input[name=whole-home][value=ja]")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.fill("textarea[name=description]", "De ketel geeft foutcode E1 en het huis koelt af.")
    screenshot(page, "05-boiler-outcome")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "06-boiler-submitted")

    request = RepairRequest.objects.get(tenancy=tenancy)
    assert request.problem_id == "boiler-broken"
    assert request.responsibility == Responsibility.CORPORATION
    assert request.urgency == Urgency.URGENT
    order = WorkOrder.objects.get(request=request)
    assert order.trade == "CVI"

    slot = page.locator("main input[type=radio]").first
    if slot.count():  # a slot to choose (an urgent order may be planned at once)
        slot.check()
        page.click("main form[method=post] button[type=submit] >> nth=0")
        page.wait_for_load_state()
    screenshot(page, "07-boiler-slot")
    assert order.appointments.exists()

    steps = list(
        JournalEvent.objects.filter(activity="wizard_step").values_list("facts__step", "facts__problem")
    )
    assert ("outcome_shown", "tap-dripping") in steps and ("outcome_shown", "boiler-broken") in steps
    assert JournalEvent.objects.filter(activity="repair_request_submitted").count() == 1


def firsts(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day = (day + dt.timedelta(days=32)).replace(day=1)


def test_another_tenant_arranges_a_payment_plan(page, browser_context, live_server):
    from roer.accounts.constants import Role
    from roer.accounts.tests.factories import UserFactory

    today = timezone.localdate()
    this_month = today.replace(day=1)
    tenancy = TenancyFactory()
    for due in firsts(this_month.replace(year=this_month.year - 2), this_month):
        LedgerEntryFactory(tenancy=tenancy, date=due, amount=RENT, period=due)
        if due != this_month:
            LedgerEntryFactory(
                tenancy=tenancy,
                date=due - dt.timedelta(days=3),
                kind=EntryKind.PAYMENT,
                amount=-RENT,
                period=None,
                method=PaymentChannel.TRANSFER,
            )
    user = UserFactory(roles=[Role.TENANT])
    person = tenancy.parties.get().person
    person.user = user
    person.save(update_fields=["user"])
    sign_in_as(browser_context, live_server, user)

    page.goto(reverse("portal:account"))
    screenshot(page, "10-rent-account")
    page.goto(reverse("portal:account-arrangement"))
    page.select_option("select[name=count]", "3")
    page.fill("input[name=start_date]", today.isoformat())
    screenshot(page, "11-arrangement-form")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "12-arrangement-made")

    arrangement = Arrangement.objects.get(tenancy=tenancy)
    assert arrangement.status == ArrangementStatus.ACTIVE and arrangement.self_service
    assert arrangement.instalments.count() == 3
    assert page.locator("select[name=count]").count() == 0
