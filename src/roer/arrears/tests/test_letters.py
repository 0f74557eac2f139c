"""Letters: recipients, the PDF and its text, escaping, e-mail, the day's print batch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from roer.arrears import letters as letter_rules
from roer.arrears.constants import LetterKind, RecipientRole, Route
from roer.arrears.models import Letter, PrintBatch
from roer.arrears.selectors import tenancy_files
from roer.arrears.services.letters import (
    LetterFacts,
    letters_send,
    print_batch_build,
    recipients_for,
)
from roer.arrears.tests.factories import EpisodeFactory, co_tenant, media, tenancy_with_ledger
from roer.core.rules import live_version

__all__ = ["media"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

DAY = dt.date(2026, 10, 12)


def _send(tenancy, kind=LetterKind.FINAL_NOTICE, route=Route.AUTOMATED, facts=None, day=DAY):
    file = tenancy_files(ids=[tenancy.pk], day=day, grace_days=5)[tenancy.pk]
    return letters_send(
        tenancy=tenancy,
        episode=EpisodeFactory(tenancy=tenancy),
        kind=kind,
        route=route,
        letter_date=day,
        recipients=recipients_for(tenancy=tenancy, parties=file.parties, day=day),
        facts=facts
        or LetterFacts(arrears=Decimal("1500.00"), costs=Decimal("225.00"), deadline=dt.date(2026, 10, 28)),
        version=live_version(letter_rules.KEY),
    )


def test_a_final_notice_is_a_pdf_stating_the_exact_costs_and_the_deadline():
    tenancy = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="")

    (letter,) = _send(tenancy)

    with letter.pdf.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    html = letter.html
    assert "€ 225,00" in html and "28 oktober 2026" in html and "€ 1.500,00" in html
    assert letter.deadline == dt.date(2026, 10, 28) and letter.costs == Decimal("225.00")
    assert letter.channel == "BRI" and letter.rule_version.rule_set.key == "collections-letters"
    assert letter.recipient_address.splitlines()[0].startswith(tenancy.dwelling.street)


def test_letters_go_to_the_administrator_with_a_copy_to_the_tenant_and_to_each_co_tenant():
    tenancy = tenancy_with_ledger(
        start=dt.date(2025, 1, 1),
        until=dt.date(2026, 10, 1),
        email="",
        administrator_name="Bewindvoering Noord B.V.",
        administrator_address="Postbus 12\n9700 AA  GRONINGEN",
    )
    co_tenant(tenancy, email="")

    letters = _send(tenancy)

    assert sorted(letter.recipient_role for letter in letters) == sorted(
        [RecipientRole.ADMINISTRATOR, RecipientRole.TENANT, RecipientRole.CO_TENANT]
    )
    administrator = next(letter for letter in letters if letter.recipient_role == RecipientRole.ADMINISTRATOR)
    assert administrator.recipient_address == "Postbus 12\n9700 AA  GRONINGEN"
    copy = next(letter for letter in letters if letter.recipient_role == RecipientRole.TENANT)
    assert "Dit is een kopie" in copy.html and "Bewindvoering Noord B.V." in copy.html
    assert len({letter.idempotency_key for letter in letters}) == 3


def test_free_text_is_escaped():
    tenancy = tenancy_with_ledger(
        start=dt.date(2025, 1, 1),
        until=dt.date(2026, 10, 1),
        email="",
        name="<script>alert('x')</script> & Zn",
    )

    (letter,) = _send(tenancy, kind=LetterKind.REMINDER)

    html = letter.html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp; Zn" in html


def test_a_letter_is_made_once_per_recipient_and_episode():
    tenancy = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="")
    file = tenancy_files(ids=[tenancy.pk], day=DAY, grace_days=5)[tenancy.pk]
    episode = EpisodeFactory(tenancy=tenancy)
    arguments = {
        "tenancy": tenancy,
        "episode": episode,
        "kind": LetterKind.REMINDER,
        "route": Route.AUTOMATED,
        "letter_date": DAY,
        "recipients": recipients_for(tenancy=tenancy, parties=file.parties, day=DAY),
        "facts": LetterFacts(arrears=Decimal("750.00")),
        "version": live_version(letter_rules.KEY),
    }

    assert len(letters_send(**arguments)) == 1
    assert letters_send(**arguments) == []
    assert Letter.objects.count() == 1


def test_a_tenant_with_an_email_address_gets_the_letter_by_email(django_capture_on_commit_callbacks):
    tenancy = tenancy_with_ledger(
        start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="an@example.nl"
    )

    with django_capture_on_commit_callbacks(execute=True):
        (letter,) = _send(tenancy, kind=LetterKind.REMINDER)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.nl"]
    assert message.subject == "Herinnering: uw huur is nog niet betaald"
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content[:4] == b"%PDF"
    letter.refresh_from_db()
    assert letter.channel == "EMA" and letter.emailed_at is not None and letter.print_batch is None


def test_the_days_posted_letters_come_out_as_one_print_batch():
    first = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="")
    second = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="")
    emailed = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="e@example.nl")
    for tenancy in (first, second, emailed):
        _send(tenancy, kind=LetterKind.REMINDER)
    _send(
        tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email=""),
        day=DAY + dt.timedelta(days=1),
    )

    batch = print_batch_build(day=DAY)

    assert batch is not None and PrintBatch.objects.count() == 1
    assert set(batch.letters.values_list("tenancy", flat=True)) == {first.pk, second.pk}
    with batch.pdf.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert print_batch_build(day=DAY).pk == batch.pk  # one batch per day, made again when letters join


def test_the_html_is_kept_on_the_letter_and_the_print_batch_is_the_letters_own_pdfs(
    media, settings, monkeypatch
):
    settings.CORPORATION_PHONE = "050 - 765 43 21"
    settings.CORPORATION_OFFICE_HOURS = "ma-do 9.00-16.00"
    from roer.arrears.services import letters as letter_services

    printed: list[str] = []
    render = letter_services.document_html

    def capture(fragments, *, title):
        printed.extend(fragments)
        return render(fragments, title=title)

    monkeypatch.setattr(letter_services, "document_html", capture)
    first = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="")
    second = tenancy_with_ledger(start=dt.date(2025, 1, 1), until=dt.date(2026, 10, 1), email="")
    (letter,) = _send(first, kind=LetterKind.REMINDER)
    (other,) = _send(second, kind=LetterKind.REMINDER)

    stored = Letter.objects.get(pk=letter.pk)
    assert stored.html.startswith("<article") and "050 - 765 43 21" in stored.html
    assert "ma-do 9.00-16.00" in stored.html
    assert printed == [stored.html, Letter.objects.get(pk=other.pk).html]  # each PDF is made from its HTML
    # Only the PDF goes to storage: no HTML file beside it.
    assert [p.name for p in media.rglob("*.html")] == []

    batch = print_batch_build(day=DAY)
    assert batch is not None
    assert len(printed) == 2  # the batch lays nothing out again: it is the letters' PDFs one after the other
    pages = [len(PdfReader(item.pdf.open("rb")).pages) for item in (stored, other)]
    with batch.pdf.open("rb") as handle:
        assert len(PdfReader(handle).pages) == sum(pages)
