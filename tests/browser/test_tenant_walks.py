"""A tenant's whole walks in a real browser, as the issue's "done when" describes them: activate the account
with the letter's code, report a dripping tap (the tenant's part, clause d, with how-to advice), report a
broken boiler (urgent, the heating trade, a slot), which the contractor confirms and completes in their own
area and the tenant then grades; and, for another tenant, arrange a payment plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from roer.accounts.constants import Role
from roer.accounts.tests.factories import UserFactory
from roer.accounts.tests.tenants import STRONG_PASSWORD, issue_letters
from roer.arrears.constants import ArrangementStatus
from roer.arrears.models import Arrangement
from roer.core.models import JournalEvent
from roer.ledger.constants import EntryKind, PaymentChannel
from roer.ledger.tests.factories import LedgerEntryFactory
from roer.repairs.constants import OrderStatus, RequestStatus, Responsibility, Urgency
from roer.repairs.contractor_tokens import contractor_account_link
from roer.repairs.models import RepairRequest, SatisfactionResponse, WorkOrder
from roer.repairs.services import contractors_ensure_from_routing
from roer.tenancies.tests.factories import TenancyFactory
from tests.browser.conftest import PHONE, screenshot, serious_violations, sign_in_as

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


def test_a_tenant_activates_reports_a_dripping_tap_and_then_a_broken_boiler(
    page, tmp_path, chromium, live_server
):
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

    # The heating contractor confirms the visit and reports the work done, in their own area.
    contractor = order.contractor
    contractor_user = UserFactory(username="monteur", roles=[Role.CONTRACTOR])
    contractor_account_link(contractor=contractor, user=contractor_user)
    contractor_context = chromium.new_context(base_url=live_server.url, locale="nl-NL", viewport=PHONE)
    try:
        sign_in_as(contractor_context, live_server, contractor_user)
        desk = contractor_context.new_page()
        desk.goto(reverse("contractors:orders"))
        screenshot(desk, "08-contractor-orders")
        desk.click(f"a[href='{reverse('contractors:order', args=[order.code])}']")
        desk.wait_for_load_state()
        for form in ("order-accept", "order-confirm"):
            button = desk.locator(
                f"form[action='{reverse('contractors:' + form, args=[order.code])}'] button"
            )
            if button.count():
                button.click()
                desk.wait_for_load_state()
        desk.check("input[name=report-result][value=done]")
        desk.fill("textarea[name=report-remark]", "Ontsteking vervangen.")
        desk.click(f"form[action='{reverse('contractors:order-report', args=[order.code])}'] button")
        desk.wait_for_load_state()
        screenshot(desk, "09-contractor-reported")
        assert serious_violations(desk) == []
    finally:
        contractor_context.close()
    order.refresh_from_db()
    request.refresh_from_db()
    assert order.status == OrderStatus.TECHNICALLY_DONE and order.accepted_at is not None
    assert request.status == RequestStatus.TECHNICALLY_DONE

    # The tenant grades the repair on the request's page.
    page.goto(reverse("portal:repairs-request", args=[request.pk]))
    page.check("input[name=fixed][value=yes]")
    page.check("input[name=grade][value='8']")
    screenshot(page, "10-grade-form")
    page.click("form.grade-form button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "11-graded")
    assert serious_violations(page) == []
    response = SatisfactionResponse.objects.get(request=request)
    assert response.grade == 8 and response.fixed

    steps = list(
        JournalEvent.objects.filter(activity="wizard_step").values_list("facts__step", "facts__problem")
    )
    assert ("outcome_shown", "tap-dripping") in steps and ("outcome_shown", "boiler-broken") in steps
    assert JournalEvent.objects.filter(activity="repair_request_submitted").count() == 1
    done = {"work_order_accepted", "work_order_reported", "satisfaction_recorded"}
    assert done <= set(JournalEvent.objects.values_list("activity", flat=True))


def firsts(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day = (day + dt.timedelta(days=32)).replace(day=1)


def test_another_tenant_arranges_a_payment_plan(page, browser_context, live_server):
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
    screenshot(page, "20-rent-account")
    page.goto(reverse("portal:account-arrangement"))
    page.select_option("select[name=count]", "3")
    page.fill("input[name=start_date]", today.isoformat())
    screenshot(page, "21-arrangement-form")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "22-arrangement-made")
    assert serious_violations(page) == []

    arrangement = Arrangement.objects.get(tenancy=tenancy)
    assert arrangement.status == ArrangementStatus.ACTIVE and arrangement.self_service
    assert arrangement.instalments.count() == 3
    assert page.locator("select[name=count]").count() == 0
