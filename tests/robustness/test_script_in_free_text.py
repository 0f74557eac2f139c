"""Script in free text shows as text everywhere: in the portal, the console, the contractors' area, the letters
(the HTML their PDF is made from) and the e-mails.

Each free-text field a tenant, a contractor, a payer or a person at the corporation can fill gets a payload
with its own marker; each page that shows the field must show it escaped, and never as markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from roer.arrears.documents.render import document_html
from roer.arrears.models import Letter
from roer.arrears.services.run import collections_run
from roer.arrears.tests.factories import tenancy_with_ledger
from roer.arrears.tests.test_run import OCTOBER, late_payer
from roer.casework.models import CaseNote
from roer.core.models import OutboxMessage
from roer.repairs.constants import OrderFlag, SatisfactionChannel
from roer.repairs.models import SatisfactionResponse
from tests.security.conftest import World, w, world

__all__ = ["w", "world"]


def payload(marker: str) -> str:
    return f"{marker}<script>alert('{marker}')</script>\"><img src=x onerror=alert('{marker}')>"


def assert_shown_as_text(html: str, marker: str, where: str) -> None:
    text = payload(marker)
    assert escape(text) in html, f"{where}: the {marker} text is not shown (escaped) at all"
    assert f"<script>alert('{marker}')" not in html, f"{where}: the {marker} script is live markup"
    assert f"<img src=x onerror=alert('{marker}')" not in html, f"{where}: the {marker} image is live markup"


@pytest.fixture
def hostile(w: World) -> World:
    """Every free-text field of tenant A's world holds a payload."""
    assert w.repair_a and w.order_a and w.case_a and w.arrangement_a and w.bank_entry and w.health_note
    w.repair_a.description = payload("repair-description")
    w.repair_a.cancelled_reason = payload("cancel-reason")
    w.repair_a.save(update_fields=["description", "cancelled_reason"])
    w.order_a.remark = payload("flag-note")
    w.order_a.flag = OrderFlag.WRONG_TRADE
    w.order_a.flagged_at = timezone.now()
    w.order_a.save(update_fields=["remark", "flag", "flagged_at"])
    w.callback_a.note = payload("callback-note")
    w.callback_a.outcome = payload("callback-outcome")
    w.callback_a.save(update_fields=["note", "outcome"])
    SatisfactionResponse.objects.create(
        request=w.repair_a,
        grade=3,
        fixed=False,
        comment=payload("grade-comment"),
        channel=SatisfactionChannel.PORTAL,
        problem_id=w.repair_a.problem_id,
        wizard_version=w.repair_a.wizard_version,
        intake_channel=w.repair_a.channel,
    )
    CaseNote.objects.filter(case=w.case_a).exclude(pk=w.health_note.pk).update(text=payload("case-note"))
    w.arrangement_a.decision_note = payload("arrangement-remark")
    w.arrangement_a.save(update_fields=["decision_note"])
    w.bank_entry.remittance_info = payload("remittance")
    w.bank_entry.save(update_fields=["remittance_info"])
    return w


def _page(w: World, role: str, url: str) -> str:
    response = w.client(role).get(url)
    assert response.status_code == 200, (role, url, response.status_code)
    return response.content.decode()


def test_the_tenant_sees_their_own_words_as_text(hostile: World) -> None:
    w = hostile
    assert w.repair_a
    page = _page(w, "tenant_a", reverse("portal:repairs-request", args=[w.repair_a.pk]))
    assert_shown_as_text(page, "repair-description", "portal repair page")
    assert_shown_as_text(page, "cancel-reason", "portal repair page")
    assert_shown_as_text(page, "grade-comment", "portal repair page")
    page = _page(w, "tenant_a", reverse("portal:callback-detail", args=[w.callback_a.pk]))
    assert_shown_as_text(page, "callback-note", "portal callback page")


def test_the_console_shows_tenants_contractors_and_payers_words_as_text(hostile: World) -> None:
    w = hostile
    assert w.repair_a and w.case_a and w.bank_entry
    page = _page(w, "customer_service", reverse("console:repair_detail", args=[w.repair_a.pk]))
    for marker in ("repair-description", "cancel-reason", "flag-note", "grade-comment"):
        assert_shown_as_text(page, marker, "console repair page")
    page = _page(w, "customer_service", reverse("console:callback_handle", args=[w.callback_a.pk]))
    assert_shown_as_text(page, "callback-note", "console callback page")
    assert_shown_as_text(page, "callback-outcome", "console callback page")
    page = _page(w, "social_manager", reverse("console:case_detail", args=[w.case_a.pk]))
    assert_shown_as_text(page, "case-note", "console case page")
    assert_shown_as_text(page, "arrangement-remark", "console case page")
    page = _page(w, "finance_officer", reverse("console:unmatched_entry", args=[w.bank_entry.pk]))
    assert_shown_as_text(page, "remittance", "console bank entry page")
    page = _page(w, "finance_officer", reverse("console:unmatched"))
    assert_shown_as_text(page, "remittance", "console unmatched queue")


def test_a_refused_contact_form_gives_the_summary_back_as_text(hostile: World) -> None:
    w = hostile
    assert w.tenancy_a
    response = w.client("customer_service").post(
        reverse("console:contact_new", args=[w.tenancy_a.pk]),
        {"summary": payload("contact-summary"), "happened_at": "not a moment"},
    )
    assert response.status_code == 200  # refused: the form comes back with what was typed
    assert_shown_as_text(response.content.decode(), "contact-summary", "console contact form")


def test_the_contractor_sees_the_tenants_words_and_their_own_as_text(hostile: World) -> None:
    w = hostile
    assert w.order_a
    page = _page(w, "contractor_x", reverse("contractors:order", args=[w.order_a.code]))
    assert_shown_as_text(page, "repair-description", "contractor order page")
    assert_shown_as_text(page, "flag-note", "contractor order page")


@pytest.mark.django_db
def test_a_letter_and_its_e_mail_carry_a_hostile_name_as_text(
    settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Names come from the ERP or the desk: a letter is HTML made into a PDF, its e-mail is plain text."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tenancy = tenancy_with_ledger(
        start=dt.date(2022, 1, 1),
        until=OCTOBER,
        pays=late_payer,
        unpaid=[OCTOBER],
        name=payload("tenant-name"),
        email="huurder@example.nl",
    )

    with django_capture_on_commit_callbacks(execute=True):
        collections_run(run_date=dt.date(2026, 10, 9))

    letter = Letter.objects.get(tenancy=tenancy)
    assert_shown_as_text(letter.html, "tenant-name", "letter HTML")
    assert_shown_as_text(document_html([letter.html], title="batch"), "tenant-name", "print document HTML")
    mail = OutboxMessage.objects.get(key=f"letter-email:{letter.idempotency_key}")
    # Plain text only: no HTML part a mail program could render the name in.
    assert mail.alternatives == []
    assert "<img" not in mail.subject
